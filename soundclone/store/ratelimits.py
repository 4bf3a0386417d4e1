"""Fixed-window request and character counters per API key, kept in the database so every replica sees the same
count (each replica adds its requests about once a second: api/auth.py)."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from soundclone.store.db import Statements, core
from soundclone.store.models import RateWindow


_ADD = (update(RateWindow)
        .where(RateWindow.key_id == bindparam("key"), RateWindow.window_start == bindparam("window"))
        .values(count=RateWindow.count + bindparam("adding"))
        .returning(RateWindow.count))


def add(session: Statements, *, key_id: int, window_start: int, count: int) -> int:
    """Add requests to the key's window (opening it if need be); return the window's total across replicas."""
    total = core(session).execute(_ADD, {"key": key_id, "window": window_start, "adding": count}).scalar_one_or_none()
    if total is None:
        open_window(session, key_id=key_id, window_start=window_start)
        total = core(session).execute(_ADD, {"key": key_id, "window": window_start, "adding": count}).scalar_one()
    return total


# Opening a window is one statement that does nothing when another request (or replica) opened it first.
_OPEN_WINDOW = {
    dialect: insert_for(RateWindow).values(key_id=bindparam("key"), window_start=bindparam("window"), count=0,
                                           characters=0).on_conflict_do_nothing()
    for dialect, insert_for in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}


def open_window(session: Statements, *, key_id: int, window_start: int) -> None:
    """Make sure the key's window row exists (a request may cross into a new minute after it was counted)."""
    connection = core(session)
    connection.execute(_OPEN_WINDOW[connection.dialect.name], {"key": key_id, "window": window_start})


_TAKE_CHARACTERS = (
    update(RateWindow)
    .where(RateWindow.key_id == bindparam("key"), RateWindow.window_start == bindparam("window"),
           RateWindow.characters + bindparam("taking") <= bindparam("limit"))
    .values(characters=RateWindow.characters + bindparam("taking"))
)


def take_characters(session: Statements, *, key_id: int, window_start: int, characters: int, limit: int) -> bool:
    """Add characters to the request's window if the total stays within `limit`; refused ones are not counted."""
    taken = core(session).execute(
        _TAKE_CHARACTERS, {"key": key_id, "window": window_start, "taking": characters, "limit": limit})
    return taken.rowcount == 1


def forget_before(session: Session, *, window_start: int) -> None:
    session.execute(delete(RateWindow).where(RateWindow.window_start < window_start))
