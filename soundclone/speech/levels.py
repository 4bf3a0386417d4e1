"""Peak control shared by synthesis and the effects: a soft limiter that never clips hard."""

from __future__ import annotations

import numpy as np

PEAK_CEILING = 0.99
LIMIT_KNEE = 0.9                     # below this the limiter is the identity
LIMIT_HOLD_SAMPLES = 256             # the limiter's gain moves over about this many samples


def soft_limit(audio: np.ndarray, ceiling: float = PEAK_CEILING, knee: float = LIMIT_KNEE) -> np.ndarray:
    """The identity when no peak passes `knee`. Otherwise the gain rides down smoothly around each such peak
    (over LIMIT_HOLD_SAMPLES either side) until it sits at `knee`; a tanh bend between `knee` and `ceiling`
    catches whatever float rounding leaves, so no sample ever reaches `ceiling`."""
    audio = np.asarray(audio, dtype=np.float32)
    magnitude = np.abs(audio)
    if magnitude.size == 0 or magnitude.max() <= knee:
        return audio
    ridden = (audio * riding_gain(knee / np.maximum(magnitude, knee), LIMIT_HOLD_SAMPLES)).astype(np.float32)
    magnitude = np.abs(ridden)
    span = ceiling - knee
    bent = knee + span * np.tanh((magnitude - knee) / span)
    return (np.sign(ridden) * np.where(magnitude > knee, bent, magnitude)).astype(np.float32)


def riding_gain(needed: np.ndarray, hold: int) -> np.ndarray:
    """A smooth gain never above `needed` at any sample: the minimum over each block and its two neighbours,
    interpolated between block centres (both ends of any stretch of a block come from minima that include it)."""
    blocks = -(-needed.size // hold)
    padded = np.ones(blocks * hold)
    padded[:needed.size] = needed
    minima = padded.reshape(blocks, hold).min(axis=1)
    edged = np.pad(minima, 1, mode="edge")
    spread = np.minimum(np.minimum(edged[:-2], edged[1:-1]), edged[2:])
    centers = (np.arange(blocks) + 0.5) * hold
    return np.interp(np.arange(needed.size), centers, spread)
