"""The scale-out path for real: migrations and money/lease rules on PostgreSQL, the queue on Redis.

Uses the PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) that the machine runs.
"""

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from soundclone.store.queue import create_queue
from soundclone.settings import Settings
from soundclone.store import accounts, ratelimits, tasks
from soundclone.store.db import make_engine, make_sessionmaker, transaction
from tests.conftest import fresh_postgres_database, make_customer

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def pg_sessions():
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        yield make_sessionmaker(engine)
        engine.dispose()


def test_debit_refund_and_leases_on_postgres(pg_sessions):
    customer = make_customer(pg_sessions, balance=100, now=NOW)
    with transaction(pg_sessions) as session:
        accounts.debit(session, account_id=customer.account_id, task_id="audio_pg", amount=60, detail={}, now=NOW)
        tasks.create_task(session, task_id="audio_pg", account_id=customer.account_id, kind="soundCloningAudio",
                          request={}, cost=60, now=NOW, due_in=timedelta(seconds=30))
    with pytest.raises(accounts.InsufficientBalance), transaction(pg_sessions) as session:
        accounts.debit(session, account_id=customer.account_id, task_id="audio_pg2", amount=41, detail={}, now=NOW)
    with transaction(pg_sessions) as session:
        first = tasks.claim(session, task_id="audio_pg", now=NOW, lease=timedelta(seconds=5))
        assert tasks.claim(session, task_id="audio_pg", now=NOW, lease=timedelta(seconds=5)) is None
        assert first.attempt == 1
    for expected in (True, False):
        with transaction(pg_sessions) as session:
            assert accounts.refund(session, account_id=customer.account_id, task_id="audio_pg", amount=60, now=NOW) is expected
    with transaction(pg_sessions) as session:
        assert accounts.balance(session, account_id=customer.account_id) == 100
        [key] = accounts.list_keys(session, account_id=customer.account_id)
        assert ratelimits.add(session, key_id=key.id, window_start=60, count=3) == 3   # one replica opens the window
        assert ratelimits.add(session, key_id=key.id, window_start=60, count=2) == 5   # another adds to it


def test_task_ids_travel_through_redis_and_wake_the_workers(tmp_path):
    settings = Settings(data_dir=tmp_path, queue_url="redis://127.0.0.1:6379/15")  # a database of its own
    seen = []
    queue = create_queue(settings, handler=seen.append)
    queue.huey.flush()
    listener = queue.bus.listen([queue.channel])
    queue.enqueue("audio_redis")                # the message and the workers' wake-up, in one round trip
    assert queue.pending() == 1
    heard, deadline = [], time.monotonic() + 5
    while not heard and time.monotonic() < deadline:    # the first wait may only read the subscription's answer
        heard = listener.wait(0.5)
    assert heard == [(queue.channel, "audio_redis")]
    listener.close()
    message = queue.huey.dequeue()
    queue.huey.execute(message)
    assert seen == ["audio_redis"] and queue.pending() == 0
    queue.huey.flush()


def test_replicas_started_together_migrate_one_after_another():
    """Every `serve` and `worker` migrates at start: three at once on an empty PostgreSQL database all succeed."""
    import subprocess
    import sys

    name = f"soundclone_{uuid.uuid4().hex[:12]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    code = "import sys; from soundclone.store.db import migrate; migrate(sys.argv[1])"
    try:
        runs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True) for _ in range(3)]
        errors = [run.communicate(timeout=120)[1] for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], errors
        engine = make_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_read_on_postgres_commits_by_itself_and_leaves_the_pool_transactional(pg_sessions):
    from soundclone.store.db import reading

    customer = make_customer(pg_sessions, balance=100, now=NOW)
    with reading(pg_sessions) as connection:
        assert accounts.balance(connection, account_id=customer.account_id) == 100
        assert connection.connection.dbapi_connection.autocommit is True
    with pytest.raises(accounts.InsufficientBalance), transaction(pg_sessions) as session:
        assert session.connection().connection.dbapi_connection.autocommit is False
        accounts.debit(session, account_id=customer.account_id, task_id="audio_pg", amount=60, detail={}, now=NOW)
        raise accounts.InsufficientBalance()   # the debit must roll back with the transaction
    with reading(pg_sessions) as connection:
        assert accounts.balance(connection, account_id=customer.account_id) == 100


def test_a_pooled_connection_the_server_closed_is_replaced_not_used(pg_sessions):
    """What the pool's pre-ping did, without its round trip: the server ends the backend of the connection that
    waits in the pool (as a restart or failover would), and the next transaction still works, on a new one."""
    customer = make_customer(pg_sessions, balance=100, now=NOW)

    def backend_pid() -> int:
        with transaction(pg_sessions) as session:
            assert accounts.balance(session, account_id=customer.account_id) == 100
            return session.connection().connection.dbapi_connection.info.backend_pid

    first = backend_pid()
    assert backend_pid() == first                     # the pool hands the same connection back
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar()
    admin.dispose()
    time.sleep(0.2)                                    # the server's goodbye reaches the idle socket
    assert backend_pid() != first
