"""Emotion as prosody rules, and loudness.

Each emotion is four prosodic rules applied to the voice's own delivery, not a different voice:

| emotion   | F0 level (st) | F0 range (exponent) | rate (x speed) | energy (dB) |
| --------- | ------------- | ------------------- | -------------- | ----------- |
| neutral   |  0            | 1.00                | 1.00           |  0          |
| happy     | +2.0          | 1.25 wider          | 1.06 faster    | +1.5        |
| angry     | +1.5          | 1.30 wider          | 1.08 faster    | +3.0        |
| sad       | -2.0          | 0.75 narrower       | 0.86 slower    | -2.5        |
| fearful   | +2.5          | 1.20 wider          | 1.12 faster    | -1.0        |
| surprised | +3.0          | 1.40 wider          | 1.00           | +1.5        |
| disgusted | -1.5          | 1.15 wider          | 0.90 slower    | -1.5        |

- F0 level shifts the whole contour (semitones, on top of the requested pitch).
- F0 range is the exponent r in f0' = c * (f0 / c) ** r, c being the voice's own median F0 (the engine
  supplies it): r > 1 widens the contour around its level, r < 1 flattens it; r = 1.25 turns a contour
  spanning 6 semitones into one spanning 7.5, at the same median.
- Rate multiplies the requested speed; energy is a gain after loudness normalization.

Directions, from the reviews of acoustic profiles of vocal emotion:
- Scherer, K. R. (2003). Vocal communication of emotion: A review of research paradigms. Speech
  Communication 40, 227-256 (Table: anger and joy raise intensity, F0 mean, F0 variability and range, and
  rate; fear/panic raises intensity, F0 mean and range, and rate; sadness lowers intensity, F0 mean,
  F0 variability and range, and rate).
- Juslin, P. N., & Laukka, P. (2003). Communication of emotions in vocal expression and music
  performance: Different channels, same code? Psychological Bulletin 129, 770-814 (anger: fast, loud, high
  and variable F0; happiness: fast, medium-high intensity, high and variable F0; sadness: slow, soft, low
  F0 with little variability; fear: fast, high F0, low intensity except panic fear).
- Murray, I. R., & Arnott, J. L. (1993). Toward the simulation of emotion in synthetic speech: A review
  of the literature on human vocal emotion. JASA 93, 1097-1108 (the only one of the three with disgust:
  much slower, much lower pitch, slightly wider range, lower intensity; fear: much wider range, normal
  intensity).
- Surprise is in none of these; Pell, M. D., Paulmann, S., Dara, C., Alasseri, A., & Kotz, S. A. (2009).
  Factors in the recognition of vocally expressed emotions: A comparison of four languages. Journal of
  Phonetics 37, 417-435, find (pleasant) surprise among the highest in F0 mean and the widest in F0
  range; no consistent rate or intensity effect, so the rate stays neutral and the gain mild.

Where the sources disagree the rule takes the milder side: fear's F0 variability (wider in Scherer and
Murray & Arnott, little in Juslin & Laukka) gets a moderate widening, and its intensity (panic louder,
anxiety softer) a small cut. Magnitudes are kept moderate, well inside what the model renders cleanly
(research/kokoro-onnx-graph.md: +-4 semitones keeps quality, +8 does not), so the cloned timbre and
intelligibility survive (DNSMOS and Whisper WER of every emotion stay at neutral's).

What synthesis delivers, measured by tests/speech/test_controls.py against neutral on the same sentence:
the F0 level within 0.2 st of the rule, the contour's 10-90 % spread x1.15-1.34 for the widened emotions
and x0.76 for sad, the energy to 0.01 dB. Durations move less than 1/rate (x0.94-0.96 for the faster
emotions, x1.07-1.11 for the slower): the model rounds each phoneme to whole 25 ms frames, at least one,
which blunts small rate changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soundclone.speech.levels import soft_limit


@dataclass(frozen=True)
class Prosody:
    semitones: float   # F0 level shift
    f0_range: float    # exponent on the contour around the voice's median F0: >1 wider, <1 flatter
    rate: float        # multiplies the speaking rate
    gain_db: float     # level change


EMOTION_PROSODY = {
    "neutral": Prosody(0.0, 1.00, 1.00, 0.0),
    "happy": Prosody(2.0, 1.25, 1.06, 1.5),
    "angry": Prosody(1.5, 1.30, 1.08, 3.0),
    "sad": Prosody(-2.0, 0.75, 0.86, -2.5),
    "fearful": Prosody(2.5, 1.20, 1.12, -1.0),
    "surprised": Prosody(3.0, 1.40, 1.00, 1.5),
    "disgusted": Prosody(-1.5, 1.15, 0.90, -1.5),
}

TARGET_RMS_DBFS = -20.0
ACTIVE_BELOW_PEAK_DB = 40.0
ANALYSIS_BLOCK = 480  # 20 ms at 24 kHz


def normalize_loudness(samples: np.ndarray, gain: float, *, like: np.ndarray | None = None) -> np.ndarray:
    """Bring the active (non-silent) part to TARGET_RMS_DBFS, apply `gain`, then soft-limit peaks. With `like`
    (an earlier piece of the same sentence), the level is measured on that piece, so the two stay level."""
    audio = np.asarray(samples, np.float32)
    if not audio.size or not np.any(audio):
        return audio
    rms = _active_rms(np.asarray(like if like is not None else audio, np.float32))
    scaled = audio * (10 ** (TARGET_RMS_DBFS / 20) / max(rms, 1e-6)) * gain
    return soft_limit(scaled)


def _active_rms(audio: np.ndarray) -> float:
    blocks = audio[: len(audio) // ANALYSIS_BLOCK * ANALYSIS_BLOCK].reshape(-1, ANALYSIS_BLOCK)
    if not len(blocks):
        return float(np.sqrt(np.mean(audio ** 2)))
    levels = np.sqrt(np.mean(blocks.astype(np.float64) ** 2, axis=1))
    active = levels[levels > levels.max() * 10 ** (-ACTIVE_BELOW_PEAK_DB / 20)]
    return float(np.sqrt(np.mean(active ** 2)))
