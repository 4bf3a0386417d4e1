"""`python -m soundclone.jobs.refine_child`: refine one draft voice (jobs/refine.py starts it, niced).

Reads one JSON request on stdin: the model directory, threads, refinement steps, and a folder holding the
reference speech (reference.npy, 16 kHz) and the draft profile; writes refined.profile into that folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from soundclone.domain.cloning import ANALYSIS_RATE
from soundclone.speech.engine import load_engine
from soundclone.speech.profile import VoiceProfile


def main() -> None:
    request = json.loads(sys.stdin.read())
    folder = Path(request["folder"])
    engine = load_engine(model_dir=Path(request["model_dir"]), threads=request["threads"],
                         refine_steps=request["refine_steps"])
    reference = np.load(folder / "reference.npy", allow_pickle=False)
    draft = VoiceProfile.from_bytes((folder / "draft.profile").read_bytes())
    refined = engine.refine(reference, ANALYSIS_RATE, draft)
    (folder / "refined.profile").write_bytes(refined.to_bytes())


if __name__ == "__main__":
    main()
