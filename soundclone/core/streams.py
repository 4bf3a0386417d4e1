"""Following a streaming task: its chunks in order as the worker publishes them, then its end.

The worker stores each chunk, then announces it on the task's bus channel; this waits for those announcements,
reading a chunk from blob storage as soon as it is announced, with a slow poll only for a lost announcement.
Every dialect that streams reads chunks through here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Protocol

from soundclone.core.state import CoreState
from soundclone.core.tasks import TaskView, current
from soundclone.domain import keys
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.store.bus import Bus, task_channel

FALLBACK_POLL_S = 1.0


class Blobs(Protocol):
    def exists(self, key: str) -> bool: ...

    def get(self, key: str) -> bytes: ...


class StreamingState(CoreState, Protocol):
    blobs: Blobs

    @property
    def bus(self) -> Bus: ...


def chunks(state: StreamingState, task: TaskView, *, timeout_s: float) -> Iterator[bytes | TaskView]:
    """Each chunk's bytes as it appears; last, the finished task. Its failure, or running out of time, is raised."""
    fmt = task.record.request.output.format
    index = 0
    deadline = time.monotonic() + timeout_s
    with state.bus.listen([task_channel(task.id)]) as listener:
        while time.monotonic() < deadline:
            key = keys.stream_key(task.id, index, fmt)
            chunk = _chunk(state.blobs, key)
            if chunk is not None:
                yield chunk
                index += 1
                continue
            now = current(state, task.id)
            if now.failure is not None:
                raise now.failure
            if now.status == "completed" and index >= now.result.chunks:
                yield now
                return
            listener.wait(min(FALLBACK_POLL_S, max(deadline - time.monotonic(), 0)))
    raise ServiceError(ErrorKind.TIMEOUT, f"synthesis did not finish within {timeout_s:g} s; it goes on as {task.id}")


def _chunk(blobs: Blobs, key: str) -> bytes | None:
    """A chunk's bytes, or None while there is none. A chunk seen a moment ago can be gone when it is read: the task
    failed meanwhile and its outputs were removed (jobs/cleanup.py); the task's state then says so."""
    if not blobs.exists(key):
        return None
    try:
        return blobs.get(key)
    except FileNotFoundError:
        return None
