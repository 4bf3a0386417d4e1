"""The queue carries task ids only. SqliteHuey by default, RedisHuey when queue_url is redis://.

Both the API (to enqueue) and the worker (to consume) build the same Huey with the same task
name; the task body is looked up lazily so the API never imports the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from huey import Huey, RedisHuey, SqliteHuey

from soundclone.settings import Settings

QUEUE_NAME = "soundclone"
RUN_TASK = "soundclone.run_task"


@dataclass
class TaskQueue:
    huey: Huey
    _run: Callable

    def enqueue(self, task_id: str) -> None:
        self._run(task_id)

    def pending(self) -> int:
        return self.huey.pending_count()


def create_queue(settings: Settings, handler: Callable[[str], None] | None = None) -> TaskQueue:
    huey = _make_huey(settings)

    def run_task(task_id: str) -> None:
        if handler is None:
            raise RuntimeError("this process only enqueues; run `soundclone worker` to execute tasks")
        handler(task_id)

    wrapper = huey.task(name=RUN_TASK)(run_task)
    return TaskQueue(huey=huey, _run=wrapper)


def _make_huey(settings: Settings) -> Huey:
    if settings.queue_url.startswith("redis://"):
        return RedisHuey(QUEUE_NAME, url=settings.queue_url, results=False)
    if settings.queue_url != "sqlite":
        raise ValueError(f"SOUNDCLONE_QUEUE_URL must be 'sqlite' or a redis:// URL; got {settings.queue_url!r}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(settings.data_dir / "queue.db"), results=False)
