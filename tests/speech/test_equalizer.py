"""The voice equalizer: spectrum measurement, the matching curve, the filter (pure NumPy, no model)."""

import numpy as np
import pytest

from soundclone.speech import equalizer
from soundclone.speech.equalizer import BAND_CENTERS_HZ, BAND_COUNT, MAX_GAIN_DB

RATE = 24_000


def noise(seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(int(seconds * RATE)).astype(np.float32) * 0.1


def curve_between(low_hz: float, high_hz: float, gain_db: float) -> np.ndarray:
    return np.where((BAND_CENTERS_HZ > low_hz) & (BAND_CENTERS_HZ < high_hz), gain_db, 0.0)


def test_the_filter_follows_the_curve_and_leaves_other_bands_alone():
    source = noise()
    shaped = equalizer.equalize(source, RATE, curve_between(500, 2000, 6.0))
    change = equalizer.band_levels_db(shaped, RATE) - equalizer.band_levels_db(source, RATE)
    middle = (BAND_CENTERS_HZ > 700) & (BAND_CENTERS_HZ < 1400)
    far = (BAND_CENTERS_HZ < 300) | (BAND_CENTERS_HZ > 4000)
    assert np.allclose(change[middle], 6.0, atol=0.3)
    assert np.allclose(change[far], 0.0, atol=0.3)


def test_the_filter_keeps_sounds_where_they_were():
    click = np.zeros(RATE, np.float32)
    click[10_000] = 1.0
    shaped = equalizer.equalize(click, RATE, curve_between(300, 3000, -8.0))
    assert len(shaped) == len(click) and int(np.argmax(np.abs(shaped))) == 10_000


def test_a_flat_curve_changes_nothing():
    source = noise(1.0)
    assert np.array_equal(equalizer.equalize(source, RATE, np.zeros(BAND_COUNT)), source)


def test_the_matching_curve_undoes_most_of_a_spectral_difference_inside_the_trusted_band():
    voice = noise(seed=1)
    tilt = np.clip((np.log2(BAND_CENTERS_HZ / 1000)) * 3.0, -MAX_GAIN_DB, MAX_GAIN_DB)   # +3 dB per octave
    reference = equalizer.equalize(noise(seed=2), RATE, tilt)
    curve = equalizer.matching_curve(equalizer.band_levels_db(reference, RATE),
                                     equalizer.band_levels_db(voice, RATE), band_edge_hz=8_000)
    trusted = (BAND_CENTERS_HZ >= equalizer.CORRECTED_FROM_HZ) & (BAND_CENTERS_HZ <= 8_000 * equalizer.BAND_EDGE_MARGIN)
    expected = equalizer.STRENGTH * (tilt[trusted] - tilt[trusted].mean())
    assert np.abs(curve[trusted] - expected).max() < 0.7
    assert not curve[~trusted].any()     # below 150 Hz and above the reference's band: left alone


def test_the_matching_curve_is_limited():
    reference = np.full(BAND_COUNT, -60.0)
    reference[20] = 0.0                  # one band 60 dB above the rest
    curve = equalizer.matching_curve(reference, np.full(BAND_COUNT, -60.0), band_edge_hz=11_000)
    assert np.abs(curve).max() == pytest.approx(equalizer.STRENGTH * MAX_GAIN_DB)


def test_a_narrow_band_reference_corrects_only_its_band():
    curve = equalizer.matching_curve(np.linspace(0, -30, BAND_COUNT), np.zeros(BAND_COUNT), band_edge_hz=3_400)
    assert not curve[BAND_CENTERS_HZ > 3_400 * equalizer.BAND_EDGE_MARGIN].any()
    assert curve[BAND_CENTERS_HZ < 2_000].any()


def test_silence_between_words_does_not_count():
    speech = noise(2.0)
    with_gaps = np.concatenate([speech[:RATE], np.zeros(RATE, np.float32) + 1e-6, speech[RATE:]])
    assert np.allclose(equalizer.band_levels_db(with_gaps, RATE), equalizer.band_levels_db(speech, RATE), atol=0.5)


@pytest.mark.parametrize("values, problem", [
    ([0.0] * (BAND_COUNT - 1), "bands"),
    ([0.0] * (BAND_COUNT - 1) + [float("nan")], "finite"),
    ([0.0] * (BAND_COUNT - 1) + [MAX_GAIN_DB + 1], "within"),
])
def test_a_stored_curve_is_checked(values, problem):
    with pytest.raises(ValueError, match=problem):
        equalizer.checked_curve(values)


def test_too_short_audio_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="samples"):
        equalizer.band_levels_db(np.zeros(100, np.float32), RATE)
