"""The business of accepting work, shared by every dialect: price, debit, record, enqueue.

A dialect module translates its wire format to an order, calls one of these, and translates
the task back. Money and the task row are written in one transaction; the queue message is
sent after commit (if it is lost, the reaper re-sends it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from soundclone.api.state import ApiState
from soundclone.domain import pricing
from soundclone.domain.errors import ErrorKind, ServiceError, not_found
from soundclone.domain.ids import is_task_id, new_task_id
from soundclone.domain.orders import AudioOrder, CloneOrder
from soundclone.domain.tasks import SOUNDCLONE_KINDS, TaskKind
from soundclone.domain.voices import VoiceClock
from soundclone.store import accounts, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

log = logging.getLogger(__name__)
QUEUE_GRACE = timedelta(seconds=30)
WAIT_POLL_S = 0.05


Pricer = Callable[[Session], tuple[pricing.Charge, ...]]


def submit_clone(state: ApiState, *, account_id: int, order: CloneOrder) -> Task:
    charges = pricing.clone_charges(state.settings.price_table, order.characters)
    return submit(state, account_id=account_id, kind=TaskKind.CLONE, request=order.as_dict(), price=lambda _: charges)


def submit_audio(state: ApiState, *, account_id: int, order: AudioOrder) -> Task:
    charges = pricing.audio_charges(state.settings.price_table, order.characters)

    def claim_voice(session: Session) -> tuple[pricing.Charge, ...]:
        use_voice(state, session, account_id=account_id, voice_id=order.modelId, field="modelId")
        return charges

    return submit(state, account_id=account_id, kind=TaskKind.AUDIO, request=order.as_dict(), price=claim_voice)


def use_voice(state: ApiState, session: Session, *, account_id: int, voice_id: str, field: str) -> bool:
    """Check a cloned voice can be used and make it permanent; True when this is its first use."""
    voice = voices.voice_for_account(session, voice_id=voice_id, account_id=account_id)
    if voice is None:
        raise ServiceError(ErrorKind.NOT_FOUND, f"voice {voice_id} not found", field=field)
    lifetime = timedelta(days=voice.lifetime_days)
    if not VoiceClock(voice.created_at, voice.permanent, lifetime).usable(state.clock()):
        raise ServiceError(
            ErrorKind.MODEL_EXPIRED,
            f"voice {voice_id} expired: an unused cloned voice is kept {voice.lifetime_days} days; clone it again",
            field=field,
        )
    first_use = not voice.permanent
    voices.make_permanent(session, voice_id=voice.id)
    return first_use


def find_task(state: ApiState, *, account_id: int, task_id: str, kinds: frozenset[str] = SOUNDCLONE_KINDS) -> Task:
    if not is_task_id(task_id):
        raise not_found(f"task {task_id}")
    with transaction(state.sessions) as session:
        task = tasks.task_for_account(session, task_id=task_id, account_id=account_id)
    if task is None or task.kind not in kinds:
        raise not_found(f"task {task_id}")
    return task


def wait_for(state: ApiState, task_id: str, *, timeout_s: float) -> Task:
    """Block until the task is finished (the synchronous dialects); TIMEOUT if it takes longer."""
    deadline = time.monotonic() + timeout_s
    while True:
        with transaction(state.sessions) as session:
            task = tasks.get_task(session, task_id=task_id)
        if task.status in (tasks.COMPLETED, tasks.FAILED):
            return task
        if time.monotonic() > deadline:
            raise ServiceError(ErrorKind.TIMEOUT, f"the task did not finish within {timeout_s:g} s; it goes on as {task_id}")
        time.sleep(WAIT_POLL_S)


def submit(
    state: ApiState, *, account_id: int, kind: TaskKind, request: dict, price: Pricer, number: int | None = None,
) -> Task:
    task_id = new_task_id()
    now = state.clock()
    with transaction(state.sessions) as session:
        if tasks.count_in_flight(session, account_id=account_id) >= state.settings.max_tasks_in_flight:
            raise ServiceError(
                ErrorKind.RATE_LIMITED,
                f"too many tasks in flight (limit {state.settings.max_tasks_in_flight}); wait for some to finish",
            )
        charges = price(session)
        cost = pricing.total(charges)
        try:
            accounts.debit(
                session, account_id=account_id, task_id=task_id, amount=cost, now=now,
                detail={"charges": [{"config": c.config_name, "quantity": c.quantity, "amount": c.amount} for c in charges]},
            )
        except accounts.InsufficientBalance:
            have = accounts.balance(session, account_id=account_id)
            raise ServiceError(
                ErrorKind.INSUFFICIENT_BALANCE,
                f"insufficient balance: this task costs {cost} micro-units and the balance is {have}",
            ) from None
        task = tasks.create_task(
            session, task_id=task_id, account_id=account_id, kind=kind.value, request=request, cost=cost,
            now=now, due_in=QUEUE_GRACE, number=number,
        )
    try:
        state.queue.enqueue(task_id)
    except Exception:
        log.exception("task %s recorded but not enqueued; the reaper will send it", task_id)
    return task
