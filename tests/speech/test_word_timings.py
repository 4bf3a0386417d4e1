"""Word timings from token durations and frame loudness (kokoro/engine.py `_word_timings`), on made-up frames."""

import numpy as np
import pytest

from soundclone.speech.kokoro.engine import SECONDS_PER_FRAME, _word_timings

LOUD, QUIET = 1.0, 0.0


def timings(durations: list[int], levels: list[float], spans: list[tuple[str, int, int]]):
    frame_starts = np.concatenate([[0], np.cumsum(durations)])
    return [(t.text, round(t.start / SECONDS_PER_FRAME), round(t.end / SECONDS_PER_FRAME))
            for t in _word_timings(spans, frame_starts, np.array(levels), silent=0.01)]


def test_in_unbroken_speech_a_word_starts_before_its_separator_token():
    # tokens: pad(2) "a"(6) sep(2) "b"(6) pad(2); sound throughout
    durations = [2, 6, 2, 6, 2]
    result = timings(durations, [LOUD] * 18, [("a", 1, 1), ("b", 3, 3)])
    assert result[1][1] == 6                        # two frames (50 ms) before the separator (frame 8)
    assert result[0][2] == result[1][1]            # the first word ends where the next is heard


def test_after_a_pause_a_word_starts_at_its_first_sound():
    # the separator (frames 8-15) holds 6 silent frames: a pause, so "b" starts where the sound comes back
    durations = [2, 6, 8, 6, 2]
    levels = [LOUD] * 8 + [QUIET] * 6 + [LOUD] * 10
    result = timings(durations, levels, [("a", 1, 1), ("b", 3, 3)])
    assert result[1][1] == 14
    assert result[0][2] == 8                        # and the word before ends at its last sound


@pytest.mark.parametrize("closure", [1, 2, 3])
def test_a_short_closure_is_part_of_the_word(closure):
    durations = [2, 6, 2, 6, 2]
    levels = [LOUD] * 8 + [QUIET] * closure + [LOUD] * (10 - closure)
    result = timings(durations, levels, [("a", 1, 1), ("b", 3, 3)])
    assert result[1][1] == 8                        # the separator's start: the closure is not moved over
