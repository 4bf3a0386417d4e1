"""Voice rows: who owns a cloned voice, where its profile lies, whether it is permanent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soundclone.store.models import Voice


def create_voice(
    session: Session, *, voice_id: str, account_id: int, engine: str, profile_key: str, source_task_id: str, now: datetime,
) -> Voice:
    """Idempotent: a clone task that runs again finds the voice it made the first time."""
    existing = session.get(Voice, voice_id)
    if existing is not None:
        return existing
    voice = Voice(
        id=voice_id, account_id=account_id, engine=engine, profile_key=profile_key,
        source_task_id=source_task_id, permanent=False, created_at=now, deleted_at=None,
    )
    session.add(voice)
    session.flush()
    return voice


def voice_for_account(session: Session, *, voice_id: str, account_id: int) -> Voice | None:
    return session.execute(
        select(Voice).where(Voice.id == voice_id, Voice.account_id == account_id, Voice.deleted_at.is_(None))
    ).scalar_one_or_none()


def get_voice(session: Session, *, voice_id: str) -> Voice | None:
    return session.get(Voice, voice_id)


def make_permanent(session: Session, *, voice_id: str) -> None:
    session.execute(update(Voice).where(Voice.id == voice_id).values(permanent=True))
