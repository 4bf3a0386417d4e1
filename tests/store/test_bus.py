"""Notifications between processes, on each carrier: the embedded sockets, Redis pub/sub, PostgreSQL NOTIFY."""

import multiprocessing
import time

import pytest

from soundclone.store.bus import LocalBus, PostgresBus, RedisBus, task_channel

REDIS_URL = "redis://127.0.0.1:6379/0"
POSTGRES_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"


def buses(tmp_path):
    return {"local": LocalBus(tmp_path / "bus"), "redis": RedisBus(REDIS_URL), "postgres": PostgresBus(POSTGRES_URL)}


@pytest.mark.parametrize("carrier", ["local", "redis", "postgres"])
def test_a_listener_hears_its_channels_only(tmp_path, carrier):
    bus = buses(tmp_path)[carrier]
    channel = task_channel(f"audio_{carrier}_{time.monotonic_ns()}")
    with bus.listen([channel]) as listener:
        assert listener.wait(0.05) == []
        bus.publish("some other channel", "x")
        bus.publish(channel, "chunk 0")
        heard = []
        deadline = time.monotonic() + 2
        while not heard and time.monotonic() < deadline:
            heard = listener.wait(0.5)
        assert heard == [(channel, "chunk 0")]


def _publish_later(directory, channel):
    time.sleep(0.2)
    LocalBus(directory).publish(channel, "done")


def test_the_local_bus_crosses_processes_and_forgets_gone_listeners(tmp_path):
    bus = LocalBus(tmp_path / "bus")
    gone = bus.listen(["queue"])
    gone.sock.close()                         # a listener that died without saying so
    with bus.listen(["queue"]) as listener:
        child = multiprocessing.get_context("spawn").Process(target=_publish_later, args=(tmp_path / "bus", "queue"))
        child.start()
        started = time.monotonic()
        assert listener.wait(5) == [("queue", "done")]
        assert time.monotonic() - started < 2
        child.join()
    assert list((tmp_path / "bus").rglob("*")) == [next((tmp_path / "bus").iterdir())]   # only the folder is left


def test_publishing_with_nobody_listening_is_harmless(tmp_path):
    LocalBus(tmp_path / "nothing").publish("queue")
