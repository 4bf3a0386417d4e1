"""Recompute the voice packs' GE2E embeddings that ship with the code (soundclone/speech/kokoro/data/).

Enrollment ranks the packs by how close their speech is to the reference (kokoro/inversion.py). Speaking
the training sentences in all 54 packs takes about 7 minutes on two cores, too long for a worker's start or
a test run, so the table is computed here once and committed; it is used only while its fingerprint (the
packs' bytes and the sentences) matches, and tests/speech/test_inversion.py recomputes two packs to check it.
Run after changing the packs, the training sentences or the speaker encoder:

    .venv/bin/python scripts/build_pack_embeddings.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soundclone.speech.kokoro import inversion  # noqa: E402
from soundclone.speech.kokoro.engine import KokoroEngine  # noqa: E402

DIGITS = 6


def main() -> None:
    engine = KokoroEngine.load(model_dir=ROOT / ".cache" / "models")
    started = time.monotonic()
    table = inversion.StyleInverter(engine).compute_pack_embeddings()
    shipped = {"fingerprint": inversion.pack_fingerprint(engine.packs),
               "embeddings": {name: [round(v, DIGITS) for v in vector] for name, vector in table.items()}}
    target = Path(inversion.__file__).parent / inversion.SHIPPED_PACK_EMBEDDINGS
    target.write_text(json.dumps(shipped, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(table)} pack embeddings in {time.monotonic() - started:.0f} s -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
