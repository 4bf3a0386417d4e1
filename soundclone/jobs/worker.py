"""The worker process: one engine, a huey consumer for task ids, and a reaper thread."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from soundclone.clock import Clock, utc_now
from soundclone.jobs.context import JobContext, decode_limits_from, fetch_policy_from
from soundclone.jobs.reaper import reap
from soundclone.jobs.runner import run_task
from soundclone.media import deepfilter
from soundclone.media.fetch import Resolver
from soundclone.speech import asr, speaker_encoder
from soundclone.settings import Settings
from soundclone.speech.engine import Engine, load_engine
from soundclone.store.blobs import LocalBlobStore
from soundclone.store.db import make_engine, make_sessionmaker
from soundclone.store.queue import TaskQueue, create_queue

log = logging.getLogger(__name__)

IDLE_POLL_MAX_S = 1.0


@dataclass
class Worker:
    context: JobContext
    queue: TaskQueue

    def run_one(self, task_id: str) -> None:
        run_task(self.context, task_id)

    def reap_once(self) -> int:
        return reap(self.context, self.queue)

    def serve(self) -> None:
        """Consume until SIGINT/SIGTERM; the reaper runs beside the consumer."""
        stop = threading.Event()
        reaper = threading.Thread(target=self._reap_until, args=(stop,), name="reaper", daemon=True)
        reaper.start()
        consumer = self.queue.huey.create_consumer(
            workers=self.context.settings.workers, worker_type="thread", periodic=False,
            max_delay=IDLE_POLL_MAX_S, check_worker_health=True,
        )
        log.info("worker ready (engine %s)", self.context.engine.name)
        try:
            consumer.run()
        finally:
            stop.set()

    def _reap_until(self, stop: threading.Event) -> None:
        while not stop.wait(self.context.settings.reaper_interval_s):
            try:
                self.reap_once()
            except Exception:
                log.exception("reaper pass failed")


def check_models(settings: Settings) -> None:
    """What tasks need besides the engine, checked (and the recogniser assembled) at start-up, not in a task."""
    deepfilter.check_model()                  # clone references' noise reduction
    asr.model_dir(settings.resolved_model_dir)  # consent recordings' recogniser
    speaker_encoder.weights_path()            # speaker checks and enrollment


def create_worker(
    settings: Settings, *, engine: Engine | None = None, clock: Clock = utc_now, resolver: Resolver | None = None,
) -> Worker:
    sessions = make_sessionmaker(make_engine(settings.resolved_database_url))
    if engine is None:
        engine = load_engine(settings.engine, model_dir=settings.resolved_model_dir, threads=settings.engine_threads,
                             enroll_steps=settings.enroll_steps, enroll_probe=settings.enroll_probe)
        engine.prepare()
        check_models(settings)
    context = JobContext(
        settings=settings, sessions=sessions, blobs=LocalBlobStore(settings.blob_dir), engine=engine, clock=clock,
        fetch_policy=fetch_policy_from(settings), decode_limits=decode_limits_from(settings), resolver=resolver,
    )
    queue = create_queue(settings, handler=lambda task_id: run_task(context, task_id))
    return Worker(context=context, queue=queue)
