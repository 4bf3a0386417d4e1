"""A task accepted in one statement, on a database server (PostgreSQL).

The ordinary acceptance (core/submission.py) is a transaction of six statements: count the account's tasks in
flight, take the characters from the key's minute, read the voice, debit the balance, write the ledger entry and
the task row, each a round trip. On PostgreSQL the round trips, not the statements' work, are what a submit costs
the API process (docs/benchmarks.md, "One statement per submit on PostgreSQL, and bare connections").

Here the same writes are one statement whose parts depend on each other: the characters are taken only if the
account has room for another task in flight, the balance is debited only if the characters were taken, and the
ledger entry and the task row are written only if the debit was. Characters taken for a debit the balance refused
fail the whole statement, which undoes it. So it writes all of it or nothing, and says which; on nothing, the
caller takes the ordinary path, which decides and explains the refusal (or succeeds, when the refusal was only a
minute's window not opened yet). A system voice is not looked up first: the statement checks that the account has
no clone by that name (core/voices.py: a clone comes first).

The conditions are those of tasks.count_in_flight, ratelimits.take_characters, accounts.debit and
voices.voice_for_account; tests/core/test_submission.py checks that both paths leave the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import BigInteger, Integer, String, and_, bindparam, cast, exists, func, insert, literal, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from soundclone.store import voices
from soundclone.store.accounts import DEBIT
from soundclone.store.models import Account, LedgerEntry, RateWindow, Task
from soundclone.store.tasks import IN_FLIGHT, QUEUED

DIVISION_BY_ZERO = "22012"   # PostgreSQL's SQLSTATE


@dataclass(frozen=True)
class Limits:
    """What the account and its key may not exceed for the task to be accepted."""
    in_flight: int
    # the key's characters this minute, when the plan counts them: (key id, window start, characters, limit)
    characters: tuple[int, int, int, int] | None = None
    # a name the account may have no live voice by (the task speaks with the system voice of that name)
    unless_voice_named: str | None = None


def available(sessions: sessionmaker[Session]) -> bool:
    return sessions.kw["bind"].dialect.name == "postgresql"


def accept_at_once(connection: Connection, *, task: dict, ledger_detail: dict, limits: Limits) -> Task | None:
    """Debit the task's cost, write its ledger entry and its row (`task`: tasks.queued_row) if every limit allows it,
    and return the row; None: nothing was written. Run it outside a transaction (autocommit): it is one statement,
    atomic by itself."""
    values = {"account": task["account_id"], "in_flight_limit": limits.in_flight, "amount": task["cost"],
              "task_id": task["id"], "kind": task["kind"], "request": task["request"], "detail": ledger_detail,
              "now": task["created_at"], "due_at": task["due_at"], "number": task["number"],
              "request_id": task["request_id"]}
    if limits.characters is not None:
        key_id, window_start, characters, limit = limits.characters
        values.update(key=key_id, window=window_start, taking=characters, characters_limit=limit)
    if limits.unless_voice_named is not None:
        values["voice"] = limits.unless_voice_named
    statement = _statement(limits.characters is not None, limits.unless_voice_named is not None)
    try:
        written = connection.execute(statement, values).one()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == DIVISION_BY_ZERO:   # characters taken, balance short: undone
            return None
        raise
    return Task(**task) if tuple(written[:2]) == (1, 1) else None


@cache
def _statement(counts_characters: bool, checks_voice: bool) -> Select:
    """Built once per shape: building a statement costs several times what running it does."""
    room = (select(func.count()).select_from(
        select(literal(1)).select_from(Task.__table__)
        .where(Task.account_id == bindparam("account"), Task.status.in_(IN_FLIGHT))
        .limit(bindparam("in_flight_limit")).subquery()).scalar_subquery() < bindparam("in_flight_limit"))
    if checks_voice:
        room = and_(room, ~voices.LIVE_VOICE_EXISTS)
    allowed = room
    if counts_characters:
        taken = (update(RateWindow)
                 .where(RateWindow.key_id == bindparam("key"), RateWindow.window_start == bindparam("window"),
                        RateWindow.characters + bindparam("taking") <= bindparam("characters_limit"), room)
                 .values(characters=RateWindow.characters + bindparam("taking"))
                 .returning(RateWindow.key_id).cte("taken"))
        allowed = exists(select(taken.c.key_id))
    debit = (update(Account)
             .where(Account.id == bindparam("account"), Account.balance >= bindparam("amount"), allowed)
             .values(balance=Account.balance - bindparam("amount"))
             .returning(Account.id).cte("debit"))
    now = bindparam("now", type_=Task.created_at.type)
    ledger = (insert(LedgerEntry).from_select(
        ["account_id", "task_id", "kind", "amount", "detail", "created_at"],
        select(debit.c.id, cast(bindparam("task_id"), String), literal(DEBIT, String),
               -cast(bindparam("amount"), BigInteger), bindparam("detail", type_=LedgerEntry.detail.type), now),
        include_defaults=False).returning(LedgerEntry.id).cte("ledger"))
    task = (insert(Task).from_select(
        ["id", "account_id", "kind", "status", "request", "cost", "attempts", "due_at", "created_at", "updated_at",
         "number", "request_id"],
        select(cast(bindparam("task_id"), String), debit.c.id, cast(bindparam("kind"), String), literal(QUEUED, String),
               bindparam("request", type_=Task.request.type), cast(bindparam("amount"), BigInteger),
               literal(0, Integer), bindparam("due_at", type_=Task.due_at.type), now, now,
               cast(bindparam("number"), BigInteger), cast(bindparam("request_id"), String)),
        include_defaults=False).returning(Task.id).cte("task"))
    written = (select(select(func.count()).select_from(ledger).scalar_subquery(),
                      select(func.count()).select_from(task).scalar_subquery()))
    if not counts_characters:
        return written
    # Characters taken for a debit that did not happen (the balance was short) must not stay taken: dividing by
    # zero then fails the whole statement, which undoes every part of it.
    debited, taken_count = (select(func.count()).select_from(cte).scalar_subquery() for cte in (debit, taken))
    return written.add_columns(literal(1) / (debited - taken_count + 1))
