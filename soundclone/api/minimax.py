"""The MiniMax-compatible dialect: files, voice_clone, t2a_v2 (+SSE), async t2a, get/delete voice.

Every answer is HTTP 200 with `base_resp {status_code, status_msg}` (0 = success), as MiniMax
clients expect; the codes are in ERROR_CODES. Work runs on the same task machinery as the
SoundClone dialect: synchronous calls submit a task and wait for it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from soundclone.api import core, uploads
from soundclone.api.deps import CallerDep, StateDep, count_characters
from soundclone.api.state import ApiState
from soundclone.domain import minimax as mm
from soundclone.domain import pricing
from soundclone.domain.errors import ErrorKind, ServiceError, invalid
from soundclone.domain.ids import new_number
from soundclone.domain.tasks import TaskKind
from soundclone.speech.catalog import SYSTEM_VOICES, system_voice_ids
from soundclone.store import accounts, files, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.models import StoredFile, Task

PREFIX = "/v1"
INT64_MAX = 2**63 - 1
Id64 = Annotated[int, Field(ge=0, le=INT64_MAX)]
QueryId64 = Annotated[int, Query(ge=0, le=INT64_MAX)]
SUCCESS = 0
ERROR_CODES: dict[ErrorKind, int] = {
    ErrorKind.INTERNAL: 1000,
    ErrorKind.TIMEOUT: 1001,
    ErrorKind.RATE_LIMITED: 1002,
    ErrorKind.UNAUTHORIZED: 1004,
    ErrorKind.INSUFFICIENT_BALANCE: 1008,
    ErrorKind.INPUT_CONTENT: 1026,
    ErrorKind.CHARACTER_RATE_LIMITED: 1039,
    ErrorKind.INVALID_CHARACTERS: 1042,
    ErrorKind.PROMPT_MISMATCH: 1044,
    ErrorKind.INVALID_PARAMETER: 2013,
    ErrorKind.PAYLOAD_TOO_LARGE: 2013,
    ErrorKind.NOT_FOUND: 2013,
    ErrorKind.MODEL_EXPIRED: 2013,
    ErrorKind.CLONE_AUDIO_DURATION: 2037,
    ErrorKind.CLONE_NOT_PERMITTED: 2038,
    ErrorKind.DUPLICATE_VOICE: 2039,
    ErrorKind.VOICE_ACCESS: 2042,
    ErrorKind.PROMPT_AUDIO_TOO_LONG: 2048,
}
INVALID_VOICE = 20132        # a voice_id that does not exist (for this account)
TASK_INTERNAL_ERROR = 1013   # a task that failed inside the service
FILE_URL_TTL_S = 9 * 3600    # MiniMax: download links of files live 9 h
AUDIO_URL_TTL_S = 24 * 3600  # MiniMax: t2a audio URLs live 24 h
STREAM_POLL_S = 0.05
ASYNC_STATUS = {"queued": "Processing", "processing": "Processing", "completed": "Success", "failed": "Failed"}


class TaskFailed(ServiceError):
    """A task that failed inside the service (not because of the caller's input)."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorKind.INTERNAL, message)


def status_code(error: ServiceError) -> int:
    if isinstance(error, TaskFailed):
        return TASK_INTERNAL_ERROR
    if error.kind is ErrorKind.NOT_FOUND and error.field and "voice_id" in error.field:
        return INVALID_VOICE
    return ERROR_CODES.get(error.kind, 1000)


def base_resp(code: int = SUCCESS, msg: str = "success") -> dict:
    return {"status_code": code, "status_msg": msg}


def error_response(error: ServiceError) -> JSONResponse:
    return JSONResponse({"base_resp": base_resp(status_code(error), error.message)}, status_code=200)


def error_table_markdown() -> str:
    rows = [f"| {code} | {kind.value} |" for kind, code in ERROR_CODES.items()]
    rows += [f"| {INVALID_VOICE} | voice_id not found |", f"| {TASK_INTERNAL_ERROR} | task failed inside the service |"]
    return "\n".join(["| status_code | meaning |", "| --- | --- |", *rows])


class Flexible(BaseModel):
    model_config = ConfigDict(extra="allow")


class ClonePrompt(Flexible):
    prompt_audio: Id64 | None = None
    prompt_text: str | None = None


class VoiceCloneBody(Flexible):
    file_id: Id64
    voice_id: str
    clone_prompt: ClonePrompt | None = None
    text: str | None = None
    model: str | None = None
    language_boost: str | None = None
    need_noise_reduction: bool = Field(False, description=(
        "Clean the clone audio before enrollment: background noise, including noise that comes and goes "
        "(traffic, clicks), is suppressed with DeepFilterNet3."))
    need_volume_normalization: bool = Field(False, description="Bring the clone audio's speech to -20 dBFS first.")
    aigc_watermark: bool = False


class T2ABody(Flexible):
    model: str
    text: str | None = None
    stream: bool = False
    stream_options: dict | None = None
    voice_setting: dict | None = None
    audio_setting: dict | None = None
    pronunciation_dict: dict | None = None
    timbre_weights: list | None = None
    language_boost: str | None = None
    voice_modify: dict | None = None
    subtitle_enable: bool = False
    subtitle_type: str | None = None
    output_format: str | None = None
    aigc_watermark: bool = False


class AsyncBody(T2ABody):
    text_file_id: Id64 | None = None


class DeleteFileBody(Flexible):
    file_id: Id64
    purpose: str | None = None


class VoiceTypeBody(Flexible):
    voice_type: str
    voice_id: str | None = None


router = APIRouter(prefix=PREFIX, tags=["MiniMax-compatible"])


# ---- files ------------------------------------------------------------------------------------

@router.post("/files/upload", summary="Upload a file (multipart: purpose, file)")
def upload(state: StateDep, caller: CallerDep, purpose: str = Form(...), file: UploadFile = File(...)) -> dict:
    stored = uploads.store_upload(state, account_id=caller.account_id, purpose=purpose, upload=file)
    return {"file": file_object(stored), "base_resp": base_resp()}


@router.get("/files/retrieve", summary="A file's metadata and a download URL (valid 9 h)")
def retrieve(file_id: QueryId64, state: StateDep, caller: CallerDep) -> dict:
    stored = _own_file(state, caller.account_id, file_id)
    url = state.signer.url(stored.blob_key, state.clock(), ttl_s=FILE_URL_TTL_S)
    return {"file": {**file_object(stored), "download_url": url}, "base_resp": base_resp()}


@router.get("/files/list", summary="The account's files of one purpose")
def list_files(purpose: str, state: StateDep, caller: CallerDep) -> dict:
    uploads.check_purpose(purpose, listing=True)
    with transaction(state.sessions) as session:
        rows = files.files_for_account(session, account_id=caller.account_id, purpose=purpose)
    return {"files": [file_object(row) for row in rows], "base_resp": base_resp()}


@router.get("/files/retrieve_content", summary="A file's bytes")
def retrieve_content(file_id: QueryId64, state: StateDep, caller: CallerDep) -> FileResponse:
    stored = _own_file(state, caller.account_id, file_id)
    return FileResponse(state.blobs.path(stored.blob_key), filename=stored.filename,
                        media_type=uploads.media_type(stored.filename))


@router.post("/files/delete", summary="Delete a file")
def delete_file(body: DeleteFileBody, state: StateDep, caller: CallerDep) -> dict:
    stored = _own_file(state, caller.account_id, body.file_id)
    if body.purpose is not None and body.purpose != stored.purpose:
        raise invalid("purpose", f"file {body.file_id} has purpose {stored.purpose!r}, not {body.purpose!r}")
    with transaction(state.sessions) as session:
        files.delete_file(session, file_id=stored.id, now=state.clock())
    return {"file_id": stored.id, "base_resp": base_resp()}


def file_object(row: StoredFile) -> dict:
    return {"file_id": row.id, "bytes": row.size, "created_at": int(row.created_at.timestamp()),
            "filename": row.filename, "purpose": row.purpose}


def _own_file(state: ApiState, account_id: int, file_id: int, *, purpose: str | None = None,
              field: str = "file_id") -> StoredFile:
    with transaction(state.sessions) as session:
        stored = files.file_for_account(session, file_id=file_id, account_id=account_id)
    if stored is None:
        raise ServiceError(ErrorKind.NOT_FOUND, f"{field} {file_id} not found", field=field)
    if purpose is not None and stored.purpose != purpose:
        raise invalid(field, f"{field} {file_id} was uploaded with purpose {stored.purpose!r}; {purpose!r} is needed")
    return stored


# ---- voices -----------------------------------------------------------------------------------

@router.post("/voice_clone", summary="Clone a voice from an uploaded file (optionally with a demo)")
def voice_clone(body: VoiceCloneBody, state: StateDep, caller: CallerDep) -> dict:
    request = _clone_request(state, caller.account_id, body)
    demo = request.get("demo")

    def price(session) -> tuple[pricing.Charge, ...]:  # noqa: ANN001
        if voices.name_taken(session, account_id=caller.account_id, name=body.voice_id):
            raise ServiceError(ErrorKind.DUPLICATE_VOICE, f"voice_id {body.voice_id} already exists", field="voice_id")
        return pricing.speech_charges(state.settings.price_table, demo["usage_characters"]) if demo else ()

    task = core.submit(state, account_id=caller.account_id, kind=TaskKind.VOICE_CLONE, request=request, price=price)
    done = _finished(state, task)
    reply: dict[str, Any] = {"input_sensitive": False, "input_sensitive_type": 0, "demo_audio": "",
                             "base_resp": base_resp()}
    if demo:
        reply["demo_audio"] = state.signer.url(done.result["audioKey"], state.clock(), ttl_s=AUDIO_URL_TTL_S)
        reply["extra_info"] = {k: v for k, v in done.result["extraInfo"].items()
                               if k in ("audio_length", "audio_sample_rate", "audio_size", "bitrate", "word_count",
                                        "usage_characters")}
    return reply


def _clone_request(state: ApiState, account_id: int, body: VoiceCloneBody) -> dict:
    with transaction(state.sessions) as session:
        account = accounts.get_account(session, account_id=account_id)
    if not account.clone_enabled:
        raise ServiceError(ErrorKind.CLONE_NOT_PERMITTED, "voice cloning is not enabled for this account")
    name = mm.check_voice_name(body.voice_id)
    if name in system_voice_ids(state.settings.engine):
        raise ServiceError(ErrorKind.DUPLICATE_VOICE, f"voice_id {name} already exists (a system voice)", field="voice_id")
    source = _own_file(state, account_id, body.file_id, purpose=uploads.VOICE_CLONE)
    request: dict[str, Any] = {
        "name": name, "fileKey": source.blob_key, "noiseReduction": body.need_noise_reduction,
        "volumeNormalization": body.need_volume_normalization,
    }
    if body.clone_prompt is not None:
        prompt = body.clone_prompt
        if prompt.prompt_audio is None or not (prompt.prompt_text or "").strip():
            raise invalid("clone_prompt", "clone_prompt needs both prompt_audio and prompt_text")
        if prompt.prompt_text.strip()[-1].isalnum():
            raise invalid("clone_prompt.prompt_text", "clone_prompt.prompt_text must end with a punctuation mark")
        audio = _own_file(state, account_id, prompt.prompt_audio, purpose=uploads.PROMPT_AUDIO,
                          field="clone_prompt.prompt_audio")
        request.update(promptKey=audio.blob_key, promptText=prompt.prompt_text)
    if body.text is not None:
        if len(body.text) > mm.DEMO_TEXT_LIMIT:
            raise invalid("text", f"text has {len(body.text)} characters; at most {mm.DEMO_TEXT_LIMIT} are allowed")
        model = mm.check_model(body.model, field_name="model")
        order = _speech_order(
            model=model, text=body.text, voice_id=name, voice_setting={}, audio_setting={"format": "mp3"},
            language_boost=body.language_boost, watermark=body.aigc_watermark,
        )
        request["demo"] = order.as_dict()
    elif body.model is not None:
        mm.check_model(body.model)
    mm.language_of(body.language_boost)
    return request


@router.post("/get_voice", summary="List system and cloned voices")
def get_voice(body: VoiceTypeBody, state: StateDep, caller: CallerDep) -> dict:
    kinds = ("system", "voice_cloning", "voice_generation", "all")
    if body.voice_type not in kinds:
        raise invalid("voice_type", f"voice_type must be one of {', '.join(kinds)}")
    reply: dict[str, Any] = {"base_resp": base_resp()}
    if body.voice_type in ("system", "all"):
        reply["system_voice"] = [
            {"voice_id": v.voice_id, "voice_name": v.name, "description": list(v.description), "created_time": "1970-01-01"}
            for v in SYSTEM_VOICES.get(state.settings.engine, ())
        ]
    if body.voice_type in ("voice_cloning", "all"):
        with transaction(state.sessions) as session:
            rows = voices.voices_of(session, account_id=caller.account_id)
        reply["voice_cloning"] = [
            {"voice_id": row.name or row.id, "description": [], "created_time": row.created_at.strftime("%Y-%m-%d")}
            for row in rows if row.permanent  # MiniMax lists a clone only after its first synthesis
        ]
    if body.voice_type in ("voice_generation", "all"):
        reply["voice_generation"] = []
    return reply


@router.post("/delete_voice", summary="Delete a cloned voice (its id can never be used again)")
def delete_voice(body: VoiceTypeBody, state: StateDep, caller: CallerDep) -> dict:
    if body.voice_type not in ("voice_cloning", "voice_generation"):
        raise invalid("voice_type", "voice_type must be voice_cloning or voice_generation")
    if not body.voice_id:
        raise invalid("voice_id", "voice_id is required")
    with transaction(state.sessions) as session:
        # the account's own voice first: a clone may predate a system voice of the same name
        voice = voices.voice_for_account(session, voice_id=body.voice_id, account_id=caller.account_id)
        if voice is None and body.voice_id in system_voice_ids(state.settings.engine):
            raise ServiceError(ErrorKind.VOICE_ACCESS,
                               f"voice_id {body.voice_id} is a system voice; only its creator may delete it")
        if voice is None:
            raise ServiceError(ErrorKind.NOT_FOUND, f"voice_id {body.voice_id} not found", field="voice_id")
        voices.delete_voice(session, voice_id=voice.id, now=state.clock())
        created = str(int(voice.created_at.timestamp()))
    return {"voice_id": body.voice_id, "created_time": created, "base_resp": base_resp()}


# ---- synthesis --------------------------------------------------------------------------------

@router.post("/t2a_v2", summary="Text to audio (hex, url, or SSE stream)", response_model=None)
def t2a_v2(body: T2ABody, state: StateDep, caller: CallerDep):  # noqa: ANN201
    order = _t2a_order(body)
    task = _submit_speech(state, caller, order)
    if order.stream:
        return StreamingResponse(_stream(state, task, order), media_type="text/event-stream")
    done = _finished(state, task)
    return _audio_reply(state, done, order)


@router.post("/t2a_async_v2", summary="Long text to audio, as a task")
def t2a_async_v2(body: AsyncBody, state: StateDep, caller: CallerDep) -> dict:
    text = _async_text(state, caller.account_id, body)
    order = _speech_order(
        model=mm.check_model(body.model, allowed=mm.ASYNC_MODELS), text=text,
        voice_id=(body.voice_setting or {}).get("voice_id"), voice_setting=body.voice_setting,
        audio_setting=body.audio_setting, language_boost=body.language_boost, watermark=body.aigc_watermark,
        voice_modify=body.voice_modify, pronunciation=body.pronunciation_dict, rate_field="audio_sample_rate",
        formats=mm.ASYNC_FORMATS, subtitle=True,
    )
    output_file_id = files.new_file_id()
    task = _submit_speech(state, caller, order, extra={"async": True, "outputFileId": output_file_id},
                          number=new_number())
    return {"task_id": task.number, "task_token": uuid.uuid4().hex, "file_id": output_file_id,
            "usage_characters": order.usage_characters, "base_resp": base_resp()}


@router.get("/query/t2a_async_query_v2", summary="State of an async text-to-audio task")
def t2a_async_query(task_id: QueryId64, state: StateDep, caller: CallerDep) -> dict:
    with transaction(state.sessions) as session:
        task = tasks.task_by_number(session, number=task_id, account_id=caller.account_id)
    if task is None:
        raise ServiceError(ErrorKind.NOT_FOUND, f"task_id {task_id} not found", field="task_id")
    reply = {"task_id": task.number, "status": ASYNC_STATUS[task.status], "base_resp": base_resp()}
    if task.status == "completed":
        reply["file_id"] = task.result["fileId"]
    if task.status == "failed":
        reply["base_resp"] = base_resp(_failed_code(task), task.error or "failed")
    return reply


def _t2a_order(body: T2ABody) -> mm.SpeechOrder:
    model = mm.check_model(body.model)
    if body.timbre_weights:
        raise invalid("timbre_weights", "timbre_weights (voice mixing) is not supported; give voice_setting.voice_id")
    if body.text is None or not body.text.strip():
        raise invalid("text", "text is required")
    if len(body.text) >= mm.SYNC_TEXT_LIMIT:
        raise invalid("text", f"text has {len(body.text)} characters; it must be shorter than {mm.SYNC_TEXT_LIMIT}")
    output_format = body.output_format or "hex"
    if output_format not in mm.OUTPUT_FORMATS:
        raise invalid("output_format", "output_format must be url or hex")
    subtitle_type = body.subtitle_type or "sentence"
    if subtitle_type not in mm.SUBTITLE_TYPES:
        raise invalid("subtitle_type", f"subtitle_type must be one of {', '.join(mm.SUBTITLE_TYPES)}")
    if subtitle_type == "word_streaming" and not body.stream:
        raise invalid("subtitle_type", "subtitle_type word_streaming needs stream=true")
    return _speech_order(
        model=model, text=body.text, voice_id=(body.voice_setting or {}).get("voice_id"),
        voice_setting=body.voice_setting, audio_setting=body.audio_setting, language_boost=body.language_boost,
        watermark=body.aigc_watermark and not body.stream, voice_modify=body.voice_modify,
        pronunciation=body.pronunciation_dict, stream=body.stream,
        formats=mm.STREAM_FORMATS if body.stream else mm.SYNC_FORMATS, subtitle=body.subtitle_enable,
        subtitle_type=subtitle_type, output_format=output_format,
        exclude_aggregated=bool((body.stream_options or {}).get("exclude_aggregated_audio")),
    )


def _speech_order(
    *, model: str, text: str, voice_id: str | None, voice_setting: dict | None, audio_setting: dict | None,
    language_boost: str | None, watermark: bool, voice_modify: dict | None = None, pronunciation: dict | None = None,
    stream: bool = False, formats: tuple[str, ...] = mm.SYNC_FORMATS, subtitle: bool = False,
    subtitle_type: str = "sentence", output_format: str = "hex", exclude_aggregated: bool = False,
    rate_field: str = "sample_rate",
) -> mm.SpeechOrder:
    setting = voice_setting or {}
    if not voice_id:
        raise invalid("voice_setting.voice_id", "voice_setting.voice_id is required")
    cleaned = mm.clean_text(text)
    rules = mm.parse_tone_rules((pronunciation or {}).get("tone"))
    mm.speech_script(cleaned.text)  # placement and marker checks on what the caller wrote
    spoken = mm.apply_tone_rules(cleaned.text, rules)
    return mm.SpeechOrder(
        model=model, voice_id=voice_id, text=spoken, language=mm.language_of(language_boost),
        speed=mm.check_range("voice_setting.speed", setting.get("speed"), 0.5, 2.0, 1.0),
        vol=mm.check_range("voice_setting.vol", setting.get("vol"), 0.0, 10.0, 1.0, low_open=True),
        pitch=mm.check_pitch(setting.get("pitch")), emotion=mm.check_emotion(setting.get("emotion"), model),
        audio=mm.audio_spec(audio_setting, formats=formats, rate_field=rate_field),
        subtitle=subtitle, subtitle_type=subtitle_type, output_format=output_format, stream=stream,
        exclude_aggregated_audio=exclude_aggregated, voice_modify=mm.check_voice_modify(voice_modify),
        watermark=watermark, invisible_ratio=cleaned.invisible_ratio,
        usage_characters=mm.usage_characters(cleaned.text), word_count=mm.word_count(cleaned.text),
    )


def _async_text(state: ApiState, account_id: int, body: AsyncBody) -> str:
    if (body.text is None) == (body.text_file_id is None):
        raise invalid("text", "give exactly one of text or text_file_id")
    if body.text is not None:
        if len(body.text) > mm.ASYNC_TEXT_LIMIT:
            raise invalid("text", f"text has {len(body.text)} characters; at most {mm.ASYNC_TEXT_LIMIT} are allowed")
        return body.text
    stored = _own_file(state, account_id, body.text_file_id, purpose=uploads.T2A_ASYNC_INPUT, field="text_file_id")
    return state.blobs.get(stored.blob_key).decode("utf-8")


def _owns_voice(session, account_id: int, voice_id: str) -> bool:  # noqa: ANN001
    """The account's own clone by this id; it wins over a system voice of the same name (voice_packs added many)."""
    return voices.voice_for_account(session, voice_id=voice_id, account_id=account_id) is not None


def _submit_speech(state: ApiState, caller, order: mm.SpeechOrder, *, extra: dict | None = None,  # noqa: ANN001
                   number: int | None = None) -> Task:
    count_characters(state, caller, order.usage_characters)

    def price(session) -> tuple[pricing.Charge, ...]:  # noqa: ANN001
        first_use = False
        if order.voice_id not in system_voice_ids(state.settings.engine) or _owns_voice(session, caller.account_id,
                                                                                     order.voice_id):
            first_use = core.use_voice(state, session, account_id=caller.account_id, voice_id=order.voice_id,
                                       field="voice_setting.voice_id")
        return pricing.speech_charges(state.settings.price_table, order.usage_characters, first_use_of_clone=first_use)

    request = {"order": order.as_dict(), **(extra or {})}
    return core.submit(state, account_id=caller.account_id, kind=TaskKind.SPEECH, request=request, price=price,
                       number=number)


def _finished(state: ApiState, task: Task) -> Task:
    done = core.wait_for(state, task.id, timeout_s=state.settings.sync_timeout_s)
    if done.status == "failed":
        raise _task_error(done)
    return done


def _task_error(task: Task) -> ServiceError:
    kind_name = (task.result or {}).get("errorKind", ErrorKind.INTERNAL.value)
    kind = ErrorKind(kind_name)
    if kind is ErrorKind.INTERNAL:
        return TaskFailed(task.error or "internal service error")
    return ServiceError(kind, task.error or "failed", field="voice_id" if kind is ErrorKind.NOT_FOUND else None)


def _failed_code(task: Task) -> int:
    return status_code(_task_error(task))


def _audio_reply(state: ApiState, task: Task, order: mm.SpeechOrder) -> dict:
    result = task.result
    if order.output_format == "url":
        audio = state.signer.url(result["audioKey"], state.clock(), ttl_s=AUDIO_URL_TTL_S)
    else:
        audio = state.blobs.get(result["audioKey"]).hex()
    data: dict[str, Any] = {"audio": audio, "status": 2}
    if "subtitleKey" in result and order.subtitle:
        data["subtitle_file"] = state.signer.url(result["subtitleKey"], state.clock(), ttl_s=AUDIO_URL_TTL_S)
    return {"data": data, "extra_info": result["extraInfo"], "trace_id": task.id.removeprefix("audio_"),
            "base_resp": base_resp()}


def _stream(state: ApiState, task: Task, order: mm.SpeechOrder) -> Iterator[bytes]:
    fmt = order.audio.format
    trace = task.id.removeprefix("audio_")
    index = 0
    deadline = time.monotonic() + state.settings.sync_timeout_s
    while time.monotonic() < deadline:
        key = mm.stream_key(task.id, index, fmt)
        if state.blobs.exists(key):
            yield _event({"data": {"audio": state.blobs.get(key).hex(), "status": 1}, "trace_id": trace,
                          "base_resp": base_resp(SUCCESS, "")})
            index += 1
            continue
        with transaction(state.sessions) as session:
            current = tasks.get_task(session, task_id=task.id)
        if current.status == "completed" and index >= current.result.get("chunks", 0):
            final = _audio_reply(state, current, order)
            final["data"]["audio"] = "" if order.exclude_aggregated_audio else final["data"]["audio"]
            yield _event(final)
            return
        if current.status == "failed":
            yield _event({"trace_id": trace, "base_resp": base_resp(_failed_code(current), current.error or "failed")})
            return
        time.sleep(STREAM_POLL_S)
    yield _event({"trace_id": trace, "base_resp": base_resp(ERROR_CODES[ErrorKind.TIMEOUT], "synthesis timed out")})


def _event(payload: dict) -> bytes:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()


def is_minimax_path(path: str) -> bool:
    return path.startswith(PREFIX + "/")
