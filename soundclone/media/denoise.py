"""Cleaning a cloning reference: noise reduction and volume normalization.

Noise reduction is a short-time Wiener filter. The noise spectrum is the mean spectrum of the quietest frames (a
speaker pauses, the noise does not). Each cell's gain follows Ephraim and Malah's decision-directed estimate of its
speech-to-noise ratio, which leans on the previous frame's cleaned output: isolated noise peaks no longer open the
gate for one frame at a time, and that is what removes the "musical" twitter plain spectral subtraction leaves.
"""

from __future__ import annotations

import numpy as np

from soundclone.media.effects import checked_mono
from soundclone.speech.levels import soft_limit

FRAME_S = 0.032
HOPS_PER_FRAME = 4
QUIET_FRAMES_SHARE = 0.1           # the quietest 10% of frames define the noise floor
DECISION_DIRECTED_WEIGHT = 0.9     # how much of a cell's SNR estimate comes from the previous cleaned frame
GAIN_FLOOR_DB = -20.0              # no cell is cut by more: deeper cuts sound hollow and smear consonants
GAIN_SMOOTH_BINS = 3
TINY_POWER = 1e-12

LEVEL_BLOCK_S = 0.02
ACTIVE_BELOW_LOUD_DB = 30.0        # blocks this far below the loud ones are pauses, not speech
LOUD_QUANTILE = 0.95               # "the loud ones": robust to a single click
MAX_GAIN_DB = 40.0                 # silence with a little hiss is not raised to speech level


def reduce_noise(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """`samples` with stationary background noise reduced; same length."""
    audio = checked_mono(samples, sample_rate)
    size = _frame_size(sample_rate)
    hop = size // HOPS_PER_FRAME
    if audio.size < 2 * size:
        return audio
    window = np.hanning(size + 1)[:size]  # periodic Hann: squared, its hops sum to a constant
    spectra = np.fft.rfft(_frames(np.pad(audio.astype(np.float64), size), size, hop) * window, axis=1)
    power = np.abs(spectra) ** 2
    gain = _wiener_gains(power, _noise_power(power))
    cleaned = np.fft.irfft(spectra * gain, size, axis=1) * window
    return _overlap_add(cleaned, hop, window)[size:size + audio.size].astype(np.float32)


def normalize_volume(samples: np.ndarray, sample_rate: int, target_dbfs: float = -20.0) -> np.ndarray:
    """Active speech at `target_dbfs` RMS (gain at most MAX_GAIN_DB), peaks soft-limited to 0.99."""
    audio = checked_mono(samples, sample_rate)
    active_rms = _active_rms(audio, sample_rate)
    if active_rms == 0.0:
        return audio
    gain_db = min(target_dbfs - 20.0 * np.log10(active_rms), MAX_GAIN_DB)
    return soft_limit((audio * 10.0 ** (gain_db / 20.0)).astype(np.float32))


def _frame_size(sample_rate: int) -> int:
    """FRAME_S rounded up to a power of two, and a multiple of HOPS_PER_FRAME."""
    return max(HOPS_PER_FRAME, 1 << int(np.ceil(np.log2(FRAME_S * sample_rate))))


def _frames(audio: np.ndarray, size: int, hop: int) -> np.ndarray:
    count = 1 + max(0, audio.size - size) // hop
    return np.lib.stride_tricks.sliding_window_view(audio, size)[::hop][:count]


def _noise_power(power: np.ndarray) -> np.ndarray:
    energy = power.sum(axis=1)
    quiet = energy <= np.quantile(energy, QUIET_FRAMES_SHARE)
    return np.maximum(power[quiet].mean(axis=0), TINY_POWER)


def _wiener_gains(power: np.ndarray, noise: np.ndarray) -> np.ndarray:
    posterior = power / noise
    floor = 10.0 ** (GAIN_FLOOR_DB / 20.0)
    gains = np.empty_like(power)
    previous = np.zeros(power.shape[1])  # the previous frame's cleaned power over the noise
    for index, frame in enumerate(posterior):
        prior = (DECISION_DIRECTED_WEIGHT * previous
                 + (1.0 - DECISION_DIRECTED_WEIGHT) * np.maximum(frame - 1.0, 0.0))
        gain = np.maximum(prior / (1.0 + prior), floor)
        gains[index] = gain
        previous = gain ** 2 * frame
    kernel = np.ones(GAIN_SMOOTH_BINS) / GAIN_SMOOTH_BINS
    return np.apply_along_axis(np.convolve, 1, gains, kernel, mode="same")


def _overlap_add(frames: np.ndarray, hop: int, window: np.ndarray) -> np.ndarray:
    size = frames.shape[1]
    out = np.zeros(hop * (frames.shape[0] - 1) + size)
    for offset in range(HOPS_PER_FRAME):
        # every HOPS_PER_FRAME-th frame starts where the one before it ends: together they are one contiguous run
        run = frames[offset::HOPS_PER_FRAME].reshape(-1)
        out[offset * hop:offset * hop + run.size] += run
    return out / (np.sum(window ** 2) / hop)


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
