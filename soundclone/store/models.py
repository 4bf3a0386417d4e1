"""Tables. Money is integer micro-units; the ledger is append-only."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite keeps no zone), always handed out timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    clone_enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LedgerEntry(Base):
    __tablename__ = "ledger"
    __table_args__ = (UniqueConstraint("task_id", "kind", name="uq_ledger_task_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # debit | refund | topup
    amount: Mapped[int] = mapped_column(BigInteger)  # signed: debits are negative
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("number", name="uq_tasks_number"),
                      UniqueConstraint("mark_id", name="uq_tasks_mark_id"),
                      Index("ix_tasks_account_status", "account_id", "status"))   # every submit counts tasks in flight
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    request: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # MiniMax's int64 task_id
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the HTTP request that made it
    mark_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # its outputs' watermark payload


class Voice(Base):
    __tablename__ = "voices"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_voices_account_name"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    engine: Mapped[str] = mapped_column(String(32))
    profile_key: Mapped[str] = mapped_column(String(300))
    source_task_id: Mapped[str] = mapped_column(String(64), unique=True)
    permanent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    name: Mapped[str | None] = mapped_column(String(256), nullable=True)  # a caller-chosen id (MiniMax voice_id)
    lifetime_days: Mapped[int] = mapped_column(Integer)  # an unused voice expires this long after it was made (domain.voices)
    label: Mapped[str | None] = mapped_column(String(256), nullable=True)        # a display name (OpenAI `name`)
    consent_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    speaker_score: Mapped[float | None] = mapped_column(Float, nullable=True)   # sample vs consent speaker
    dialect: Mapped[str | None] = mapped_column(String(16), nullable=True)     # which API made it
    quality: Mapped[str] = mapped_column(String(16), default="refined")         # draft until refined (domain.voices)
    reference_key: Mapped[str | None] = mapped_column(String(300), nullable=True)  # speech kept until refined
    source_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)   # of the uploaded/fetched file


class Consent(Base):
    """A verified consent recording: who said the phrase, what was heard, and the speaker's voice print."""

    __tablename__ = "consents"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(35))
    phrase: Mapped[str] = mapped_column(Text)
    transcript: Mapped[str] = mapped_column(Text)
    phrase_distance: Mapped[float] = mapped_column(Float)
    voice_print: Mapped[dict] = mapped_column(JSON)
    recording_key: Mapped[str] = mapped_column(String(300))
    recording_sha256: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class VoiceEvent(Base):
    """The record of every voice: made (by whom, how, from what), refined, deleted, expired, or refused because it
    matched a protected voice. Append-only; `soundclone voices audit` exports it."""

    __tablename__ = "voice_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event: Mapped[str] = mapped_column(String(24))
    voice_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dialect: Mapped[str | None] = mapped_column(String(16), nullable=True)
    source_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    consent_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class ProtectedVoice(Base):
    """A recording of a person whose voice must not be cloned, added by the operator; one person may have several
    (one per language or channel they are heard in). Removing keeps the row, for the record."""

    __tablename__ = "protected_voices"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(256), index=True)
    voice_print: Mapped[dict] = mapped_column(JSON)
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RateWindow(Base):
    """Requests per API key per fixed window; shared by every API replica through the database."""

    __tablename__ = "rate_windows"
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # Unix seconds
    count: Mapped[int] = mapped_column(Integer, default=0)
    characters: Mapped[int] = mapped_column(Integer, default=0)


class StoredFile(Base):
    """A file a caller uploaded or a task produced; ids are random int64 (MiniMax file_id)."""

    __tablename__ = "files"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    blob_key: Mapped[str] = mapped_column(String(300))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WorkerRow(Base):
    """A worker process's heartbeat: readiness wants one seen recently."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
