"""What a failed task leaves behind is taken away when it fails: the customer was refunded, so nothing it made
may stay — its outputs under the task's keys, the archive file it registered, and the voice a clone had made
before it failed (withdrawn, with its profile and reference speech).

A task fails here after its last attempt, or when a worker gives up on it; either way no attempt of it can
complete any more (completion is fenced by attempt), so what it wrote is nobody's.

Whichever way a task ends, an upload made for its request alone goes too (`release_inputs`): OpenAI's voice
sample, and the recording of a consent that was refused. An upload a stored file row owns (MiniMax's files) or
a consent keeps as its evidence stays with that row.

An upload whose task was never committed (the API replica died between storing the upload and committing the
task) has no task to release it: `sweep_orphaned_uploads`, run by every worker now and then, removes uploads that
nothing owns once they are older than any request could take (settings.upload_grace_s).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from soundclone.domain import keys
from soundclone.domain.ids import voice_id_for_task
from soundclone.domain.records import CloneTask, ConsentTask, RecordError, SpeechTask, TaskRecord, load_record
from soundclone.jobs.context import JobContext
from soundclone.store import consents, files, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

log = logging.getLogger(__name__)
TASK_PREFIX = "tasks/{task_id}/"
UPLOAD_PREFIX = "uploads/"


def withdraw_outputs(ctx: JobContext, task: Task) -> None:
    record = _record(task)
    blob_keys = list(ctx.blobs.keys(TASK_PREFIX.format(task_id=task.id)))
    if isinstance(record, SpeechTask) and record.request.archive is not None:
        file_id = record.request.archive.file_id
        with transaction(ctx.sessions) as session:
            if files.file_for_account(session, file_id=file_id, account_id=task.account_id) is not None:
                files.delete_file(session, file_id=file_id, now=ctx.clock())
        blob_keys.append(keys.archive_key(file_id))
    if isinstance(record, CloneTask):
        voice_id = voice_id_for_task(task.id)
        with transaction(ctx.sessions) as session:
            voices.delete_voice(session, voice_id=voice_id, now=ctx.clock())
        blob_keys += [keys.profile_key(voice_id), keys.refined_profile_key(voice_id),
                      keys.reference_speech_key(voice_id)]
    for key in blob_keys:
        ctx.blobs.delete(key)
    if blob_keys:
        log.info("task %s failed: %d of its blobs removed", task.id, len(blob_keys))
    _release(ctx, record)


def release_inputs(ctx: JobContext, task: Task) -> None:
    """Remove the uploads made for this task's request alone, now that it is over (completed or failed)."""
    _release(ctx, _record(task))


def _release(ctx: JobContext, record: TaskRecord | None) -> None:
    candidates = _request_uploads(record)
    if not candidates:
        return
    with transaction(ctx.sessions) as session:
        private = [key for key in candidates if not files.blob_has_file(session, blob_key=key)
                   and not consents.blob_has_consent(session, blob_key=key)]
    for key in private:
        ctx.blobs.delete(key)


def sweep_orphaned_uploads(ctx: JobContext) -> int:
    """Remove uploads older than the grace period that no file row, consent or unfinished task owns; how many."""
    cutoff = ctx.clock() - timedelta(seconds=ctx.settings.upload_grace_s)
    removed = 0
    for key in list(ctx.blobs.keys_older_than(UPLOAD_PREFIX, cutoff)):
        with transaction(ctx.sessions) as session:
            owned = (files.blob_has_file(session, blob_key=key) or consents.blob_has_consent(session, blob_key=key)
                     or tasks.blob_in_unfinished_request(session, blob_key=key))
        if not owned:
            ctx.blobs.delete(key)
            removed += 1
    if removed:
        log.info("%d orphaned uploads removed", removed)
    return removed


def _request_uploads(record: TaskRecord | None) -> list[str]:
    if isinstance(record, CloneTask):
        source, prompt = record.request.source, record.request.prompt
        return [key for key in (source.blob_key, prompt.blob_key if prompt else None) if key]
    if isinstance(record, ConsentTask):
        return [record.request.recording_key]
    return []


def _record(task: Task) -> TaskRecord | None:
    try:
        return load_record(task.kind, task.request)
    except RecordError:   # written by a newer build: only its task keys are known here
        return None
