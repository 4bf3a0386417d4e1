"""MiniMax file uploads: each purpose's formats, duration and size rules, checked before the file is kept."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from fastapi import UploadFile

from soundclone.api.state import ApiState
from soundclone.domain import keys
from soundclone.domain.cloning import CLONE_FILE_MAX_S, CLONE_FILE_MIN_S, PROMPT_FILE_MAX_S
from soundclone.domain.errors import ErrorKind, ServiceError, invalid
from soundclone.media.decode import DecodeLimits, decode_audio
from soundclone.media.errors import DecodeError
from soundclone.store import files
from soundclone.store.db import transaction
from soundclone.store.models import StoredFile

log = logging.getLogger(__name__)
VOICE_CLONE, PROMPT_AUDIO, T2A_ASYNC_INPUT, T2A_ASYNC = "voice_clone", "prompt_audio", "t2a_async_input", "t2a_async"
UPLOAD_PURPOSES = (VOICE_CLONE, PROMPT_AUDIO, T2A_ASYNC_INPUT)
LISTED_PURPOSES = (*UPLOAD_PURPOSES, T2A_ASYNC)
AUDIO_EXTENSIONS = ("mp3", "m4a", "wav")
AUDIO_MAX_BYTES = 20 * 1024 * 1024
TEXT_MAX_CHARS = 100_000
TEXT_MAX_BYTES = 4 * TEXT_MAX_CHARS
READ_BLOCK = 1 << 20
# The error each audio purpose answers with when its rules are broken (MiniMax 2037 / 2048).
AUDIO_RULE_ERROR = {VOICE_CLONE: ErrorKind.CLONE_AUDIO_DURATION, PROMPT_AUDIO: ErrorKind.PROMPT_AUDIO_TOO_LONG}


def check_purpose(purpose: str, *, listing: bool = False) -> str:
    allowed = LISTED_PURPOSES if listing else UPLOAD_PURPOSES
    if purpose not in allowed:
        raise invalid("purpose", f"purpose must be one of {', '.join(allowed)}; got {purpose!r}")
    return purpose


def media_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def store_upload(state: ApiState, *, account_id: int, purpose: str, upload: UploadFile) -> StoredFile:
    check_purpose(purpose)
    filename = Path(upload.filename or "upload").name[:200]
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    file_id = files.new_file_id()
    key = keys.upload_key(file_id, extension)
    limit = TEXT_MAX_BYTES if purpose == T2A_ASYNC_INPUT else AUDIO_MAX_BYTES
    _check_extension(purpose, extension)
    size = _save(state, upload, key, limit, purpose)
    try:
        duration_ms = _check_content(state, purpose, key)
    except ServiceError:
        state.blobs.delete(key)
        raise
    with transaction(state.sessions) as session:
        return files.add_file(session, file_id=file_id, account_id=account_id, purpose=purpose, filename=filename,
                              size=size, blob_key=key, now=state.clock(), duration_ms=duration_ms)


def _check_extension(purpose: str, extension: str) -> None:
    if purpose == T2A_ASYNC_INPUT:
        if extension == "zip":
            raise invalid("file", "zip input is not supported yet; upload the text as a .txt file")
        if extension != "txt":
            raise invalid("file", f"a {T2A_ASYNC_INPUT} file must be .txt; got .{extension or '?'}")
    elif extension not in AUDIO_EXTENSIONS:
        raise ServiceError(AUDIO_RULE_ERROR[purpose],
                           f"a {purpose} file must be one of {', '.join(AUDIO_EXTENSIONS)}; got .{extension or '?'}",
                           field="file")


def _save(state: ApiState, upload: UploadFile, key: str, limit: int, purpose: str) -> int:
    chunks, size = [], 0
    while block := upload.file.read(READ_BLOCK):
        size += len(block)
        if size > limit:
            kind = AUDIO_RULE_ERROR.get(purpose, ErrorKind.INVALID_PARAMETER)
            raise ServiceError(kind, f"the file is larger than {limit // (1024 * 1024) or 1} MB, the limit for {purpose}",
                               field="file")
        chunks.append(block)
    if size == 0:
        raise invalid("file", "the file is empty")
    state.blobs.put(key, b"".join(chunks))
    return size


def _check_content(state: ApiState, purpose: str, key: str) -> int | None:
    if purpose == T2A_ASYNC_INPUT:
        _check_text(state.blobs.get(key))
        return None
    rule = AUDIO_RULE_ERROR[purpose]
    try:
        with state.blobs.local_copy(key) as path:
            audio = decode_audio(path, limits=DecodeLimits(max_duration_s=CLONE_FILE_MAX_S + 30,
                                                           deadline_s=state.settings.decode_deadline_s))
    except DecodeError as error:
        log.info("upload refused (%s): %s", purpose, error.detail or error)
        raise ServiceError(rule, f"the {purpose} file could not be used: {error}", field="file") from None
    seconds = audio.duration_s
    if purpose == VOICE_CLONE and not CLONE_FILE_MIN_S <= seconds <= CLONE_FILE_MAX_S:
        raise ServiceError(rule, f"the voice_clone audio lasts {seconds:.1f} s; it must be "
                                 f"{CLONE_FILE_MIN_S:g} s to {CLONE_FILE_MAX_S / 60:g} min", field="file")
    if purpose == PROMPT_AUDIO and seconds >= PROMPT_FILE_MAX_S:
        raise ServiceError(rule, f"the prompt_audio lasts {seconds:.1f} s; it must be shorter than "
                                 f"{PROMPT_FILE_MAX_S:g} s", field="file")
    return int(round(seconds * 1000))


def _check_text(data: bytes) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(ErrorKind.INPUT_CONTENT, "the text file is not UTF-8", field="file") from None
    if len(text) >= TEXT_MAX_CHARS:
        raise invalid("file", f"the text file has {len(text)} characters; it must have fewer than {TEXT_MAX_CHARS}")
    if not text.strip():
        raise invalid("file", "the text file is empty")
