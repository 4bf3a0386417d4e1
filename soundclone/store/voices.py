"""Voice rows: who owns a cloned voice, where its profile lies, whether it is permanent. Every change is also
written to the voice record (store/voice_records.py) in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from soundclone.domain.voices import PREVIEW, REFINED
from soundclone.store import voice_records
from soundclone.store.db import Statements, core
from soundclone.store.models import Voice


def create_voice(
    session: Session, *, voice_id: str, account_id: int, engine: str, profile_key: str, source_task_id: str, now: datetime,
    name: str | None = None, lifetime_days: int = PREVIEW.days, permanent: bool = False, label: str | None = None,
    consent_id: str | None = None, speaker_score: float | None = None, dialect: str | None = None,
    quality: str = REFINED, reference_key: str | None = None, source_sha256: str | None = None,
) -> Voice:
    """Idempotent: a clone task that runs again finds the voice it made the first time."""
    existing = session.get(Voice, voice_id)
    if existing is not None:
        return existing
    voice = Voice(
        id=voice_id, account_id=account_id, engine=engine, profile_key=profile_key,
        source_task_id=source_task_id, permanent=permanent, created_at=now, deleted_at=None, name=name,
        lifetime_days=lifetime_days, label=label, consent_id=consent_id, speaker_score=speaker_score, dialect=dialect,
        quality=quality, reference_key=reference_key, source_sha256=source_sha256,
    )
    session.add(voice)
    session.flush()
    voice_records.record(session, event=voice_records.CREATED, account_id=account_id, now=now, voice_id=voice_id,
                         task_id=source_task_id, dialect=dialect, source_sha256=source_sha256, consent_id=consent_id,
                         detail={"name": name, "label": label, "speaker_score": speaker_score, "quality": quality})
    return voice


_VOICES = Voice.__table__
_LIVE_VOICE = (select(_VOICES).where(or_(_VOICES.c.id == bindparam("voice"), _VOICES.c.name == bindparam("voice")),
                                     _VOICES.c.account_id == bindparam("account"), _VOICES.c.deleted_at.is_(None))
               .limit(1))
# Whether the account has a live voice by this id or name, for a statement to check in passing.
LIVE_VOICE_EXISTS = _LIVE_VOICE.exists()
_MAKE_PERMANENT = update(Voice).where(Voice.id == bindparam("voice")).values(permanent=True)


def voice_for_account(session: Statements, *, voice_id: str, account_id: int) -> Voice | None:
    """A live voice of this account, by its model id or its caller-chosen name (either dialect's id), as a read-only
    row (a Core statement built once: every submit resolves its voice with it)."""
    return core(session).execute(_LIVE_VOICE, {"voice": voice_id, "account": account_id}).first()


def name_taken(session: Session, *, account_id: int, name: str) -> bool:
    """Deleted voices keep their name: a deleted id can never be used again."""
    return session.execute(
        select(Voice.id).where(Voice.account_id == account_id, or_(Voice.name == name, Voice.id == name))
    ).first() is not None


def voices_of(session: Session, *, account_id: int) -> list[Voice]:
    return list(session.execute(
        select(Voice).where(Voice.account_id == account_id, Voice.deleted_at.is_(None)).order_by(Voice.created_at)
    ).scalars())


def delete_voice(session: Session, *, voice_id: str, now: datetime, dialect: str | None = None) -> None:
    """Its owner deletes it (through `dialect`)."""
    voice = session.get(Voice, voice_id)
    if voice is None or voice.deleted_at is not None:
        return
    voice.deleted_at = now
    voice_records.record(session, event=voice_records.DELETED, account_id=voice.account_id, now=now,
                         voice_id=voice_id, dialect=dialect)


def delete_expired(session: Session, *, now: datetime, lifetime_days: int) -> int:
    """Delete unused preview voices of one lifetime class whose window has passed."""
    expired = session.execute(
        select(Voice).where(Voice.permanent.is_(False), Voice.deleted_at.is_(None), Voice.lifetime_days == lifetime_days,
                            Voice.created_at < now - timedelta(days=lifetime_days)).with_for_update()
    ).scalars().all()
    for voice in expired:
        voice.deleted_at = now
        voice_records.record(session, event=voice_records.EXPIRED, account_id=voice.account_id, now=now,
                             voice_id=voice.id, detail={"unused_for_days": lifetime_days})
    return len(expired)


def get_voice(session: Session, *, voice_id: str) -> Voice | None:
    return session.get(Voice, voice_id)


def make_permanent(session: Statements, *, voice_id: str) -> None:
    core(session).execute(_MAKE_PERMANENT, {"voice": voice_id})


def refined(session: Session, *, voice_id: str, profile_key: str, now: datetime) -> bool:
    """Point a draft voice at its refined profile; False when the voice is gone (deleted meanwhile)."""
    voice = session.get(Voice, voice_id)
    if voice is None or voice.deleted_at is not None:
        return False
    voice.profile_key, voice.quality, voice.reference_key = profile_key, REFINED, None
    voice_records.record(session, event=voice_records.REFINED, account_id=voice.account_id, now=now,
                         voice_id=voice_id)
    return True
