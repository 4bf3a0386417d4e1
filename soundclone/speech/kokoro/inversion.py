"""Enrollment by style inversion: find the timbre half of Kokoro's style vector that sounds like the speaker.

Steps (each measured in bench/quality.py; research/differentiable-kokoro.md has the background):
1. The reference's GE2E speaker embedding is the target (speaker_encoder.py).
2. The starting voice: the two start packs (START_PACKS) whose speech is closest to the target (pack
   embeddings ship with the code, or are computed once per model and cached beside it) are each optimized
   for a few steps (a probe),
   and the one whose loss is lower over the probe's last pass goes on alone. The nearest pack is not
   always the best start: its durations and intonation stay (below); the inversion moves the pitch level
   and the timbre only.
3. Training material: fixed sentences spoken by the starting pack through ONNX Runtime, keeping
   the decoder's inputs (aligned text features, F0, energy). The pack's F0 first moves toward the
   reference's median F0, in whole semitones and by at most max_pitch_shift (the voice keeps that
   shift as its f0_scale), so the timbre is optimized at the pitch it will be heard at; durations and
   energy stay those of the starting pack: only the decoder's 128 timbre dimensions are optimized.
4. Adam on one shared offset to the timbre dimensions, loss 1 - cosine(GE2E(decoder(crop)), target)
   plus a small pull toward the start and a content term (the crop's frame-wise log-mel, band means
   removed, may not drift from the start voice's), and in the refinement long-term terms (the crop's mean
   log-mel toward the reference's, in the band the reference has, and each band's spread over the crop's speech
   frames toward the reference's), on 2.5 s crops of the training sentences (the decoder is
   convolutional, so a crop costs in proportion to its length); crops are spread evenly, not random,
   so enrollment is deterministic.
5. The profile's style table is the pack's, with the offset added to every row's timbre half;
   synthesis stays on ONNX Runtime.
6. What is left of the difference in long-term spectrum between the reference and the decoder's audio
   in the last steps becomes the voice's equalizer curve (speech/equalizer.py): a fixed filter at
   synthesis, measured at no extra cost from audio the optimization made anyway.

PyTorch is imported here only; the API process never imports this module.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from soundclone.speech import analysis, equalizer
from soundclone.speech.defaults import DEFAULT_DRAFT_STEPS
from soundclone.speech.kokoro import cache
from soundclone.speech.kokoro import engine as kokoro_engine
from soundclone.speech.kokoro import model as kokoro_model
from soundclone.speech.kokoro.symbols import token_ids
from soundclone.speech.profile import VoiceProfile

if TYPE_CHECKING:
    from soundclone.speech.kokoro.engine import KokoroEngine

TIMBRE_DIMS = 128
TRAINING_LANGUAGE = "en"
TRAINING_SENTENCES = (
    "The north wind and the sun were disputing which was the stronger, when a traveler came along.",
    "She sells fresh bread at the market every morning, and the whole street smells of it.",
    "Would you like to join us for a quiet walk by the river this evening?",
    "Numbers such as forty two and seven hundred were written on the old wooden board.",
)
PACK_CACHE_NAME = "kokoro-pack-embeddings-v2.json"
SHIPPED_PACK_EMBEDDINGS = "data/kokoro-pack-embeddings.json"   # beside this module
# The training sentences' log-mels in each starting pack's voice depend on nothing the reference brings, so
# they are kept on disk beside the model, named by a digest of everything that went into them.
START_LOG_MEL_DIR = "kokoro-start-log-mel-v1"
GOLDEN_FRACTION = 0.6180339887
NARROW_BAND_HZ = 6_000  # a reference whose band ends below this (telephone speech: ~3.4-4 kHz) is narrow band
OUTPUT_RMS = 0.1        # the engine's output level
LOG_MEL_FLOOR = 0.01
ENCODER_FRAMES_PER_DECODER_FRAME = 2.5   # 10 ms log-mel hop, 25 ms decoder frames
SPECTRUM_STEPS = 12     # the last steps' audio (each training sentence three times) measures the voice's spectrum
MAX_PITCH_SHIFT = 24    # semitones: two octaves keep a voice's f0_scale within what a profile allows ([0.25, 4])
# Clones start from the five Japanese packs. Starting from the nearest of all 54 (kokoro/voice_packs.py) was
# measured (docs/benchmarks.md, "Start packs"): it changed the start of four of seven speakers, and three of the four came
# out less like themselves (GE2E n 0.687 -> 0.667 on average) and less clean (DNSMOS OVRL 3.25 -> 3.17).
START_PACKS = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")


@dataclass(frozen=True)
class InversionSettings:
    steps: int = DEFAULT_DRAFT_STEPS
    learning_rate: float = 0.025
    crop_frames: int = 100          # decoder frames (25 ms each): 2.5 s of speech per step
    pull_toward_start: float = 0.02  # weight of the squared L2 distance from the starting timbre
    content_weight: float = 0.2      # weight of the frame-wise log-mel change from the start (band means removed)
    threads: int = 2
    start_candidates: int = 2       # the packs GE2E finds nearest, each optimized for probe_steps ...
    probe_steps: int = 8            # ... before the one with the lower loss goes on alone (needs steps >= 2 probes)
    max_pitch_shift: float = 12.0   # semitones the start voice's F0 may move toward the reference's (0: never)
    start_packs: tuple[str, ...] = START_PACKS   # the packs a clone may start from
    long_term_weight: float = 0.0   # weight of the crop's long-term log-mel difference from the reference's
    spread_weight: float = 0.0      # weight of the crop's per-band log-mel spread over its speech frames against the
                                    # reference's (in windows as long as a crop); needs long_term_weight
    final_learning_rate: float | None = None   # a cosine schedule from learning_rate down to this over the steps
    average_last: int = 0           # the voice's offset is the mean of the offsets after the last N steps (0: the last)

    def __post_init__(self) -> None:
        if not 0 <= self.max_pitch_shift <= MAX_PITCH_SHIFT:
            raise ValueError(f"max_pitch_shift {self.max_pitch_shift} is outside [0, {MAX_PITCH_SHIFT}] semitones")
        if not self.start_packs:
            raise ValueError("start_packs is empty: a clone needs a pack to start from")
        if not 0 <= self.average_last <= self.steps:
            raise ValueError(f"average_last {self.average_last} is outside [0, steps={self.steps}]")
        if self.spread_weight and not self.long_term_weight:
            raise ValueError("spread_weight needs long_term_weight (both compare with the reference's log-mel)")

    def probes(self) -> bool:
        return self.start_candidates > 1 and self.steps >= 2 * self.probe_steps


def draft_settings(steps: int, threads: int) -> InversionSettings:
    """The draft: the nearest start pack, a few steps."""
    return InversionSettings(steps=steps, threads=threads, start_candidates=1)


# The refinement also pulls the crops' long-term log-mel toward the reference's: on the seven bench speakers it kept
# the long inversion from fitting the speaker encoder at the expense of the spectrum (docs/benchmarks.md,
# "Refinement study"). The 4-step draft goes without it (too few steps for it to matter).
REFINE_LONG_TERM_WEIGHT = 1.0
# The refined voice keeps the mean of the offsets after its last 24 steps (six visits to each training sentence):
# every step's random crop pushes the offset its own way, and the last step's push alone decided the voice. On the
# seven bench speakers, paired with the last-step voice from the same drafts, both judges and OVRL rose a little
# on average (docs/benchmarks.md, "Refinement study": "The offset averaged over the last 24 steps").
REFINE_AVERAGE_LAST = 24
# Beside the long-term mean, the refinement pulls each band's spread over the crop's speech frames toward the
# reference's (measured in windows as long as a crop). The content term holds the crop's frame-by-frame shape to the
# start voice's, so nothing else told the voice how much the speaker's spectrum moves as they speak. On the seven
# bench speakers, from the same drafts, MFCC n rose 0.435 -> 0.473 and GE2E n 0.695 -> 0.707, OVRL unchanged
# (docs/benchmarks.md, "Refinement study": "The spread of the speaker's spectrum").
REFINE_SPREAD_WEIGHT = 1.0


def refine_settings(steps: int, threads: int) -> InversionSettings:
    """The refinement: the draft's optimization continued, with the long-term log-mel terms (mean and spread), its
    voice the mean of the last steps' offsets."""
    return InversionSettings(steps=steps, threads=threads, start_candidates=1, long_term_weight=REFINE_LONG_TERM_WEIGHT,
                             spread_weight=REFINE_SPREAD_WEIGHT, average_last=min(REFINE_AVERAGE_LAST, steps))


@dataclass(frozen=True)
class TrainingSentence:
    style_row: np.ndarray    # [1, 256] the pack row for this sentence's length
    text: np.ndarray         # [1, 512, frames]
    f0: np.ndarray           # [1, 2 * frames]
    energy: np.ndarray       # [1, 2 * frames]


@dataclass(frozen=True)
class TrainingMaterial:
    sentences: list[TrainingSentence]
    semitones: float              # how far the start pack's F0 was moved toward the reference's
    voice_f0_hz: float | None     # the pack's voiced median F0 over the sentences, before that move


Progress = Callable[[int, int], None]


class StyleInverter:
    def __init__(self, engine: "KokoroEngine", settings: InversionSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or InversionSettings()

    def enroll(self, samples: np.ndarray, sample_rate: int, progress: Progress | None = None, *,
               resume: VoiceProfile | None = None) -> VoiceProfile:
        """A voice for the reference speech. With `resume` (a profile this inverter made from the same speech),
        the optimization goes on from that voice's start pack, pitch shift and timbre for `settings.steps` more
        steps, with fresh optimizer state: a draft voice refined in the background (jobs/refine.py)."""
        import torch

        from soundclone.speech import analysis
        from soundclone.speech.speaker_encoder import cosine, shared_encoder

        torch.set_num_threads(self.settings.threads)
        started = time.monotonic()
        reference_f0 = analysis.median_f0(samples, sample_rate)
        encoder = shared_encoder()
        target = encoder.embed(samples, sample_rate)
        pack_scores = {name: cosine(target, np.array(e)) for name, e in self.pack_embeddings().items()}
        nearest = sorted(pack_scores, key=pack_scores.get, reverse=True)
        candidates = nearest[: self.settings.start_candidates] if self.settings.probes() else nearest[:1]
        if resume is not None:
            candidates = [resume.details["start_pack"]]
        band_rate = _narrow_band_rate(samples, sample_rate)
        optimization = _Optimization(self, torch.from_numpy(target), band_rate, progress,
                                     total_steps=self.settings.steps + (len(candidates) - 1) * self.settings.probe_steps,
                                     long_term=self._long_term_log_mel(samples, sample_rate, band_rate, encoder))
        if resume is not None:
            pack = candidates[0]
            material = self._training_material(self.engine.packs[pack], reference_f0,
                                               semitones=resume.details.get("pitch_shift_semitones") or 0.0)
            runs = [optimization.begin(pack, material, offset=_offset_of(resume, self.engine.packs[pack]))]
        else:
            runs = [optimization.begin(pack, self._training_material(self.engine.packs[pack], reference_f0))
                    for pack in candidates]
        run = runs[0]
        if len(runs) > 1:
            for probe in runs:
                optimization.advance(probe, self.settings.probe_steps)
            run = min(runs, key=_probe_loss)
        optimization.advance(run, self.settings.steps)
        offset, losses, changes = run.final_offset(), run.losses, run.changes
        band_rate = optimization.band_rate
        curve = equalizer.matching_curve(equalizer.band_levels_db(samples, sample_rate),
                                         equalizer.band_levels_db(optimization.voice_audio(run), self.engine.sample_rate),
                                         analysis.bandwidth_hz(samples, sample_rate))
        start = run.pack
        style = self.engine.packs[start].copy()
        style[:, :TIMBRE_DIMS] += offset
        return VoiceProfile(
            engine=self.engine.name,
            style=style,
            f0_scale=2 ** (run.material.semitones / 12),
            reference_f0_hz=reference_f0,
            equalizer_db=tuple(curve.tolist()),
            details={
                "method": "style-inversion-v1",
                "stage": "refined" if resume is not None else "first",
                "steps_before": resume.details.get("steps_total", resume.details.get("steps")) if resume else 0,
                "steps_total": self.settings.steps + (resume.details.get("steps_total", resume.details.get("steps", 0))
                                                      if resume else 0),
                "start_pack": start,
                "pack_similarity": {k: round(v, 4) for k, v in pack_scores.items()},
                "start_probe_loss": {r.pack: round(_probe_loss(r), 4) for r in runs} if len(runs) > 1 else None,
                "steps": self.settings.steps,
                "loss_first": round(losses[0], 4) if losses else None,
                "loss_last": round(float(np.mean(losses[-4:])), 4) if losses else None,
                "band_limited_hz": band_rate // 2 if band_rate else None,
                "offset_norm": round(float(np.linalg.norm(offset)), 3),
                "offset_mean_of_steps": max(len(run.late_offsets), 1),   # the last N steps' offsets averaged
                "content_change_last": round(float(np.mean(changes[-4:])), 4) if changes else None,
                "voice_f0_hz": _rounded(run.material.voice_f0_hz),  # before the shift: the centre emotions widen around
                "pitch_shift_semitones": run.material.semitones,
                "equalizer_peak_db": round(float(np.abs(curve).max()), 1),
                "enroll_seconds": round(time.monotonic() - started, 1),
            },
        )

    # -- optimization -----------------------------------------------------------------------

    def _start_log_mel(self, sentence: TrainingSentence, decoder, encoder):  # noqa: ANN001, ANN202
        """The training sentence's log-mel in the starting voice, decoded once whole; each crop's share is cut
        from it and centred (_frames_of), which costs a fraction of decoding every crop a second time. Read
        from the disk cache when an earlier enrollment from the same pack computed it."""
        import torch

        path = self.engine.model_dir / START_LOG_MEL_DIR / f"{_start_log_mel_key(sentence, self.engine.sample_rate)}.npy"
        cached = cache.read_matrix(path)
        if cached is not None:
            return torch.from_numpy(cached)
        with torch.no_grad():
            audio = decoder(torch.from_numpy(sentence.text), torch.from_numpy(sentence.f0),
                            torch.from_numpy(sentence.energy), torch.from_numpy(sentence.style_row))
            log_mel = _log_mel(encoder, audio, self.engine.sample_rate)
        cache.write_matrix(path, log_mel.numpy())
        return log_mel

    def _training_material(self, table: np.ndarray, reference_f0: float | None,
                           semitones: float | None = None) -> TrainingMaterial:
        """The training sentences in a start pack's voice, its F0 moved toward the reference's (or by
        `semitones`, when a voice is resumed). Whole semitones keep the start log-mels' disk cache to a few
        entries per pack."""
        tokens = [_tokens(self.engine.vocab, self.engine.words(s, TRAINING_LANGUAGE)) for s in TRAINING_SENTENCES]
        sentences = [self._training_features(t, table, 1.0) for t in tokens]
        voice_f0 = kokoro_model.voiced_f0_median(np.concatenate([s.f0 for s in sentences], axis=None))
        if semitones is None:
            semitones = _pitch_shift(voice_f0, reference_f0, self.settings.max_pitch_shift)
        if semitones:
            sentences = [self._training_features(t, table, 2 ** (semitones / 12)) for t in tokens]
        return TrainingMaterial(sentences, semitones, voice_f0)

    def _training_sentence(self, sentence: str, table: np.ndarray, f0_scale: float) -> TrainingSentence:
        tokens = _tokens(self.engine.vocab, self.engine.words(sentence, TRAINING_LANGUAGE))
        return self._training_features(tokens, table, f0_scale)

    def _training_features(self, tokens: list[int], table: np.ndarray, f0_scale: float) -> TrainingSentence:
        feeds = kokoro_model.model_inputs(tokens, table, speed=1.0, f0_scale=f0_scale,
                                          f0_range=kokoro_engine.NEUTRAL_F0_RANGE,
                                          f0_center=kokoro_engine.DEFAULT_F0_CENTER_HZ)
        text, f0, energy = self.engine.front_session.run(
            [kokoro_model.DECODER_TEXT_OUTPUT, kokoro_model.DECODER_F0_OUTPUT, kokoro_model.DECODER_ENERGY_OUTPUT],
            feeds)
        row = feeds["style"]
        return TrainingSentence(row, text, f0, energy)

    def prepare(self) -> None:
        """What every enrollment needs before its first step, loaded once per process: the start packs'
        embeddings, the differentiable decoder (~1.3 s), the speaker encoder, and the optimizer's first-use
        import of torch._dynamo (~1.4 s)."""
        import torch._dynamo  # noqa: F401

        from soundclone.speech.kokoro.differentiable import shared_decoder
        from soundclone.speech.speaker_encoder import shared_encoder

        self.pack_embeddings()
        shared_decoder(self.engine.model_dir)
        shared_encoder()

    def _long_term_log_mel(self, samples: np.ndarray, sample_rate: int, band_rate: int | None, encoder):  # noqa: ANN001, ANN202
        """The reference's long-term log-mel (in the band it has), the target of the long-term term: its mean,
        and with spread_weight its per-band spread over speech frames in crop-long windows; None when unused."""
        import torch

        from soundclone.speech.speaker_encoder import resample_tensor

        if not self.settings.long_term_weight:
            return None
        audio = torch.from_numpy(np.asarray(samples, np.float32))
        if band_rate:
            audio = resample_tensor(resample_tensor(audio, sample_rate, band_rate), band_rate, sample_rate)
        with torch.no_grad():
            log_mel = _log_mel(encoder, audio, sample_rate)
            spread = None
            if self.settings.spread_weight:
                window = round(self.settings.crop_frames * ENCODER_FRAMES_PER_DECODER_FRAME)
                windows = [log_mel[i:i + window] for i in range(0, len(log_mel) - window + 1, window)] or [log_mel]
                spread = torch.stack([_speech_spread(w) for w in windows]).mean(dim=0)
            return LongTerm(log_mel.mean(dim=0), spread)

    # -- pack embeddings (cached per model) -------------------------------------------------------

    def start_packs(self) -> dict[str, np.ndarray]:
        packs = {name: self.engine.packs[name] for name in self.settings.start_packs if name in self.engine.packs}
        if not packs:
            raise ValueError(f"none of the start packs {self.settings.start_packs} is among the engine's packs")
        return packs

    def pack_embeddings(self) -> dict[str, list[float]]:
        """Each start pack's GE2E embedding of the training sentences: from the table shipped with the code when
        it was computed from these very packs and sentences (all 54 take minutes to speak on two cores), else
        the one cached in the model directory, else computed now and cached there."""
        wanted = self.start_packs()
        shipped = shipped_pack_embeddings(self.engine.packs)
        if shipped is not None:
            return {name: shipped[name] for name in wanted}
        path = self.engine.model_dir / PACK_CACHE_NAME
        cached = cache.read_table(path, wanted)
        if cached is not None:
            return cached
        table = self.compute_pack_embeddings(wanted)
        cache.write_table(path, table)
        return table

    def compute_pack_embeddings(self, packs: dict[str, np.ndarray] | None = None) -> dict[str, list[float]]:
        """GE2E embeddings of the training sentences spoken by each pack (by default every pack of the engine)."""
        from soundclone.speech.speaker_encoder import shared_encoder

        encoder = shared_encoder()
        table = {}
        for name, pack in (self.engine.packs if packs is None else packs).items():
            audio = np.concatenate([self.engine.speak_words(self.engine.words(s, TRAINING_LANGUAGE), pack,
                                                            speed=1.0, f0_scale=1.0)[0] for s in TRAINING_SENTENCES])
            table[name] = encoder.embed(audio, self.engine.sample_rate).tolist()
        return table


def pack_fingerprint(packs: dict[str, np.ndarray]) -> str:
    """What a pack embedding table was computed from: the packs' bytes and the sentences they spoke."""
    digest = hashlib.sha256(f"{PACK_CACHE_NAME} {TRAINING_LANGUAGE} {TRAINING_SENTENCES}".encode())
    for name in sorted(packs):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(packs[name], dtype="<f4").tobytes())
    return digest.hexdigest()


def shipped_pack_embeddings(packs: dict[str, np.ndarray]) -> dict[str, list[float]] | None:
    """The table in SHIPPED_PACK_EMBEDDINGS if it was made from exactly these packs (scripts/build_pack_embeddings.py)."""
    import importlib.resources as resources
    import json

    try:
        shipped = json.loads((resources.files(__package__) / SHIPPED_PACK_EMBEDDINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(shipped, dict) or shipped.get("fingerprint") != pack_fingerprint(packs):
        return None
    table = shipped.get("embeddings")
    return table if isinstance(table, dict) and set(table) == set(packs) else None


@dataclass
class _Run:
    """One start pack's optimization: Adam on the timbre offset, and what it has recorded so far."""
    pack: str
    material: TrainingMaterial
    offset: object
    optimizer: object
    step: int = 0
    losses: list[float] = field(default_factory=list)
    changes: list[float] = field(default_factory=list)
    late_audio: list[np.ndarray] = field(default_factory=list)
    start_log_mels: dict[int, object] = field(default_factory=dict)
    late_offsets: list[np.ndarray] = field(default_factory=list)

    @property
    def sentences(self) -> list[TrainingSentence]:
        return self.material.sentences

    def final_offset(self) -> np.ndarray:
        """The offset the voice keeps: the mean over the last steps when they were recorded (each step's crop
        pushes the offset its own way, so the mean sits nearer what they agree on), else the last one."""
        if self.late_offsets:
            return np.mean(self.late_offsets, axis=0).astype(np.float32)
        return self.offset.detach().numpy().astype(np.float32)


def _probe_loss(run: _Run) -> float:
    """The loss over the probe's last pass through the training sentences (each run saw the same crops)."""
    return float(np.mean(run.losses[-len(run.sentences):]))


class _Optimization:
    """Adam on the timbre offset, for one or more start packs that advance step by step (a probe of each
    candidate, then the best one alone). A narrow-band reference (telephone speech, whatever rate it was
    stored at) has nothing above band_rate / 2, though the encoder listens up to 8 kHz: the synthesized
    audio passes through the same band before the encoder hears it, so the offset matches the timbre in
    the band both share instead of trying to make full-band speech sound muffled."""

    def __init__(self, inverter: StyleInverter, target, band_rate: int | None, progress: Progress | None,  # noqa: ANN001
                 total_steps: int, long_term=None) -> None:  # noqa: ANN001
        from soundclone.speech.kokoro.differentiable import shared_decoder
        from soundclone.speech.speaker_encoder import shared_encoder

        self.inverter, self.settings, self.engine = inverter, inverter.settings, inverter.engine
        self.target, self.band_rate, self.progress, self.total_steps = target, band_rate, progress, total_steps
        self.long_term = long_term
        self.decoder = shared_decoder(self.engine.model_dir)
        self.encoder = shared_encoder()
        self.done = 0

    def begin(self, pack: str, material: TrainingMaterial, offset: np.ndarray | None = None) -> _Run:
        import torch

        start = torch.zeros(TIMBRE_DIMS) if offset is None else torch.from_numpy(offset.astype(np.float32))
        offset = start.clone().requires_grad_(True)
        return _Run(pack, material, offset, torch.optim.Adam([offset], lr=self.settings.learning_rate))

    def voice_audio(self, run: _Run) -> np.ndarray:
        """The audio the voice made in the last steps; with no steps, the training sentences decoded once."""
        import torch

        if run.late_audio:
            return np.concatenate(run.late_audio)
        with torch.no_grad():
            return np.concatenate([self.decoder(torch.from_numpy(s.text), torch.from_numpy(s.f0), torch.from_numpy(s.energy),
                                                torch.from_numpy(s.style_row)).numpy().reshape(-1)
                                   for s in run.sentences])

    def advance(self, run: _Run, until: int) -> None:
        while run.step < until:
            run.losses.append(self._step(run))
            run.step += 1
            self.done += 1
            if self.progress:
                self.progress(self.done, self.total_steps)

    def _step(self, run: _Run) -> float:
        import torch

        from soundclone.speech.speaker_encoder import resample_tensor

        rate, sentences, step = self.engine.sample_rate, run.sentences, run.step
        index = step % len(sentences)
        sentence = sentences[index]
        first = _crop_start(sentence, self.settings.crop_frames, step // len(sentences))
        text, f0, energy = _crop(sentence, first, self.settings.crop_frames)
        row = torch.from_numpy(sentence.style_row)
        style = torch.cat([row[:, :TIMBRE_DIMS] + run.offset, row[:, TIMBRE_DIMS:]], dim=1)
        audio = self.decoder(torch.from_numpy(text), torch.from_numpy(f0), torch.from_numpy(energy), style)
        log_mel = _log_mel(self.encoder, audio, rate)
        shape = _centred(log_mel)
        if index not in run.start_log_mels:
            run.start_log_mels[index] = self.inverter._start_log_mel(sentence, self.decoder, self.encoder)
        wanted = _frames_of(run.start_log_mels[index], first, sentence, len(shape))
        shared = min(len(shape), len(wanted))
        content = torch.mean((shape[:shared] - wanted[:shared]) ** 2)
        run.changes.append(content.item())
        if step >= self.settings.steps - SPECTRUM_STEPS:
            run.late_audio.append(audio.detach().numpy().reshape(-1))
        if self.band_rate:
            audio = resample_tensor(resample_tensor(audio, rate, self.band_rate), self.band_rate, rate)
        heard = _at_output_level(audio)
        embedding = self.encoder.embed_tensor(heard, rate)
        loss = (1 - torch.dot(embedding, self.target) + self.settings.pull_toward_start * torch.sum(run.offset ** 2)
                + self.settings.content_weight * content)
        if self.long_term is not None:
            # the content term's log-mel serves when the reference is full band; else the band-limited audio's
            heard_log_mel = _log_mel(self.encoder, heard, rate) if self.band_rate else log_mel
            loss = loss + self.settings.long_term_weight * torch.mean((heard_log_mel.mean(dim=0) - self.long_term.mean) ** 2)
            if self.long_term.spread is not None:
                loss = loss + self.settings.spread_weight * torch.mean(
                    (_speech_spread(heard_log_mel) - self.long_term.spread) ** 2)
        if self.settings.final_learning_rate is not None:
            for group in run.optimizer.param_groups:
                group["lr"] = _scheduled_rate(self.settings, step)
        run.optimizer.zero_grad()
        loss.backward()
        run.optimizer.step()
        if self.settings.average_last and step >= self.settings.steps - self.settings.average_last:
            run.late_offsets.append(run.offset.detach().numpy().copy())
        return loss.item()


def _scheduled_rate(settings: InversionSettings, step: int) -> float:
    """Cosine decay from settings.learning_rate at the first step to settings.final_learning_rate at the last."""
    progress = step / max(settings.steps - 1, 1)
    end = settings.final_learning_rate
    return end + (settings.learning_rate - end) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def _offset_of(profile: VoiceProfile, pack: np.ndarray) -> np.ndarray:
    """The timbre offset a profile made by this inverter added to its start pack (the same for every row)."""
    return np.asarray(profile.style[0, :TIMBRE_DIMS] - pack[0, :TIMBRE_DIMS], np.float32)


def _pitch_shift(voice_f0: float | None, reference_f0: float | None, limit: float) -> float:
    """Whole semitones from the voice's median F0 to the reference's, at most `limit` (rounded down to whole
    semitones) either way; 0 when either F0 is unknown."""
    from soundclone.speech import analysis

    if reference_f0 is None or voice_f0 is None:
        return 0.0
    whole_limit = math.floor(limit)
    return float(np.clip(round(analysis.semitones(reference_f0 / voice_f0)), -whole_limit, whole_limit))


def _start_log_mel_key(sentence: TrainingSentence, rate: int) -> str:
    """A digest of the decoder's inputs and of the log-mel's settings (the model itself is checked by sha256
    at start-up, and a new one comes with new code)."""
    digest = hashlib.sha256(f"{rate} {OUTPUT_RMS} {LOG_MEL_FLOOR}".encode())
    for array in (sentence.text, sentence.f0, sentence.energy, sentence.style_row):
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array, dtype="<f4").tobytes())
    return digest.hexdigest()[:32]


def _log_mel(encoder, audio, rate: int):  # noqa: ANN001, ANN202
    """[frames, 40] log-mel power of decoder audio at the engine's output level, at the speaker encoder's rate
    and hop. The floor (about 30 dB under the loudest bands) keeps near-silent detail, which differs between
    a crop and the whole sentence decoded (the sine source's phase), from outweighing the speech."""
    import torch

    from soundclone.speech.speaker_encoder import RATE as ENCODER_RATE
    from soundclone.speech.speaker_encoder import resample_tensor

    audio = _at_output_level(audio.reshape(-1))
    return torch.log(encoder.mel(resample_tensor(audio, rate, ENCODER_RATE)) + LOG_MEL_FLOOR)


def _at_output_level(audio):  # noqa: ANN001, ANN202
    import torch

    return audio * (OUTPUT_RMS / torch.sqrt(torch.mean(audio ** 2) + 1e-9))


@dataclass(frozen=True)
class LongTerm:
    """The reference's long-term log-mel: per band, its mean, and its spread (None when not used)."""
    mean: object
    spread: object | None


def _speech_spread(log_mel):  # noqa: ANN001, ANN202
    """Per band, the standard deviation of the log-mel over the speech frames (silence would swamp it)."""
    import torch

    energy = torch.logsumexp(log_mel.detach(), dim=1)
    speech = energy > energy.max() - analysis.SILENCE_BELOW_DB * math.log(10) / 10   # natural-log power
    return log_mel[speech].std(dim=0) if int(speech.sum()) > 1 else torch.zeros(log_mel.shape[1])


def _centred(log_mel):  # noqa: ANN001, ANN202
    """Log-mel frames with each band's mean over time removed: what is said and how (the content term), without
    the long-term colour that the speaker's timbre and the equalizer change anyway."""
    return log_mel - log_mel.mean(dim=0, keepdim=True)


def _frames_of(whole_log_mel, first: int, sentence: TrainingSentence, count: int):  # noqa: ANN001, ANN202
    """The `count` log-mel frames of the whole sentence's audio from where a crop starting at decoder frame
    `first` begins, centred like the crop's."""
    per_frame = len(whole_log_mel) / sentence.text.shape[-1]
    begin = min(int(round(first * per_frame)), max(len(whole_log_mel) - count, 0))
    return _centred(whole_log_mel[begin:begin + count])


def _narrow_band_rate(samples: np.ndarray, sample_rate: int) -> int | None:
    """For a narrow-band reference, the sample rate whose Nyquist frequency is its band edge; else None."""
    from soundclone.speech import analysis

    edge = analysis.bandwidth_hz(samples, sample_rate)
    return int(round(2 * edge)) if edge < NARROW_BAND_HZ else None


def _tokens(vocab: dict[str, int], words) -> list[int]:  # noqa: ANN001
    """Token ids for a short sentence: phonemes, a space between words, a pad at each end."""
    tokens = [0]
    for index, word in enumerate(words):
        if index:
            tokens.append(vocab[" "])
        tokens.extend(token_ids(word.phonemes, vocab))
    return tokens + [0]


def _crop_start(sentence: TrainingSentence, frames: int, visit: int) -> int:
    """Where the `visit`-th window of a sentence starts: positions spread by the golden ratio, so crops
    cover it evenly and the same reference always gives the same voice."""
    total = sentence.text.shape[-1]
    return 0 if total <= frames else int(((visit * GOLDEN_FRACTION) % 1.0) * (total - frames + 1))


def _crop(sentence: TrainingSentence, start: int, frames: int):  # noqa: ANN202
    """Decoder frames [start, start + frames) of a sentence's features."""
    if sentence.text.shape[-1] <= frames:
        return sentence.text, sentence.f0, sentence.energy
    return (np.ascontiguousarray(sentence.text[..., start:start + frames]),
            np.ascontiguousarray(sentence.f0[..., 2 * start:2 * (start + frames)]),
            np.ascontiguousarray(sentence.energy[..., 2 * start:2 * (start + frames)]))


def _rounded(hz: float | None) -> float | None:
    return round(hz, 1) if hz is not None else None
