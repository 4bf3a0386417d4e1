"""Consent records: made by the worker once a recording is verified; listed, renamed and deleted by their owner.

Deleting keeps the row (with `deleted_at`): a voice made with a consent points at it, and the record of what
was said, by whom and when outlives the ability to use it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from soundclone.store.models import Consent, Voice


def create_consent(session: Session, *, consent_id: str, account_id: int, name: str, language: str, phrase: str,
                   transcript: str, phrase_distance: float, voice_print: dict, recording_key: str,
                   recording_sha256: str, task_id: str, now: datetime) -> Consent:
    """Idempotent: a verification task that runs again finds the record it made the first time."""
    existing = session.get(Consent, consent_id)
    if existing is not None:
        return existing
    row = Consent(id=consent_id, account_id=account_id, name=name, language=language, phrase=phrase,
                  transcript=transcript, phrase_distance=phrase_distance, voice_print=voice_print,
                  recording_key=recording_key, recording_sha256=recording_sha256, task_id=task_id, created_at=now)
    session.add(row)
    session.flush()
    return row


def consent_for_account(session: Session, *, consent_id: str, account_id: int) -> Consent | None:
    return session.execute(
        select(Consent).where(Consent.id == consent_id, Consent.account_id == account_id, Consent.deleted_at.is_(None))
    ).scalar_one_or_none()


def page(session: Session, *, account_id: int, after: str | None, limit: int) -> tuple[list[Consent], bool]:
    """Newest first; `after` is the id of the last item of the previous page. Returns (items, has_more)."""
    query = select(Consent).where(Consent.account_id == account_id, Consent.deleted_at.is_(None))
    if after is not None:
        cursor = consent_for_account(session, consent_id=after, account_id=account_id)
        if cursor is None:
            return [], False
        query = query.where(or_(Consent.created_at < cursor.created_at,
                                and_(Consent.created_at == cursor.created_at, Consent.id < cursor.id)))
    rows = list(session.execute(query.order_by(Consent.created_at.desc(), Consent.id.desc()).limit(limit + 1)).scalars())
    return rows[:limit], len(rows) > limit


def rename(session: Session, *, consent_id: str, name: str) -> None:
    session.execute(update(Consent).where(Consent.id == consent_id).values(name=name))


def delete(session: Session, *, consent_id: str, now: datetime) -> None:
    session.execute(update(Consent).where(Consent.id == consent_id).values(deleted_at=now))


def live_voices_using(session: Session, *, consent_id: str) -> list[Voice]:
    return list(session.execute(
        select(Voice).where(Voice.consent_id == consent_id, Voice.deleted_at.is_(None)).order_by(Voice.created_at)
    ).scalars())


def blob_has_consent(session: Session, *, blob_key: str) -> bool:
    """Whether a consent (live or deleted) keeps this blob as its recording."""
    return session.execute(select(Consent.id).where(Consent.recording_key == blob_key).limit(1)).first() is not None
