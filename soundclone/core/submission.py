"""Accepting work, for every dialect: limits, voice, price, debit, task row, queue.

Everything that decides whether a request is accepted happens in one transaction: the account's tasks in
flight, its characters this minute, the voice (and its first use), the charge and the task row. So a refused
request leaves nothing behind, and an accepted one is paid for exactly once. The queue message is sent after
commit; if it is lost, the reaper sends it again.

On PostgreSQL a synthesis is first offered to a single statement that applies the same limits and writes the same
rows (store/acceptance.py): one round trip instead of eight. Anything it does not accept comes here unchanged, so
the refusals and their order are decided in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.orm import Session

from soundclone.core import voices
from soundclone.logs import REQUEST_ID
from soundclone.core.state import CoreState
from soundclone.domain import pricing
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.ids import new_task_id
from soundclone.domain.records import CloneTask, ConsentTask, RefineTask, SpeechTask, TaskRecord, dump_record
from soundclone.domain.requests import CloneRequest, ConsentRequest, SpeechRequest
from soundclone.domain.tasks import TaskKind
from soundclone.store import acceptance, accounts, consents, ratelimits, tasks
from soundclone.store.db import Statements, autocommitting, core, transaction, writing
from soundclone.store.models import Task

log = logging.getLogger(__name__)
QUEUE_GRACE = timedelta(seconds=30)
RATE_WINDOW_S = 60
IN_FLIGHT_RETRY_S = 5.0


def submit_speech(
    state: CoreState, *, account_id: int, key_id: int, kind: TaskKind, request: SpeechRequest,
    plan: pricing.PricePlan, voice_field: str, wire: dict | None = None, number: int | None = None,
    aliases: Mapping[str, str] = voices.NO_ALIASES,
) -> Task:
    """Accept a synthesis: the voice is resolved (own clone first, then system voice) and used here."""
    task = _accept_speech_at_once(state, account_id=account_id, key_id=key_id, kind=kind, request=request, plan=plan,
                                  voice_field=voice_field, wire=wire, number=number, aliases=aliases)
    if task is not None:
        _enqueue(state, task.id)
        return task

    def accept(session: Statements, now) -> tuple[TaskRecord, tuple[pricing.Charge, ...]]:  # noqa: ANN001
        if plan.counts_characters:
            _take_characters(state, session, key_id=key_id, characters=request.characters, now=now)
        ref, first = voices.use(session, account_id=account_id, name=request.voice, engine=state.settings.engine,
                                field=voice_field, now=now, aliases=aliases)
        charges = pricing.charges_for(plan, state.settings.price_table, characters=request.characters,
                                      first_use_of_clone=first)
        return SpeechTask(request, ref, plan, wire or {}), charges

    return _submit(state, account_id=account_id, kind=kind, accept=accept, number=number, opening=writing)


def _accept_speech_at_once(
    state: CoreState, *, account_id: int, key_id: int, kind: TaskKind, request: SpeechRequest,
    plan: pricing.PricePlan, voice_field: str, wire: dict | None, number: int | None, aliases: Mapping[str, str],
) -> Task | None:
    """On PostgreSQL, a synthesis whose voice needs no change (a system voice, or a clone used before) is accepted in
    one statement (store/acceptance.py): the same limits, charge and rows as the transaction below, in one round
    trip instead of eight (a clone's look-up adds one). None: it takes the ordinary path (on SQLite, for a clone's
    first use, and whenever anything refused it: nothing was written, and the ordinary path decides and explains
    the refusal)."""
    if not acceptance.available(state.sessions):
        return None
    now = state.clock()
    try:
        return _accept_at_once(state, now, account_id=account_id, key_id=key_id, kind=kind, request=request,
                               plan=plan, voice_field=voice_field, wire=wire, number=number, aliases=aliases)
    except ServiceError:   # refused: the ordinary path decides which refusal comes first
        return None


def _accept_at_once(
    state: CoreState, now, *, account_id: int, key_id: int, kind: TaskKind, request: SpeechRequest,  # noqa: ANN001
    plan: pricing.PricePlan, voice_field: str, wire: dict | None, number: int | None, aliases: Mapping[str, str],
) -> Task | None:
    with autocommitting(state.sessions) as session:
        ref = voices.system_voice_unless_cloned(request.voice, engine=state.settings.engine, aliases=aliases)
        unless_voice_named = request.voice if ref is not None else None   # the statement checks it
        if ref is None:
            ref, first_use = voices.resolve_for_use(session, account_id=account_id, name=request.voice,
                                                    engine=state.settings.engine, field=voice_field, now=now,
                                                    aliases=aliases)
            if first_use:
                return None
        charges = pricing.charges_for(plan, state.settings.price_table, characters=request.characters,
                                      first_use_of_clone=False)
        row = tasks.queued_row(task_id=new_task_id(), account_id=account_id, kind=kind.value,
                               request=dump_record(SpeechTask(request, ref, plan, wire or {})),
                               cost=pricing.total(charges), now=now, due_in=QUEUE_GRACE, number=number,
                               request_id=REQUEST_ID.get())
        characters = ((key_id, rate_window(now), request.characters, state.settings.characters_per_minute)
                      if plan.counts_characters else None)
        limits = acceptance.Limits(in_flight=state.settings.max_tasks_in_flight, characters=characters,
                                   unless_voice_named=unless_voice_named)
        return acceptance.accept_at_once(core(session), task=row, ledger_detail=pricing.ledger_detail(charges),
                                         limits=limits)


def submit_clone(
    state: CoreState, *, account_id: int, kind: TaskKind, request: CloneRequest, plan: pricing.PricePlan,
    name_field: str = "voice_id", consent_field: str = "consent", wire: dict | None = None,
    aliases: Mapping[str, str] = voices.NO_ALIASES,
) -> Task:
    """Accept a clone: cloning must be enabled for the account, a named consent must be the account's (and one is
    needed when the operator requires it), and a chosen name must be new."""
    def accept(session: Session, now) -> tuple[TaskRecord, tuple[pricing.Charge, ...]]:  # noqa: ANN001, ARG001
        _check_clone_enabled(session, account_id)
        _check_consent(state, session, account_id, request.consent_id, consent_field)
        if request.name is not None:
            voices.check_new_name(session, account_id=account_id, name=request.name, engine=state.settings.engine,
                                  field=name_field, aliases=aliases)
        charges = pricing.charges_for(plan, state.settings.price_table, characters=request.characters)
        return CloneTask(request, plan, wire or {}), charges

    return _submit(state, account_id=account_id, kind=kind, accept=accept)


def submit_consent(state: CoreState, *, account_id: int, kind: TaskKind, request: ConsentRequest,
                   plan: pricing.PricePlan) -> Task:
    """Accept a consent recording for checking (a consent is what cloning needs, so cloning must be enabled)."""
    def accept(session: Session, now) -> tuple[TaskRecord, tuple[pricing.Charge, ...]]:  # noqa: ANN001, ARG001
        _check_clone_enabled(session, account_id)
        return ConsentTask(request, plan), pricing.charges_for(plan, state.settings.price_table, characters=0)

    return _submit(state, account_id=account_id, kind=kind, accept=accept)


def record_refinement(session: Session, *, account_id: int, voice_id: str, now) -> str:  # noqa: ANN001
    """A draft voice's refinement, recorded with the voice (in the caller's transaction); free. The caller sends
    the returned task id to the background queue after commit (the reaper resends it if that is lost)."""
    task_id = new_task_id()
    tasks.create_task(session, task_id=task_id, account_id=account_id, kind=TaskKind.VOICE_REFINE.value,
                      request=dump_record(RefineTask(voice_id)), cost=0, now=now, due_in=QUEUE_GRACE,
                      request_id=REQUEST_ID.get())
    return task_id


def _check_clone_enabled(session: Session, account_id: int) -> None:
    if not accounts.get_account(session, account_id=account_id).clone_enabled:
        raise ServiceError(ErrorKind.CLONE_NOT_PERMITTED, "voice cloning is not enabled for this account")


def _check_consent(state: CoreState, session: Session, account_id: int, consent_id: str | None, field: str) -> None:
    if consent_id is not None:
        if consents.consent_for_account(session, consent_id=consent_id, account_id=account_id) is None:
            raise ServiceError(ErrorKind.INVALID_PARAMETER, f"consent {consent_id} not found", field=field)
    elif state.settings.require_consent:
        raise ServiceError(
            ErrorKind.INVALID_PARAMETER,
            f"this service requires a verified consent for every cloned voice: record the speaker reading the consent "
            f"phrase (GET /v1/audio/consent_phrases, then POST /v1/audio/voice_consents) and pass the consent's id "
            f"as {field}", field=field)


def _submit(state: CoreState, *, account_id: int, kind: TaskKind, accept, number: int | None = None,  # noqa: ANN001
            opening=transaction) -> Task:  # noqa: ANN001
    """`opening`: the transaction's kind: an ORM session, or (`writing`) a bare connection where every statement the
    acceptance runs is a Core one, as a synthesis's are."""
    task_id = new_task_id()
    now = state.clock()
    with opening(state.sessions) as session:
        _check_in_flight(state, session, account_id)
        record, charges = accept(session, now)
        _debit(session, account_id=account_id, task_id=task_id, charges=charges, now=now)
        task = tasks.create_task(
            session, task_id=task_id, account_id=account_id, kind=kind.value, request=dump_record(record),
            cost=pricing.total(charges), now=now, due_in=QUEUE_GRACE, number=number, request_id=REQUEST_ID.get(),
        )
    _enqueue(state, task_id)
    return task


def _enqueue(state: CoreState, task_id: str) -> None:
    try:
        state.queue.enqueue(task_id)
    except Exception:
        log.exception("task %s recorded but not enqueued; the reaper will send it", task_id)


def _check_in_flight(state: CoreState, session: Statements, account_id: int) -> None:
    limit = state.settings.max_tasks_in_flight
    if tasks.count_in_flight(session, account_id=account_id, up_to=limit) >= limit:
        raise ServiceError(ErrorKind.RATE_LIMITED, f"too many tasks in flight (limit {limit}); wait for some to finish",
                           retry_after_s=IN_FLIGHT_RETRY_S)


def _take_characters(state: CoreState, session: Statements, *, key_id: int, characters: int, now) -> None:  # noqa: ANN001
    limit = state.settings.characters_per_minute
    window = rate_window(now)
    taken = ratelimits.take_characters(session, key_id=key_id, window_start=window, characters=characters, limit=limit)
    if not taken:   # refused, or the request crossed into a minute whose window nobody opened yet
        ratelimits.open_window(session, key_id=key_id, window_start=window)
        taken = ratelimits.take_characters(session, key_id=key_id, window_start=window, characters=characters,
                                           limit=limit)
    if not taken:
        raise ServiceError(ErrorKind.CHARACTER_RATE_LIMITED,
                           f"character rate limit exceeded: at most {limit} characters per minute per key",
                           retry_after_s=seconds_left_in_window(now))


def _debit(session: Statements, *, account_id: int, task_id: str, charges: tuple[pricing.Charge, ...], now) -> None:  # noqa: ANN001
    cost = pricing.total(charges)
    try:
        accounts.debit(session, account_id=account_id, task_id=task_id, amount=cost, now=now,
                       detail=pricing.ledger_detail(charges))
    except accounts.InsufficientBalance:
        have = accounts.balance(session, account_id=account_id)
        raise ServiceError(ErrorKind.INSUFFICIENT_BALANCE,
                           f"insufficient balance: this task costs {cost} micro-units and the balance is {have}") from None


def rate_window(now) -> int:  # noqa: ANN001
    return int(now.timestamp()) // RATE_WINDOW_S * RATE_WINDOW_S


def seconds_left_in_window(now) -> float:  # noqa: ANN001
    return rate_window(now) + RATE_WINDOW_S - now.timestamp()
