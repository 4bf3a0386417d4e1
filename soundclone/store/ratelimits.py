"""Fixed-window request counters per API key, kept in the database so every replica sees the same count."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soundclone.store.db import core
from soundclone.store.models import ApiKey, RateWindow


def hit(session: Session, *, key_id: int, window_start: int) -> int:
    """Count one request in the window; return the window's request count (one statement once the window exists)."""
    count = core(session).execute(
        update(RateWindow).where(RateWindow.key_id == key_id, RateWindow.window_start == window_start)
        .values(count=RateWindow.count + 1).returning(RateWindow.count)
    ).scalar_one_or_none()
    if count is None:
        try:
            with session.begin_nested():
                session.add(RateWindow(key_id=key_id, window_start=window_start, count=1, characters=0))
        except IntegrityError:  # another replica opened the window first
            return hit(session, key_id=key_id, window_start=window_start)
        return 1
    return count


def _hit_by_key_statement():  # noqa: ANN202
    key_id = (select(ApiKey.id).where(ApiKey.key_hash == bindparam("presented_hash"), ApiKey.revoked_at.is_(None))
              .scalar_subquery())
    account_id = select(ApiKey.account_id).where(ApiKey.id == RateWindow.key_id).scalar_subquery()
    return (update(RateWindow)
            .where(RateWindow.key_id == key_id, RateWindow.window_start == bindparam("window"))
            .values(count=RateWindow.count + 1)
            .returning(RateWindow.key_id, account_id, RateWindow.count))


# The request path's statements are built once: building one costs several times what running it does
# (docs/benchmarks.md, "the API path").
_HIT_BY_KEY = _hit_by_key_statement()


def hit_by_key(session: Session, *, key_hash: str, window_start: int) -> tuple[int, int, int] | None:
    """Count one request of an unrevoked key in an open window, in one statement on PostgreSQL and SQLite alike:
    (key id, account id, the window's count). None when the key is unknown or revoked, or its window for this minute
    is not open yet: the caller then looks the key up and opens the window with `hit`."""
    row = core(session).execute(_HIT_BY_KEY, {"presented_hash": key_hash, "window": window_start}).first()
    return None if row is None else (row[0], row[1], row[2])


def open_window(session: Session, *, key_id: int, window_start: int) -> None:
    """Make sure the key's window row exists (a request may cross into a new minute after it was counted)."""
    exists = session.execute(
        select(RateWindow.count).where(RateWindow.key_id == key_id, RateWindow.window_start == window_start)
    ).first()
    if exists is None:
        try:
            with session.begin_nested():
                session.add(RateWindow(key_id=key_id, window_start=window_start, count=0, characters=0))
        except IntegrityError:  # another replica opened it first
            pass


_TAKE_CHARACTERS = (
    update(RateWindow)
    .where(RateWindow.key_id == bindparam("key"), RateWindow.window_start == bindparam("window"),
           RateWindow.characters + bindparam("taking") <= bindparam("limit"))
    .values(characters=RateWindow.characters + bindparam("taking"))
)


def take_characters(session: Session, *, key_id: int, window_start: int, characters: int, limit: int) -> bool:
    """Add characters to the request's window if the total stays within `limit`; refused ones are not counted."""
    taken = core(session).execute(
        _TAKE_CHARACTERS, {"key": key_id, "window": window_start, "taking": characters, "limit": limit})
    return taken.rowcount == 1


def forget_before(session: Session, *, window_start: int) -> None:
    session.execute(delete(RateWindow).where(RateWindow.window_start < window_start))
