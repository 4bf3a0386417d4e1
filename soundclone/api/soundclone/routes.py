"""The SoundClone task API (two vendor paths): wire schemas, thin routes, and the task view.

A route translates its body (`translate`), calls the core, and translates the task back into the
`{code, msg, data}` envelope.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from soundclone.api.deps import Caller, CallerDep, StateDep, short_work
from soundclone.api.soundclone.errors import ERROR_CODES, SUCCESS
from soundclone.api.soundclone.translate import (
    AUDIO_TEXT_LIMIT, DEFAULT_PREVIEW_TEXT, EMOTIONS, PITCH_RANGE, PREVIEW_TEXT_LIMIT, SPEED_RANGE, VOL_MAX,
    audio_order, clone_order,
)
from soundclone.api.state import ApiState
from soundclone.core import submission
from soundclone.core.tasks import TaskView, find_task, view
from soundclone.domain.pricing import PricePlan
from soundclone.domain.records import CloneResult, SpeechResult
from soundclone.domain.tasks import SOUNDCLONE_KINDS, TaskKind

PREFIXES = ("/api/open-api/v1", "/kyyReactApiServer/v1")
OBJECT = "audio"


class CloneBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    fileUrl: str = Field(description="http(s) URL of an audio (mp3/ogg/wav/m4a/aac) or video (mp4/avi/mov/mkv/flv) "
                                     "with more than 15 s and less than 60 s of speech; no non-ASCII characters")
    contentText: str | None = Field(None, description=f"preview text, fewer than {PREVIEW_TEXT_LIMIT} characters; "
                                                      f"default: {DEFAULT_PREVIEW_TEXT}")
    soundVersion: Literal["v1", "v2"] | None = Field(None, description="v1 (24 languages, default) or v2 (40)")
    language: str | None = Field(None, description="language name such as Chinese or English; default auto")
    consentId: str | None = Field(None, description=(
        "an extension: the id of a verified consent recording (POST /v1/audio/voice_consents) whose speaker must be "
        "the file's speaker; required when the operator requires consent for every clone"))


class AudioBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    modelId: str = Field(description="modelId of a completed clone task (or a system voice id)")
    contentText: str = Field(description=f"text to speak, fewer than {AUDIO_TEXT_LIMIT} characters; "
                                         "<#x#> inserts a pause of x seconds (0.01–99.99)")
    soundVersion: Literal["v1", "v2"] | None = None
    language: str | None = None
    emotion: Literal[EMOTIONS] | None = Field(  # type: ignore[valid-type]
        None, description="prosody rules on the voice's own delivery: F0 level and range, speaking rate and energy "
                          "per emotion (e.g. happy: +2 semitones, 1.25x wider contour, 6 % faster, +1.5 dB); "
                          "neutral when absent")
    speed: float | None = Field(None, ge=SPEED_RANGE[0], le=SPEED_RANGE[1])
    vol: float | None = Field(None, gt=0, le=VOL_MAX)
    pitch: int | None = Field(None, ge=PITCH_RANGE[0], le=PITCH_RANGE[1])
    subtitleEnable: bool | None = False
    subtitleType: Literal["word", "sentence"] | None = Field(None, description="word, or absent for sentence level")


class TaskData(BaseModel):
    id: str
    object: str = OBJECT
    created: int
    model: Literal["soundCloningClone", "soundCloningAudio"]
    status: Literal["queued", "processing", "completed", "failed"]
    modelId: str | None = None
    audioUrl: str | None = None
    subtitleFile: str | None = None
    error: str | None = None
    voiceQuality: Literal["draft", "refined"] | None = Field(
        None, description="an extension: the stage of the cloned voice that spoke (a clone speaks as a draft "
                          "within seconds and is refined in the background)")


class ErrorEnvelope(BaseModel):
    code: int = Field(description="error code from the table in the API description")
    msg: str = Field(description="what was wrong, naming the field")
    data: None = None


ERROR_RESPONSES = {status: {"model": ErrorEnvelope, "description": "see the error table"}
                   for _, status in ERROR_CODES.values()}


class TaskEnvelope(BaseModel):
    code: int = SUCCESS
    msg: str = "ok"
    data: TaskData


def build_router(prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[f"SoundClone ({prefix})"], responses=ERROR_RESPONSES)

    @router.post("/soundCloning/clones", response_model=TaskEnvelope, summary="Submit a clone preview task")
    async def create_clone(body: CloneBody, state: StateDep, caller: CallerDep) -> dict:
        return await short_work(state, _create_clone, body, state, caller)

    def _create_clone(body: CloneBody, state: ApiState, caller: Caller) -> dict:
        order = clone_order(
            file_url=body.fileUrl, content_text=body.contentText, sound_version=body.soundVersion, language=body.language,
            consent_id=body.consentId,
        )
        task = submission.submit_clone(state, account_id=caller.account_id, kind=TaskKind.CLONE,
                                       request=order.to_request(), plan=PricePlan.SOUNDCLONE_CLONE,
                                       consent_field="consentId")
        return _envelope(state, view(task))

    @router.post("/soundCloning/audios", response_model=TaskEnvelope, summary="Submit an audio generation task")
    async def create_audio(body: AudioBody, state: StateDep, caller: CallerDep) -> dict:
        return await short_work(state, _create_audio, body, state, caller)

    def _create_audio(body: AudioBody, state: ApiState, caller: Caller) -> dict:
        order = audio_order(
            model_id=body.modelId, content_text=body.contentText, sound_version=body.soundVersion,
            language=body.language, emotion=body.emotion, speed=body.speed, vol=body.vol, pitch=body.pitch,
            subtitle_enable=body.subtitleEnable, subtitle_type=body.subtitleType,
        )
        task = submission.submit_speech(state, account_id=caller.account_id, key_id=caller.key_id, kind=TaskKind.AUDIO,
                                        request=order.to_request(), plan=PricePlan.SOUNDCLONE_AUDIO,
                                        voice_field="modelId")
        return _envelope(state, view(task))

    @router.get("/audios/{task_id}", response_model=TaskEnvelope, summary="Query a clone or audio task")
    async def get_task(task_id: str, state: StateDep, caller: CallerDep) -> dict:
        return await short_work(state, _get_task, task_id, state, caller)

    def _get_task(task_id: str, state: ApiState, caller: Caller) -> dict:
        return _envelope(state, find_task(state, account_id=caller.account_id, task_id=task_id, kinds=SOUNDCLONE_KINDS))

    return router


def _envelope(state: ApiState, task: TaskView) -> dict:
    return {"code": SUCCESS, "msg": "ok", "data": task_view(state, task)}


def task_view(state: ApiState, task: TaskView) -> dict:
    row = task.row
    view = {"id": row.id, "object": OBJECT, "created": int(row.created_at.timestamp()), "model": row.kind,
            "status": row.status, "error": row.error}
    if row.status != "completed":
        return view
    speech = task.result
    if isinstance(task.result, CloneResult):
        view["modelId"] = task.result.voice_id
        speech = task.result.preview
    if isinstance(speech, SpeechResult):
        now = state.clock()
        view["audioUrl"] = state.signer.url(speech.audio.key, now)
        view["voiceQuality"] = speech.voice_quality
        if speech.subtitles_key:
            view["subtitleFile"] = state.signer.url(speech.subtitles_key, now)
    return view


def all_routers() -> list[APIRouter]:
    return [build_router(prefix) for prefix in PREFIXES]
