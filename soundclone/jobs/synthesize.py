"""The audio task: speak the text in a cloned voice, write MP3 and, when asked, SRT subtitles."""

from __future__ import annotations

from soundclone.domain.text import parse_script
from soundclone.jobs.context import JobContext, TaskFailure
from soundclone.jobs.render import Rendering, render_script
from soundclone.media.encode import encode_audio
from soundclone.media.subtitles import to_srt
from soundclone.speech.engine import SynthesisOptions, VoiceProfile
from soundclone.store import voices
from soundclone.store.db import transaction
from soundclone.store.models import Task


def audio_key(task_id: str) -> str:
    return f"tasks/{task_id}/audio.mp3"


def subtitle_key(task_id: str) -> str:
    return f"tasks/{task_id}/subtitles.srt"


def run_audio(ctx: JobContext, task: Task) -> dict:
    request = task.request
    profile = _load_voice(ctx, task)
    options = SynthesisOptions(
        language=request["language"], speed=request["speed"], pitch=request["pitch"],
        volume=request["vol"], emotion=request["emotion"],
    )
    rendering = render_script(ctx.engine, parse_script(request["contentText"]), profile, options)
    ctx.blobs.put(audio_key(task.id), encode_audio(rendering.samples, rendering.sample_rate, fmt="mp3"))
    result = {"audioKey": audio_key(task.id), "durationS": round(rendering.duration_s, 3)}
    if request["subtitleEnable"]:
        ctx.blobs.put(subtitle_key(task.id), _subtitles(rendering, request.get("subtitleType")).encode())
        result["subtitleKey"] = subtitle_key(task.id)
    return result


def _load_voice(ctx: JobContext, task: Task) -> VoiceProfile:
    with transaction(ctx.sessions) as session:
        voice = voices.voice_for_account(session, voice_id=task.request["modelId"], account_id=task.account_id)
    if voice is None:
        raise TaskFailure(f"voice model {task.request['modelId']} no longer exists")
    return VoiceProfile.from_bytes(ctx.blobs.get(voice.profile_key))


def _subtitles(rendering: Rendering, subtitle_type: str | None) -> str:
    return to_srt(rendering.words if subtitle_type == "word" else rendering.sentences)
