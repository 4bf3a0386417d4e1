"""Reading tasks back for a caller: scoped to the account, typed, and waited for by the synchronous dialects."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from soundclone.core.state import CoreState
from soundclone.domain.errors import ErrorKind, ServiceError, not_found
from soundclone.domain.ids import is_task_id
from soundclone.domain.records import Failure, TaskRecord, TaskResult, load_record, load_result
from soundclone.store import tasks
from soundclone.store.bus import task_channel
from soundclone.store.db import reading
from soundclone.store.models import Task

FALLBACK_POLL_S = 1.0   # the worker announces a finished task on the bus; this only covers a lost announcement


@dataclass(frozen=True)
class TaskView:
    """A task row with its request and result read into their types."""

    row: Task
    record: TaskRecord
    result: TaskResult | None

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def failure(self) -> ServiceError | None:
        """What a failed task tells its caller, as an error of the kind the worker reported."""
        if self.row.status != tasks.FAILED:
            return None
        failure = self.result if isinstance(self.result, Failure) else Failure(ErrorKind.TASK_FAILED)
        return ServiceError(failure.kind, self.row.error or "the task failed", field=failure.field)


def view(row: Task) -> TaskView:
    return TaskView(row, load_record(row.kind, row.request), load_result(row.kind, row.result))


def find_task(state: CoreState, *, account_id: int, task_id: str, kinds: Collection[str]) -> TaskView:
    if not is_task_id(task_id):
        raise not_found(f"task {task_id}")
    with reading(state.sessions) as session:
        row = tasks.task_for_account(session, task_id=task_id, account_id=account_id)
    if row is None or row.kind not in kinds:
        raise not_found(f"task {task_id}")
    return view(row)


def find_by_number(state: CoreState, *, account_id: int, number: int, field: str) -> TaskView:
    with reading(state.sessions) as session:
        row = tasks.task_by_number(session, number=number, account_id=account_id)
    if row is None:
        raise not_found(f"{field} {number}", field=field)
    return view(row)


def current(state: CoreState, task_id: str) -> TaskView:
    with reading(state.sessions) as session:
        return view(tasks.task_row(session, task_id=task_id))


def wait_for(state: CoreState, task_id: str, *, timeout_s: float) -> TaskView:
    """Block until the task is finished (the synchronous dialects); TIMEOUT if it takes longer."""
    deadline = time.monotonic() + timeout_s
    with state.bus.listen([task_channel(task_id)]) as listener:
        while True:
            task = current(state, task_id)
            if task.status in (tasks.COMPLETED, tasks.FAILED):
                return task
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServiceError(ErrorKind.TIMEOUT,
                                   f"the task did not finish within {timeout_s:g} s; it goes on as {task_id}")
            listener.wait(min(left, FALLBACK_POLL_S))


def finished(state: CoreState, task_id: str, *, timeout_s: float) -> TaskView:
    """Wait for the task; its failure is raised as the error it reported."""
    done = wait_for(state, task_id, timeout_s=timeout_s)
    if done.failure is not None:
        raise done.failure
    return done
