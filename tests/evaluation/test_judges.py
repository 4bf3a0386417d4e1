"""The pure parts of the benchmark's judges: EER, normalized score, chunking, telephone band, pair labelling."""

from __future__ import annotations

import numpy as np
import pytest

from soundclone.evaluation import dnsmos
from soundclone.evaluation.judges import (
    LabelledChunk, calibrate, chunks, equal_error_rate, normalized_score, pair_scores, telephone_band,
)


class DistanceJudge:
    """A toy judge on numbers: similarity falls with distance."""

    name = "toy"

    def features(self, samples16k):  # noqa: ANN001, ANN201
        return float(np.mean(samples16k))

    def score(self, a: float, b: float) -> float:
        return -abs(a - b)


def test_eer_is_zero_when_scores_separate() -> None:
    assert equal_error_rate([0.8, 0.9, 0.95], [0.1, 0.2, 0.5]) == 0.0


def test_eer_is_half_when_scores_are_the_same_distribution() -> None:
    assert equal_error_rate([1.0, 2.0], [1.0, 2.0]) == pytest.approx(0.5)


def test_eer_where_one_pair_of_each_kind_is_misplaced() -> None:
    # one of three same-speaker pairs scores low, one of three different-speaker pairs scores high
    assert equal_error_rate([0.9, 0.8, 0.3], [0.1, 0.2, 0.85]) == pytest.approx(1 / 3)


def test_eer_is_one_when_scores_are_inverted() -> None:
    assert equal_error_rate([0.1, 0.2], [0.8, 0.9]) == pytest.approx(1.0)


def test_eer_interpolates_between_thresholds() -> None:
    rng = np.random.default_rng(0)
    same, different = rng.normal(1.0, 1.0, 4000), rng.normal(-1.0, 1.0, 4000)
    # two unit Gaussians 2 apart cross at 0: EER = P(N(0,1) > 1) = 0.1587
    assert equal_error_rate(same, different) == pytest.approx(0.1587, abs=0.01)


def test_eer_needs_both_kinds() -> None:
    with pytest.raises(ValueError):
        equal_error_rate([], [0.1])


def test_normalized_score() -> None:
    assert normalized_score(0.5, floor=0.5, ceiling=0.9) == 0.0
    assert normalized_score(0.9, floor=0.5, ceiling=0.9) == pytest.approx(1.0)
    assert normalized_score(0.7, floor=0.5, ceiling=0.9) == pytest.approx(0.5)
    assert normalized_score(0.3, floor=0.5, ceiling=0.9) == pytest.approx(-0.5)
    with pytest.raises(ValueError):
        normalized_score(0.7, floor=0.9, ceiling=0.5)


def test_chunks_are_about_five_seconds_and_cover_everything() -> None:
    rate = 16_000
    audio = np.arange(int(23 * rate), dtype=np.float32)
    pieces = chunks(audio, rate)
    assert len(pieces) == 5
    assert all(4.5 * rate <= len(p) <= 4.7 * rate for p in pieces)
    assert np.array_equal(np.concatenate(pieces), audio)


def test_short_audio_is_one_chunk() -> None:
    assert [len(p) for p in chunks(np.ones(3 * 8000), 8000)] == [3 * 8000]
    assert len(chunks(np.ones(int(7.4 * 8000)), 8000)) == 1
    assert len(chunks(np.ones(int(7.6 * 8000)), 8000)) == 2


def test_telephone_band_removes_content_above_4_khz_and_returns_16_khz() -> None:
    rate = 24_000
    t = np.arange(rate) / rate
    low, high = np.sin(2 * np.pi * 1000 * t), np.sin(2 * np.pi * 6000 * t)
    narrow_low, narrow_high = telephone_band(low, rate), telephone_band(high, rate)
    assert len(narrow_low) == 16_000
    assert np.sqrt(np.mean(narrow_low ** 2)) == pytest.approx(np.sqrt(0.5), rel=0.01)
    assert np.sqrt(np.mean(narrow_high ** 2)) < 1e-3


def test_pairs_skip_two_entries_of_one_person() -> None:
    items = [LabelledChunk("en_a", "a", 0.0), LabelledChunk("en_a", "a", 0.1),
             LabelledChunk("es_a", "a", 0.2), LabelledChunk("b", "b", 1.0)]
    same, different = pair_scores(DistanceJudge(), items)
    assert same.tolist() == pytest.approx([-0.1])                   # en_a with en_a only
    assert sorted(different.tolist()) == pytest.approx([-1.0, -0.9, -0.8])   # everything against b


def test_calibration_of_a_perfect_judge() -> None:
    items = [LabelledChunk(s, s, base + jitter) for s, base in (("x", 0.0), ("y", 5.0), ("z", 10.0))
             for jitter in (0.0, 0.1, 0.2)]
    calibration = calibrate(DistanceJudge(), items)
    assert calibration.eer == 0.0
    assert calibration.ceiling > calibration.floor
    assert (calibration.same_pairs, calibration.different_pairs) == (9, 27)
    assert calibration.normalize(calibration.ceiling) == pytest.approx(1.0)


def test_dnsmos_windows_repeat_short_audio_to_the_model_length() -> None:
    audio = np.ones(4 * dnsmos.RATE, np.float32)
    windows = dnsmos.windows(audio)
    assert len(windows) == 7                          # 16 s after repetition: 9.01 s windows every second
    assert all(len(w) == int(dnsmos.WINDOW_S * dnsmos.RATE) for w in windows)
