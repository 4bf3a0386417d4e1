"""Emotion as prosody, and loudness.

Directions follow the acoustic profiles reviewed by Scherer (2003, "Vocal communication of
emotion", Speech Communication 40) and Juslin & Laukka (2003, Psychological Bulletin 129):
joy and anger raise F0 level and intensity and speed up; sadness lowers F0, intensity and rate;
fear raises F0 and rate; surprise raises F0 most; disgust lowers F0 and slows down. Magnitudes
are kept moderate so the cloned timbre survives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soundclone.speech.levels import soft_limit


@dataclass(frozen=True)
class Prosody:
    semitones: float   # F0 level shift
    rate: float        # multiplies the speaking rate
    gain_db: float     # level change


EMOTION_PROSODY = {
    "neutral": Prosody(0.0, 1.00, 0.0),
    "happy": Prosody(2.0, 1.06, 1.5),
    "angry": Prosody(1.0, 1.08, 3.0),
    "sad": Prosody(-2.0, 0.86, -2.5),
    "fearful": Prosody(2.5, 1.12, -1.0),
    "surprised": Prosody(3.5, 1.02, 1.5),
    "disgusted": Prosody(-1.0, 0.92, 0.0),
}

TARGET_RMS_DBFS = -20.0
ACTIVE_BELOW_PEAK_DB = 40.0
ANALYSIS_BLOCK = 480  # 20 ms at 24 kHz


def normalize_loudness(samples: np.ndarray, gain: float) -> np.ndarray:
    """Bring the active (non-silent) part to TARGET_RMS_DBFS, apply `gain`, then soft-limit peaks."""
    audio = np.asarray(samples, np.float32)
    if not audio.size or not np.any(audio):
        return audio
    rms = _active_rms(audio)
    scaled = audio * (10 ** (TARGET_RMS_DBFS / 20) / max(rms, 1e-6)) * gain
    return soft_limit(scaled)


def _active_rms(audio: np.ndarray) -> float:
    blocks = audio[: len(audio) // ANALYSIS_BLOCK * ANALYSIS_BLOCK].reshape(-1, ANALYSIS_BLOCK)
    if not len(blocks):
        return float(np.sqrt(np.mean(audio ** 2)))
    levels = np.sqrt(np.mean(blocks.astype(np.float64) ** 2, axis=1))
    active = levels[levels > levels.max() * 10 ** (-ACTIVE_BELOW_PEAK_DB / 20)]
    return float(np.sqrt(np.mean(active ** 2)))
