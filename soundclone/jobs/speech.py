"""The speech job, whatever the dialect asked: speak a script with a voice, write the audio in the requested
format and, when asked, its subtitles, a stream of its audio as it is made, and an archive of them all.

A stream is published as numbered chunks under the task. In "pieces" mode each sentence is encoded on its own
(each chunk plays alone); in "continuous" mode one encoder runs for the whole request and each chunk is what
it wrote meanwhile, so the chunks joined are the audio file itself.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from soundclone.core import voices as core_voices
from soundclone.domain import keys, provenance
from soundclone.domain.controls import PITCH_RANGE
from soundclone.domain.records import AudioFile, SpeechResult, SpeechTask
from soundclone.domain.requests import STREAM_CONTINUOUS, SpeechRequest, Subtitles
from soundclone.jobs import metrics
from soundclone.jobs.context import JobContext
from soundclone.jobs.render import Rendering, render_script
from soundclone.media import effects, watermark
from soundclone.media.encode import StreamEncoder, encode_audio
from soundclone.media.subtitles import to_segments_json, to_srt
from soundclone.speech.engine import SynthesisOptions, VoiceProfile
from soundclone.store import files, tasks
from soundclone.store.db import transaction
from soundclone.store.models import Task

ARCHIVE_PURPOSE = "t2a_async"
FIRST_PIECE_S = 0.5   # a stream's first audio: about this much speech, decoded before the rest of its sentence


def run_speech(ctx: JobContext, task: Task, record: SpeechTask) -> SpeechResult:
    profile, quality = _profile(ctx, task.account_id, record)
    return replace(speak(ctx, task, record.request, profile), voice_quality=quality)


def _profile(ctx: JobContext, account_id: int, record: SpeechTask) -> tuple[VoiceProfile, str | None]:
    with transaction(ctx.sessions) as session:
        voice = core_voices.clone_to_speak(session, account_id=account_id, ref=record.voice, engine=ctx.engine.name)
    if voice is None:
        return ctx.engine.system_voices()[record.voice.id], None
    key, quality = record.voice.profile_key or voice.profile_key, record.voice.quality or voice.quality
    return VoiceProfile.from_bytes(ctx.blobs.get(key)), quality


Marker = Callable[[np.ndarray, int], np.ndarray]   # (samples, where they start in the output) -> marked samples


def speak(ctx: JobContext, task: Task, request: SpeechRequest, profile: VoiceProfile) -> SpeechResult:
    rate = ctx.engine.sample_rate
    modify = _voice_modify(request)
    mark = marker(ctx, task.id, request.watermark)
    publish = _Publisher(ctx, task.id, request, modify, mark) if request.stream else None
    options = synthesis_options(request)
    if request.stream:
        options = replace(options, first_piece_s=FIRST_PIECE_S)
    started = time.monotonic()
    rendering = render_script(ctx.engine, request.script, profile, options, on_audio=publish)
    metrics.spoke(rendering.duration_s, time.monotonic() - started)
    # a stream's whole audio is the pieces it sent (each marked as it went): effects and mark run once, and the
    # two never disagree
    if publish and publish.pieces:
        samples = np.concatenate(publish.pieces)
    else:
        samples = effects.apply(rendering.samples, rate, modify)
        samples = mark(samples, 0) if mark else samples
    streamed = publish.finish() if publish else None
    audio = _write_audio(ctx, task.id, request, samples, encoded=streamed)
    result = SpeechResult(audio, request.characters, chunks=publish.chunks if publish else 0)
    if request.subtitles is not None:
        subtitles_key = keys.subtitles_key(task.id, request.subtitles.format)
        ctx.blobs.put(subtitles_key, _subtitles(rendering, request.subtitles, request.text).encode())
        result = replace(result, subtitles_key=subtitles_key)
    if request.archive is not None:
        result = replace(result, archive_file_id=_archive(ctx, task, request, result))
    return result


def marker(ctx: JobContext, task_id: str, requested: bool) -> Marker | None:
    """How this task's audio is marked (its mark id under the first watermark key), or None when it is not
    (domain.provenance decides)."""
    settings = ctx.settings
    if not provenance.output_marked(requested, enabled=settings.watermark, opt_out_allowed=settings.watermark_opt_out):
        return None
    with transaction(ctx.sessions) as session:
        mark_id = tasks.mark_id_for_task(session, task_id=task_id)
    secret = next(iter(settings.watermark_keyring.values()))
    rate = ctx.engine.sample_rate
    return lambda samples, start: watermark.embed(samples, rate, key=secret, mark_id=mark_id, start=start)


def synthesis_options(request: SpeechRequest) -> SynthesisOptions:
    controls = request.controls
    low, high = PITCH_RANGE
    pitch = int(np.clip(controls.pitch + round(request.effects.semitones), low, high))
    return SynthesisOptions(language=request.language, speed=controls.speed, pitch=pitch, volume=controls.volume,
                            emotion=controls.emotion)


def _voice_modify(request: SpeechRequest) -> effects.VoiceModify:
    chosen = request.effects
    return effects.VoiceModify(chosen.pitch, chosen.intensity, chosen.timbre, chosen.sound_effect)


class _Publisher:
    """Encodes each new piece of audio and stores the bytes as the task's next stream chunk."""

    def __init__(self, ctx: JobContext, task_id: str, request: SpeechRequest, modify: effects.VoiceModify,
                 mark: Marker | None) -> None:
        self.ctx, self.task_id, self.request, self.modify, self.mark = ctx, task_id, request, modify, mark
        self.position = 0   # samples sent so far: each piece's mark continues the last one's
        out, rate = request.output, ctx.engine.sample_rate
        self.encoder = StreamEncoder(rate, fmt=out.format, bitrate=out.bitrate, out_rate=out.sample_rate,
                                     channels=out.channels) if request.stream == STREAM_CONTINUOUS else None
        self.pieces: list[np.ndarray] = []
        self.sent: list[bytes] = []

    @property
    def chunks(self) -> int:
        return len(self.sent)

    def __call__(self, samples: np.ndarray) -> None:
        rate = self.ctx.engine.sample_rate
        piece = effects.apply(samples, rate, self.modify)
        if self.mark is not None:
            piece = self.mark(piece, self.position)
        self.position += piece.size
        out = self.request.output
        if self.encoder is not None:
            self._send(self.encoder.push(piece))
        else:
            self._send(encode_audio(piece, rate, fmt=out.format, bitrate=out.bitrate, out_rate=out.sample_rate,
                                    channels=out.channels, bare=True))
        self.pieces.append(piece)

    def finish(self) -> bytes | None:
        """The whole file, when the stream is one (continuous); None when its pieces are separate files."""
        if self.encoder is None:
            return None
        self._send(self.encoder.close())
        return b"".join(self.sent)

    def _send(self, data: bytes) -> None:
        if data:
            self.ctx.blobs.put(keys.stream_key(self.task_id, len(self.sent), self.request.output.format), data)
            self.ctx.announce(self.task_id, f"chunk {len(self.sent)}")
            self.sent.append(data)


def _write_audio(ctx: JobContext, task_id: str, request: SpeechRequest, samples: np.ndarray,
                 encoded: bytes | None = None) -> AudioFile:
    rate = ctx.engine.sample_rate
    out = request.output
    out_rate = out.sample_rate or rate
    if encoded is None:
        encoded = encode_audio(samples, rate, fmt=out.format, bitrate=out.bitrate, out_rate=out_rate,
                               channels=out.channels)
    data = encoded
    key = keys.audio_key(task_id, out.format)
    ctx.blobs.put(key, data)
    return AudioFile(key=key, format=out.format, sample_rate=out_rate, bitrate=out.bitrate, channels=out.channels,
                     size=len(data), duration_ms=int(round(len(samples) / rate * 1000)))


def _subtitles(rendering: Rendering, subtitles: Subtitles, text: str) -> str:
    if subtitles.format == "srt":
        return to_srt(rendering.words if subtitles.words else rendering.sentences)
    segments = to_segments_json(rendering.sentences, rendering.words, text, with_words=subtitles.words)
    return json.dumps(segments, ensure_ascii=False)


def _archive(ctx: JobContext, task: Task, request: SpeechRequest, result: SpeechResult) -> int:
    """One tar with the audio, its subtitles (.titles) and its facts (.extra), kept as a file of the account."""
    file_id = request.archive.file_id
    members = {
        f"{file_id}/content-{file_id}.{result.audio.format}": ctx.blobs.get(result.audio.key),
        f"{file_id}/content-{file_id}.titles": ctx.blobs.get(result.subtitles_key),
        f"{file_id}/content-{file_id}.extra": json.dumps({**result.facts(), **request.archive.details}).encode(),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mtime = int(ctx.clock().timestamp())
            tar.addfile(info, io.BytesIO(payload))
    key = keys.archive_key(file_id)
    ctx.blobs.put(key, buffer.getvalue())
    with transaction(ctx.sessions) as session:
        if files.file_for_account(session, file_id=file_id, account_id=task.account_id) is None:
            files.add_file(session, file_id=file_id, account_id=task.account_id, purpose=ARCHIVE_PURPOSE,
                           filename=f"{file_id}.tar", size=len(buffer.getvalue()), blob_key=key, now=ctx.clock())
    return file_id
