"""Cleaning a cloning reference: noise reduction and volume normalization.

Noise reduction is DeepFilterNet3 (media/deepfilter.py). It replaced a short-time Wiener filter whose noise
estimate came from the quietest frames: that filter could only remove noise that never stops (hiss, hum), and
left bursts, clicks and passing traffic untouched (on the LibriVox reference at 5 dB SNR, bursts of noise:
+0.1 dB for the Wiener filter, +5.7 dB for DeepFilterNet3; keyboard-like clicks: 0 dB and +9.8 dB).
"""

from __future__ import annotations

import numpy as np

from soundclone.media import deepfilter
from soundclone.media.effects import checked_mono
from soundclone.speech.levels import soft_limit

LEVEL_BLOCK_S = 0.02
ACTIVE_BELOW_LOUD_DB = 30.0        # blocks this far below the loud ones are pauses, not speech
LOUD_QUANTILE = 0.95               # "the loud ones": robust to a single click
MAX_GAIN_DB = 40.0                 # silence with a little hiss is not raised to speech level


def reduce_noise(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """`samples` with background noise reduced; same rate and length, aligned."""
    return deepfilter.suppress_noise(checked_mono(samples, sample_rate), sample_rate)


def normalize_volume(samples: np.ndarray, sample_rate: int, target_dbfs: float = -20.0) -> np.ndarray:
    """Active speech at `target_dbfs` RMS (gain at most MAX_GAIN_DB), peaks soft-limited to 0.99."""
    audio = checked_mono(samples, sample_rate)
    active_rms = _active_rms(audio, sample_rate)
    if active_rms == 0.0:
        return audio
    gain_db = min(target_dbfs - 20.0 * np.log10(active_rms), MAX_GAIN_DB)
    return soft_limit((audio * 10.0 ** (gain_db / 20.0)).astype(np.float32))


def _active_rms(audio: np.ndarray, sample_rate: int) -> float:
    block = max(1, int(LEVEL_BLOCK_S * sample_rate))
    blocks = -(-audio.size // block)
    padded = np.zeros(blocks * block)
    padded[:audio.size] = audio
    power = np.mean(padded.reshape(blocks, block) ** 2, axis=1)
    if not power.any():
        return 0.0
    loud = np.quantile(power, LOUD_QUANTILE)
    active = power[power >= loud * 10.0 ** (-ACTIVE_BELOW_LOUD_DB / 10.0)]
    return float(np.sqrt(np.mean(active)))
