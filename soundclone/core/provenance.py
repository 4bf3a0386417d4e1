"""Reading a file's provenance mark: which task of this service made it. The API and the operator's command both
come here; what each may reveal (the task only to its owner) is decided by the caller, from `Trace.task`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from soundclone.media import watermark
from soundclone.media.decode import DecodeLimits, decode_audio
from soundclone.store import tasks
from soundclone.store.db import transaction


@dataclass(frozen=True)
class Origin:
    task_id: str
    account_id: int
    kind: str
    created_at: datetime


@dataclass(frozen=True)
class Trace:
    marked: bool
    confidence: float
    key_id: str | None = None
    mark_id: int | None = None
    task: Origin | None = None      # None when unmarked, or marked with a mark id no task here holds

    def task_id_for(self, account_id: int) -> str | None:
        """The task's id when `account_id` owns it; another account's task is never revealed."""
        return self.task.task_id if self.task is not None and self.task.account_id == account_id else None


def trace_file(sessions: sessionmaker[Session], keyring: Mapping[str, str], path: Path, *,
               limits: DecodeLimits) -> Trace:
    """Decode `path` (untrusted: the hostile-media-safe decoder, within `limits`) and look for a mark made with
    any key of `keyring`. Raises media.errors.DecodeError for a file that is not usable audio."""
    audio = decode_audio(path, sample_rate=watermark.MARK_RATE, limits=limits)
    return trace_samples(sessions, keyring, audio.samples, audio.sample_rate)


def trace_samples(sessions: sessionmaker[Session], keyring: Mapping[str, str], samples, sample_rate: int) -> Trace:  # noqa: ANN001
    found = watermark.detect(samples, sample_rate, keyring)
    if not found.marked:
        return Trace(marked=False, confidence=found.confidence)
    with transaction(sessions) as session:
        row = tasks.task_by_mark_id(session, mark_id=found.mark_id)
        origin = Origin(row.id, row.account_id, row.kind, row.created_at) if row is not None else None
    return Trace(True, found.confidence, found.key_id, found.mark_id, origin)
