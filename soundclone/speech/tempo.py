"""Speaking rate beyond what the model does well: a pitch-preserving time stretch (Rubber Band, through
Spotify's `pedalboard` wheel, which carries the library; no system package).

The model's own speed input only shortens or lengthens its predicted durations. Measured on two system voices
(docs/engine.md, "Speaking rate"): beyond about ±25 % it garbles words (at 2.0 Whisper's WER rose to 0.25–0.33;
at 3.0 and 4.0 the durations hit their one-frame floor and the audio stopped getting shorter), while the model
at a moderate rate plus Rubber Band for the rest kept WER at 0 from 0.25 to 2.0 and reached every rate exactly.
"""

from __future__ import annotations

import numpy as np

MODEL_RATE_LIMITS = (0.8, 1.25)   # what the duration predictor is asked for; the rest is stretched


def split_rate(rate: float) -> tuple[float, float]:
    """(the model's speed, the stretch after it) whose product is `rate`."""
    model = float(np.clip(rate, *MODEL_RATE_LIMITS))
    return model, rate / model


def stretch(samples: np.ndarray, sample_rate: int, factor: float) -> np.ndarray:
    """`samples` played `factor` times as fast (2.0: half as long), pitch kept; the input itself for 1.0."""
    if abs(factor - 1.0) < 1e-6 or len(samples) == 0:
        return samples
    from pedalboard import time_stretch

    audio = np.ascontiguousarray(samples, np.float32)[None]
    return time_stretch(audio, float(sample_rate), float(factor), high_quality=True)[0].astype(np.float32)
