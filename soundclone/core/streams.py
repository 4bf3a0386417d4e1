"""Following a streaming task: its chunks in order as the worker publishes them, then its end.

Today the chunks are read from blob storage and the task row is checked between them (the API process polls);
every dialect that streams reads them through here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Protocol

from soundclone.core.state import CoreState
from soundclone.core.tasks import TaskView, current
from soundclone.domain import keys
from soundclone.domain.errors import ErrorKind, ServiceError

POLL_S = 0.05


class Blobs(Protocol):
    def exists(self, key: str) -> bool: ...

    def get(self, key: str) -> bytes: ...


class StreamingState(CoreState, Protocol):
    blobs: Blobs


def chunks(state: StreamingState, task: TaskView, *, timeout_s: float) -> Iterator[bytes | TaskView]:
    """Each chunk's bytes as it appears; last, the finished task. Its failure, or running out of time, is raised."""
    fmt = task.record.request.output.format
    index = 0
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        key = keys.stream_key(task.id, index, fmt)
        if state.blobs.exists(key):
            yield state.blobs.get(key)
            index += 1
            continue
        now = current(state, task.id)
        if now.failure is not None:
            raise now.failure
        if now.status == "completed" and index >= now.result.chunks:
            yield now
            return
        time.sleep(POLL_S)
    raise ServiceError(ErrorKind.TIMEOUT, f"synthesis did not finish within {timeout_s:g} s; it goes on as {task.id}")
