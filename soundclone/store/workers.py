"""Worker heartbeats: each worker says it is alive every reaper pass; readiness looks for a recent one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from soundclone.store.models import WorkerRow

FORGOTTEN_AFTER = timedelta(days=1)


def heartbeat(session: Session, *, worker_id: str, host: str, pid: int, version: str, now: datetime) -> None:
    seen = session.execute(update(WorkerRow).where(WorkerRow.id == worker_id).values(seen_at=now))
    if seen.rowcount == 0:
        session.add(WorkerRow(id=worker_id, host=host, pid=pid, version=version, started_at=now, seen_at=now))
    session.execute(delete(WorkerRow).where(WorkerRow.seen_at < now - FORGOTTEN_AFTER))


def seen_since(session: Session, *, since: datetime) -> int:
    return session.execute(select(func.count()).select_from(WorkerRow).where(WorkerRow.seen_at >= since)).scalar_one()
