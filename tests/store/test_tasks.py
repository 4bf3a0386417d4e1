from datetime import datetime, timedelta, timezone

from soundclone.store import tasks
from soundclone.store.db import transaction
from tests.conftest import make_customer

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
LEASE = timedelta(seconds=10)


def new_task(sessions, task_id="audio_1"):
    customer = make_customer(sessions, balance=0)
    with transaction(sessions) as session:
        tasks.create_task(session, task_id=task_id, account_id=customer.account_id, kind="soundCloningAudio",
                          request={}, cost=0, now=NOW, due_in=timedelta(seconds=30))
    return customer


def test_claim_is_exclusive_while_the_lease_holds(sessions):
    new_task(sessions)
    with transaction(sessions) as session:
        first = tasks.claim(session, task_id="audio_1", now=NOW, lease=LEASE)
        assert first == tasks.Claim("audio_1", 1)
        assert tasks.claim(session, task_id="audio_1", now=NOW + timedelta(seconds=5), lease=LEASE) is None
        second = tasks.claim(session, task_id="audio_1", now=NOW + timedelta(seconds=11), lease=LEASE)
        assert second == tasks.Claim("audio_1", 2)


def test_a_stale_attempt_cannot_complete(sessions):
    new_task(sessions)
    with transaction(sessions) as session:
        stale = tasks.claim(session, task_id="audio_1", now=NOW, lease=LEASE)
        fresh = tasks.claim(session, task_id="audio_1", now=NOW + timedelta(seconds=20), lease=LEASE)
        assert not tasks.complete(session, claim=stale, result={"x": 1}, now=NOW)
        assert not tasks.renew(session, claim=stale, now=NOW, lease=LEASE)
        assert tasks.complete(session, claim=fresh, result={"x": 2}, now=NOW)
        assert tasks.get_task(session, task_id="audio_1").result == {"x": 2}
        assert tasks.fail(session, task_id="audio_1", error="late", now=NOW) is None


def test_overdue_and_postpone(sessions):
    new_task(sessions)
    later = NOW + timedelta(seconds=31)
    with transaction(sessions) as session:
        [row] = tasks.overdue(session, now=later)
        seen = row.due_at
        assert tasks.postpone(session, task_id=row.id, seen_due_at=seen, now=later, by=LEASE)
        assert not tasks.postpone(session, task_id=row.id, seen_due_at=seen, now=later, by=LEASE)
        assert tasks.overdue(session, now=later) == []


def test_tasks_are_scoped_by_account(sessions):
    owner = new_task(sessions)
    stranger = make_customer(sessions, balance=0)
    with transaction(sessions) as session:
        assert tasks.task_for_account(session, task_id="audio_1", account_id=owner.account_id) is not None
        assert tasks.task_for_account(session, task_id="audio_1", account_id=stranger.account_id) is None
