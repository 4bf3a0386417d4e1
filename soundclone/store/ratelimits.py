"""Fixed-window request counters per API key, kept in the database so every replica sees the same count."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soundclone.store.models import RateWindow


def hit(session: Session, *, key_id: int, window_start: int) -> int:
    """Count one request in the window; return the window's request count."""
    bumped = session.execute(
        update(RateWindow).where(RateWindow.key_id == key_id, RateWindow.window_start == window_start)
        .values(count=RateWindow.count + 1)
    )
    if bumped.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(RateWindow(key_id=key_id, window_start=window_start, count=1, characters=0))
        except IntegrityError:  # another replica opened the window first
            return hit(session, key_id=key_id, window_start=window_start)
    return session.execute(
        select(RateWindow.count).where(RateWindow.key_id == key_id, RateWindow.window_start == window_start)
    ).scalar_one()


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


def take_characters(session: Session, *, key_id: int, window_start: int, characters: int, limit: int) -> bool:
    """Add characters to the request's window if the total stays within `limit`; refused ones are not counted."""
    taken = session.execute(
        update(RateWindow)
        .where(RateWindow.key_id == key_id, RateWindow.window_start == window_start,
               RateWindow.characters + characters <= limit)
        .values(characters=RateWindow.characters + characters)
    )
    return taken.rowcount == 1


def forget_before(session: Session, *, window_start: int) -> None:
    session.execute(delete(RateWindow).where(RateWindow.window_start < window_start))
