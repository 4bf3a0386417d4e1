"""Shared fixtures: a settings object on a temporary data dir, a migrated database, accounts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from soundclone.settings import Settings
from soundclone.store import accounts
from soundclone.store.db import make_engine, make_sessionmaker, migrate, transaction

# Cloning runs the real style inversion in tests, with few steps (each is ~2 s of CPU); bench/quality.py
# measures the default. Set here so worker processes the tests start inherit it.
os.environ.setdefault("SOUNDCLONE_DRAFT_STEPS", "2")
os.environ.setdefault("SOUNDCLONE_REFINE_STEPS", "2")

ROOT = Path(__file__).resolve().parent.parent
SPEECH_DIR = ROOT / ".cache" / "speech"
REFERENCE_WAV = SPEECH_DIR / "librivox_reference.wav"
MODEL_DIR = ROOT / ".cache" / "models"


class MovableClock:
    """A clock tests can move forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Customer:
    account_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", model_dir=MODEL_DIR, secret_key="test-secret", allow_private_urls=True,
        task_lease_s=3.0, reaper_interval_s=0.5,
    )


@pytest.fixture
def sessions(settings: Settings):
    migrate(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"   # the machine's PostgreSQL (trust auth)


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database on the machine's server; its URL. Dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"soundclone_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def make_customer(sessions, *, balance: int, now: datetime | None = None) -> Customer:
    now = now or datetime.now(timezone.utc)
    with transaction(sessions) as session:
        account = accounts.create_account(session, name="customer", now=now)
        if balance:
            accounts.top_up(session, account_id=account.id, amount=balance, now=now)
        key = accounts.create_key(session, account_id=account.id, now=now)
    return Customer(account.id, key.key)


@pytest.fixture(scope="session")
def shared_service(tmp_path_factory):
    """One API and one worker for the dialects' end-to-end modules and the media fuzz through the service, each on
    accounts of its own (starting a service costs ~25 s, and stopping one ~10 s, on 2 cores). No background
    refinement: tests/integration/test_refinement.py has its own, and here each clone's refinement child would
    compete for the 2 cores with the tests that follow, until the session ends."""
    from tests.integration.harness import running

    with running(tmp_path_factory.mktemp("shared") / "data", MODEL_DIR, {"SOUNDCLONE_REFINE_STEPS": "0"}) as service:
        yield service
