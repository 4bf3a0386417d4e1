"""The business of accepting work, shared by every dialect: price, debit, record, enqueue.

A dialect module translates its wire format to an order, calls one of these, and translates
the task back. Money and the task row are written in one transaction; the queue message is
sent after commit (if it is lost, the reaper re-sends it).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from soundclone.api.state import ApiState
from soundclone.domain import pricing
from soundclone.domain.errors import ErrorKind, ServiceError, not_found
from soundclone.domain.ids import is_task_id, new_task_id
from soundclone.domain.orders import AudioOrder, CloneOrder
from soundclone.domain.tasks import TaskKind
from soundclone.domain.voices import VoiceClock
from soundclone.store import accounts, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

log = logging.getLogger(__name__)
QUEUE_GRACE = timedelta(seconds=30)


def submit_clone(state: ApiState, *, account_id: int, order: CloneOrder) -> Task:
    charges = pricing.clone_charges(state.settings.price_table, order.characters)
    return _submit(state, account_id=account_id, kind=TaskKind.CLONE, request=order.as_dict(), charges=charges)


def submit_audio(state: ApiState, *, account_id: int, order: AudioOrder) -> Task:
    charges = pricing.audio_charges(state.settings.price_table, order.characters)

    def claim_voice(session) -> None:  # noqa: ANN001
        voice = voices.voice_for_account(session, voice_id=order.modelId, account_id=account_id)
        if voice is None:
            raise not_found(f"voice model {order.modelId}")
        if not VoiceClock(voice.created_at, voice.permanent).usable(state.clock()):
            raise ServiceError(
                ErrorKind.MODEL_EXPIRED,
                f"voice model {order.modelId} expired: an unused preview voice is kept 3 days; clone the voice again",
                field="modelId",
            )
        voices.make_permanent(session, voice_id=voice.id)

    return _submit(
        state, account_id=account_id, kind=TaskKind.AUDIO, request=order.as_dict(), charges=charges, before=claim_voice,
    )


def find_task(state: ApiState, *, account_id: int, task_id: str) -> Task:
    if not is_task_id(task_id):
        raise not_found(f"task {task_id}")
    with transaction(state.sessions) as session:
        task = tasks.task_for_account(session, task_id=task_id, account_id=account_id)
    if task is None:
        raise not_found(f"task {task_id}")
    return task


def _submit(state: ApiState, *, account_id: int, kind: TaskKind, request: dict, charges, before=None) -> Task:  # noqa: ANN001
    cost = pricing.total(charges)
    task_id = new_task_id()
    now = state.clock()
    with transaction(state.sessions) as session:
        if tasks.count_in_flight(session, account_id=account_id) >= state.settings.max_tasks_in_flight:
            raise ServiceError(
                ErrorKind.RATE_LIMITED,
                f"too many tasks in flight (limit {state.settings.max_tasks_in_flight}); wait for some to finish",
            )
        if before is not None:
            before(session)
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
            now=now, due_in=QUEUE_GRACE,
        )
    try:
        state.queue.enqueue(task_id)
    except Exception:
        log.exception("task %s recorded but not enqueued; the reaper will send it", task_id)
    return task
