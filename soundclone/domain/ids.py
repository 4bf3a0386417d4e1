"""Public id formats."""

from __future__ import annotations

import re
import secrets
import uuid

TASK_PREFIX = "audio_"
VOICE_PREFIX = "model_"
CONSENT_PREFIX = "cons_"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_TASK_ID = re.compile(rf"{TASK_PREFIX}{_UUID}")
_VOICE_ID = re.compile(rf"{VOICE_PREFIX}[0-9a-f]{{32}}")
_CONSENT_ID = re.compile(rf"{CONSENT_PREFIX}[0-9a-f]{{32}}")
_CONSENT_NAMESPACE = uuid.UUID("0f6c2d1e-5b7a-4c39-8e1f-c0a5e27f9b44")
# int64 ids (MiniMax file_id, task_id): random, and below 2**53 so JavaScript clients keep every digit.
NUMBER_MIN, NUMBER_MAX = 10**9, 2**53
_VOICE_NAMESPACE = uuid.UUID("6b1f6c64-3f55-4f7d-9a53-7d51a6c1c0de")


def new_number() -> int:
    return NUMBER_MIN + secrets.randbelow(NUMBER_MAX - NUMBER_MIN)


def new_task_id() -> str:
    return f"{TASK_PREFIX}{uuid.uuid4()}"


def voice_id_for_task(task_id: str) -> str:
    """Deterministic, so a clone task that runs twice creates one voice, not two."""
    return f"{VOICE_PREFIX}{uuid.uuid5(_VOICE_NAMESPACE, task_id).hex}"


def consent_id_for_task(task_id: str) -> str:
    """Deterministic, so a verification that runs twice records one consent."""
    return f"{CONSENT_PREFIX}{uuid.uuid5(_CONSENT_NAMESPACE, task_id).hex}"


def is_consent_id(value: str) -> bool:
    return bool(_CONSENT_ID.fullmatch(value))


def is_task_id(value: str) -> bool:
    return bool(_TASK_ID.fullmatch(value))


def is_voice_id(value: str) -> bool:
    return bool(_VOICE_ID.fullmatch(value))
