"""Find in-flight tasks nobody is working on and put them back on the queue (or fail them).

Two ways a task gets lost: its queue message vanished (the API died between commit and
enqueue, or a queue was flushed), or the worker holding it died. In both cases the row's
`due_at` passes. A queued row is re-sent only when the queue is empty, so a long backlog is
never flooded with copies; a processing row whose lease ran out is re-sent at once.
"""

from __future__ import annotations

import logging

from soundclone.domain.tasks import TaskKind, interrupted_message
from soundclone.domain.voices import LIFETIMES
from soundclone.jobs.context import JobContext
from soundclone.jobs.runner import fail_and_refund
from soundclone.store import ratelimits, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.queue import TaskQueue

log = logging.getLogger(__name__)
RATE_WINDOWS_KEPT_S = 3600
BACKGROUND_KINDS = frozenset({TaskKind.VOICE_REFINE.value})


def reap(ctx: JobContext, queue: TaskQueue, background: TaskQueue | None = None) -> int:
    now = ctx.clock()
    requeued = 0
    with transaction(ctx.sessions) as session:
        overdue = tasks.overdue(session, now=now)
        ratelimits.forget_before(session, window_start=int(now.timestamp()) - RATE_WINDOWS_KEPT_S)
        for lifetime in LIFETIMES:   # e.g. MiniMax deletes a clone nobody used within 7 days
            if lifetime.deleted_on_expiry:
                voices.delete_expired(session, now=now, lifetime_days=lifetime.days)
    for task in overdue:
        lane = background if background is not None and task.kind in BACKGROUND_KINDS else queue
        if task.status == tasks.QUEUED and lane.pending() != 0:
            continue
        if task.status == tasks.PROCESSING and task.attempts >= ctx.settings.task_max_attempts:
            fail_and_refund(ctx, task.id, interrupted_message(task.attempts, task.cost))
            continue
        with transaction(ctx.sessions) as session:
            moved = tasks.postpone(session, task_id=task.id, seen_due_at=task.due_at, now=now, by=ctx.lease)
        if moved:
            lane.enqueue(task.id)
            requeued += 1
            log.info("task %s (%s) re-enqueued", task.id, task.status)
    return requeued
