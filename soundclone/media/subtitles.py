"""Subtitles as SRT (the `srt` package formats them: 1-based indexes, HH:MM:SS,mmm)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import srt

FIRST_INDEX = 1


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


def to_srt(cues: Sequence[Cue]) -> str:
    """SRT text for `cues` in the order given; times below 0 become 0 and an end never precedes its start."""
    return srt.compose([_subtitle(index, cue) for index, cue in enumerate(cues, start=FIRST_INDEX)], reindex=False)


def _subtitle(index: int, cue: Cue) -> srt.Subtitle:
    start = max(0.0, cue.start)
    end = max(start, cue.end)
    return srt.Subtitle(index=index, start=timedelta(seconds=start), end=timedelta(seconds=end), content=cue.text)


def to_segments_json(sentences: Sequence[Cue], words: Sequence[Cue], text: str, *, with_words: bool) -> list[dict]:
    """MiniMax's subtitle file: one segment per sentence, times in ms, character offsets into `text`."""
    segments = []
    cursor = 0
    word_index = 0
    for sentence in sentences:
        begin = text.find(sentence.text, cursor)
        begin = cursor if begin < 0 else begin
        end = begin + len(sentence.text)
        cursor = end
        timestamped = None
        if with_words:
            timestamped, word_index = _words_within(sentence, words, word_index, text, begin)
        segments.append({
            "text": sentence.text, "time_begin": _ms(sentence.start), "time_end": _ms(sentence.end),
            "text_begin": begin, "text_end": end,
            "pronounce_text": sentence.text, "pronounce_text_begin": begin, "pronounce_text_end": end,
            "timestamped_words": timestamped,
        })
    return segments


def _words_within(sentence: Cue, words: Sequence[Cue], index: int, text: str, offset: int) -> tuple[list[dict], int]:
    found = []
    cursor = offset
    while index < len(words) and words[index].start < sentence.end - 1e-6:
        word = words[index]
        begin = text.find(word.text, cursor)
        begin = cursor if begin < 0 else begin
        cursor = begin + len(word.text)
        found.append({"word": word.text, "word_begin": begin, "word_end": cursor,
                      "time_begin": _ms(word.start), "time_end": _ms(word.end)})
        index += 1
    return found, index


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))
