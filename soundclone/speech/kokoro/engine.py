"""The embedded engine: Kokoro-82M int8 on ONNX Runtime, with voices enrolled from reference speech."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import onnxruntime as ort

from soundclone.domain.text import split_sentences
from soundclone.domain.controls import ENGINE_SPEED_RANGE
from soundclone.speech import analysis, tempo
from soundclone.speech.defaults import DEFAULT_DRAFT_STEPS, DEFAULT_REFINE_STEPS
from soundclone.speech.engine import AudioChunk, SynthesisOptions, WordTiming
from soundclone.speech.equalizer import equalize
from soundclone.speech.frontend import Frontend, Word
from soundclone.speech.kokoro import model as kokoro_model
from soundclone.speech.kokoro.enroll import Enroller
from soundclone.speech.kokoro.symbols import kokoro_phonemes, token_ids
from soundclone.speech.languages import LanguageDetector
from soundclone.speech.profile import VoiceProfile
from soundclone.speech.prosody import EMOTION_PROSODY, normalize_loudness

ENGINE_NAME = "kokoro"
MAX_TOKENS = 510             # including the two pad tokens
PAD = 0
WORD_SEPARATOR = " "
LEAD_KEEP_S = 0.02           # silence kept before the first sound of a chunk (a pause marker adds its own)
TAIL_KEEP_S = 0.04           # and after the last
QUIET_FRACTION = 0.03        # samples quieter than this fraction of the loudest are trimmed off a chunk's ends
SILENT_FRACTION = 0.01       # frames quieter than this fraction of the loudest frame (-40 dB) are silence
SECONDS_PER_FRAME = kokoro_model.FRAME_SAMPLES / kokoro_model.SAMPLE_RATE
PAUSE_MIN_S = 0.1            # a silence before a word at least this long is a pause, not a stop's closure
PAUSE_MIN_FRAMES = round(PAUSE_MIN_S / SECONDS_PER_FRAME)
ONSET_LEAD_FRAMES = 2        # how early, after a pause, the model may start voicing the next word
JOINED_ONSET_LEAD_FRAMES = 2  # in unbroken speech a word is heard ~40 ms before its separator token starts
RATE_LIMITS = ENGINE_SPEED_RANGE  # speaking rate after emotion: the model's speed, then a time stretch (tempo.py)
# Emotion widens or flattens the F0 contour around the voice's own median predicted F0 (before any pitch
# shift), so a range change leaves the level alone. An enrolled profile records that median in its details;
# otherwise it is measured once per style table, on this sentence, and cached by the table's hash.
VOICE_F0_DETAIL = "voice_f0_hz"
CALIBRATION_SENTENCE = "She said that the old bridge over the river was closed for the winter."
CALIBRATION_LANGUAGE = "en"
VOICE_F0_LIMITS_HZ = (40.0, 1000.0)
NEUTRAL_F0_RANGE = 1.0
DEFAULT_F0_CENTER_HZ = 200.0  # cancels out with the neutral range; the centre of a voice with no voiced F0
# A stream's first sentence may be decoded in two windows so its first audio leaves early. The decoder then
# sees a shorter stretch (its instance norms' statistics differ a little, about 3 dB per band on the first
# window); it gets CONTEXT_FRAMES of the other side beyond the cut, the cut falls on a word boundary, and the
# two windows cross-fade there.
CONTEXT_FRAMES = 8
LEAD_FRAMES = 4               # of the leading pad's silence, only this much is decoded for the first window
MIN_REST_S = 0.6              # a sentence whose rest after the cut would be shorter is decoded whole
CROSSFADE_S = 0.01


@dataclass
class KokoroEngine:
    session: ort.InferenceSession
    vocab: dict[str, int]
    packs: dict[str, np.ndarray]
    model_dir: Path
    name: str = ENGINE_NAME
    threads: int = 2
    draft_steps: int = DEFAULT_DRAFT_STEPS     # style inversion before a clone can speak (kokoro/inversion.py)
    refine_steps: int = DEFAULT_REFINE_STEPS   # and after, in the background
    sample_rate: int = kokoro_model.SAMPLE_RATE
    frontend: Frontend = field(default_factory=Frontend)
    detector: LanguageDetector = field(default_factory=LanguageDetector)
    _voice_f0: dict[str, float] = field(default_factory=dict, repr=False)  # style-table hash -> median F0 (Hz)

    @classmethod
    def load(cls, *, model_dir: Path, threads: int = 2, draft_steps: int = DEFAULT_DRAFT_STEPS,
             refine_steps: int = DEFAULT_REFINE_STEPS) -> "KokoroEngine":
        files = kokoro_model.resolve(model_dir)
        session = ort.InferenceSession(str(files.model), sess_options=_session_options(threads),
                                       providers=["CPUExecutionProvider"])
        return cls(session=session, vocab=files.vocab, packs=files.packs, model_dir=model_dir,
                   threads=threads, draft_steps=draft_steps, refine_steps=refine_steps)

    @cached_property
    def front_session(self) -> ort.InferenceSession:
        """The graph up to the decoder's inputs (kokoro/model.py): F0 curves and enrollment's training
        features without paying for a waveform."""
        model = kokoro_model.front_model_bytes(self.model_dir / kokoro_model.EDITED_NAME)
        return ort.InferenceSession(model, sess_options=_session_options(self.threads), providers=["CPUExecutionProvider"])

    def system_voices(self) -> dict[str, VoiceProfile]:
        return {name: VoiceProfile(engine=self.name, style=pack) for name, pack in self.packs.items()}

    def prepare(self) -> None:
        """Build the caches enrollment needs and load what it runs on, so the worker's first clone does not
        pay for them (worker start-up; imports torch, never in the API process)."""
        from soundclone.speech.kokoro.inversion import StyleInverter

        StyleInverter(self).prepare()

    def enroll(self, samples: np.ndarray, sample_rate: int, progress=None) -> VoiceProfile:  # noqa: ANN001
        """Clone a voice by style inversion (kokoro/inversion.py): the draft, then its refinement."""
        draft = self.enroll_draft(samples, sample_rate, progress=progress)
        return self.refine(samples, sample_rate, draft, progress=progress) if self.refine_steps else draft

    def enroll_draft(self, samples: np.ndarray, sample_rate: int, progress=None) -> VoiceProfile:  # noqa: ANN001
        from soundclone.speech.kokoro.inversion import StyleInverter, draft_settings

        settings = draft_settings(self.draft_steps, self.threads)
        return StyleInverter(self, settings).enroll(samples, sample_rate, progress=progress)

    def refine(self, samples: np.ndarray, sample_rate: int, draft: VoiceProfile, progress=None) -> VoiceProfile:  # noqa: ANN001
        from soundclone.speech.kokoro.inversion import StyleInverter, refine_settings

        settings = refine_settings(self.refine_steps, self.threads)
        return StyleInverter(self, settings).enroll(samples, sample_rate, progress=progress, resume=draft)

    def enroll_by_pack_choice(self, samples: np.ndarray, sample_rate: int) -> VoiceProfile:
        """The gradient-free baseline: the closest pack blend and pitch (kept for comparison in bench/quality.py)."""
        return Enroller(self).enroll(samples, sample_rate)

    def synthesize(self, text: str, voice: VoiceProfile, options: SynthesisOptions) -> Iterator[AudioChunk]:
        language = self.detector.detect(text) if options.language == "auto" else options.language
        prosody = EMOTION_PROSODY[options.emotion]
        f0_scale = voice.f0_scale * 2 ** ((options.pitch + prosody.semitones) / 12)
        f0_range = prosody.f0_range
        f0_center = self.voice_f0_hz(voice) if f0_range != NEUTRAL_F0_RANGE else DEFAULT_F0_CENTER_HZ
        speed, stretch_by = tempo.split_rate(float(np.clip(options.speed * prosody.rate, *RATE_LIMITS)))
        gain = options.volume * 10 ** (prosody.gain_db / 20)
        first_piece_s = options.first_piece_s if stretch_by == 1.0 else None
        for index, sentence in enumerate(split_sentences(text)):
            words = self.words(sentence, language)
            if index == 0 and first_piece_s:
                split = self._speak_in_windows(words, voice, sentence, first_piece_s, gain, speed=speed,
                                               f0_scale=f0_scale, f0_range=f0_range, f0_center=f0_center)
                if split is not None:
                    yield from split
                    continue
            chunk = self.speak_words(words, voice.style, speed=speed, f0_scale=f0_scale,
                                     f0_range=f0_range, f0_center=f0_center)
            if chunk is None:
                continue
            samples, timings = _stretched(*chunk, self.sample_rate, stretch_by)
            if voice.equalizer_db:
                samples = equalize(samples, self.sample_rate, voice.equalizer_db)
            yield AudioChunk(normalize_loudness(samples, gain), self.sample_rate, sentence, timings)

    @cached_property
    def decoder_session(self) -> ort.InferenceSession:
        model = kokoro_model.decoder_model_bytes(self.model_dir / kokoro_model.EDITED_NAME)
        return ort.InferenceSession(model, sess_options=_session_options(self.threads), providers=["CPUExecutionProvider"])

    def _speak_in_windows(self, words: list[Word], voice: VoiceProfile, sentence: str, first_s: float, gain: float,
                          *, speed: float, f0_scale: float, f0_range: float, f0_center: float,
                          ) -> Iterator[AudioChunk] | None:
        """The sentence decoded in windows cut at word boundaries, the first holding about `first_s` of speech and
        each next one about twice the one before (so each is ready before the one before has been heard); None
        when it is too short to cut (or too long for one model run)."""
        groups = list(self._groups(words))
        if len(groups) != 1:
            return None
        tokens, spans = self._tokens(groups[0])
        feeds = kokoro_model.model_inputs(tokens, voice.style, speed=speed, f0_scale=f0_scale, f0_range=f0_range,
                                          f0_center=f0_center)
        durations, *decoder_inputs = self.front_session.run(
            [kokoro_model.DURATIONS_OUTPUT, *kokoro_model.DECODER_INPUTS[:3]], feeds)
        frame_starts = np.concatenate([[0], np.cumsum(durations.reshape(-1))]).astype(int)
        begin = max(0, int(frame_starts[1]) - LEAD_FRAMES)     # the pad's silence is not worth decoding first
        cuts = _cuts(spans, frame_starts, begin, first_s)
        if not cuts:
            return None
        return self._windows(decoder_inputs, feeds["style"], spans, frame_starts, [begin, *cuts, int(frame_starts[-1])],
                             voice, sentence, gain)

    def _windows(self, inputs: list[np.ndarray], style: np.ndarray, spans, frame_starts: np.ndarray,  # noqa: ANN001
                 points: list[int], voice: VoiceProfile, sentence: str, gain: float) -> Iterator[AudioChunk]:
        rate, frame, total = self.sample_rate, kokoro_model.FRAME_SAMPLES, points[-1]
        fade = round(CROSSFADE_S * rate)
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        carry, level = None, None
        for index, (start, stop) in enumerate(zip(points, points[1:])):
            first = points[0] if index == 0 else start - CONTEXT_FRAMES
            audio = self._decode_window(inputs, style, first, min(stop + CONTEXT_FRAMES, total), voice)
            at, until = (start - first) * frame, (stop - first) * frame
            last = stop == total
            piece = audio[at:until if last else until - fade]
            if carry is not None:
                piece = np.concatenate([carry * (1 - ramp) + audio[at - fade:at] * ramp, piece])
            carry = None if last else audio[until - fade:until]
            words = [span for span in spans if (index == 0 or frame_starts[span[1] - 1] >= start)
                     and (last or frame_starts[span[1] - 1] < stop)]
            timings = _words_in(words, frame_starts, piece, start, lead=0 if index == 0 else fade)
            if index == 0:
                piece, timings = _trim_start(piece, timings, rate)
            if last:
                piece, timings = _trim_end(piece, timings, rate)
            level = piece if level is None else level
            yield AudioChunk(normalize_loudness(piece, gain, like=level), rate, sentence if index == 0 else "",
                             timings, continues=not last)

    def _decode_window(self, inputs: list[np.ndarray], style: np.ndarray, first: int, last: int,
                       voice: VoiceProfile) -> np.ndarray:
        """Decoder frames [first, last) of a sentence, equalized (the window's own edges stay beyond the cut)."""
        text, f0, energy = inputs
        feeds = dict(zip(kokoro_model.DECODER_INPUTS, (
            np.ascontiguousarray(text[..., first:last]), np.ascontiguousarray(f0[:, 2 * first:2 * last]),
            np.ascontiguousarray(energy[:, 2 * first:2 * last]), style)))
        (audio,) = self.decoder_session.run(["audio"], feeds)
        audio = np.asarray(audio, np.float32).reshape(-1)
        return equalize(audio, self.sample_rate, voice.equalizer_db) if voice.equalizer_db else audio

    def words(self, sentence: str, language: str) -> list[Word]:
        """The frontend's words, their phonemes in the spelling this model was trained on."""
        return [Word(w.text, kokoro_phonemes(w.phonemes, language)) for w in self.frontend.words(sentence, language)]

    def voice_f0_hz(self, voice: VoiceProfile) -> float:
        """The voice's median predicted F0 before any pitch shift: the centre emotions widen or flatten around."""
        recorded = voice.details.get(VOICE_F0_DETAIL)
        if isinstance(recorded, (int, float)) and math.isfinite(recorded):
            low, high = VOICE_F0_LIMITS_HZ
            if low <= recorded <= high:
                return float(recorded)
        key = hashlib.sha256(np.ascontiguousarray(voice.style, dtype="<f4").tobytes()).hexdigest()
        if key not in self._voice_f0:
            self._voice_f0[key] = self._measure_voice_f0(voice.style)
        return self._voice_f0[key]

    def _measure_voice_f0(self, style: np.ndarray) -> float:
        """The median of the voiced points of the F0 curve the model predicts for CALIBRATION_SENTENCE."""
        curves = []
        for group in self._groups(self.words(CALIBRATION_SENTENCE, CALIBRATION_LANGUAGE)):
            tokens, _ = self._tokens(group)
            (curve,) = self.front_session.run([kokoro_model.DECODER_F0_OUTPUT], kokoro_model.model_inputs(
                tokens, style, speed=1.0, f0_scale=1.0, f0_range=NEUTRAL_F0_RANGE, f0_center=DEFAULT_F0_CENTER_HZ))
            curves.append(np.asarray(curve, np.float32).reshape(-1))
        median = kokoro_model.voiced_f0_median(np.concatenate(curves) if curves else np.zeros(0, np.float32))
        return float(np.clip(median, *VOICE_F0_LIMITS_HZ)) if median is not None else DEFAULT_F0_CENTER_HZ

    def speak_words(
        self, words: list[Word], style: np.ndarray, *, speed: float, f0_scale: float,
        f0_range: float = NEUTRAL_F0_RANGE, f0_center: float = DEFAULT_F0_CENTER_HZ,
    ) -> tuple[np.ndarray, tuple[WordTiming, ...]] | None:
        """Audio and word timings for one sentence (split into model-sized groups if long).

        The decoder hears f0_scale * f0_center * (f0 / f0_center) ** f0_range, f0 being the predicted curve:
        `f0_range` 1 keeps the contour, above 1 widens it, below 1 flattens it, around `f0_center` (Hz).
        """
        pieces, timings, offset = [], [], 0.0
        for group in self._groups(words):
            result = self._run(group, style, speed, f0_scale, f0_range, f0_center)
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
            ids = token_ids(word.phonemes, self.vocab)[: MAX_TOKENS - 3]
            if not ids:
                continue
            if group and used + len(ids) + 1 > MAX_TOKENS:
                yield group
                group, used = [], 2
            group.append((word, ids))
            used += len(ids) + 1
        if group:
            yield group

    def _tokens(self, group: list[tuple[Word, list[int]]]) -> tuple[list[int], list[tuple[str, int, int]]]:
        """Token ids (a pad at each end, a separator between words) and each word's (text, first, end) token span."""
        tokens, spans = [PAD], []
        for index, (word, ids) in enumerate(group):
            if index:
                tokens.append(self.vocab[WORD_SEPARATOR])
            spans.append((word.text, len(tokens), len(tokens) + len(ids)))
            tokens.extend(ids)
        tokens.append(PAD)
        return tokens, spans

    def _run(self, group, style: np.ndarray, speed: float, f0_scale: float, f0_range: float,  # noqa: ANN001, ANN202
             f0_center: float):
        tokens, spans = self._tokens(group)
        audio, durations = self.session.run(["audio", kokoro_model.DURATIONS_OUTPUT], kokoro_model.model_inputs(
            tokens, style, speed=speed, f0_scale=f0_scale, f0_range=f0_range, f0_center=f0_center))
        audio = np.asarray(audio, np.float32).reshape(-1)
        frame_starts = np.concatenate([[0], np.cumsum(durations.reshape(-1))])
        levels = _frame_levels(audio, kokoro_model.FRAME_SAMPLES)
        silent = SILENT_FRACTION * (float(levels.max()) if len(levels) else 0.0)
        timings = _word_timings(spans, frame_starts, levels, silent)
        return _trim(audio, timings, self.sample_rate)


def _frame_levels(audio: np.ndarray, size: int) -> np.ndarray:
    """RMS per model frame (durations count in these frames); a short last frame is padded with silence."""
    count = -(-len(audio) // size)
    padded = np.zeros(count * size, np.float32)
    padded[:len(audio)] = audio
    return np.sqrt(np.mean(padded.reshape(count, size).astype(np.float64) ** 2, axis=1))


def _word_timings(spans: list[tuple[str, int, int]], frame_starts: np.ndarray, levels: np.ndarray,
                  silent: float) -> list[WordTiming]:
    """Word spans from the token durations, placed on the audio by the frames' loudness.

    The model voices a word's onset during the token before it (the word separator, or the pad before
    the first word), so a word starts where that token starts; a silence there at least PAUSE_MIN_S long
    is a pause and is skipped (a shorter one is a stop's closure, part of the word), and an onset that
    the model began a frame or two early, right after a pause, is taken with the word. In unbroken
    speech the next word is heard about 40 ms before its separator token starts (against a forced
    aligner: 35-44 ms on all five packs, while starts after a pause were within 10 ms), so such a start
    moves two frames earlier (then 1-8 ms early in the median). A word ends where
    the next one starts (the last word: at its last token), pulled back to its last sound: the pause at
    punctuation is added to a word's last phoneme.
    """
    def is_silent(frame: int) -> bool:
        return frame >= len(levels) or levels[frame] < silent

    starts: list[int] = []
    for _, first, last in spans:
        start, limit = int(frame_starts[first - 1]), int(frame_starts[last]) - 1
        run = start
        while run < limit and is_silent(run):
            run += 1
        if run - start >= PAUSE_MIN_FRAMES:
            start = run
        elif start > 0 and not is_silent(start - 1) and not is_silent(start):
            start -= JOINED_ONSET_LEAD_FRAMES
        # an onset voiced early, inside the token before the separator (the one holding the pause)
        floor = int(frame_starts[max(first - 2, 0)])
        early = start
        while early > floor and start - early < ONSET_LEAD_FRAMES and not is_silent(early - 1):
            early -= 1
        silence = early
        while silence > 0 and is_silent(silence - 1):
            silence -= 1
        if early < start and early - silence >= PAUSE_MIN_FRAMES:
            start = early
        starts.append(max(start, starts[-1] + 1) if starts else start)
    timings = []
    for index, (text, _, last) in enumerate(spans):
        end = starts[index + 1] if index + 1 < len(spans) else int(frame_starts[last])
        end = max(end, starts[index] + 1)
        while end - 1 > starts[index] and is_silent(end - 1):
            end -= 1
        timings.append(WordTiming(text, float(starts[index] * SECONDS_PER_FRAME), float(end * SECONDS_PER_FRAME)))
    return timings


def _session_options(threads: int) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return options


def _cuts(spans, frame_starts: np.ndarray, begin: int, first_s: float) -> list[int]:  # noqa: ANN001
    """Word boundaries (where a word's separator token starts) to cut a sentence at: the first after `first_s` of
    speech, then each after twice the window before; none that would leave less than MIN_REST_S after it."""
    boundaries = [int(frame_starts[first - 1]) for _, first, _ in spans[1:]]
    total, speech_start = int(frame_starts[-1]), int(frame_starts[1])
    cuts: list[int] = []
    wanted = speech_start + first_s / SECONDS_PER_FRAME
    for boundary in boundaries:
        if boundary >= wanted and (total - boundary) * SECONDS_PER_FRAME >= MIN_REST_S:
            cuts.append(boundary)
            wanted = boundary + 2 * (boundary - (cuts[-2] if len(cuts) > 1 else begin))
    return cuts


def _token_at(frame_starts: np.ndarray, frame: int) -> int:
    """The index of the token that starts at decoder frame `frame`."""
    return int(np.searchsorted(frame_starts, frame))


def _words_in(spans, frame_starts: np.ndarray, audio: np.ndarray, first_frame: int, *, lead: int = 0):  # noqa: ANN001, ANN202
    """Word timings of `spans` in a window of the sentence that starts at decoder frame `first_frame` (its audio
    beginning `lead` samples earlier)."""
    if not spans:
        return []
    shifted = frame_starts - first_frame
    levels = _frame_levels(audio[lead:], kokoro_model.FRAME_SAMPLES)
    silent = SILENT_FRACTION * (float(levels.max()) if len(levels) else 0.0)
    offset = lead / kokoro_model.SAMPLE_RATE
    return [WordTiming(t.text, t.start + offset, t.end + offset)
            for t in _word_timings(list(spans), np.maximum(shifted, 0), levels, silent)]


def _trim_start(audio: np.ndarray, timings, rate: int):  # noqa: ANN001, ANN202
    """Cut leading silence (keeping a little) and move the timings with it."""
    loud = np.flatnonzero(np.abs(audio) > QUIET_FRACTION * max(float(np.abs(audio).max(initial=0.0)), 1e-6))
    if not len(loud):
        return audio, tuple(timings)
    start = max(0, loud[0] - int(LEAD_KEEP_S * rate))
    shift = start / rate
    return audio[start:], tuple(WordTiming(t.text, max(t.start - shift, 0.0), max(t.end - shift, 0.0)) for t in timings)


def _trim_end(audio: np.ndarray, timings, rate: int):  # noqa: ANN001, ANN202
    """Cut trailing silence (keeping a little); no timing goes past the end."""
    loud = np.flatnonzero(np.abs(audio) > QUIET_FRACTION * max(float(np.abs(audio).max(initial=0.0)), 1e-6))
    if not len(loud):
        return audio, tuple(timings)
    end = min(len(audio), loud[-1] + int(TAIL_KEEP_S * rate))
    limit = end / rate
    return audio[:end], tuple(WordTiming(t.text, min(t.start, limit), min(t.end, limit)) for t in timings)


def _stretched(audio: np.ndarray, timings: tuple[WordTiming, ...], rate: int, factor: float):  # noqa: ANN202
    """The chunk played `factor` times as fast, its word timings moved with it."""
    if factor == 1.0:
        return audio, timings
    stretched = tempo.stretch(audio, rate, factor)
    scale = len(stretched) / max(len(audio), 1)
    return stretched, tuple(WordTiming(t.text, t.start * scale, t.end * scale) for t in timings)


def _trim(audio: np.ndarray, timings: list[WordTiming], rate: int):  # noqa: ANN202
    """Cut leading and trailing silence (keeping a little) and shift the timings with it; None if all silent."""
    if not np.any(np.abs(audio) > QUIET_FRACTION * max(float(np.abs(audio).max(initial=0.0)), 1e-6)):
        return None
    return _trim_end(*_trim_start(audio, timings, rate), rate)


__all__ = ["KokoroEngine", "analysis"]
