"""`POST /v1/watermark/detect`: a thin route over core.provenance."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, Field

from soundclone.api.deps import CallerDep, StateDep
from soundclone.api.openai.wire import ErrorBody
from soundclone.core.provenance import trace_file
from soundclone.domain.errors import ErrorKind, ServiceError, invalid
from soundclone.media.decode import DecodeLimits
from soundclone.media.errors import DecodeError

log = logging.getLogger(__name__)
PREFIX = "/v1/watermark"
DETECT_PATH = PREFIX + "/detect"
READ_BLOCK = 1 << 20

ERRORS = {status: {"model": ErrorBody} for status in (400, 401, 413, 429, 500)}

router = APIRouter(prefix=PREFIX, tags=["Provenance"], responses=ERRORS)


class Detection(BaseModel):
    marked: bool = Field(description="Whether the file carries this service's watermark (under any of its keys).")
    confidence: float = Field(description=(
        "0 when not marked; from 0.5 (just found) to 1.0 (found with a wide margin) when marked."))
    task_id: str | None = Field(description=(
        "The task that made the file, only when the calling account owns it; null otherwise, also when the file "
        "is marked by another account's task."))


@router.post(
    "/detect", response_model=Detection, summary="Is this audio file marked by this service, and by which task",
    description=(
        "Multipart field `file`: any audio file the service decodes (mp3, ogg/opus, wav, m4a/aac, …; at most the "
        "upload size limit and the decode duration limit). Every output of this service carries an inaudible "
        "watermark whose payload leads back to the task that made it; it survives MP3/Opus/AAC encoding, "
        "resampling down to 8 kHz, added noise, level changes and cutting (any 10 s excerpt). `task_id` is "
        "answered only to the account that owns the task: another account learns that the file is marked, "
        "never whose it is."),
)
def detect(state: StateDep, caller: CallerDep, file: UploadFile = File(...)) -> Detection:
    settings = state.settings
    limit = settings.max_upload_bytes
    limits = DecodeLimits(max_duration_s=settings.decode_max_duration_s, max_bytes=limit,
                          deadline_s=settings.decode_deadline_s)
    with tempfile.TemporaryDirectory(prefix="soundclone-detect-") as folder:
        path = Path(folder) / "upload"
        _save(file, path, limit)
        try:
            trace = trace_file(state.sessions, settings.watermark_keyring, path, limits=limits)
        except DecodeError as error:
            log.info("watermark detection refused a file: %s", error.detail or error)
            raise ServiceError(ErrorKind.INPUT_CONTENT, f"the file could not be used: {error}", field="file") from None
    return Detection(marked=trace.marked, confidence=trace.confidence, task_id=trace.task_id_for(caller.account_id))


def _save(upload: UploadFile, path: Path, limit: int) -> None:
    size = 0
    with path.open("wb") as out:
        while block := upload.file.read(READ_BLOCK):
            size += len(block)
            if size > limit:
                raise invalid("file", f"the file is larger than {limit // (1024 * 1024)} MiB")
            out.write(block)
    if size == 0:
        raise invalid("file", "the file is empty")
