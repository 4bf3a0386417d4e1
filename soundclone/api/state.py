"""What the API process holds: built once by create_app, reached through dependencies."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

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
    # the threads of api/deps.py's short work (a few statements, no waiting); None: the event loop's default executor
    short_work_pool: ThreadPoolExecutor | None = field(default=None, compare=False)

    @property
    def bus(self) -> Bus:
        return self.queue.bus
