"""MiniMax tasks: clone a voice from an uploaded file, and synthesize (sync, streamed or async).

Streaming: each sentence's audio is encoded on its own and stored as the next numbered chunk
under the task (`stream/00000.mp3`, ...); the API reads them as they appear.
"""

from __future__ import annotations

import io
import json
import tarfile

import numpy as np

from soundclone.domain.errors import ErrorKind
from soundclone.domain.ids import voice_id_for_task
from soundclone.domain.minimax import SpeechOrder, speech_script, stream_key, word_count
from soundclone.domain.voices import MINIMAX_LIFETIME_DAYS
from soundclone.jobs.clone import profile_key
from soundclone.jobs.context import JobContext, TaskFailure
from soundclone.jobs.render import Rendering, render_script
from soundclone.media import denoise, effects, watermark
from soundclone.media.decode import decode_audio
from soundclone.media.encode import encode_audio
from soundclone.media.subtitles import to_segments_json
from soundclone.media.vad import detect_speech, speech_only
from soundclone.speech.catalog import system_voice_ids
from soundclone.speech.engine import SynthesisOptions, VoiceProfile
from soundclone.store import files, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

ANALYSIS_RATE = 16_000
MIN_CLONE_SPEECH_S = 5.0
PROMPT_CHARS_PER_S = (0.5, 30.0)  # plausible reading speeds (CJK characters or Latin letters per second)
PITCH_LIMIT = 12
ASYNC_PURPOSE = "t2a_async"


def run_voice_clone(ctx: JobContext, task: Task) -> dict:
    request = task.request
    reference = _clone_material(ctx, request)
    profile = ctx.engine.enroll(reference, ANALYSIS_RATE)
    voice_id = voice_id_for_task(task.id)
    ctx.blobs.put(profile_key(voice_id), profile.to_bytes())
    with transaction(ctx.sessions) as session:
        voices.create_voice(
            session, voice_id=voice_id, account_id=task.account_id, engine=ctx.engine.name,
            profile_key=profile_key(voice_id), source_task_id=task.id, now=ctx.clock(),
            name=request["name"], lifetime_days=MINIMAX_LIFETIME_DAYS,
        )
    result = {"voiceId": voice_id}
    if request.get("demo"):
        order = SpeechOrder.from_dict(request["demo"])
        result.update(_synthesize(ctx, task, order, profile))
    return result


def _clone_material(ctx: JobContext, request: dict) -> np.ndarray:
    audio = _decoded(ctx, request["fileKey"])
    if request.get("noiseReduction"):
        audio = denoise.reduce_noise(audio, ANALYSIS_RATE)
    if request.get("volumeNormalization"):
        audio = denoise.normalize_volume(audio, ANALYSIS_RATE)
    activity = detect_speech(audio, ANALYSIS_RATE)
    if activity.speech_s < MIN_CLONE_SPEECH_S:
        raise TaskFailure(f"the clone audio holds {activity.speech_s:.1f} s of speech; at least "
                          f"{MIN_CLONE_SPEECH_S:.0f} s is needed", ErrorKind.CLONE_AUDIO_DURATION)
    pieces = [speech_only(audio, ANALYSIS_RATE, activity)]
    if request.get("promptKey"):
        pieces.append(_checked_prompt(ctx, request["promptKey"], request["promptText"]))
    return np.concatenate(pieces)


def _checked_prompt(ctx: JobContext, key: str, text: str) -> np.ndarray:
    """The prompt joins the enrollment material once its transcript plausibly matches its speech."""
    audio = _decoded(ctx, key)
    activity = detect_speech(audio, ANALYSIS_RATE)
    units = word_count(text)
    rate = units / activity.speech_s if activity.speech_s else float("inf")
    low, high = PROMPT_CHARS_PER_S
    if not low <= rate <= high:
        raise TaskFailure(
            f"clone_prompt.prompt_text does not match prompt_audio: {units} letters or characters for "
            f"{activity.speech_s:.1f} s of speech", ErrorKind.PROMPT_MISMATCH,
        )
    return speech_only(audio, ANALYSIS_RATE, activity)


def _decoded(ctx: JobContext, key: str) -> np.ndarray:
    return decode_audio(ctx.blobs.path(key), sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits).samples


def run_speech(ctx: JobContext, task: Task) -> dict:
    order = SpeechOrder.from_dict(task.request["order"])
    result = _synthesize(ctx, task, order, _voice(ctx, task.account_id, order.voice_id))
    if task.request.get("async"):
        result["fileId"] = _archive(ctx, task, order, result)
    return result


def _voice(ctx: JobContext, account_id: int, voice_id: str) -> VoiceProfile:
    """The account's own clone first (it may predate a system voice of the same name), then the system voice."""
    with transaction(ctx.sessions) as session:
        voice = voices.voice_for_account(session, voice_id=voice_id, account_id=account_id)
    if voice is None and voice_id in system_voice_ids(ctx.engine.name):
        return ctx.engine.system_voices()[voice_id]
    if voice is None:
        raise TaskFailure(f"voice_id {voice_id} does not exist", ErrorKind.NOT_FOUND)
    return VoiceProfile.from_bytes(ctx.blobs.get(voice.profile_key))


def _synthesize(ctx: JobContext, task: Task, order: SpeechOrder, profile: VoiceProfile) -> dict:
    modify = effects.VoiceModify(**order.voice_modify)
    pitch = int(np.clip(order.pitch + round(modify.semitones), -PITCH_LIMIT, PITCH_LIMIT))
    options = SynthesisOptions(language=order.language, speed=order.speed, pitch=pitch, volume=order.vol,
                               emotion=order.emotion)
    script = speech_script(order.text, strip_interjections=order.model.startswith("speech-2.8"))
    spec = order.audio
    rate = ctx.engine.sample_rate
    streamed: list[np.ndarray] = []

    def publish(samples: np.ndarray) -> None:
        piece = effects.apply(samples, rate, modify)
        ctx.blobs.put(stream_key(task.id, len(streamed), spec.format),
                      encode_audio(piece, rate, fmt=spec.format, bitrate=spec.bitrate, out_rate=spec.sample_rate,
                                   channels=spec.channel, bare=True))
        streamed.append(piece)

    rendering = render_script(ctx.engine, script, profile, options, on_audio=publish if order.stream else None)
    # a stream's whole audio is the sentences it sent: the effects run once and the two never disagree
    samples = np.concatenate(streamed) if streamed else effects.apply(rendering.samples, rate, modify)
    if order.watermark:
        samples = watermark.embed(samples, rate, key=ctx.settings.secret_key)
    data = encode_audio(samples, rate, fmt=spec.format, bitrate=spec.bitrate, out_rate=spec.sample_rate,
                        channels=spec.channel)
    audio_key = f"tasks/{task.id}/audio.{spec.format}"
    ctx.blobs.put(audio_key, data)
    result = {"audioKey": audio_key, "chunks": len(streamed),
              "extraInfo": _extra_info(order, data, len(samples) / rate)}
    if order.subtitle or task.request.get("async"):
        key = f"tasks/{task.id}/subtitles.json"
        ctx.blobs.put(key, json.dumps(_segments(rendering, order), ensure_ascii=False).encode())
        result["subtitleKey"] = key
    return result


def _segments(rendering: Rendering, order: SpeechOrder) -> list[dict]:
    return to_segments_json(rendering.sentences, rendering.words, order.text, with_words=order.subtitle_type != "sentence")


def _extra_info(order: SpeechOrder, data: bytes, duration_s: float) -> dict:
    spec = order.audio
    return {
        "audio_length": int(round(duration_s * 1000)), "audio_sample_rate": spec.sample_rate,
        "audio_size": len(data), "bitrate": spec.bitrate, "audio_format": spec.format,
        "audio_channel": spec.channel, "invisible_character_ratio": order.invisible_ratio,
        "usage_characters": order.usage_characters, "word_count": order.word_count,
    }


def _archive(ctx: JobContext, task: Task, order: SpeechOrder, result: dict) -> int:
    """The async result: a tar with the audio, its sentence subtitles (.titles) and metadata (.extra)."""
    file_id = task.request["outputFileId"]
    members = {
        f"{file_id}/content-{file_id}.{order.audio.format}": ctx.blobs.get(result["audioKey"]),
        f"{file_id}/content-{file_id}.titles": ctx.blobs.get(result["subtitleKey"]),
        f"{file_id}/content-{file_id}.extra": json.dumps(result["extraInfo"]).encode(),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mtime = int(ctx.clock().timestamp())
            tar.addfile(info, io.BytesIO(payload))
    key = f"files/{file_id}.tar"
    ctx.blobs.put(key, buffer.getvalue())
    with transaction(ctx.sessions) as session:
        if files.file_for_account(session, file_id=file_id, account_id=task.account_id) is None:
            files.add_file(session, file_id=file_id, account_id=task.account_id, purpose=ASYNC_PURPOSE,
                           filename=f"{file_id}.tar", size=len(buffer.getvalue()), blob_key=key, now=ctx.clock())
    return file_id
