"""Serving stored files at signed, expiring URLs (no API key: the signature is the permission)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from soundclone.api.deps import StateDep
from soundclone.api.signing import FILES_PATH
from soundclone.domain.errors import ErrorKind, ServiceError

MEDIA_TYPES = {"mp3": "audio/mpeg", "srt": "application/x-subrip", "wav": "audio/wav", "json": "application/json"}

router = APIRouter(tags=["files"])


@router.get(
    f"{FILES_PATH}/{{key:path}}", summary="Download a result file through a signed link",
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}, "description": "the file"},
               403: {"description": "the link is tampered with or expired"},
               404: {"description": "no such path"}},
)
def download(key: str, expires: int, signature: str, state: StateDep) -> StreamingResponse:
    if not state.signer.verify(key, expires, signature, state.clock()) or not state.blobs.exists(key):
        raise ServiceError(ErrorKind.LINK_INVALID, "file link is invalid or expired; query the task again for a fresh link")
    extension = key.rsplit(".", 1)[-1]
    return StreamingResponse(state.blobs.stream(key), media_type=MEDIA_TYPES.get(extension, "application/octet-stream"))
