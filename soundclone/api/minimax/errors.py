"""Every error kind as the MiniMax dialect answers it: HTTP 200 and `base_resp.status_code`.

MiniMax clients read the outcome from `base_resp`, never from the HTTP status. The table in the API description
is made from this map, and a test checks it covers every kind.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from soundclone.domain.errors import ErrorKind, ServiceError

SUCCESS = 0
ERROR_CODES: dict[ErrorKind, int] = {
    ErrorKind.INTERNAL: 1000,
    ErrorKind.TIMEOUT: 1001,
    ErrorKind.RATE_LIMITED: 1002,
    ErrorKind.UNAUTHORIZED: 1004,
    ErrorKind.LINK_INVALID: 1004,
    ErrorKind.INSUFFICIENT_BALANCE: 1008,
    ErrorKind.TASK_FAILED: 1013,
    ErrorKind.INPUT_CONTENT: 1026,
    ErrorKind.CHARACTER_RATE_LIMITED: 1039,
    ErrorKind.INVALID_CHARACTERS: 1042,
    ErrorKind.PROMPT_MISMATCH: 1044,
    ErrorKind.INVALID_PARAMETER: 2013,
    ErrorKind.PAYLOAD_TOO_LARGE: 2013,
    ErrorKind.NOT_FOUND: 2013,
    ErrorKind.MODEL_EXPIRED: 2013,
    ErrorKind.IN_USE: 2013,
    ErrorKind.CLONE_AUDIO_DURATION: 2037,
    ErrorKind.CLONE_NOT_PERMITTED: 2038,
    ErrorKind.VOICE_PROTECTED: 2038,
    ErrorKind.DUPLICATE_VOICE: 2039,
    ErrorKind.VOICE_ACCESS: 2042,
    ErrorKind.PROMPT_AUDIO_TOO_LONG: 2048,
    ErrorKind.VOICE_NOT_FOUND: 20132,
}


def status_code(error: ServiceError) -> int:
    return ERROR_CODES[error.kind]


def base_resp(code: int = SUCCESS, msg: str = "success") -> dict:
    return {"status_code": code, "status_msg": msg}


def error_body(error: ServiceError, **extra: object) -> dict:
    return {**extra, "base_resp": base_resp(status_code(error), error.message)}


def error_response(error: ServiceError) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=200)


def error_table_markdown() -> str:
    rows = [f"| {code} | {kind.value.replace('_', ' ')} |" for kind, code in ERROR_CODES.items()]
    return "\n".join(["| status_code | meaning |", "| --- | --- |", *rows])
