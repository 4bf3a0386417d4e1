"""Refining a draft voice in the background: the style inversion resumed for many more steps.

The work runs in a child process at a lower CPU priority (nice), so a worker that refines a voice still answers
speech requests promptly; the voice speaks as its draft until the refined profile is stored, then as refined.
A task that was accepted with the draft keeps speaking with it (its profile key was recorded when it was accepted).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from soundclone.domain import keys
from soundclone.domain.records import RefineResult, RefineTask
from soundclone.domain.voices import REFINED
from soundclone.jobs import metrics
from soundclone.jobs.context import JobContext
from soundclone.store import voices
from soundclone.store.db import transaction
from soundclone.store.models import Task

CHILD_MODULE = "soundclone.jobs.refine_child"
NICENESS = 10
PR_SET_PDEATHSIG = 1   # <linux/prctl.h>: the signal the kernel sends a child when the thread that made it dies
STDERR_TAIL_CHARS = 2000


class RefinementFailed(Exception):
    """The child process did not produce a profile (the worker logs why; the voice stays a draft)."""


def run_refine(ctx: JobContext, task: Task, record: RefineTask) -> RefineResult:
    with transaction(ctx.sessions) as session:
        voice = voices.get_voice(session, voice_id=record.voice_id)
    if voice is None or voice.deleted_at is not None:
        return RefineResult(record.voice_id, refined=False)
    if voice.quality == REFINED or voice.reference_key is None:
        # an earlier attempt stored the refined voice and was cut off before it removed the speech it used
        ctx.blobs.delete(keys.reference_speech_key(voice.id))
        return RefineResult(record.voice_id, refined=True)
    started = time.monotonic()
    refined = _refine_in_child(ctx, reference=ctx.blobs.get(voice.reference_key), draft=ctx.blobs.get(voice.profile_key))
    metrics.enrolled("refine", time.monotonic() - started)
    key = keys.refined_profile_key(voice.id)
    ctx.blobs.put(key, refined)
    with transaction(ctx.sessions) as session:
        stored = voices.refined(session, voice_id=voice.id, profile_key=key, now=ctx.clock())
    ctx.blobs.delete(voice.reference_key)
    return RefineResult(record.voice_id, refined=stored)


def _child_setup() -> None:
    """In the child before it runs: a lower priority, and death with its worker (a SIGKILLed worker would otherwise
    leave it refining for minutes, and its task's next attempt would run a second one beside it)."""
    os.nice(NICENESS)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _refine_in_child(ctx: JobContext, *, reference: bytes, draft: bytes) -> bytes:
    settings = ctx.settings
    with tempfile.TemporaryDirectory(prefix="soundclone-refine-") as tmp:
        folder = Path(tmp)
        (folder / "reference.npy").write_bytes(reference)
        (folder / "draft.profile").write_bytes(draft)
        request = {"model_dir": str(settings.resolved_model_dir), "threads": settings.engine_threads,
                   "refine_steps": settings.refine_steps, "folder": str(folder)}
        done = subprocess.run([sys.executable, "-m", CHILD_MODULE], input=json.dumps(request), capture_output=True,
                              text=True, preexec_fn=_child_setup, timeout=settings.task_lease_s * 100)
        out = folder / "refined.profile"
        if done.returncode != 0 or not out.exists():
            raise RefinementFailed(f"the refinement process failed (exit {done.returncode}): "
                                   f"{done.stderr[-STDERR_TAIL_CHARS:]}")
        return out.read_bytes()
