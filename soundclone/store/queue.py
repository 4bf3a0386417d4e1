"""The queue carries task ids only. SqliteHuey by default, RedisHuey when queue_url is redis://.

Both the API (to enqueue) and the worker (to consume) build the same Huey with the same task
name; the task body is looked up lazily so the API never imports the engine. Every enqueue also
publishes on the bus's queue channel, which wakes idle workers at once (jobs/worker.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from huey import Huey, RedisHuey
from huey.storage import RedisStorage, SqliteStorage

from soundclone.settings import Settings
from soundclone.store.bus import QUEUE_CHANNEL, Bus, RedisBus, create_bus

QUEUE_NAME = "soundclone"
BACKGROUND = "background"   # a second queue for long, low-priority work (voice refinements), its own consumer
RUN_TASK = "soundclone.run_task"


@dataclass
class TaskQueue:
    huey: Huey
    _run: Callable
    bus: Bus
    channel: str = QUEUE_CHANNEL

    def enqueue(self, task_id: str) -> None:
        if isinstance(self.huey.storage, RedisStorage) and isinstance(self.bus, RedisBus):
            self._enqueue_in_one_round_trip(task_id)
            return
        self._run(task_id)
        self.bus.publish(self.channel, task_id)

    def _enqueue_in_one_round_trip(self, task_id: str) -> None:
        """huey's message, pushed where its RedisStorage.enqueue pushes it, and the wake-up in one Redis pipeline:
        every submit sends both, and a round trip costs the API process more than the commands do
        (tests/store/test_scale_out.py checks huey reads the message back)."""
        storage = self.huey.storage
        with storage.conn.pipeline(transaction=False) as pipeline:
            pipeline.lpush(storage.queue_key, self.huey.serialize_task(self._run.s(task_id)))
            self.bus.publish_in(pipeline, self.channel, task_id)
            pipeline.execute()

    def pending(self) -> int:
        return self.huey.pending_count()


def create_queue(settings: Settings, handler: Callable[[str], None] | None = None, *, lane: str = "") -> TaskQueue:
    """The main queue, or with `lane=BACKGROUND` the background one."""
    huey = _make_huey(settings, f"{QUEUE_NAME}-{lane}" if lane else QUEUE_NAME)

    def run_task(task_id: str) -> None:
        if handler is None:
            raise RuntimeError("this process only enqueues; run `soundclone worker` to execute tasks")
        handler(task_id)

    wrapper = huey.task(name=RUN_TASK)(run_task)
    return TaskQueue(huey=huey, _run=wrapper, bus=bus_for(settings),
                     channel=f"{QUEUE_CHANNEL}-{lane}" if lane else QUEUE_CHANNEL)


def bus_for(settings: Settings) -> Bus:
    return create_bus(queue_url=settings.queue_url, database_url=settings.resolved_database_url,
                      data_dir=settings.data_dir)


class _SqliteQueueStorage(SqliteStorage):
    """huey's SQLite storage in WAL mode with synchronous=NORMAL, like the service's database (huey offers FULL or
    OFF): a commit no longer waits for an fsync, and a crash of the process loses nothing. A power cut may lose the
    last messages, never a task: the tasks table is the truth and the reaper sends a lost message again."""

    def _create_connection(self):  # noqa: ANN202
        conn = super()._create_connection()
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn


def _make_huey(settings: Settings, name: str) -> Huey:
    if settings.queue_url.startswith("redis://"):
        return RedisHuey(name, url=settings.queue_url, results=False)
    if settings.queue_url != "sqlite":
        raise ValueError(f"SOUNDCLONE_QUEUE_URL must be 'sqlite' or a redis:// URL; got {settings.queue_url!r}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Huey(name, results=False, storage_class=_SqliteQueueStorage, filename=str(settings.data_dir / "queue.db"))
