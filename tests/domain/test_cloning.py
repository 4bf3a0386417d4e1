"""The speech-duration rules for clones, one per dialect, in one module."""

from soundclone.domain.cloning import MINIMAX_SPEECH, SOUNDCLONE_SPEECH
from soundclone.domain.errors import ErrorKind


def test_soundclone_wants_more_than_15_and_less_than_60_seconds():
    assert "more than 15 s is required" in SOUNDCLONE_SPEECH.problem(15.0)
    assert SOUNDCLONE_SPEECH.problem(15.1) is None and SOUNDCLONE_SPEECH.problem(59.9) is None
    assert "under 60 s" in SOUNDCLONE_SPEECH.problem(60.0)
    assert SOUNDCLONE_SPEECH.kind is ErrorKind.INVALID_PARAMETER


def test_minimax_wants_at_least_5_seconds():
    assert "at least 5 s is required" in MINIMAX_SPEECH.problem(4.9)
    assert MINIMAX_SPEECH.problem(5.0) is None and MINIMAX_SPEECH.problem(600.0) is None
    assert MINIMAX_SPEECH.kind is ErrorKind.CLONE_AUDIO_DURATION
