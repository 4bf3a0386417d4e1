"""The MiniMax-compatible dialect's routes: files, voice_clone, t2a_v2 (+SSE), async t2a, get/delete voice.

Every answer is HTTP 200 with `base_resp {status_code, status_msg}` (0 = success), as MiniMax clients expect.
Routes are thin: a body is translated (`translate`), the core accepts it, and the task is turned back into a
reply (`views`); synchronous calls wait for their task.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote
from typing import Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from soundclone.api.deps import Caller, CallerDep, StateDep, short_work
from soundclone.api.direct import Defer, DirectRoute, Incoming
from soundclone.api.minimax import rules as mm
from soundclone.api.minimax import translate, uploads
from soundclone.api.minimax.errors import base_resp, error_body
from soundclone.api.minimax.views import FILE_URL_TTL_S, audio_reply, clone_reply, file_object, stream_events
from soundclone.api.minimax.voices import ALIASES, SEX_OF
from soundclone.api.minimax.wire import INT64_MAX, AsyncBody, DeleteFileBody, QueryId64, T2ABody, VoiceCloneBody, VoiceTypeBody
from soundclone.api.state import ApiState
from soundclone.core import submission
from soundclone.core import tasks as core_tasks
from soundclone.core import voices as core_voices
from soundclone.domain.errors import ErrorKind, ServiceError, invalid
from soundclone.domain.ids import new_number
from soundclone.domain.pricing import PricePlan
from soundclone.domain.requests import SpeechRequest
from soundclone.domain.system_voices import system_voices
from soundclone.domain.tasks import TaskKind
from soundclone.store import files, voices
from soundclone.store.db import transaction
from soundclone.store.models import StoredFile, Task

PREFIX = "/v1"
ASYNC_STATUS = {"queued": "Processing", "processing": "Processing", "completed": "Success", "failed": "Failed"}
VOICE_TYPES = ("system", "voice_cloning", "voice_generation", "all")
DELETABLE_VOICE_TYPES = ("voice_cloning", "voice_generation")

router = APIRouter(prefix=PREFIX, tags=["MiniMax-compatible"])


# ---- files ------------------------------------------------------------------------------------

@router.post("/files/upload", summary="Upload a file (multipart: purpose, file)")
def upload(state: StateDep, caller: CallerDep, purpose: str = Form(...), file: UploadFile = File(...)) -> dict:
    stored = uploads.store_upload(state, account_id=caller.account_id, purpose=purpose, upload=file)
    return {"file": file_object(stored), "base_resp": base_resp()}


@router.get("/files/retrieve", summary="A file's metadata and a download URL (valid 9 h)")
def retrieve(file_id: QueryId64, state: StateDep, caller: CallerDep) -> dict:
    stored = own_file(state, caller.account_id, file_id)
    url = state.signer.url(stored.blob_key, state.clock(), ttl_s=FILE_URL_TTL_S)
    return {"file": {**file_object(stored), "download_url": url}, "base_resp": base_resp()}


@router.get("/files/list", summary="The account's files of one purpose")
def list_files(purpose: str, state: StateDep, caller: CallerDep) -> dict:
    uploads.check_purpose(purpose, listing=True)
    with transaction(state.sessions) as session:
        rows = files.files_for_account(session, account_id=caller.account_id, purpose=purpose)
    return {"files": [file_object(row) for row in rows], "base_resp": base_resp()}


@router.get("/files/retrieve_content", summary="A file's bytes")
def retrieve_content(file_id: QueryId64, state: StateDep, caller: CallerDep) -> StreamingResponse:
    stored = own_file(state, caller.account_id, file_id)
    return StreamingResponse(state.blobs.stream(stored.blob_key), media_type=uploads.media_type(stored.filename),
                             headers={"content-disposition": f'attachment; filename="{quote(stored.filename)}"'})


@router.post("/files/delete", summary="Delete a file")
def delete_file(body: DeleteFileBody, state: StateDep, caller: CallerDep) -> dict:
    stored = own_file(state, caller.account_id, body.file_id)
    if body.purpose is not None and body.purpose != stored.purpose:
        raise invalid("purpose", f"file {body.file_id} has purpose {stored.purpose!r}, not {body.purpose!r}")
    with transaction(state.sessions) as session:
        files.delete_file(session, file_id=stored.id, now=state.clock())
    return {"file_id": stored.id, "base_resp": base_resp()}


def own_file(state: ApiState, account_id: int, file_id: int, *, purpose: str | None = None,
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
    def lookup(file_id: int, purpose: str, field: str) -> str:
        return own_file(state, caller.account_id, file_id, purpose=purpose, field=field).blob_key

    request, wire = translate.voice_clone(body, lookup)
    task = submission.submit_clone(state, account_id=caller.account_id, kind=TaskKind.VOICE_CLONE, request=request,
                                   plan=PricePlan.MINIMAX_CLONE, wire=wire, aliases=ALIASES,
                                   consent_field="consent_id")
    return clone_reply(state, _finished(state, task))


@router.post("/get_voice", summary="List system and cloned voices")
def get_voice(body: VoiceTypeBody, state: StateDep, caller: CallerDep) -> dict:
    if body.voice_type not in VOICE_TYPES:
        raise invalid("voice_type", f"voice_type must be one of {', '.join(VOICE_TYPES)}")
    reply: dict[str, Any] = {"base_resp": base_resp()}
    if body.voice_type in ("system", "all"):
        reply["system_voice"] = [
            {"voice_id": v.voice_id, "voice_name": v.name, "description": list(v.description), "created_time": "1970-01-01"}
            for v in system_voices(state.settings.engine)
        ] + [
            {"voice_id": alias, "voice_name": alias.replace("_", " "), "created_time": "1970-01-01",
             "description": [SEX_OF[alias], f"MiniMax voice id, spoken here by {pack}"]}
            for alias, pack in ALIASES.items()
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
    if body.voice_type not in DELETABLE_VOICE_TYPES:
        raise invalid("voice_type", "voice_type must be voice_cloning or voice_generation")
    if not body.voice_id:
        raise invalid("voice_id", "voice_id is required")
    with transaction(state.sessions) as session:
        ref = core_voices.resolve(session, account_id=caller.account_id, name=body.voice_id,
                                  engine=state.settings.engine, field="voice_id", aliases=ALIASES)
        if ref.kind == core_voices.SYSTEM:
            raise ServiceError(ErrorKind.VOICE_ACCESS,
                               f"voice_id {body.voice_id} is a system voice; only its creator may delete it")
        voice = voices.get_voice(session, voice_id=ref.id)
        voices.delete_voice(session, voice_id=voice.id, now=state.clock(), dialect="minimax")
        created = str(int(voice.created_at.timestamp()))
    return {"voice_id": body.voice_id, "created_time": created, "base_resp": base_resp()}


# ---- synthesis --------------------------------------------------------------------------------

@router.post("/t2a_v2", summary="Text to audio (hex, url, or SSE stream)", response_model=None)
def t2a_v2(body: T2ABody, state: StateDep, caller: CallerDep):  # noqa: ANN201
    request, wire = translate.t2a(body)
    task = _submit_speech(state, caller, request, wire)
    if request.stream:
        return StreamingResponse(stream_events(state, core_tasks.view(task)), media_type="text/event-stream")
    return audio_reply(state, _finished(state, task))


@router.post("/t2a_async_v2", summary="Long text to audio, as a task")
async def t2a_async_v2(body: AsyncBody, state: StateDep, caller: CallerDep) -> dict:
    return await accept_async(state, caller, body)


async def accept_async(state: ApiState, caller: Caller, body: AsyncBody) -> dict:
    return await short_work(state, _t2a_async_v2, body, state, caller)   # accepting a task: short work (api/deps.py)


def _t2a_async_v2(body: AsyncBody, state: ApiState, caller: Caller) -> dict:
    output_file_id = files.new_file_id()
    request, wire = translate.t2a_async(body, _async_text(state, caller.account_id, body), output_file_id)
    task = _submit_speech(state, caller, request, wire, number=new_number())
    return {"task_id": task.number, "task_token": uuid.uuid4().hex, "file_id": output_file_id,
            "usage_characters": request.characters, "base_resp": base_resp()}


@router.get("/query/t2a_async_query_v2", summary="State of an async text-to-audio task")
async def t2a_async_query(task_id: QueryId64, state: StateDep, caller: CallerDep) -> dict:
    return await query_async(state, caller, task_id)


async def query_async(state: ApiState, caller: Caller, task_id: int) -> dict:
    return await short_work(state, _t2a_async_query, task_id, state, caller)


def _t2a_async_query(task_id: int, state: ApiState, caller: Caller) -> dict:
    task = core_tasks.find_by_number(state, account_id=caller.account_id, number=task_id, field="task_id")
    reply = {"task_id": task.row.number, "status": ASYNC_STATUS[task.status], "base_resp": base_resp()}
    if task.status == "completed":
        reply["file_id"] = task.result.archive_file_id
    if task.failure is not None:
        reply["base_resp"] = error_body(task.failure)["base_resp"]
    return reply


# The two routes a client polling async tasks calls most are also answered directly (api/direct.py); a request
# that does not parse as they expect goes on to the FastAPI routes above and their validation errors.

def _async_body(incoming: Incoming) -> AsyncBody:
    try:
        return AsyncBody.model_validate(incoming.json())
    except ValidationError:
        raise Defer() from None


def _task_id(incoming: Incoming) -> int:
    text = incoming.single("task_id")
    if not (text.isascii() and text.isdigit()) or int(text) > INT64_MAX:
        raise Defer()
    return int(text)


DIRECT_ROUTES = (
    DirectRoute("POST", PREFIX + "/t2a_async_v2", _async_body, accept_async),
    DirectRoute("GET", PREFIX + "/query/t2a_async_query_v2", _task_id, query_async),
)


def _async_text(state: ApiState, account_id: int, body: AsyncBody) -> str:
    if (body.text is None) == (body.text_file_id is None):
        raise invalid("text", "give exactly one of text or text_file_id")
    if body.text is not None:
        if len(body.text) > mm.ASYNC_TEXT_LIMIT:
            raise invalid("text", f"text has {len(body.text)} characters; at most {mm.ASYNC_TEXT_LIMIT} are allowed")
        return body.text
    stored = own_file(state, account_id, body.text_file_id, purpose=uploads.T2A_ASYNC_INPUT, field="text_file_id")
    return state.blobs.get(stored.blob_key).decode("utf-8")


def _submit_speech(state: ApiState, caller, request: SpeechRequest, wire: dict,  # noqa: ANN001
                   *, number: int | None = None) -> Task:
    return submission.submit_speech(
        state, account_id=caller.account_id, key_id=caller.key_id, kind=TaskKind.SPEECH, request=request,
        plan=PricePlan.MINIMAX_SPEECH, voice_field=translate.VOICE_FIELD, wire=wire, number=number, aliases=ALIASES,
    )


def _finished(state: ApiState, task: Task) -> core_tasks.TaskView:
    return core_tasks.finished(state, task.id, timeout_s=state.settings.sync_timeout_s)
