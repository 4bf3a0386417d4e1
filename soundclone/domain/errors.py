"""Errors every dialect knows, by kind. Each dialect maps every kind to its own wire code in one module
(`api/<dialect>/errors.py`); a test checks no kind is left out."""

from __future__ import annotations

import enum


class ErrorKind(enum.Enum):
    INVALID_PARAMETER = "invalid_parameter"
    UNAUTHORIZED = "unauthorized"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NOT_FOUND = "not_found"                      # a task, file or link target of this account
    VOICE_NOT_FOUND = "voice_not_found"          # a voice id or name this account cannot use
    MODEL_EXPIRED = "model_expired"
    RATE_LIMITED = "rate_limited"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    INTERNAL = "internal"                        # the request itself met a bug
    TASK_FAILED = "task_failed"                  # accepted work failed inside the service (refunded)
    TIMEOUT = "timeout"
    CHARACTER_RATE_LIMITED = "character_rate_limited"
    INVALID_CHARACTERS = "invalid_characters"
    INPUT_CONTENT = "input_content"
    CLONE_AUDIO_DURATION = "clone_audio_duration"
    CLONE_NOT_PERMITTED = "clone_not_permitted"
    VOICE_PROTECTED = "voice_protected"          # the reference sounds like a voice the operator protects
    DUPLICATE_VOICE = "duplicate_voice"
    VOICE_ACCESS = "voice_access"
    PROMPT_AUDIO_TOO_LONG = "prompt_audio_too_long"
    PROMPT_MISMATCH = "prompt_mismatch"
    LINK_INVALID = "link_invalid"                # a signed file link that is tampered with or expired
    IN_USE = "in_use"                            # an object others still depend on (a consent with live voices)


class ServiceError(Exception):
    """A request the service refuses; `message` is safe to show to the client."""

    def __init__(self, kind: ErrorKind, message: str, *, field: str | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field = field
        self.retry_after_s = retry_after_s   # when trying again may work (rate limits)


def invalid(field: str, message: str) -> ServiceError:
    return ServiceError(ErrorKind.INVALID_PARAMETER, message, field=field)


def not_found(what: str, *, field: str | None = None) -> ServiceError:
    return ServiceError(ErrorKind.NOT_FOUND, f"{what} not found", field=field)
