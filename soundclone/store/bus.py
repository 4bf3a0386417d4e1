"""Notifications between processes: "a task was queued", "chunk 3 of task X is stored", "task X is done".

The queue and the database stay the truth; a notification only says "look now", so a lost one costs a
fallback poll's delay, never a task. Three carriers behind one small interface:

- `LocalBus` (the embedded default, one machine): Unix datagram sockets in the abstract namespace; a listener
  registers its socket's name as a file under the channel's folder in the data directory, and a publisher
  sends one datagram to each registered name (dropping those whose listener is gone).
- `RedisBus`: Redis pub/sub (with the Redis queue).
- `PostgresBus`: PostgreSQL LISTEN/NOTIFY (with the PostgreSQL database and no Redis).
"""

from __future__ import annotations

import hashlib
import logging
import os
import select
import socket
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

QUEUE_CHANNEL = "queue"
KEYS_CHANNEL = "keys"      # "an API key was revoked": replicas forget the keys they remember
MAX_MESSAGE_BYTES = 1024
SEPARATOR = "\n"


def task_channel(task_id: str) -> str:
    return f"task:{task_id}"


class Listener(Protocol):
    def wait(self, timeout: float) -> list[tuple[str, str]]:
        """The (channel, message) pairs that arrived, waiting up to `timeout` s for the first; [] on timeout."""

    def close(self) -> None: ...


class Bus(Protocol):
    def publish(self, channel: str, message: str = "") -> None: ...

    def listen(self, channels: Iterable[str]) -> Listener: ...


def _key(channel: str) -> str:
    return hashlib.sha256(channel.encode()).hexdigest()[:24]


# ---- one machine ----------------------------------------------------------------------------------

class LocalBus:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def publish(self, channel: str, message: str = "") -> None:
        folder = self.directory / _key(channel)
        try:
            entries = list(folder.iterdir())
        except FileNotFoundError:
            return
        payload = f"{channel}{SEPARATOR}{message}".encode()[:MAX_MESSAGE_BYTES]
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.setblocking(False)
            for entry in entries:
                try:
                    sender.sendto(payload, b"\0" + entry.name.encode())
                except (ConnectionRefusedError, FileNotFoundError):
                    entry.unlink(missing_ok=True)     # its listener is gone
                except BlockingIOError:
                    pass                              # its buffer is full: it has plenty to wake up to already

    def listen(self, channels: Iterable[str]) -> "_LocalListener":
        return _LocalListener(self.directory, list(channels))


class _LocalListener:
    def __init__(self, directory: Path, channels: list[str]) -> None:
        self.name = f"soundclone-{os.getpid()}-{uuid.uuid4().hex}"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(b"\0" + self.name.encode())
        self.sock.setblocking(False)
        self.entries = []
        for channel in channels:
            folder = directory / _key(channel)
            folder.mkdir(parents=True, exist_ok=True)
            entry = folder / self.name
            entry.touch()
            self.entries.append(entry)

    def wait(self, timeout: float) -> list[tuple[str, str]]:
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0.0))
        received = []
        while ready:
            try:
                data = self.sock.recv(MAX_MESSAGE_BYTES)
            except BlockingIOError:
                break
            channel, _, message = data.decode(errors="replace").partition(SEPARATOR)
            received.append((channel, message))
        return received

    def close(self) -> None:
        for entry in self.entries:
            entry.unlink(missing_ok=True)
        self.sock.close()

    def __enter__(self) -> "_LocalListener":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- Redis ----------------------------------------------------------------------------------------

class RedisBus:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    def publish(self, channel: str, message: str = "") -> None:
        self.publish_in(self.client, channel, message)

    @staticmethod
    def publish_in(client, channel: str, message: str = "") -> None:  # noqa: ANN001
        """Publish through `client`: a Redis client or a pipeline that sends it with other commands."""
        client.publish(f"soundclone:{channel}", message)

    def listen(self, channels: Iterable[str]) -> "_RedisListener":
        return _RedisListener(self.client, list(channels))


class _RedisListener:
    def __init__(self, client, channels: list[str]) -> None:  # noqa: ANN001
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(*(f"soundclone:{c}" for c in channels))

    def wait(self, timeout: float) -> list[tuple[str, str]]:
        received = []
        message = self.pubsub.get_message(timeout=max(timeout, 0.0))
        while message is not None:
            received.append((message["channel"].decode().removeprefix("soundclone:"), message["data"].decode()))
            message = self.pubsub.get_message(timeout=0)
        return received

    def close(self) -> None:
        self.pubsub.close()

    def __enter__(self) -> "_RedisListener":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---- PostgreSQL -----------------------------------------------------------------------------------

class PostgresBus:
    """LISTEN/NOTIFY. Channel names become identifiers of their own (`sc_` and a digest); the payload carries
    the real name. One connection publishes for the process; each listener holds its own."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self._lock = threading.Lock()
        self._connection = None

    def publish(self, channel: str, message: str = "") -> None:
        import psycopg

        with self._lock:
            try:
                if self._connection is None or self._connection.closed:
                    self._connection = psycopg.connect(self.url, autocommit=True)
                self._connection.execute("SELECT pg_notify(%s, %s)", (f"sc_{_key(channel)}",
                                                                       f"{channel}{SEPARATOR}{message}"))
            except psycopg.Error:
                log.warning("could not notify %s; listeners will find it by polling", channel, exc_info=True)
                self._connection = None

    def listen(self, channels: Iterable[str]) -> "_PostgresListener":
        return _PostgresListener(self.url, list(channels))


class _PostgresListener:
    def __init__(self, url: str, channels: list[str]) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        for channel in channels:
            self.connection.execute(f'LISTEN "sc_{_key(channel)}"')

    def wait(self, timeout: float) -> list[tuple[str, str]]:
        """Returns at the first notification (any others wait for the next call)."""
        return [notice.payload.partition(SEPARATOR)[::2]
                for notice in self.connection.notifies(timeout=max(timeout, 0.001), stop_after=1)]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "_PostgresListener":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_bus(*, queue_url: str, database_url: str, data_dir: Path) -> Bus:
    """Redis when the queue is Redis; PostgreSQL when the database is; else sockets on this machine."""
    if queue_url.startswith("redis://"):
        return RedisBus(queue_url)
    if database_url.startswith("postgresql"):
        return PostgresBus(database_url)
    return LocalBus(data_dir / "bus")
