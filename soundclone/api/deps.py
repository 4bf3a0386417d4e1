"""Dependencies shared by every dialect: the API state and the calling key's account."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Annotated

from fastapi import Depends, Request

from soundclone.api.auth import Caller, Flush
from soundclone.api.state import ApiState
from soundclone.core.submission import rate_window, seconds_left_in_window
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.store import accounts, ratelimits
from soundclone.store.db import transaction

BEARER = "bearer"


def get_state(request: Request) -> ApiState:
    return request.app.state.soundclone


StateDep = Annotated[ApiState, Depends(get_state)]


# Work of a few statements (authenticating, accepting a task, reading one back) runs in a small thread pool of
# its own (SOUNDCLONE_SHORT_WORK_THREADS). In the default pool of 40 threads, 50 concurrent clients kept ~40 threads
# runnable at once, and their contention for the GIL cost more CPU than the work: submit-and-poll at 50 connections
# went from 195 to 275 requests/s and from 5.8 to 3.9 ms of CPU per request with 4 threads. On SQLite, whose
# writes take turns anyway, one thread costs less again (2.35 -> 1.92 ms of CPU per request); on PostgreSQL four
# keep round trips overlapping (docs/benchmarks.md, "API path"). Calls that wait (a synchronous synthesis, a
# stream, a clone) stay in the default pool, so they never hold these threads.


async def short_work(state: ApiState, function, *args):  # noqa: ANN001, ANN002, ANN201
    """Run `function(*args)`, a few database statements and no waiting, in the short-work pool (the request's
    context, its request id included, goes with it). A plain executor: anyio's thread hand-off, with its limiter
    and backend look-ups, cost about a sixth of the event loop's time on the submit-and-poll load."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(state.short_work_pool, context.run, function, *args)


async def get_caller(request: Request, state: StateDep) -> Caller:
    return await authenticate(state, request.headers.get("authorization", ""))


async def authenticate(state: ApiState, authorization: str) -> Caller:
    """Authenticate the Bearer key and count the request against its per-minute limit; the key's check and the
    count are in memory while the replica remembers the key (api/auth.py)."""
    presented = bearer_key(authorization)
    now = state.clock()
    caller = state.keys.get(presented, now)
    if caller is None:
        generation = state.keys.generation
        caller = await short_work(state, look_up_key, state, presented)
        state.keys.put(presented, caller, now, generation=generation)
    window = rate_window(now)
    count, flush = state.requests.hit(caller.key_id, window, now.timestamp())
    if flush is not None:
        count = await short_work(state, add_requests, state, flush)
    if count > state.settings.rate_limit_per_minute:
        raise ServiceError(
            ErrorKind.RATE_LIMITED,
            f"rate limit exceeded: at most {state.settings.rate_limit_per_minute} requests per minute per key",
            retry_after_s=seconds_left_in_window(now),
        )
    return caller


def look_up_key(state: ApiState, presented: str) -> Caller:
    with transaction(state.sessions) as session:
        key = accounts.active_key(session, key=presented)
        if key is None:
            raise ServiceError(ErrorKind.UNAUTHORIZED, "invalid or revoked API key")
        return Caller(account_id=key.account_id, key_id=key.id)


def add_requests(state: ApiState, flush: Flush) -> int:
    try:
        with transaction(state.sessions) as session:
            total = ratelimits.add(session, key_id=flush.key_id, window_start=flush.window_start, count=flush.count)
    except Exception:
        state.requests.restore(flush)
        raise
    return state.requests.settle(flush, total)


def bearer_key(header: str) -> str:
    scheme, _, key = header.partition(" ")
    if scheme.lower() != BEARER or not key.strip():
        raise ServiceError(ErrorKind.UNAUTHORIZED, "missing API key: send the header 'Authorization: Bearer <key>'")
    return key.strip()


CallerDep = Annotated[Caller, Depends(get_caller)]
