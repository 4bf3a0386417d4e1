"""The whole speaking-rate range of the OpenAI dialect (0.25x to 4x), measured: length and intelligibility.

    .venv/bin/python bench/speed_range.py [--voices af_heart,am_michael]

For each rate and voice it prints the audio's length against the rate-1.0 rendering (it should be 1/rate), the
words Whisper base gets wrong (WER), and the synthesis time. It compares how the engine reaches each rate
(the model's own speed up to ±25 %, then a Rubber Band time stretch: speech/tempo.py) with the model's speed
input alone. Needs the models (`make bench-models`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soundclone.domain.text import word_error_rate  # noqa: E402
from soundclone.speech import asr, tempo  # noqa: E402
from soundclone.speech.engine import SynthesisOptions, load_engine  # noqa: E402
from table import print_table  # noqa: E402

MODELS = ROOT / ".cache" / "models"
TEXT = ("The quick brown fox jumps over the lazy dog. Please call Stella and ask her to bring these things "
        "with her from the store.")
RATES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voices", default="af_heart,am_michael")
    options = parser.parse_args()
    engine = load_engine("kokoro", model_dir=MODELS)
    engine.prepare()
    rows = []
    for name in options.voices.split(","):
        voice = engine.system_voices()[name]
        base = len(_speak(engine, voice, 1.0)[0])
        for rate in RATES:
            shipped, seconds = _speak(engine, voice, rate)
            model_only = _model_only(engine, voice, rate)
            rows.append((f"{name} x{rate:g}", f"{base / len(shipped):.2f}", f"{_wer(shipped):.2f}",
                         f"{base / len(model_only):.2f}", f"{_wer(model_only):.2f}", f"{seconds:.2f}"))
    print_table("voice, rate | shipped: length ratio (want the rate), WER | model speed alone: ratio, WER | "
                "synthesis s", rows, cell_width=8)


def _speak(engine, voice, rate: float) -> tuple[np.ndarray, float]:  # noqa: ANN001
    started = time.perf_counter()
    chunks = engine.synthesize(TEXT, voice, SynthesisOptions(language="en", speed=rate))
    audio = np.concatenate([chunk.samples for chunk in chunks])
    return audio, time.perf_counter() - started


def _model_only(engine, voice, rate: float) -> np.ndarray:  # noqa: ANN001
    original = tempo.MODEL_RATE_LIMITS
    tempo.MODEL_RATE_LIMITS = (min(rate, 1.0), max(rate, 1.0))
    try:
        return _speak(engine, voice, rate)[0]
    finally:
        tempo.MODEL_RATE_LIMITS = original


def _wer(audio: np.ndarray) -> float:
    return word_error_rate(TEXT, asr.transcribe(audio, 24_000, cache=MODELS, language="en").text)


if __name__ == "__main__":
    main()
