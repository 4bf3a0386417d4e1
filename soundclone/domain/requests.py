"""The service's own requests: one for speech, one for cloning, whatever the dialect.

A dialect translates its wire body into these (validating it once, with errors that name the wire field);
the core prices and records them, and the worker runs one speech job and one clone job from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from soundclone.domain.cloning import SpeechRule
from soundclone.domain.controls import Controls, Effects
from soundclone.domain.text import Segment
from soundclone.domain.voices import Lifetime

SUBTITLE_FORMATS = ("srt", "json")
# How a request's audio is published while it is made (None: only the whole file at the end).
STREAM_PIECES = "pieces"          # each sentence encoded on its own: every piece plays alone (MiniMax's events)
STREAM_CONTINUOUS = "continuous"  # one encoding cut as it goes: the pieces joined are one file (OpenAI's body)
STREAM_MODES = (STREAM_PIECES, STREAM_CONTINUOUS)
DEFAULT_BITRATE = 128_000


@dataclass(frozen=True)
class AudioOutput:
    format: str = "mp3"
    sample_rate: int | None = None     # None: the engine's own rate
    bitrate: int = DEFAULT_BITRATE
    channels: int = 1


@dataclass(frozen=True)
class Subtitles:
    format: str          # srt: SubRip cues; json: sentence segments with character offsets
    words: bool = False  # word cues (srt) or each sentence's timestamped words (json)

    def __post_init__(self) -> None:
        if self.format not in SUBTITLE_FORMATS:
            raise ValueError(f"subtitle format must be one of {SUBTITLE_FORMATS}; got {self.format!r}")


@dataclass(frozen=True)
class Archive:
    """Also pack the results into one tar, kept as a file of the account (MiniMax's async output)."""

    file_id: int
    details: dict[str, Any] = field(default_factory=dict)   # added to the archive's metadata member as they are


@dataclass(frozen=True)
class SpeechRequest:
    voice: str                       # as the caller named it: a clone's id or name, or a system voice id
    script: tuple[Segment, ...]      # parsed once, by the dialect
    text: str                        # the text as spoken; subtitle character offsets refer to it
    characters: int                  # billable characters
    language: str = "auto"           # an engine language code, or auto
    controls: Controls = Controls()
    effects: Effects = Effects()
    output: AudioOutput = AudioOutput()
    subtitles: Subtitles | None = None
    stream: str | None = None        # STREAM_PIECES or STREAM_CONTINUOUS: publish audio as it is made
    watermark: bool = True           # False: the caller asked for no mark (domain.provenance decides)
    archive: Archive | None = None


@dataclass(frozen=True)
class CloneSource:
    url: str | None = None           # fetched by the worker, as an untrusted URL
    blob_key: str | None = None      # a file the caller uploaded

    def __post_init__(self) -> None:
        if (self.url is None) == (self.blob_key is None):
            raise ValueError("a clone source is exactly one of url or blob_key")


@dataclass(frozen=True)
class PromptSample:
    blob_key: str
    text: str


@dataclass(frozen=True)
class CloneRequest:
    source: CloneSource
    speech_rule: SpeechRule
    lifetime: Lifetime
    name: str | None = None          # a caller-chosen id, unique in the account
    noise_reduction: bool = False
    volume_normalization: bool = False
    prompt: PromptSample | None = None
    preview: SpeechRequest | None = None   # spoken with the new voice once it exists
    consent_id: str | None = None          # the sample's speaker must be this consent's speaker
    label: str | None = None               # a display name, not unique (OpenAI's `name`)

    @property
    def characters(self) -> int:
        return self.preview.characters if self.preview else 0


@dataclass(frozen=True)
class ConsentRequest:
    """Check that a recording says the consent phrase of its language, and keep its speaker's voice print."""

    recording_key: str
    language: str        # as the caller gave it (a BCP 47 tag such as en-US)
    phrase_language: str # the phrase's language code (en)
    phrase: str          # the phrase, with the operator's name, as it had to be read
    name: str
