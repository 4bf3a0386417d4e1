"""The embedded engine: Kokoro-82M int8 on ONNX Runtime, with voices enrolled from reference speech."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort

from soundclone.domain.text import split_sentences
from soundclone.speech import analysis
from soundclone.speech.engine import AudioChunk, SynthesisOptions, WordTiming
from soundclone.speech.frontend import Frontend, Word
from soundclone.speech.kokoro import model as kokoro_model
from soundclone.speech.kokoro.enroll import Enroller
from soundclone.speech.languages import LanguageDetector
from soundclone.speech.profile import VoiceProfile
from soundclone.speech.prosody import EMOTION_PROSODY, normalize_loudness

ENGINE_NAME = "kokoro"
MAX_TOKENS = 510             # including the two pad tokens
PAD = 0
WORD_SEPARATOR = " "
LEAD_KEEP_S = 0.05           # silence kept before the first sound of a chunk
TAIL_KEEP_S = 0.08
QUIET_FRACTION = 0.03        # frames quieter than this fraction of the loudest are silence
SECONDS_PER_FRAME = kokoro_model.FRAME_SAMPLES / kokoro_model.SAMPLE_RATE


@dataclass
class KokoroEngine:
    session: ort.InferenceSession
    vocab: dict[str, int]
    packs: dict[str, np.ndarray]
    model_dir: Path
    name: str = ENGINE_NAME
    threads: int = 2
    enroll_steps: int = 30
    sample_rate: int = kokoro_model.SAMPLE_RATE
    frontend: Frontend = field(default_factory=Frontend)
    detector: LanguageDetector = field(default_factory=LanguageDetector)

    @classmethod
    def load(cls, *, model_dir: Path, threads: int = 2, enroll_steps: int = 30) -> "KokoroEngine":
        files = kokoro_model.resolve(model_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(files.model), sess_options=options, providers=["CPUExecutionProvider"])
        return cls(session=session, vocab=files.vocab, packs=files.packs, model_dir=model_dir,
                   threads=threads, enroll_steps=enroll_steps)

    def system_voices(self) -> dict[str, VoiceProfile]:
        return {name: VoiceProfile(engine=self.name, style=pack) for name, pack in self.packs.items()}

    def prepare(self) -> None:
        """Build the caches enrollment needs (worker start-up; imports torch, never in the API process)."""
        from soundclone.speech.kokoro.inversion import StyleInverter

        StyleInverter(self).pack_embeddings()

    def enroll(self, samples: np.ndarray, sample_rate: int, progress=None) -> VoiceProfile:  # noqa: ANN001
        """Clone a voice by style inversion (kokoro/inversion.py); `progress(step, steps)` is called as it goes."""
        from soundclone.speech.kokoro.inversion import InversionSettings, StyleInverter

        settings = InversionSettings(steps=self.enroll_steps, threads=self.threads)
        return StyleInverter(self, settings).enroll(samples, sample_rate, progress=progress)

    def enroll_by_pack_choice(self, samples: np.ndarray, sample_rate: int) -> VoiceProfile:
        """The gradient-free baseline: the closest pack blend and pitch (kept for comparison in bench/quality.py)."""
        return Enroller(self).enroll(samples, sample_rate)

    def synthesize(self, text: str, voice: VoiceProfile, options: SynthesisOptions) -> Iterator[AudioChunk]:
        language = self.detector.detect(text) if options.language == "auto" else options.language
        prosody = EMOTION_PROSODY[options.emotion]
        f0_scale = voice.f0_scale * 2 ** ((options.pitch + prosody.semitones) / 12)
        speed = float(np.clip(options.speed * prosody.rate, 0.25, 4.0))
        gain = options.volume * 10 ** (prosody.gain_db / 20)
        for sentence in split_sentences(text):
            words = self.frontend.words(sentence, language)
            chunk = self.speak_words(words, voice.style, speed=speed, f0_scale=f0_scale)
            if chunk is None:
                continue
            samples, timings = chunk
            yield AudioChunk(normalize_loudness(samples, gain), self.sample_rate, sentence, timings)

    def speak_words(
        self, words: list[Word], style: np.ndarray, *, speed: float, f0_scale: float,
    ) -> tuple[np.ndarray, tuple[WordTiming, ...]] | None:
        """Audio and word timings for one sentence (split into model-sized groups if long)."""
        pieces, timings, offset = [], [], 0.0
        for group in self._groups(words):
            result = self._run(group, style, speed, f0_scale)
            if result is None:
                continue
            audio, group_timings = result
            pieces.append(audio)
            timings.extend(WordTiming(t.text, t.start + offset, t.end + offset) for t in group_timings)
            offset += len(audio) / self.sample_rate
        if not pieces:
            return None
        return np.concatenate(pieces), tuple(timings)

    def _groups(self, words: list[Word]) -> Iterator[list[tuple[Word, list[int]]]]:
        group: list[tuple[Word, list[int]]] = []
        used = 2
        for word in words:
            ids = [self.vocab[c] for c in word.phonemes if c in self.vocab][: MAX_TOKENS - 3]
            if not ids:
                continue
            if group and used + len(ids) + 1 > MAX_TOKENS:
                yield group
                group, used = [], 2
            group.append((word, ids))
            used += len(ids) + 1
        if group:
            yield group

    def _run(self, group, style: np.ndarray, speed: float, f0_scale: float):  # noqa: ANN001, ANN202
        tokens, spans = [PAD], []
        for index, (word, ids) in enumerate(group):
            if index:
                tokens.append(self.vocab[WORD_SEPARATOR])
            spans.append((word.text, len(tokens), len(tokens) + len(ids)))
            tokens.extend(ids)
        tokens.append(PAD)
        row = style[min(len(tokens) - 3, len(style) - 1)].reshape(1, -1)
        audio, durations = self.session.run(["audio", "durations"], {
            "tokens": np.array([tokens], np.int64), "style": row.astype(np.float32),
            "speed": np.array([speed], np.float32), "f0_scale": np.array([f0_scale], np.float32),
            "f0_range": np.array([1.0], np.float32), "f0_center": np.array([200.0], np.float32),
        })
        audio = np.asarray(audio, np.float32).reshape(-1)
        frame_starts = np.concatenate([[0], np.cumsum(durations.reshape(-1))])
        timings = [_word_timing(text, frame_starts, start, end, audio) for text, start, end in spans]
        return _trim(audio, timings, self.sample_rate)


def _word_timing(text: str, frame_starts: np.ndarray, first: int, last: int, audio: np.ndarray) -> WordTiming:
    start_frame, end_frame = int(frame_starts[first]), int(frame_starts[last])
    size = kokoro_model.FRAME_SAMPLES
    # the pause at punctuation is added to the word's last phoneme: pull the end back to the last sound
    while end_frame - 1 > start_frame and _frame_level(audio, end_frame - 1, size) < QUIET_FRACTION * _peak_level(audio, size):
        end_frame -= 1
    return WordTiming(text, float(start_frame * SECONDS_PER_FRAME), float(end_frame * SECONDS_PER_FRAME))


def _frame_level(audio: np.ndarray, frame: int, size: int) -> float:
    block = audio[frame * size:(frame + 1) * size]
    return float(np.sqrt(np.mean(block ** 2))) if len(block) else 0.0


def _peak_level(audio: np.ndarray, size: int) -> float:
    usable = len(audio) // size * size
    if not usable:
        return float(np.sqrt(np.mean(audio ** 2))) if len(audio) else 0.0
    return float(np.sqrt(np.mean(audio[:usable].reshape(-1, size) ** 2, axis=1)).max())


def _trim(audio: np.ndarray, timings: list[WordTiming], rate: int):  # noqa: ANN202
    """Cut leading and trailing silence (keeping a little) and shift the timings with it."""
    loud = np.flatnonzero(np.abs(audio) > QUIET_FRACTION * max(float(np.abs(audio).max()), 1e-6))
    if not len(loud):
        return None
    start = max(0, loud[0] - int(LEAD_KEEP_S * rate))
    end = min(len(audio), loud[-1] + int(TAIL_KEEP_S * rate))
    shift = start / rate
    limit = (end - start) / rate
    shifted = tuple(
        WordTiming(t.text, float(min(max(t.start - shift, 0.0), limit)), float(min(max(t.end - shift, 0.0), limit)))
        for t in timings
    )
    return audio[start:end], shifted


__all__ = ["KokoroEngine", "analysis"]
