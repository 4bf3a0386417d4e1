"""Everything a job needs, built once per worker process and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from soundclone.clock import Clock
from soundclone.domain.errors import ErrorKind
from soundclone.media.decode import DecodeLimits
from soundclone.media.fetch import FetchPolicy, Resolver
from soundclone.core.state import Enqueuer
from soundclone.settings import Settings
from soundclone.store.bus import Bus, task_channel
from soundclone.speech.engine import Engine
from soundclone.store.blobs import BlobStore


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    sessions: sessionmaker[Session]
    blobs: BlobStore
    engine: Engine
    clock: Clock
    fetch_policy: FetchPolicy
    decode_limits: DecodeLimits
    resolver: Resolver | None = None
    bus: Bus | None = None          # tells waiting API processes about chunks and finished tasks
    background: Enqueuer | None = None   # the queue of long, low-priority work (refinements)

    def enqueue_background(self, task_id: str) -> None:
        if self.background is not None:
            self.background.enqueue(task_id)

    def announce(self, task_id: str, message: str) -> None:
        if self.bus is not None:
            self.bus.publish(task_channel(task_id), message)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.task_lease_s)


class TaskFailure(Exception):
    """The task cannot succeed; `str(self)` tells the user what was wrong with their input."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.INVALID_PARAMETER, *, field: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.field = field


def fetch_policy_from(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        max_bytes=settings.fetch_max_bytes,
        deadline_s=settings.fetch_deadline_s,
        max_redirects=settings.fetch_max_redirects,
        allow_private=settings.allow_private_urls,
    )


def decode_limits_from(settings: Settings) -> DecodeLimits:
    return DecodeLimits(
        max_duration_s=settings.decode_max_duration_s,
        max_bytes=settings.fetch_max_bytes,
        deadline_s=settings.decode_deadline_s,
    )
