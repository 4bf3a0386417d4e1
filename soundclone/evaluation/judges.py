"""Speaker-similarity judges and their calibration on real speech (benchmarks only, never the API).

Two judges that share nothing (research/differentiable-kokoro.md):
- GE2E: cosine of the resemblyzer-weights encoder's embeddings (speech/speaker_encoder.py). Enrollment
  by style inversion optimizes against this encoder, so it cannot judge that method alone.
- MFCC Gaussian: exp(-Bhattacharyya distance) between per-clip MFCC Gaussians (speech/analysis.py).

All audio, real and synthetic, first passes through the telephone band (down to 8 kHz and back up to
16 kHz), so 8 kHz and 16 kHz recordings compare fairly. Raw similarities are put on a common scale with
a ceiling (mean same-speaker similarity between ~5 s chunks of real speech) and a floor (mean
different-speaker similarity between chunks): normalized = (sim - floor) / (ceiling - floor). Each
judge's equal error rate on the same chunk pairs says how far to trust it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from soundclone.speech.analysis import resample

TELEPHONE_RATE = 8_000
JUDGE_RATE = 16_000
CHUNK_S = 5.0


def telephone_band(samples: np.ndarray, rate: int) -> np.ndarray:
    """Audio limited to the telephone band: resampled to 8 kHz and back to 16 kHz."""
    narrow = resample(np.asarray(samples, np.float32), rate, TELEPHONE_RATE)
    return resample(narrow, TELEPHONE_RATE, JUDGE_RATE)


def chunks(samples: np.ndarray, rate: int, seconds: float = CHUNK_S) -> list[np.ndarray]:
    """Split into equal pieces as close to `seconds` long as possible (at least one piece)."""
    samples = np.asarray(samples)
    count = max(1, int(round(len(samples) / (seconds * rate))))
    return [piece for piece in np.array_split(samples, count) if len(piece)]


class Judge(Protocol):
    name: str

    def features(self, samples16k: np.ndarray) -> Any: ...

    def score(self, a: Any, b: Any) -> float: ...


class GE2EJudge:
    name = "GE2E"

    def features(self, samples16k: np.ndarray) -> np.ndarray:
        from soundclone.speech.speaker_encoder import shared_encoder

        return shared_encoder().embed(samples16k, JUDGE_RATE)

    def score(self, a: np.ndarray, b: np.ndarray) -> float:
        from soundclone.speech.speaker_encoder import cosine

        return cosine(a, b)


class MFCCJudge:
    name = "MFCC"

    def features(self, samples16k: np.ndarray):  # noqa: ANN201
        from soundclone.speech.analysis import SpeakerStats

        return SpeakerStats.of(samples16k, JUDGE_RATE)

    def score(self, a, b) -> float:  # noqa: ANN001
        return a.similarity(b)


def judge_features(judge: Judge, samples: np.ndarray, rate: int) -> Any:
    """The judge's features of audio at any rate, after the telephone band."""
    return judge.features(telephone_band(samples, rate))


@dataclass(frozen=True)
class LabelledChunk:
    speaker: str    # the speaker entry (a folder)
    person: str     # the human: two entries of one person are neither same- nor different-speaker pairs
    features: Any


@dataclass(frozen=True)
class Calibration:
    ceiling: float
    floor: float
    eer: float
    same_pairs: int
    different_pairs: int

    def normalize(self, similarity: float) -> float:
        return normalized_score(similarity, self.floor, self.ceiling)


def normalized_score(similarity: float, floor: float, ceiling: float) -> float:
    """0 at the different-speaker floor, 1 at the same-speaker ceiling."""
    span = ceiling - floor
    if span <= 0:
        raise ValueError(f"ceiling {ceiling} must be above floor {floor}")
    return (similarity - floor) / span


def pair_scores(judge: Judge, items: Sequence[LabelledChunk]) -> tuple[np.ndarray, np.ndarray]:
    """Scores of all same-speaker pairs and all different-person pairs."""
    same, different = [], []
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a.speaker == b.speaker:
                same.append(judge.score(a.features, b.features))
            elif a.person != b.person:
                different.append(judge.score(a.features, b.features))
    return np.array(same), np.array(different)


def equal_error_rate(same: Sequence[float], different: Sequence[float]) -> float:
    """The rate where false rejections of same-speaker pairs equal false acceptances of different ones.

    A pair is accepted when its score >= threshold; between the thresholds where the two rates cross,
    the EER is interpolated linearly.
    """
    same, different = np.sort(np.asarray(same, float)), np.sort(np.asarray(different, float))
    if not len(same) or not len(different):
        raise ValueError("need at least one same-speaker and one different-speaker score")
    thresholds = np.append(np.unique(np.concatenate([same, different])), np.inf)
    false_reject = np.searchsorted(same, thresholds, side="left") / len(same)
    false_accept = 1.0 - np.searchsorted(different, thresholds, side="left") / len(different)
    gap = false_accept - false_reject          # falls from >= 0 to <= 0 as the threshold rises
    cross = int(np.argmax(gap <= 0))
    if cross == 0 or gap[cross] == 0:
        return float((false_accept[cross] + false_reject[cross]) / 2)
    before = cross - 1
    share = gap[before] / (gap[before] - gap[cross])
    return float(false_reject[before] + share * (false_reject[cross] - false_reject[before]))


def calibrate(judge: Judge, items: Sequence[LabelledChunk]) -> Calibration:
    same, different = pair_scores(judge, items)
    return Calibration(ceiling=float(same.mean()), floor=float(different.mean()),
                       eer=equal_error_rate(same, different), same_pairs=len(same), different_pairs=len(different))


def similarity_to(judge: Judge, features: Any, references: Sequence[Any]) -> float:
    """Mean similarity of one clip to each reference chunk (as the ceiling compares chunk to chunk)."""
    return float(np.mean([judge.score(features, ref) for ref in references]))
