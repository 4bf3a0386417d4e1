"""Every error kind as the SoundClone dialect answers it: an envelope code and an HTTP status.

The spec defines only 20000 (success); these codes follow its pattern (HTTP status × 100). The table in the
API description is made from this map, and a test checks it covers every kind.
"""

from __future__ import annotations

import math

from fastapi.responses import JSONResponse

from soundclone.domain.errors import ErrorKind, ServiceError

SUCCESS = 20000
ERROR_CODES: dict[ErrorKind, tuple[int, int]] = {
    ErrorKind.INVALID_PARAMETER: (40000, 400),
    ErrorKind.INVALID_CHARACTERS: (40000, 400),
    ErrorKind.INPUT_CONTENT: (40000, 400),
    ErrorKind.CLONE_AUDIO_DURATION: (40000, 400),
    ErrorKind.PROMPT_AUDIO_TOO_LONG: (40000, 400),
    ErrorKind.PROMPT_MISMATCH: (40000, 400),
    ErrorKind.UNAUTHORIZED: (40100, 401),
    ErrorKind.INSUFFICIENT_BALANCE: (40200, 402),
    ErrorKind.LINK_INVALID: (40300, 403),
    ErrorKind.CLONE_NOT_PERMITTED: (40300, 403),
    ErrorKind.VOICE_PROTECTED: (40300, 403),
    ErrorKind.VOICE_ACCESS: (40300, 403),
    ErrorKind.NOT_FOUND: (40400, 404),
    ErrorKind.VOICE_NOT_FOUND: (40400, 404),
    ErrorKind.DUPLICATE_VOICE: (40900, 409),
    ErrorKind.IN_USE: (40900, 409),
    ErrorKind.MODEL_EXPIRED: (41000, 410),
    ErrorKind.PAYLOAD_TOO_LARGE: (41300, 413),
    ErrorKind.RATE_LIMITED: (42900, 429),
    ErrorKind.CHARACTER_RATE_LIMITED: (42900, 429),
    ErrorKind.INTERNAL: (50000, 500),
    ErrorKind.TASK_FAILED: (50000, 500),
    ErrorKind.TIMEOUT: (50400, 504),
}


def error_response(error: ServiceError) -> JSONResponse:
    code, status = ERROR_CODES[error.kind]
    headers = {"retry-after": str(max(1, math.ceil(error.retry_after_s)))} if error.retry_after_s else None
    return JSONResponse({"code": code, "msg": error.message, "data": None}, status_code=status, headers=headers)


def error_table_markdown() -> str:
    rows = [f"| {code} | {status} | {kind.value.replace('_', ' ')} |" for kind, (code, status) in ERROR_CODES.items()]
    return "\n".join(["| code | HTTP | meaning |", "| --- | --- | --- |", *rows])
