"""The voice record and the protected-voice list.

Every change to a cloned voice is written here by the store function that makes it (store/voices.py), in the
same transaction: who made it, when, through which dialect, from which file (its SHA-256), with which consent;
its refinement; its deletion by its owner or its expiry. A clone refused because it matched a protected voice
is recorded too, although no voice was made. Nothing here is ever updated or deleted: the record is what an
operator hands over when asked who made a voice and from what (`soundclone voices audit`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soundclone.logs import REQUEST_ID
from soundclone.store.models import Account, Consent, ProtectedVoice, VoiceEvent

CREATED = "created"
REFINED = "refined"
DELETED = "deleted"
EXPIRED = "expired"
REFUSED_PROTECTED = "refused_protected"


def record(session: Session, *, event: str, account_id: int, now: datetime, voice_id: str | None = None,
           task_id: str | None = None, dialect: str | None = None, source_sha256: str | None = None,
           consent_id: str | None = None, detail: dict | None = None) -> None:
    session.add(VoiceEvent(at=now, event=event, voice_id=voice_id, account_id=account_id, task_id=task_id,
                           dialect=dialect, source_sha256=source_sha256, consent_id=consent_id,
                           request_id=REQUEST_ID.get(), detail=detail))


def events(session: Session, *, voice_id: str | None = None, account_id: int | None = None,
           since: datetime | None = None) -> Iterator[dict]:
    """The record, oldest first, each event with its account's name and, where there is one, its consent."""
    query = (select(VoiceEvent, Account.name, Consent)
             .join(Account, Account.id == VoiceEvent.account_id)
             .outerjoin(Consent, Consent.id == VoiceEvent.consent_id)
             .order_by(VoiceEvent.id))
    if voice_id is not None:
        query = query.where(VoiceEvent.voice_id == voice_id)
    if account_id is not None:
        query = query.where(VoiceEvent.account_id == account_id)
    if since is not None:
        query = query.where(VoiceEvent.at >= since)
    for row, account_name, consent in session.execute(query):
        yield {
            "at": row.at.isoformat(), "event": row.event, "voice_id": row.voice_id, "account_id": row.account_id,
            "account_name": account_name, "task_id": row.task_id, "dialect": row.dialect,
            "source_sha256": row.source_sha256, "request_id": row.request_id, "detail": row.detail,
            "consent": None if consent is None else {
                "id": consent.id, "name": consent.name, "language": consent.language, "phrase": consent.phrase,
                "transcript": consent.transcript, "recording_sha256": consent.recording_sha256,
                "created_at": consent.created_at.isoformat(),
                "deleted_at": consent.deleted_at.isoformat() if consent.deleted_at else None},
        }


def protect(session: Session, *, label: str, voice_print: dict, source_sha256: str, source_name: str,
            now: datetime) -> ProtectedVoice:
    row = ProtectedVoice(id=f"pv_{secrets.token_hex(8)}", label=label, voice_print=voice_print,
                         source_sha256=source_sha256, source_name=source_name, created_at=now)
    session.add(row)
    session.flush()
    return row


def protected(session: Session) -> list[ProtectedVoice]:
    """The recordings clones are checked against (removed ones are kept, but no longer checked)."""
    return list(session.execute(
        select(ProtectedVoice).where(ProtectedVoice.removed_at.is_(None)).order_by(ProtectedVoice.created_at)
    ).scalars())


def unprotect(session: Session, *, protected_id: str, now: datetime) -> bool:
    result = session.execute(update(ProtectedVoice).where(ProtectedVoice.id == protected_id,
                                                          ProtectedVoice.removed_at.is_(None)).values(removed_at=now))
    return result.rowcount == 1
