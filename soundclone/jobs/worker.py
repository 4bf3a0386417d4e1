"""The worker process: one engine, consumer threads taking task ids from the queue, and a reaper thread.

An idle consumer does not poll on a timer: it waits on the bus's queue channel, which every enqueue
publishes to, and tries the queue as soon as it is woken (a fallback poll covers a lost notification).
huey keeps the queue (SQLite or Redis); its `dequeue` and `execute` run the task here.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field

from soundclone import __version__
from soundclone.clock import Clock, utc_now
from soundclone.jobs import metrics
from soundclone.jobs.context import JobContext, decode_limits_from, fetch_policy_from
from soundclone.jobs.cleanup import sweep_orphaned_uploads
from soundclone.jobs.reaper import reap
from soundclone.jobs.runner import run_task
from soundclone.media import deepfilter
from soundclone.media.fetch import Resolver
from soundclone.speech import asr, speaker_encoder
from soundclone.settings import Settings
from soundclone.speech.engine import Engine, load_engine
from soundclone.store.blobs import create_blob_store
from soundclone.store import workers
from soundclone.store.db import make_engine, make_sessionmaker, transaction
from soundclone.store.queue import BACKGROUND, TaskQueue, bus_for, create_queue

log = logging.getLogger(__name__)

FALLBACK_POLL_S = 2.0
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass
class Worker:
    context: JobContext
    queue: TaskQueue
    background: TaskQueue
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}")

    def run_one(self, task_id: str) -> None:
        run_task(self.context, task_id)

    def reap_once(self) -> int:
        return reap(self.context, self.queue, self.background)

    def serve(self) -> None:
        """Consume until SIGINT/SIGTERM; the reaper runs beside the consumers."""
        stop = threading.Event()
        for number in STOP_SIGNALS:
            signal.signal(number, lambda *_: stop.set())
        threads = [threading.Thread(target=self._reap_until, args=(stop,), name="reaper", daemon=True)]
        threads += [threading.Thread(target=self._consume_until, args=(self.queue, stop), name=f"consumer-{n}",
                                     daemon=True) for n in range(self.context.settings.workers)]
        threads.append(threading.Thread(target=self._consume_until, args=(self.background, stop), name="background",
                                        daemon=True))
        for thread in threads:
            thread.start()
        metrics.serve(self.context.settings.worker_metrics_port)
        self._heartbeat()
        log.info("worker ready (engine %s)", self.context.engine.name)
        stop.wait()
        log.info("worker stopping: finishing the tasks in hand")
        for thread in threads[1:]:
            thread.join()

    def _consume_until(self, queue: TaskQueue, stop: threading.Event) -> None:
        with queue.bus.listen([queue.channel]) as wake:
            while not stop.is_set():
                message = queue.huey.dequeue()
                if message is None:
                    wake.wait(FALLBACK_POLL_S)
                    continue
                try:
                    queue.huey.execute(message)
                except Exception:
                    log.exception("task message %s failed outside its task", message.id)

    def _reap_until(self, stop: threading.Event) -> None:
        last_sweep = time.monotonic()
        while not stop.wait(self.context.settings.reaper_interval_s):
            try:
                self._heartbeat()
                self.reap_once()
                if time.monotonic() - last_sweep >= self.context.settings.sweep_interval_s:
                    last_sweep = time.monotonic()
                    sweep_orphaned_uploads(self.context)
            except Exception:
                log.exception("reaper pass failed")

    def _heartbeat(self) -> None:
        with transaction(self.context.sessions) as session:
            workers.heartbeat(session, worker_id=self.worker_id, host=socket.gethostname(), pid=os.getpid(),
                              version=__version__, now=self.context.clock())


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
                             draft_steps=settings.draft_steps, refine_steps=settings.refine_steps)
        engine.prepare()
        check_models(settings)
    background = create_queue(settings, handler=lambda task_id: run_task(context, task_id), lane=BACKGROUND)
    context = JobContext(
        settings=settings, sessions=sessions, blobs=create_blob_store(settings.blob_url, settings.blob_dir), engine=engine, clock=clock,
        fetch_policy=fetch_policy_from(settings), decode_limits=decode_limits_from(settings), resolver=resolver,
        bus=bus_for(settings), background=background,
    )
    queue = create_queue(settings, handler=lambda task_id: run_task(context, task_id))
    return Worker(context=context, queue=queue, background=background)
