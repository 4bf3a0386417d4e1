"""The forced aligner that word-timing tests use as the reference, checked on real speech."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from soundclone.evaluation.aligner import UnknownWordError, align_words
from tests.conftest import SPEECH_DIR

CLIP = SPEECH_DIR / "librivox" / "sense_and_sensibility_01_austen_64kb-0870"


def test_real_speech_is_aligned_word_by_word_in_order_inside_the_audio():
    samples, rate = soundfile.read(CLIP.with_suffix(".wav"), dtype="float32")
    text = CLIP.with_suffix(".txt").read_text().strip()
    words = align_words(samples, rate, text)
    assert [w.text for w in words] == text.split()
    starts = np.array([w.start for w in words])
    assert np.all(np.diff(starts) > 0)
    assert all(w.end > w.start for w in words)
    assert words[-1].end <= len(samples) / rate + 0.01
    # about 2.5 words per second of reading: the words spread over the clip instead of piling up anywhere
    assert words[len(words) // 2].start == pytest.approx(len(samples) / rate / 2, abs=1.5)


def test_a_word_missing_from_the_dictionary_is_named():
    with pytest.raises(UnknownWordError, match="qwzxvk"):
        align_words(np.zeros(16_000, np.float32), 16_000, "hello qwzxvk")
