"""Measurements used by enrollment, on a real recording: no model needed."""

import soundfile as sf

from soundclone.speech import analysis
from tests.conftest import REFERENCE_WAV


def test_bandwidth_tells_telephone_speech_from_wideband_at_the_same_rate():
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    wide = analysis.resample(samples, rate, 16_000)
    telephone = analysis.resample(analysis.resample(wide, 16_000, 8_000), 8_000, 16_000)
    assert analysis.bandwidth_hz(wide, 16_000) > 6_000
    assert 3_400 < analysis.bandwidth_hz(telephone, 16_000) < 4_200
    assert 3_400 < analysis.bandwidth_hz(analysis.resample(telephone, 16_000, 24_000), 24_000) < 4_200


def test_enrollment_matches_a_telephone_reference_in_its_own_band():
    from soundclone.speech.kokoro.inversion import _narrow_band_rate

    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    wide = analysis.resample(samples, rate, 16_000)
    telephone = analysis.resample(analysis.resample(wide, 16_000, 8_000), 8_000, 16_000)
    assert _narrow_band_rate(wide, 16_000) is None
    assert 6_800 < _narrow_band_rate(telephone, 16_000) < 8_400
