"""Dependencies shared by every dialect: the API state and the calling key's account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from soundclone.api.state import ApiState
from soundclone.core.submission import rate_window, seconds_left_in_window
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.store import accounts, ratelimits
from soundclone.store.db import transaction

BEARER = "bearer"


def get_state(request: Request) -> ApiState:
    return request.app.state.soundclone


StateDep = Annotated[ApiState, Depends(get_state)]


@dataclass(frozen=True)
class Caller:
    account_id: int
    key_id: int


def get_caller(request: Request, state: StateDep) -> Caller:
    """Authenticate the Bearer key and count the request against its per-minute limit."""
    presented = bearer_key(request)
    window = rate_window(state.clock())
    with transaction(state.sessions) as session:
        counted = ratelimits.hit_by_key(session, key_hash=accounts.hash_key(presented), window_start=window)
        if counted is None:   # the key's first request this minute, or no such key
            key = accounts.active_key(session, key=presented)
            if key is None:
                raise ServiceError(ErrorKind.UNAUTHORIZED, "invalid or revoked API key")
            counted = key.id, key.account_id, ratelimits.hit(session, key_id=key.id, window_start=window)
        key_id, account_id, count = counted
        caller = Caller(account_id=account_id, key_id=key_id)
    if count > state.settings.rate_limit_per_minute:
        raise ServiceError(
            ErrorKind.RATE_LIMITED,
            f"rate limit exceeded: at most {state.settings.rate_limit_per_minute} requests per minute per key",
            retry_after_s=seconds_left_in_window(state.clock()),
        )
    return caller


def bearer_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != BEARER or not key.strip():
        raise ServiceError(ErrorKind.UNAUTHORIZED, "missing API key: send the header 'Authorization: Bearer <key>'")
    return key.strip()


CallerDep = Annotated[Caller, Depends(get_caller)]
