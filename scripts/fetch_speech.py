"""Extract real human speech used by tests and benchmarks from registry packages.

The LibriVox excerpts (public domain recordings; pocketsphinx is BSD-2-Clause) ship in the
pocketsphinx source distribution on PyPI under test/data/librivox/. We download that one
archive by its pinned URL, check its sha256, and unpack only the speech and transcripts into
.cache/speech/librivox/. Nothing here is committed.
"""

from __future__ import annotations

import hashlib
import sys
import tarfile
import urllib.request
import wave
from pathlib import Path

SDIST_URL = (
    "https://files.pythonhosted.org/packages/61/e7/"
    "13e0e787ff467218de880310d79cba14424f13b87171ac44af0bde1e428c/pocketsphinx-5.1.1.tar.gz"
)
SDIST_SHA256 = "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"
MEMBER_PREFIX = "pocketsphinx-5.1.1/test/data/librivox/"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "speech"
LIBRIVOX = CACHE / "librivox"
REFERENCE = CACHE / "librivox_reference.wav"  # the five clips joined: 24.7 s, one male reader


def _download(dest: Path) -> None:
    tmp = dest.with_suffix(".part")
    digest = hashlib.sha256()
    with urllib.request.urlopen(SDIST_URL, timeout=120) as response, open(tmp, "wb") as out:
        while block := response.read(1 << 20):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != SDIST_SHA256:
        tmp.unlink(missing_ok=True)
        raise SystemExit(f"pocketsphinx sdist sha256 mismatch: got {digest.hexdigest()}")
    tmp.replace(dest)


def _extract(archive: Path) -> None:
    LIBRIVOX.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = member.name
            if not name.startswith(MEMBER_PREFIX) or not member.isfile():
                continue
            if not name.endswith((".wav", ".txt")):
                continue
            target = LIBRIVOX / Path(name).name
            with tar.extractfile(member) as src:
                target.write_bytes(src.read())


def _join_reference() -> None:
    clips = sorted(LIBRIVOX.glob("*.wav"))
    frames, params = [], None
    for clip in clips:
        with wave.open(str(clip), "rb") as w:
            params = w.getparams()
            frames.append(w.readframes(w.getnframes()))
    with wave.open(str(REFERENCE), "wb") as out:
        out.setparams(params)
        for block in frames:
            out.writeframes(block)


def main() -> int:
    if REFERENCE.exists() and len(list(LIBRIVOX.glob("*.wav"))) == 5:
        return 0
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / "pocketsphinx-5.1.1.tar.gz"
    if not archive.exists():
        print("downloading pocketsphinx sdist (34 MB) for the LibriVox speech fixtures", file=sys.stderr)
        _download(archive)
    _extract(archive)
    _join_reference()
    archive.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
