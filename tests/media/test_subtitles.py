"""SRT output: 1-based indexes, HH:MM:SS,mmm, and text that parses back."""

import srt

from soundclone.media.subtitles import Cue, to_srt


def test_cues_become_valid_srt():
    text = to_srt([Cue(0.0, 1.5, "Hello there."), Cue(1.5, 3725.042, "Second line,\nwrapped.")])
    assert text.startswith("1\n00:00:00,000 --> 00:00:01,500\nHello there.\n\n2\n00:00:01,500 --> 01:02:05,042\n")
    parsed = list(srt.parse(text))
    assert [s.index for s in parsed] == [1, 2]
    assert parsed[1].content == "Second line,\nwrapped." and parsed[1].end.total_seconds() == 3725.042


def test_blank_lines_cannot_split_a_cue_and_times_are_sane():
    parsed = list(srt.parse(to_srt([Cue(-1.0, -2.0, "one\n\ntwo"), Cue(2.0, 1.0, "three")])))
    assert len(parsed) == 2 and parsed[0].content == "one\ntwo"
    assert parsed[0].start.total_seconds() == 0 and parsed[0].end.total_seconds() == 0
    assert parsed[1].end == parsed[1].start


def test_no_cues_is_an_empty_document():
    assert to_srt([]) == ""
