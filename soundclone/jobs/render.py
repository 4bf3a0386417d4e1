"""Turn a parsed script (speech and pauses) into one waveform plus sentence and word timings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from soundclone.domain.text import Pause, Segment
from soundclone.media.subtitles import Cue
from soundclone.speech.engine import AudioChunk, Engine, SynthesisOptions, VoiceProfile

SENTENCE_GAP_S = 0.2
EDGE_FADE_S = 0.005


@dataclass(frozen=True)
class Rendering:
    samples: np.ndarray
    sample_rate: int
    sentences: tuple[Cue, ...]
    words: tuple[Cue, ...]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def sentence_edges(self) -> list[int]:
        """Sample positions where a sentence starts or ends: where chunks, pauses and gaps are joined."""
        return sorted({round(t * self.sample_rate) for cue in self.sentences for t in (cue.start, cue.end)})


def render_script(
    engine: Engine, script: Sequence[Segment], voice: VoiceProfile, options: SynthesisOptions,
    on_audio: Callable[[np.ndarray], None] | None = None,
) -> Rendering:
    """One waveform for the script; `on_audio` receives the new audio after each chunk the engine yields (for
    streaming: a sentence, or a piece of the first one when `options.first_piece_s` asks for an early start)."""
    rate = engine.sample_rate
    pieces: list[np.ndarray] = []
    flushed = 0
    sentences: list[Cue] = []
    words: list[Cue] = []
    position = 0
    after_speech = False  # a sentence gap goes only between two spoken chunks, not after a pause
    continuing = False    # the previous chunk's sentence goes on in this one
    for segment in script:
        if isinstance(segment, Pause):
            pieces.append(np.zeros(round(segment.seconds * rate), np.float32))
            position += len(pieces[-1])
            after_speech = False
            continue
        for chunk in engine.synthesize(segment.text, voice, options):
            if chunk.sample_rate != rate:
                raise ValueError(f"engine yielded {chunk.sample_rate} Hz audio, expected {rate} Hz")
            if after_speech and not continuing:
                pieces.append(np.zeros(round(SENTENCE_GAP_S * rate), np.float32))
                position += len(pieces[-1])
            after_speech = True
            start_s = position / rate
            pieces.append(_faded(chunk.samples, rate, start=not continuing, end=not chunk.continues))
            position += len(chunk.samples)
            if continuing:
                sentences[-1] = Cue(sentences[-1].start, position / rate, sentences[-1].text)
            else:
                sentences.append(Cue(start_s, position / rate, chunk.text.strip()))
            words.extend(_word_cues(chunk, start_s))
            continuing = chunk.continues
            if on_audio is not None:
                on_audio(np.concatenate(pieces[flushed:]))
                flushed = len(pieces)
        options = replace(options, first_piece_s=None)   # only the script's first sentence starts early
    if on_audio is not None and flushed < len(pieces):
        on_audio(np.concatenate(pieces[flushed:]))
    samples = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return Rendering(samples.astype(np.float32, copy=False), rate, tuple(sentences), tuple(words))


def _faded(samples: np.ndarray, rate: int, *, start: bool = True, end: bool = True) -> np.ndarray:
    """Short fades at a chunk's edges, but not where it joins a piece of the same sentence (the engine joined
    those with a cross-fade)."""
    out = np.asarray(samples, np.float32).copy()
    n = min(len(out) // 2, max(1, round(EDGE_FADE_S * rate)))
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    if start:
        out[:n] *= ramp
    if end:
        out[len(out) - n:] *= ramp[::-1]
    return out


def _word_cues(chunk: AudioChunk, offset_s: float) -> list[Cue]:
    return [Cue(offset_s + w.start, offset_s + w.end, w.text) for w in chunk.words if w.text.strip()]
