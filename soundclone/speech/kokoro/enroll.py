"""Enrollment without gradients: choose the voice pack blend and pitch that sound most like the reference.

Candidates are judged by the MFCC-Gaussian speaker similarity (analysis.SpeakerStats) between the
reference and the candidate speaking fixed calibration sentences. The packs' own calibration
statistics are computed once per model and cached beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from soundclone.speech import analysis
from soundclone.speech.kokoro import cache
from soundclone.speech.profile import VoiceProfile

if TYPE_CHECKING:
    from soundclone.speech.kokoro.engine import KokoroEngine

CALIBRATION_LANGUAGE = "en"
CALIBRATION_SENTENCES = (
    "The north wind and the sun were disputing which was the stronger, when a traveler came along.",
    "She sells fresh bread at the market every morning, and the whole street smells of it.",
)
CACHE_NAME = "kokoro-calibration-v2.json"   # v2: phonemes in the model's training spelling
BLEND_WEIGHTS = (0.7, 0.5)          # weight of the best pack against the second best
PITCH_FRACTIONS = (0.5, 1.0)        # how much of the reference's F0 difference to apply
MAX_SHIFT_SEMITONES = 6.0


@dataclass(frozen=True)
class Candidate:
    packs: tuple[str, ...]
    weights: tuple[float, ...]
    semitones: float
    score: float
    median_f0: float | None


class Enroller:
    def __init__(self, engine: "KokoroEngine") -> None:
        self.engine = engine

    def enroll(self, samples: np.ndarray, sample_rate: int) -> VoiceProfile:
        reference = analysis.SpeakerStats.of(samples, sample_rate)
        reference_f0 = analysis.median_f0(samples, sample_rate)
        singles = self._pack_candidates(reference)
        best, second = sorted(singles, key=lambda c: c.score, reverse=True)[:2]
        blends = [best] + [self._blend(reference, best.packs[0], second.packs[0], w) for w in BLEND_WEIGHTS]
        chosen = max(blends, key=lambda c: c.score)
        if reference_f0 and chosen.median_f0:
            gap = float(np.clip(analysis.semitones(reference_f0 / chosen.median_f0), -MAX_SHIFT_SEMITONES, MAX_SHIFT_SEMITONES))
            shifted = [self._measure(reference, chosen.packs, chosen.weights, gap * f) for f in PITCH_FRACTIONS]
            chosen = max([chosen, *shifted], key=lambda c: c.score)
        return VoiceProfile(
            engine=self.engine.name,
            style=self._table(chosen.packs, chosen.weights),
            f0_scale=float(2 ** (chosen.semitones / 12)),
            reference_f0_hz=reference_f0,
            details={
                "packs": list(chosen.packs), "weights": list(chosen.weights), "semitones": round(chosen.semitones, 2),
                "similarity": round(chosen.score, 4),
                "pack_similarity": {c.packs[0]: round(c.score, 4) for c in singles},
            },
        )

    def _table(self, packs: tuple[str, ...], weights: tuple[float, ...]) -> np.ndarray:
        return sum(self.engine.packs[p] * w for p, w in zip(packs, weights)).astype(np.float32)

    def _blend(self, reference, first: str, second: str, weight: float) -> Candidate:  # noqa: ANN001
        return self._measure(reference, (first, second), (weight, 1 - weight), 0.0)

    def _measure(self, reference, packs, weights, semitones: float) -> Candidate:  # noqa: ANN001
        audio = self._speak(self._table(packs, weights), semitones)
        stats = analysis.SpeakerStats.of(audio, self.engine.sample_rate)
        return Candidate(packs, weights, semitones, reference.similarity(stats),
                         analysis.median_f0(audio, self.engine.sample_rate))

    def _speak(self, style: np.ndarray, semitones: float) -> np.ndarray:
        pieces = []
        for sentence in CALIBRATION_SENTENCES:
            words = self.engine.words(sentence, CALIBRATION_LANGUAGE)
            result = self.engine.speak_words(words, style, speed=1.0, f0_scale=2 ** (semitones / 12))
            if result is not None:
                pieces.append(result[0])
        return np.concatenate(pieces)

    def _pack_candidates(self, reference) -> list[Candidate]:  # noqa: ANN001
        cached = self.pack_statistics()
        candidates = []
        for name, entry in cached.items():
            stats = analysis.SpeakerStats(np.array(entry["mean"]), np.array(entry["covariance"]))
            candidates.append(Candidate((name,), (1.0,), 0.0, reference.similarity(stats), entry["median_f0"]))
        return candidates

    def pack_statistics(self) -> dict:
        """The packs' calibration statistics, computed once per model directory and cached there."""
        path = self.engine.model_dir / CACHE_NAME
        cached = cache.read_table(path, self.engine.packs)
        if cached is not None:
            return cached
        table = {}
        for name, pack in self.engine.packs.items():
            audio = self._speak(pack, 0.0)
            stats = analysis.SpeakerStats.of(audio, self.engine.sample_rate)
            table[name] = {"mean": stats.mean.tolist(), "covariance": stats.covariance.tolist(),
                           "median_f0": analysis.median_f0(audio, self.engine.sample_rate)}
        cache.write_table(path, table)
        return table
