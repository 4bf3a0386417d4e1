"""What the core needs from the process that calls it (the API builds one at start)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from soundclone.clock import Clock
from soundclone.settings import Settings
from soundclone.store.bus import Bus


class Enqueuer(Protocol):
    def enqueue(self, task_id: str) -> None: ...


class CoreState(Protocol):
    settings: Settings
    sessions: sessionmaker[Session]
    queue: Enqueuer
    clock: Clock

    @property
    def bus(self) -> Bus: ...
