"""The OpenAI-compatible audio API: speech (streamed), consent recordings, custom voices, consent phrases.

Routes are thin: a body is translated (`translate`), the core accepts it, and the task or row is turned back
into OpenAI's objects (`wire`). Consents and voices are checked and made by the worker; the route waits.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import StreamingResponse

from soundclone.api.deps import CallerDep, StateDep
from soundclone.api.openai import translate
from soundclone.api.openai.errors import error_body
from soundclone.api.openai.wire import (
    FILE_LIMIT_BYTES, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, ConsentList, ConsentPhrase, ConsentPhraseList,
    ConsentRename, ErrorBody, SpeechBody, Voice, VoiceConsent, VoiceConsentDeleted, VoiceDeleted, VoiceList,
)
from soundclone.api.state import ApiState
from soundclone.core import streams, submission
from soundclone.core import tasks as core_tasks
from soundclone.domain import consent as consent_rules
from soundclone.domain import keys
from soundclone.domain.errors import ErrorKind, ServiceError, invalid, not_found
from soundclone.domain.ids import new_number
from soundclone.domain.pricing import PricePlan
from soundclone.domain.records import SpeechResult
from soundclone.domain.tasks import TaskKind
from soundclone.store import consents, voices
from soundclone.store.db import transaction
from soundclone.store.models import Consent
from soundclone.store.models import Voice as VoiceRow

log = logging.getLogger(__name__)
PREFIX = "/v1/audio"
CONTENT_TYPES = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac",
                 "wav": "audio/wav", "pcm": "audio/pcm"}
MS_PER_OUTPUT_TOKEN = 20          # `usage.output_tokens` in SSE: one per 20 ms of audio
HEADER_TEXT_LIMIT = 500
ERRORS = {status: {"model": ErrorBody} for status in (400, 401, 403, 404, 409, 413, 429, 500, 504)}

router = APIRouter(prefix=PREFIX, tags=["OpenAI-compatible"], responses=ERRORS)


# ---- speech -----------------------------------------------------------------------------------

@router.post("/speech", summary="Text to speech, streamed as it is made (audio bytes, or SSE events)",
             response_class=StreamingResponse,
             responses={200: {"content": {**{t: {} for t in CONTENT_TYPES.values()}, "text/event-stream": {}},
                              "description": "the audio file's bytes as they are made, or server-sent events"}})
def speech(body: SpeechBody, state: StateDep, caller: CallerDep) -> StreamingResponse:
    asked = translate.speech(body)
    task = submission.submit_speech(
        state, account_id=caller.account_id, key_id=caller.key_id, kind=TaskKind.OPENAI_SPEECH,
        request=asked.request, plan=PricePlan.OPENAI_SPEECH, voice_field="voice", wire={"format": asked.format},
    )
    view = core_tasks.view(task)
    pieces = streams.chunks(state, view, timeout_s=state.settings.sync_timeout_s)
    first = next(pieces)     # a failure before any audio is still an HTTP error, not a broken stream
    headers = _speech_headers(view.id, asked)
    if view.record.voice.quality:
        headers["x-soundclone-voice-quality"] = view.record.voice.quality
    if asked.sse:
        return StreamingResponse(_events(first, pieces, asked.request.characters), media_type="text/event-stream",
                                 headers=headers)
    return StreamingResponse(_audio(first, pieces), media_type=CONTENT_TYPES[asked.format], headers=headers)


def _audio(first: bytes | core_tasks.TaskView, rest: Iterator) -> Iterator[bytes]:
    try:
        for piece in chain([first], rest):
            if isinstance(piece, bytes):
                yield piece
    except ServiceError as error:
        # the status line is sent: a cut stream is how a late failure shows (the task is refunded). Cut, not ended:
        # the server drops the connection without the last chunk, so the client sees an incomplete body — ending the
        # iterator would send a well-formed end and the client would take half an audio file for the whole one.
        log.warning("speech stream cut: %s", error.message)
        raise StreamCut(error.message) from None


class StreamCut(Exception):
    """Raised inside a streamed body whose task failed late: the server aborts the response."""


def _events(first: bytes | core_tasks.TaskView, rest: Iterator, characters: int) -> Iterator[bytes]:
    try:
        for piece in chain([first], rest):
            if isinstance(piece, bytes):
                yield _event({"type": "speech.audio.delta", "audio": base64.b64encode(piece).decode()})
            else:
                yield _event({"type": "speech.audio.done", "usage": _usage(piece.result, characters)})
    except ServiceError as error:
        yield _event({"type": "error", **error_body(error)})


def _usage(result: SpeechResult, characters: int) -> dict:
    output = -(-result.audio.duration_ms // MS_PER_OUTPUT_TOKEN)
    return {"input_tokens": characters, "output_tokens": output, "total_tokens": characters + output}


def _event(payload: dict) -> bytes:
    return f"data: {json.dumps(payload)}\n\n".encode()


def _speech_headers(task_id: str, asked: translate.Speech) -> dict[str, str]:
    headers = {"x-request-id": task_id, "x-soundclone-voice": _header_text(asked.request.voice),
               "x-soundclone-characters": str(asked.request.characters)}
    if asked.format == "pcm":
        headers["x-soundclone-pcm"] = f"s16le; rate={translate.OUTPUT_RATE}; channels=1"
    if asked.style.applied:
        headers["x-soundclone-instructions-applied"] = _header_text("; ".join(asked.style.applied))
    if asked.style.ignored:
        headers["x-soundclone-instructions-ignored"] = _header_text(" | ".join(asked.style.ignored))
    return headers


def _header_text(text: str) -> str:
    """A header value is ASCII: other characters are percent-encoded."""
    return quote(text[:HEADER_TEXT_LIMIT], safe=" !\"#$&'()*+,-./:;<=>?@[]^_`{|}~")


# ---- consent phrases ----------------------------------------------------------------------------

@router.get("/consent_phrases", summary="The phrase a speaker reads to consent, per language (no key needed)",
            response_model=ConsentPhraseList | ConsentPhrase)
def consent_phrases(state: StateDep, language: str | None = Query(None, description="e.g. en-US or en")) -> dict:
    operator = state.settings.operator_name
    if language is not None:
        return {"language": language, "phrase": consent_rules.phrase(language, operator)}
    return {"object": "list", "data": [{"language": code, "phrase": consent_rules.phrase(code, operator)}
                                       for code in consent_rules.LANGUAGES]}


# ---- consents -----------------------------------------------------------------------------------

@router.post("/voice_consents", summary="Record a speaker's consent (multipart: recording, language, name)",
             response_model=VoiceConsent)
def create_consent(state: StateDep, caller: CallerDep, recording: UploadFile = File(...), language: str = Form(...),
                   name: str = Form(...)) -> dict:
    translate.check_name(name)
    consent_rules.phrase_language(language)
    key = _keep_upload(state, recording, "recording")
    request = translate.consent_request(name=name, language=language, recording_key=key,
                                        operator=state.settings.operator_name)
    with _dropped_on_refusal(state, key):
        task = submission.submit_consent(state, account_id=caller.account_id, kind=TaskKind.OPENAI_CONSENT,
                                         request=request, plan=PricePlan.OPENAI_CONSENT)
    done = core_tasks.finished(state, task.id, timeout_s=state.settings.sync_timeout_s)
    return consent_object(_own_consent(state, caller.account_id, done.result.consent_id))


@router.get("/voice_consents", summary="The account's consents, newest first", response_model=ConsentList)
def list_consents(state: StateDep, caller: CallerDep, after: str | None = None,
                  limit: int = Query(LIST_LIMIT_DEFAULT, ge=1, le=LIST_LIMIT_MAX)) -> dict:
    with transaction(state.sessions) as session:
        rows, more = consents.page(session, account_id=caller.account_id, after=after, limit=limit)
    return _page([consent_object(row) for row in rows], more)


@router.get("/voice_consents/{consent_id}", summary="One consent", response_model=VoiceConsent)
def retrieve_consent(consent_id: str, state: StateDep, caller: CallerDep) -> dict:
    return consent_object(_own_consent(state, caller.account_id, consent_id))


@router.post("/voice_consents/{consent_id}", summary="Rename a consent (only its name can change)",
             response_model=VoiceConsent)
def rename_consent(consent_id: str, body: ConsentRename, state: StateDep, caller: CallerDep) -> dict:
    name = translate.check_name(body.name)
    with transaction(state.sessions) as session:
        row = consents.consent_for_account(session, consent_id=consent_id, account_id=caller.account_id)
        if row is None:
            raise not_found(f"consent {consent_id}", field="consent_id")
        consents.rename(session, consent_id=row.id, name=name)
    return consent_object(_own_consent(state, caller.account_id, consent_id))


@router.delete("/voice_consents/{consent_id}", summary="Delete a consent no voice uses any more",
               response_model=VoiceConsentDeleted)
def delete_consent(consent_id: str, state: StateDep, caller: CallerDep) -> dict:
    with transaction(state.sessions) as session:
        row = consents.consent_for_account(session, consent_id=consent_id, account_id=caller.account_id)
        if row is None:
            raise not_found(f"consent {consent_id}", field="consent_id")
        using = consents.live_voices_using(session, consent_id=row.id)
        if using:
            raise ServiceError(ErrorKind.IN_USE, f"consent {consent_id} is the consent of {len(using)} voice(s) "
                                                 f"({', '.join(v.id for v in using[:5])}); delete those voices first",
                               field="consent_id")
        consents.delete(session, consent_id=row.id, now=state.clock())
    return {"id": consent_id, "object": "audio.voice_consent", "deleted": True}


def consent_object(row: Consent) -> dict:
    return {"id": row.id, "object": "audio.voice_consent", "created_at": int(row.created_at.timestamp()),
            "language": row.language, "name": row.name}


def _own_consent(state: ApiState, account_id: int, consent_id: str, *, field: str = "consent_id") -> Consent:
    with transaction(state.sessions) as session:
        row = consents.consent_for_account(session, consent_id=consent_id, account_id=account_id)
    if row is None:
        raise not_found(f"consent {consent_id}", field=field)
    return row


# ---- voices -------------------------------------------------------------------------------------

@router.post("/voices", summary="Make a custom voice from a sample and a consent (multipart)", response_model=Voice)
def create_voice(state: StateDep, caller: CallerDep, name: str = Form(...), audio_sample: UploadFile | None = File(None),
                 consent: str | None = Form(None), type: str | None = Form(None)) -> dict:  # noqa: A002
    if type not in (None, "audio_sample"):
        raise invalid("type", f"type {type!r} is not supported here: voices are made from an audio_sample and a "
                              "consent (voices from a text prompt are a Realtime feature)")
    if audio_sample is None:
        raise invalid("audio_sample", "audio_sample is required: a recording of the consenting speaker")
    if not consent:
        raise invalid("consent", "consent is required: the id of a consent recording (POST /v1/audio/voice_consents)")
    translate.check_name(name)
    key = _keep_upload(state, audio_sample, "audio_sample")
    request = translate.voice_request(name=name, sample_key=key, consent_id=consent)
    with _dropped_on_refusal(state, key):
        task = submission.submit_clone(state, account_id=caller.account_id, kind=TaskKind.OPENAI_VOICE,
                                       request=request, plan=PricePlan.OPENAI_VOICE)
    done = core_tasks.finished(state, task.id, timeout_s=state.settings.sync_timeout_s)
    return voice_object(_own_voice(state, caller.account_id, done.result.voice_id))


@router.get("/voices", summary="The account's voices, newest first (an extension)", response_model=VoiceList)
def list_voices(state: StateDep, caller: CallerDep, after: str | None = None,
                limit: int = Query(LIST_LIMIT_DEFAULT, ge=1, le=LIST_LIMIT_MAX)) -> dict:
    with transaction(state.sessions) as session:
        rows = list(reversed(voices.voices_of(session, account_id=caller.account_id)))
    if after is not None:
        ids = [row.id for row in rows]
        rows = rows[ids.index(after) + 1:] if after in ids else []
    return _page([voice_object(row) for row in rows[:limit]], len(rows) > limit)


@router.get("/voices/{voice_id}", summary="One voice (an extension)", response_model=Voice)
def retrieve_voice(voice_id: str, state: StateDep, caller: CallerDep) -> dict:
    return voice_object(_own_voice(state, caller.account_id, voice_id))


@router.delete("/voices/{voice_id}", summary="Delete a voice (its consent stays)", response_model=VoiceDeleted)
def delete_voice(voice_id: str, state: StateDep, caller: CallerDep) -> dict:
    row = _own_voice(state, caller.account_id, voice_id)
    with transaction(state.sessions) as session:
        voices.delete_voice(session, voice_id=row.id, now=state.clock(), dialect="openai")
    return {"id": voice_id, "object": "audio.voice.deleted", "deleted": True}


def voice_object(row: VoiceRow) -> dict:
    return {"id": row.id, "object": "audio.voice", "created_at": int(row.created_at.timestamp()),
            "name": row.label or row.name or row.id, "type": "audio_sample", "consent": row.consent_id,
            "quality": row.quality}


def _own_voice(state: ApiState, account_id: int, voice_id: str) -> VoiceRow:
    with transaction(state.sessions) as session:
        row = voices.voice_for_account(session, voice_id=voice_id, account_id=account_id)
    if row is None:
        raise not_found(f"voice {voice_id}", field="voice_id")
    return row


# ---- shared -------------------------------------------------------------------------------------

def _page(items: list[dict], more: bool) -> dict:
    return {"object": "list", "data": items, "has_more": more,
            "first_id": items[0]["id"] if items else None, "last_id": items[-1]["id"] if items else None}


def _keep_upload(state: ApiState, upload: UploadFile, field: str) -> str:
    """The uploaded file, kept for the worker (its format is found from its bytes, never from its name or type)."""
    data = upload.file.read(FILE_LIMIT_BYTES + 1)
    if not data:
        raise invalid(field, f"{field} is empty")
    if len(data) > FILE_LIMIT_BYTES:
        raise invalid(field, f"{field} is larger than {FILE_LIMIT_BYTES // (1024 * 1024)} MiB")
    key = keys.upload_key(new_number(), "bin")
    state.blobs.put(key, data)
    return key


@contextmanager
def _dropped_on_refusal(state: ApiState, key: str) -> Iterator[None]:
    """An upload whose request is refused is not kept."""
    try:
        yield
    except ServiceError:
        state.blobs.delete(key)
        raise
