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
