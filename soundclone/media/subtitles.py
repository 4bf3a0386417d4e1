"""Subtitles as SRT (the `srt` package formats and validates it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import srt


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


def to_srt(cues: Sequence[Cue]) -> str:
    return srt.compose(
        [
            srt.Subtitle(index=i, start=timedelta(seconds=c.start), end=timedelta(seconds=max(c.end, c.start)), content=c.text)
            for i, c in enumerate(cues, start=1)
        ],
        reindex=False,
    )
