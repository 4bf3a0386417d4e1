"""Run one task id: claim its row, keep the lease alive, finish it or fail it and refund once.

Re-running a task id is harmless: a claim succeeds only for a queued row or an abandoned one,
outputs are written under keys derived from the task id, and completion is fenced by attempt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.tasks import interrupted_message
from soundclone.domain.records import (
    CloneTask, ConsentTask, Failure, RefineTask, SpeechTask, TaskRecord, dump_result, load_record,
)
from soundclone.jobs import metrics
from soundclone.jobs.cleanup import release_inputs, withdraw_outputs
from soundclone.jobs.clone import run_clone
from soundclone.jobs.consent import run_consent
from soundclone.jobs.refine import run_refine
from soundclone.jobs.context import JobContext, TaskFailure
from soundclone.jobs.speech import run_speech
from soundclone.logs import REQUEST_ID, TASK_ID
from soundclone.media.deepfilter import NoiseModelMissingError
from soundclone.media.errors import MediaError
from soundclone.speech.engine import ModelMissingError, SpeechError
from soundclone.store import accounts, tasks
from soundclone.store.db import transaction
from soundclone.store.models import Task

log = logging.getLogger(__name__)

Handler = Callable[[JobContext, Task, TaskRecord], object]
INTERNAL_ERROR = "internal error while processing the task; it was refunded, please try again"
# Errors that describe the user's input: the message is the task's error and no retry helps.
USER_ERRORS = (TaskFailure, MediaError, SpeechError, ServiceError)
# ...except these, which say the worker is missing a model: the operator's problem (their messages name paths).
SERVICE_FAULTS = (ModelMissingError, NoiseModelMissingError)


# One clone job, one speech job and one consent check, whatever the dialect that asked; and refinements.
HANDLERS: dict[str, Handler] = {"clone": run_clone, "speech": run_speech, "consent": run_consent,
                                "refine": run_refine}
OPERATIONS = {CloneTask: "clone", ConsentTask: "consent", RefineTask: "refine", SpeechTask: "speech"}


def operation(record: TaskRecord) -> str:
    return OPERATIONS[type(record)]


def run_task(ctx: JobContext, task_id: str, handlers: dict[str, Handler] = HANDLERS) -> None:
    with transaction(ctx.sessions) as session:
        claim = tasks.claim(session, task_id=task_id, now=ctx.clock(), lease=ctx.lease)
        task = tasks.get_task(session, task_id=task_id) if claim else None
    if claim is None or task is None:
        log.info("task %s is not claimable (finished or held by another worker)", task_id)
        return
    if claim.attempt > ctx.settings.task_max_attempts:
        fail_and_refund(ctx, task_id, interrupted_message(claim.attempt - 1, task.cost))
        return
    REQUEST_ID.set(task.request_id)
    TASK_ID.set(task_id)
    log.info("task %s (%s) attempt %d started", task_id, task.kind, claim.attempt)
    started = time.monotonic()
    try:
        record = load_record(task.kind, task.request)
        with _lease_kept(ctx, claim):
            result = handlers[operation(record)](ctx, task, record)
    except SERVICE_FAULTS:
        log.exception("task %s attempt %d: the worker is missing a model", task_id, claim.attempt)
        fail_and_refund(ctx, task_id, INTERNAL_ERROR, attempt=claim.attempt)
        metrics.task_finished(task.kind, "failed_internal", time.monotonic() - started)
        return
    except USER_ERRORS as error:
        detail = getattr(error, "detail", None)
        if detail:
            log.info("task %s refused its input: %s", task_id, detail)
        fail_and_refund(ctx, task_id, str(error), attempt=claim.attempt, kind=_error_kind(error),
                        field=getattr(error, "field", None))
        metrics.task_finished(task.kind, "failed_input", time.monotonic() - started)
        return
    except Exception:
        log.exception("task %s attempt %d crashed", task_id, claim.attempt)
        fail_and_refund(ctx, task_id, INTERNAL_ERROR, attempt=claim.attempt)
        metrics.task_finished(task.kind, "failed_internal", time.monotonic() - started)
        return
    with transaction(ctx.sessions) as session:
        if not tasks.complete(session, claim=claim, result=dump_result(result), now=ctx.clock()):
            log.warning("task %s attempt %d lost its lease before finishing; result discarded", task_id, claim.attempt)
            return
    elapsed = time.monotonic() - started
    log.info("task %s completed in %.2f s", task_id, elapsed)   # logged before any client can see it completed
    metrics.task_finished(task.kind, "completed", elapsed)
    ctx.announce(task_id, "completed")
    try:
        release_inputs(ctx, task)
    except Exception:   # the result stands; a leftover upload is logged for the operator
        log.exception("task %s completed, but its request's upload could not be removed", task_id)


def _error_kind(error: Exception) -> ErrorKind:
    if isinstance(error, (TaskFailure, ServiceError)):
        return error.kind
    if isinstance(error, MediaError):
        return ErrorKind.INPUT_CONTENT
    return ErrorKind.INVALID_PARAMETER


def fail_and_refund(
    ctx: JobContext, task_id: str, error: str, *, attempt: int | None = None, kind: ErrorKind = ErrorKind.TASK_FAILED,
    field: str | None = None,
) -> bool:
    """Fail an in-flight task and give its charge back, in one transaction; False if already over."""
    with transaction(ctx.sessions) as session:
        task = tasks.fail(session, task_id=task_id, error=error, now=ctx.clock(), attempt=attempt,
                          result=dump_result(Failure(kind, field)))
        if task is None:
            return False
        if task.cost:
            accounts.refund(session, account_id=task.account_id, task_id=task_id, amount=task.cost, now=ctx.clock())
    try:
        withdraw_outputs(ctx, task)
    except Exception:   # the failure and the refund stand; what is left is logged for the operator
        log.exception("task %s failed, but what it had made could not all be removed", task_id)
    ctx.announce(task_id, "failed")
    log.info("task %s failed: %s", task_id, error)
    return True


@contextmanager
def _lease_kept(ctx: JobContext, claim: tasks.Claim) -> Iterator[None]:
    stop = threading.Event()
    interval = ctx.settings.task_lease_s / 3

    def renew_until_stopped() -> None:
        while not stop.wait(interval):
            with transaction(ctx.sessions) as session:
                if not tasks.renew(session, claim=claim, now=ctx.clock(), lease=ctx.lease):
                    log.warning("task %s: lease lost", claim.task_id)
                    return

    thread = threading.Thread(target=renew_until_stopped, name=f"lease-{claim.task_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
