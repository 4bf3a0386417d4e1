"""Speaking rates beyond the model's comfortable range: the model does part, a time stretch the rest."""

import numpy as np
import pytest

from soundclone.speech import tempo


@pytest.mark.parametrize("rate", [0.25, 0.5, 1.0, 1.1, 2.0, 4.0])
def test_the_two_parts_make_the_rate_and_the_model_stays_in_its_range(rate):
    model, stretch = tempo.split_rate(rate)
    low, high = tempo.MODEL_RATE_LIMITS
    assert low <= model <= high and abs(model * stretch - rate) < 1e-9


@pytest.mark.parametrize("factor", [0.25, 4.0])
def test_a_stretch_changes_the_length_and_keeps_the_pitch(factor):
    rate = 24_000
    tone = (0.3 * np.sin(2 * np.pi * 200 * np.arange(rate * 2) / rate)).astype(np.float32)
    out = tempo.stretch(tone, rate, factor)
    assert abs(len(out) / len(tone) - 1 / factor) < 0.02
    middle = out[len(out) // 4: 3 * len(out) // 4]
    spectrum = np.abs(np.fft.rfft(middle))
    assert abs(np.argmax(spectrum) * rate / len(middle) - 200) < 5
    assert tempo.stretch(tone, rate, 1.0) is tone
