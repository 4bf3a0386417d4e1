"""The clone task: fetch the reference, check its speech, enroll a voice, render the preview."""

from __future__ import annotations

import tempfile
from pathlib import Path

from soundclone.domain.ids import voice_id_for_task
from soundclone.domain.text import parse_script
from soundclone.jobs.context import JobContext, TaskFailure
from soundclone.jobs.render import render_script
from soundclone.media.decode import decode_audio
from soundclone.media.encode import encode_audio
from soundclone.media.fetch import fetch_to_file
from soundclone.media.vad import detect_speech, speech_only
from soundclone.speech.engine import SynthesisOptions
from soundclone.store import voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

ANALYSIS_RATE = 16_000
MIN_SPEECH_S = 15.0
MAX_SPEECH_S = 60.0


def preview_key(task_id: str) -> str:
    return f"tasks/{task_id}/preview.mp3"


def profile_key(voice_id: str) -> str:
    return f"voices/{voice_id}.profile"


def run_clone(ctx: JobContext, task: Task) -> dict:
    request = task.request
    reference = _reference_speech(ctx, request["fileUrl"])
    profile = ctx.engine.enroll(reference, ANALYSIS_RATE)
    voice_id = voice_id_for_task(task.id)
    ctx.blobs.put(profile_key(voice_id), profile.to_bytes())

    options = SynthesisOptions(language=request["language"])
    rendering = render_script(ctx.engine, parse_script(request["contentText"]), profile, options)
    ctx.blobs.put(preview_key(task.id), encode_audio(rendering.samples, rendering.sample_rate, fmt="mp3"))
    with transaction(ctx.sessions) as session:
        voices.create_voice(
            session, voice_id=voice_id, account_id=task.account_id, engine=ctx.engine.name,
            profile_key=profile_key(voice_id), source_task_id=task.id, now=ctx.clock(),
        )
    return {"modelId": voice_id, "audioKey": preview_key(task.id), "durationS": round(rendering.duration_s, 3)}


def _reference_speech(ctx: JobContext, url: str):  # noqa: ANN202
    with tempfile.TemporaryDirectory(prefix="soundclone-") as tmp:
        fetched = fetch_to_file(url, Path(tmp) / "reference", policy=ctx.fetch_policy, resolver=ctx.resolver)
        audio = decode_audio(fetched.path, sample_rate=ANALYSIS_RATE, limits=ctx.decode_limits)
    activity = detect_speech(audio.samples, audio.sample_rate)
    check_speech_duration(activity.speech_s)
    return speech_only(audio.samples, audio.sample_rate, activity)


def check_speech_duration(speech_s: float) -> None:
    if speech_s <= MIN_SPEECH_S:
        raise TaskFailure(
            f"speech in the recording lasts {speech_s:.1f} s; more than {MIN_SPEECH_S:.0f} s is required "
            "(send a longer recording of one person speaking)"
        )
    if speech_s >= MAX_SPEECH_S:
        raise TaskFailure(
            f"speech in the recording lasts {speech_s:.1f} s; it must be under {MAX_SPEECH_S:.0f} s "
            "(trim the recording)"
        )
