"""Stored files: uploads and task outputs, owned by an account, addressed by a random int64 id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from soundclone.domain.ids import new_number
from soundclone.store.models import StoredFile


def new_file_id() -> int:
    return new_number()


def add_file(
    session: Session, *, file_id: int, account_id: int, purpose: str, filename: str, size: int, blob_key: str,
    now: datetime, duration_ms: int | None = None,
) -> StoredFile:
    row = StoredFile(id=file_id, account_id=account_id, purpose=purpose, filename=filename, size=size,
                     blob_key=blob_key, duration_ms=duration_ms, created_at=now, deleted_at=None)
    session.add(row)
    session.flush()
    return row


def file_for_account(session: Session, *, file_id: int, account_id: int) -> StoredFile | None:
    return session.execute(
        select(StoredFile).where(StoredFile.id == file_id, StoredFile.account_id == account_id,
                                 StoredFile.deleted_at.is_(None))
    ).scalar_one_or_none()


def files_for_account(session: Session, *, account_id: int, purpose: str) -> list[StoredFile]:
    return list(session.execute(
        select(StoredFile).where(StoredFile.account_id == account_id, StoredFile.purpose == purpose,
                                 StoredFile.deleted_at.is_(None)).order_by(StoredFile.created_at)
    ).scalars())


def delete_file(session: Session, *, file_id: int, now: datetime) -> None:
    session.execute(update(StoredFile).where(StoredFile.id == file_id).values(deleted_at=now))


def blob_has_file(session: Session, *, blob_key: str) -> bool:
    """Whether a stored file row (live or deleted) owns this blob."""
    return session.execute(select(StoredFile.id).where(StoredFile.blob_key == blob_key).limit(1)).first() is not None
