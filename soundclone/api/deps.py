"""Dependencies shared by every dialect: the API state and the calling key's account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import anyio
from anyio.lowlevel import RunVar
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


# Work of a few statements (authenticating, accepting a task, reading one back) runs in a small thread pool of
# its own. In the default pool of 40 threads, 50 concurrent clients kept ~40 threads runnable at once, and their
# contention for the GIL cost more CPU than the work: submit-and-poll at 50 connections went from 195 to 275
# requests/s and from 5.8 to 3.9 ms of CPU per request with 4 threads here (2 and 8 were both worse;
# docs/benchmarks.md, "API path"). Calls that wait (a synchronous synthesis, a stream, a clone) stay in the
# default pool, so they never hold these threads.
SHORT_WORK_THREADS = 4
_SHORT_WORK_LIMITER: RunVar[anyio.CapacityLimiter] = RunVar("soundclone_short_work")


async def short_work(function, *args):  # noqa: ANN001, ANN002, ANN201
    """Run `function(*args)`, a few database statements and no waiting, in the short-work pool."""
    try:
        limiter = _SHORT_WORK_LIMITER.get()
    except LookupError:   # the first call on this event loop
        limiter = anyio.CapacityLimiter(SHORT_WORK_THREADS)
        _SHORT_WORK_LIMITER.set(limiter)
    return await anyio.to_thread.run_sync(function, *args, limiter=limiter)


async def get_caller(request: Request, state: StateDep) -> Caller:
    """Authenticate the Bearer key and count the request against its per-minute limit."""
    return await short_work(authenticate, state, bearer_key(request))


def authenticate(state: ApiState, presented: str) -> Caller:
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
