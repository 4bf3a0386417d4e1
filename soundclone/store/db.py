"""Database engine and sessions. SQLite runs in WAL mode with immediate write transactions."""

from __future__ import annotations

import select
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# libpq's TCP keepalives: a peer that vanished without closing (a crashed host, a NAT that forgot the connection)
# is noticed within about 90 s of idleness, and an idle connection keeps a NAT's mapping alive
TCP_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 60, "keepalives_interval": 10, "keepalives_count": 3}
READ_ONLY = "soundclone_read_only"   # an execution option: the connection only reads (see `reading`)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if not url.startswith(("postgresql+psycopg:", "postgresql+psycopg_binary:")):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args=TCP_KEEPALIVES)
    _discard_closed_connections(engine)
    return engine


def _discard_closed_connections(engine: Engine) -> None:
    """Make sure a pooled connection the server has closed (a restart, a failover, an idle timeout) is never used.
    SQLAlchemy's pre-ping would send `SELECT 1` on every checkout: a round trip, and 0.3-0.4 ms of the API's CPU,
    on every request (docs/benchmarks.md, "Hot routes answered directly"). Instead, an idle connection has nothing
    to read; if its socket has something (the server's goodbye, the end of the stream, or a reset that the
    keepalives provoked), it is dropped and the pool opens another."""
    from psycopg.pq import ConnStatus   # only a server database needs psycopg

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):  # noqa: ANN001
        if _looks_closed(dbapi_connection, ConnStatus.OK):
            raise DisconnectionError("the database server closed this pooled connection")


def _looks_closed(dbapi_connection, ok_status) -> bool:  # noqa: ANN001
    pgconn = dbapi_connection.pgconn
    if dbapi_connection.closed or pgconn.status != ok_status:
        return True
    readable = select.poll()
    readable.register(pgconn.socket, select.POLLIN)
    return bool(readable.poll(0))


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy, not pysqlite, open transactions, so we can make them IMMEDIATE:
        # a reader that later writes would otherwise deadlock against another writer.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        deferred = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session, session.begin():
        yield session


# A request path's connection for Core statements: a session's (`core`), or a bare one from `writing`, `reading` or
# `autocommitting`, which skip the ORM session's set-up (a fifth of a poll's CPU on PostgreSQL).
Statements = Session | Connection


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Connection]:
    """A connection in a write transaction (IMMEDIATE on SQLite) for Core statements only, such as accepting a
    synthesis: the same transaction as `transaction`'s, without the ORM session's set-up and commit."""
    with sessions.kw["bind"].connect() as connection, connection.begin():
        yield connection


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Connection]:
    """A connection for one read, such as a poll's (Core statements only). On SQLite its transaction is deferred: it
    takes no write lock, so it neither waits for a writer (a worker finishing a task) nor holds one up. On a
    database server the statement commits by itself (autocommit): no BEGIN and COMMIT round trips. For one
    statement only: two could see two states of the database. Whatever it writes fails or is lost."""
    with _reading_engine(sessions.kw["bind"]).connect() as connection, connection.begin():
        yield connection


@contextmanager
def autocommitting(sessions: sessionmaker[Session]) -> Iterator[Connection]:
    """A connection to a database server whose statements each commit by themselves (no BEGIN and COMMIT round
    trips; Core statements only): for reads that need not agree with each other and at most one write, atomic by
    itself (store/acceptance.py)."""
    engine = sessions.kw["bind"]
    if engine.dialect.name == "sqlite":
        raise ValueError("autocommitting connections are for a database server; SQLite takes transactions")
    with _reading_engine(engine).connect() as connection, connection.begin():
        yield connection


_READING_ENGINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reading_engine(engine: Engine) -> Engine:
    reader = _READING_ENGINES.get(engine)
    if reader is None:
        if engine.dialect.name == "sqlite":   # SQLAlchemy's AUTOCOMMIT would change pysqlite's own transaction mode
            reader = engine.execution_options(**{READ_ONLY: True})
        else:
            reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        _READING_ENGINES[engine] = reader
    return reader


def core(session: Statements) -> Connection:
    """The session's connection (or the connection itself), for the Core statements of the request path.
    `Session.execute` runs even a Core statement through the ORM's compile and autoflush machinery, which made it
    3-4x slower per statement (measured in docs/benchmarks.md, "the API path"). No autoflush happens here: use it
    where nothing is pending in the session, or flush first."""
    return session if isinstance(session, Connection) else session.connection()


def migrate(url: str) -> None:
    """Bring the schema to the newest revision (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
