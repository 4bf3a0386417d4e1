"""Mono float32 resampling with FFmpeg's resampler (band-limited, unlike linear interpolation)."""

from __future__ import annotations

import av
import numpy as np

BLOCK_SAMPLES = 16_384
FLOAT = "flt"
MONO = "mono"


def resample_mono(samples: np.ndarray, rate: int, out_rate: int) -> np.ndarray:
    """`samples` (1-D float32 at `rate`) at `out_rate`; the same array when the rates match."""
    mono = np.ascontiguousarray(samples, dtype=np.float32)
    if rate == out_rate or mono.size == 0:
        return mono
    resampler = av.AudioResampler(format=FLOAT, layout=MONO, rate=out_rate)
    pieces = []
    for start in range(0, mono.size, BLOCK_SAMPLES):
        frame = av.AudioFrame.from_ndarray(mono[None, start:start + BLOCK_SAMPLES], format=FLOAT, layout=MONO)
        frame.sample_rate = rate
        pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
    pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
