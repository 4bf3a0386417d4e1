"""Cleaning a cloning reference: spectral-gating noise reduction and volume normalization.

The noise spectrum is estimated from the quietest frames (a speaker pauses, the noise does not),
and each time-frequency cell is attenuated by how far it stands above that floor; the gain is
smoothed over time and frequency so the result has no "musical" tones.
"""

from __future__ import annotations

import numpy as np

from soundclone.media.effects import soft_limit

FRAME_S = 0.032
HOP_FRACTION = 0.25
QUIET_FRAMES_SHARE = 0.15       # the quietest 15% of frames define the noise floor
OVER_SUBTRACTION = 1.5
GAIN_FLOOR = 0.08               # never cut a cell by more than ~22 dB
SMOOTH_FRAMES = 3
SMOOTH_BINS = 3
ACTIVE_BELOW_PEAK_DB = 40.0
LEVEL_BLOCK_S = 0.02


def reduce_noise(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    audio = np.asarray(samples, np.float32)
    frame = int(FRAME_S * sample_rate)
    hop = int(frame * HOP_FRACTION)
    if len(audio) < 4 * frame:
        return audio
    window = np.hanning(frame)
    padded = np.pad(audio, (frame, frame))
    count = 1 + (len(padded) - frame) // hop
    index = np.arange(frame)[None, :] + hop * np.arange(count)[:, None]
    spectra = np.fft.rfft(padded[index] * window, axis=1)
    power = np.abs(spectra) ** 2
    energy = power.sum(axis=1)
    quiet = energy <= np.quantile(energy, QUIET_FRAMES_SHARE)
    noise = power[quiet].mean(axis=0)
    gain = np.clip(1 - OVER_SUBTRACTION * noise / np.maximum(power, 1e-12), GAIN_FLOOR, 1.0)
    gain = _smooth(gain)
    cleaned = np.fft.irfft(spectra * gain, n=frame, axis=1) * window
    out = np.zeros(len(padded))
    norm = np.zeros(len(padded))
    for i in range(count):
        out[i * hop:i * hop + frame] += cleaned[i]
        norm[i * hop:i * hop + frame] += window ** 2
    out = out / np.maximum(norm, 1e-8)
    return out[frame:frame + len(audio)].astype(np.float32)


def _smooth(gain: np.ndarray) -> np.ndarray:
    kernel_t = np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES
    kernel_f = np.ones(SMOOTH_BINS) / SMOOTH_BINS
    gain = np.apply_along_axis(lambda col: np.convolve(col, kernel_t, mode="same"), 0, gain)
    return np.apply_along_axis(lambda row: np.convolve(row, kernel_f, mode="same"), 1, gain)


def normalize_volume(samples: np.ndarray, sample_rate: int, target_dbfs: float = -20.0) -> np.ndarray:
    """The active (non-silent) part's RMS to `target_dbfs`, peaks soft-limited under 0 dBFS."""
    audio = np.asarray(samples, np.float32)
    if not np.any(audio):
        return audio
    block = max(1, int(LEVEL_BLOCK_S * sample_rate))
    usable = len(audio) // block * block
    levels = np.sqrt(np.mean(audio[:usable].reshape(-1, block).astype(np.float64) ** 2, axis=1)) if usable else \
        np.array([np.sqrt(np.mean(audio ** 2))])
    active = levels[levels > levels.max() * 10 ** (-ACTIVE_BELOW_PEAK_DB / 20)]
    rms = float(np.sqrt(np.mean(active ** 2)))
    return soft_limit(audio * (10 ** (target_dbfs / 20) / max(rms, 1e-9)))
