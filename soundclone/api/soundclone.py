"""The SoundClone task API (two vendor paths): wire schemas, routes, and its error codes.

Routes are thin: they translate the wire body to a domain order, call `core`, and translate
the task back into the `{code, msg, data}` envelope.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from soundclone.api import core
from soundclone.api.deps import CallerDep, StateDep
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.orders import (
    AUDIO_TEXT_LIMIT, DEFAULT_PREVIEW_TEXT, EMOTIONS, PITCH_RANGE, PREVIEW_TEXT_LIMIT, SPEED_RANGE, VOL_MAX,
    audio_order, clone_order,
)
from soundclone.store.models import Task

PREFIXES = ("/api/open-api/v1", "/kyyReactApiServer/v1")
SUCCESS = 20000
OBJECT = "audio"

# kind -> (envelope code, HTTP status). The table in README.md and the OpenAPI description is made from this.
ERROR_CODES: dict[ErrorKind, tuple[int, int]] = {
    ErrorKind.INVALID_PARAMETER: (40000, 400),
    ErrorKind.UNAUTHORIZED: (40100, 401),
    ErrorKind.INSUFFICIENT_BALANCE: (40200, 402),
    ErrorKind.NOT_FOUND: (40400, 404),
    ErrorKind.MODEL_EXPIRED: (41000, 410),
    ErrorKind.PAYLOAD_TOO_LARGE: (41300, 413),
    ErrorKind.RATE_LIMITED: (42900, 429),
    ErrorKind.INTERNAL: (50000, 500),
}


def error_table_markdown() -> str:
    rows = [f"| {code} | {status} | {kind.value} |" for kind, (code, status) in ERROR_CODES.items()]
    return "\n".join(["| code | HTTP | meaning |", "| --- | --- | --- |", *rows])


def error_response(error: ServiceError) -> JSONResponse:
    code, status = ERROR_CODES[error.kind]
    return JSONResponse({"code": code, "msg": error.message, "data": None}, status_code=status)


class CloneBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    fileUrl: str = Field(description="http(s) URL of an audio (mp3/ogg/wav/m4a/aac) or video (mp4/avi/mov/mkv/flv) "
                                     "with more than 15 s and less than 60 s of speech; no non-ASCII characters")
    contentText: str | None = Field(None, description=f"preview text, fewer than {PREVIEW_TEXT_LIMIT} characters; "
                                                      f"default: {DEFAULT_PREVIEW_TEXT}")
    soundVersion: Literal["v1", "v2"] | None = Field(None, description="v1 (24 languages, default) or v2 (40)")
    language: str | None = Field(None, description="language name such as Chinese or English; default auto")


class AudioBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    modelId: str = Field(description="modelId of a completed clone task")
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


class ErrorEnvelope(BaseModel):
    code: int = Field(description="error code from the table in the API description")
    msg: str = Field(description="what was wrong, naming the field")
    data: None = None


ERROR_RESPONSES = {
    status: {"model": ErrorEnvelope, "description": kind.value.replace("_", " ")}
    for kind, (_, status) in ERROR_CODES.items()
}


class TaskEnvelope(BaseModel):
    code: int = SUCCESS
    msg: str = "ok"
    data: TaskData


def build_router(prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix, tags=[f"SoundClone ({prefix})"], responses=ERROR_RESPONSES)

    @router.post("/soundCloning/clones", response_model=TaskEnvelope,
                 summary="Submit a clone preview task")
    def create_clone(body: CloneBody, state: StateDep, caller: CallerDep) -> dict:
        order = clone_order(
            file_url=body.fileUrl, content_text=body.contentText, sound_version=body.soundVersion, language=body.language,
        )
        return _envelope(state, core.submit_clone(state, account_id=caller.account_id, order=order))

    @router.post("/soundCloning/audios", response_model=TaskEnvelope, summary="Submit an audio generation task")
    def create_audio(body: AudioBody, state: StateDep, caller: CallerDep) -> dict:
        order = audio_order(
            model_id=body.modelId, content_text=body.contentText, sound_version=body.soundVersion,
            language=body.language, emotion=body.emotion, speed=body.speed, vol=body.vol, pitch=body.pitch,
            subtitle_enable=body.subtitleEnable, subtitle_type=body.subtitleType,
        )
        return _envelope(state, core.submit_audio(state, account_id=caller.account_id, order=order))

    @router.get("/audios/{task_id}", response_model=TaskEnvelope, summary="Query a clone or audio task")
    def get_task(task_id: str, state: StateDep, caller: CallerDep) -> dict:
        return _envelope(state, core.find_task(state, account_id=caller.account_id, task_id=task_id))

    return router


def _envelope(state, task: Task) -> dict:  # noqa: ANN001
    return {"code": SUCCESS, "msg": "ok", "data": task_view(state, task)}


def task_view(state, task: Task) -> dict:  # noqa: ANN001
    view = {
        "id": task.id, "object": OBJECT, "created": int(task.created_at.timestamp()), "model": task.kind,
        "status": task.status, "error": task.error,
    }
    result = task.result or {}
    now = state.clock()
    if task.status == "completed":
        if "modelId" in result:
            view["modelId"] = result["modelId"]
        view["audioUrl"] = state.signer.url(result["audioKey"], now)
        if "subtitleKey" in result:
            view["subtitleFile"] = state.signer.url(result["subtitleKey"], now)
    return view


def all_routers() -> list[APIRouter]:
    return [build_router(prefix) for prefix in PREFIXES]


def is_soundclone_path(path: str) -> bool:
    return path.startswith(PREFIXES)


__all__ = ["all_routers", "error_response", "error_table_markdown", "is_soundclone_path", "ServiceError"]
