"""What the API process holds: built once by create_app, reached through dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from soundclone.api.auth import KeyCache, RequestCounter
from soundclone.api.signing import FileSigner
from soundclone.clock import Clock
from soundclone.store.bus import Bus
from soundclone.store.queue import TaskQueue
from soundclone.settings import Settings
from soundclone.store.blobs import BlobStore


@dataclass(frozen=True)
class ApiState:
    settings: Settings
    sessions: sessionmaker[Session]
    queue: TaskQueue
    blobs: BlobStore
    signer: FileSigner
    clock: Clock
    keys: KeyCache
    requests: RequestCounter

    @property
    def bus(self) -> Bus:
        return self.queue.bus
