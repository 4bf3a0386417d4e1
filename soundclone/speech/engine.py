"""The engine protocol: numpy in, numpy out; no database, no HTTP.

An engine enrolls a voice from reference speech and synthesizes text with it, yielding one
AudioChunk per sentence that carries its own sample rate and word timings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from soundclone.domain.controls import EMOTIONS, ENGINE_SPEED_RANGE, PITCH_RANGE, VOLUME_MAX
from soundclone.speech.defaults import DEFAULT_DRAFT_STEPS, DEFAULT_REFINE_STEPS
from soundclone.speech.errors import ModelMissingError, SpeechError, UnsupportedLanguageError, VoiceProfileError
from soundclone.speech.frontend import LANGUAGES
from soundclone.speech.profile import VoiceProfile

AUTO_LANGUAGE = "auto"

__all__ = [
    "AudioChunk", "Engine", "ModelMissingError", "SpeechError", "SynthesisOptions", "UnsupportedLanguageError",
    "VoiceProfile", "VoiceProfileError", "WordTiming", "load_engine",
]


@dataclass(frozen=True)
class WordTiming:
    text: str
    start: float  # seconds from the start of the chunk
    end: float


@dataclass(frozen=True)
class AudioChunk:
    samples: np.ndarray  # float32 mono in [-1, 1]
    sample_rate: int
    text: str
    words: tuple[WordTiming, ...]
    continues: bool = False   # the next chunk is the rest of this sentence: join them without a gap or fades

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class SynthesisOptions:
    language: str = "auto"
    speed: float = 1.0
    pitch: int = 0
    volume: float = 1.0
    emotion: str = "neutral"
    first_piece_s: float | None = None   # stream: the first sentence's first ~this many seconds as a chunk of its own

    def __post_init__(self) -> None:
        if self.language != AUTO_LANGUAGE and self.language not in LANGUAGES:
            raise ValueError(f"language must be {AUTO_LANGUAGE!r} or one of {', '.join(LANGUAGES)}; got {self.language!r}")
        low, high = ENGINE_SPEED_RANGE
        if not (math.isfinite(self.speed) and low <= self.speed <= high):
            raise ValueError(f"speed must be within [{low}, {high}]; got {self.speed}")
        low, high = PITCH_RANGE
        if not isinstance(self.pitch, int) or not low <= self.pitch <= high:
            raise ValueError(f"pitch must be an integer within [{low}, {high}]; got {self.pitch!r}")
        if not (math.isfinite(self.volume) and 0 < self.volume <= VOLUME_MAX):
            raise ValueError(f"volume must be within (0, {VOLUME_MAX:g}]; got {self.volume}")
        if self.emotion not in EMOTIONS:
            raise ValueError(f"emotion must be one of {', '.join(EMOTIONS)}; got {self.emotion!r}")


class Engine(Protocol):
    name: str
    sample_rate: int

    def prepare(self) -> None:
        """Build whatever caches the engine needs, so the first task does not pay for them."""

    def system_voices(self) -> dict[str, VoiceProfile]:
        """Built-in voices by id (the same ids domain.system_voices lists)."""

    def enroll(self, samples: np.ndarray, sample_rate: int,
               progress: Callable[[int, int], None] | None = None) -> VoiceProfile:
        """Clone a voice from reference speech, draft and refinement in one go; `progress(done, total)`."""

    def enroll_draft(self, samples: np.ndarray, sample_rate: int,
                     progress: Callable[[int, int], None] | None = None) -> VoiceProfile:
        """A voice quickly: good enough to speak with while refine() works on it."""

    def refine(self, samples: np.ndarray, sample_rate: int, draft: VoiceProfile,
               progress: Callable[[int, int], None] | None = None) -> VoiceProfile:
        """The draft's voice, made more like the reference (the same speech it was drafted from)."""

    def synthesize(self, text: str, voice: VoiceProfile, options: SynthesisOptions) -> Iterator[AudioChunk]: ...


def load_engine(name: str = "kokoro", *, model_dir: Path, threads: int = 2, draft_steps: int = DEFAULT_DRAFT_STEPS,
                refine_steps: int = DEFAULT_REFINE_STEPS) -> Engine:
    if name == "kokoro":
        from soundclone.speech.kokoro.engine import KokoroEngine

        return KokoroEngine.load(model_dir=model_dir, threads=threads, draft_steps=draft_steps,
                                 refine_steps=refine_steps)
    raise SpeechError(f"unknown engine {name!r}; available: kokoro")
