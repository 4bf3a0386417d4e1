"""Every error kind as the OpenAI dialect answers it: an HTTP status (which the SDK turns into its exception class),
an error `type` and `code`, in `{"error": {"message", "type", "param", "code"}}`.

The SDK retries 408, 409, 429 and 5xx on its own. A refusal that waiting cannot cure (no balance, a conflict, a
synchronous wait that ran out while the task goes on) says so with `x-should-retry: false`, and rate limits
say when to come back with `retry-after`. A test checks every kind is mapped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastapi.responses import JSONResponse

from soundclone.domain.errors import ErrorKind, ServiceError

INVALID, AUTH, PERMISSION, NOT_FOUND, CONFLICT = ("invalid_request_error", "authentication_error",
                                                  "permission_error", "not_found_error", "conflict_error")
RATE, QUOTA, SERVER = "rate_limit_error", "insufficient_quota", "server_error"


@dataclass(frozen=True)
class WireError:
    status: int
    type: str
    code: str | None = None
    retry: bool | None = None    # None: the SDK's own rule for the status


ERROR_CODES: dict[ErrorKind, WireError] = {
    ErrorKind.INVALID_PARAMETER: WireError(400, INVALID),
    ErrorKind.INVALID_CHARACTERS: WireError(400, INVALID, "invalid_characters"),
    ErrorKind.INPUT_CONTENT: WireError(400, INVALID, "invalid_file"),
    ErrorKind.CLONE_AUDIO_DURATION: WireError(400, INVALID, "audio_duration"),
    ErrorKind.PROMPT_AUDIO_TOO_LONG: WireError(400, INVALID, "audio_duration"),
    ErrorKind.PROMPT_MISMATCH: WireError(400, INVALID, "transcript_mismatch"),
    ErrorKind.VOICE_NOT_FOUND: WireError(400, INVALID, "voice_not_found"),
    ErrorKind.MODEL_EXPIRED: WireError(400, INVALID, "voice_expired"),
    ErrorKind.UNAUTHORIZED: WireError(401, AUTH, "invalid_api_key"),
    ErrorKind.CLONE_NOT_PERMITTED: WireError(403, PERMISSION, "cloning_not_enabled"),
    ErrorKind.VOICE_PROTECTED: WireError(403, PERMISSION, "voice_protected", retry=False),
    ErrorKind.VOICE_ACCESS: WireError(403, PERMISSION),
    ErrorKind.LINK_INVALID: WireError(403, PERMISSION, "link_invalid"),
    ErrorKind.NOT_FOUND: WireError(404, NOT_FOUND),
    ErrorKind.DUPLICATE_VOICE: WireError(409, CONFLICT, "voice_exists", retry=False),
    ErrorKind.IN_USE: WireError(409, CONFLICT, "in_use", retry=False),
    ErrorKind.PAYLOAD_TOO_LARGE: WireError(413, INVALID, "file_too_large"),
    ErrorKind.INSUFFICIENT_BALANCE: WireError(429, QUOTA, "insufficient_quota", retry=False),
    ErrorKind.RATE_LIMITED: WireError(429, RATE, "rate_limit_exceeded"),
    ErrorKind.CHARACTER_RATE_LIMITED: WireError(429, RATE, "rate_limit_exceeded"),
    ErrorKind.INTERNAL: WireError(500, SERVER),
    ErrorKind.TASK_FAILED: WireError(500, SERVER, "task_failed"),
    ErrorKind.TIMEOUT: WireError(504, SERVER, "timeout", retry=False),
}


def error_body(error: ServiceError) -> dict:
    wire = ERROR_CODES[error.kind]
    return {"error": {"message": error.message, "type": wire.type, "param": error.field, "code": wire.code}}


def error_response(error: ServiceError) -> JSONResponse:
    wire = ERROR_CODES[error.kind]
    headers = {}
    if wire.retry is not None:
        headers["x-should-retry"] = "true" if wire.retry else "false"
    if error.retry_after_s is not None:
        headers["retry-after"] = str(max(1, math.ceil(error.retry_after_s)))
    return JSONResponse(error_body(error), status_code=wire.status, headers=headers)


def error_table_markdown() -> str:
    rows = [f"| {w.status} | {w.type} | {w.code or ''} | {kind.value.replace('_', ' ')} |"
            for kind, w in ERROR_CODES.items()]
    return "\n".join(["| HTTP | type | code | meaning |", "| --- | --- | --- | --- |", *rows])
