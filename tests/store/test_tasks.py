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


def test_a_tasks_mark_id_is_drawn_once_unique_and_leads_back_to_it(sessions, clock):
    from soundclone.store.tasks import MARK_ID_BITS, create_task, mark_id_for_task, task_by_mark_id

    customer = make_customer(sessions, balance=0, now=clock())
    with transaction(sessions) as session:
        for name in ("first", "second"):
            create_task(session, task_id=name, account_id=customer.account_id, kind="speech", request={}, cost=0,
                        now=clock(), due_in=timedelta(minutes=1))
        first = mark_id_for_task(session, task_id="first")
        assert mark_id_for_task(session, task_id="first") == first     # a task run again marks alike
        second = mark_id_for_task(session, task_id="second")
    assert first != second and 0 <= first < 2**MARK_ID_BITS
    with transaction(sessions) as session:
        assert task_by_mark_id(session, mark_id=second).id == "second"
        unused = next(value for value in range(3) if value not in (first, second))
        assert task_by_mark_id(session, mark_id=unused) is None


def test_in_flight_counts_queued_and_processing_and_stops_at_up_to(sessions):
    customer = make_customer(sessions, balance=0)
    with transaction(sessions) as session:
        for index in range(4):
            tasks.create_task(session, task_id=f"audio_{index}", account_id=customer.account_id,
                              kind="soundCloningAudio", request={}, cost=0, now=NOW, due_in=timedelta(seconds=30))
        claim = tasks.claim(session, task_id="audio_0", now=NOW, lease=LEASE)
        tasks.complete(session, claim=claim, result={}, now=NOW)
        tasks.claim(session, task_id="audio_1", now=NOW, lease=LEASE)
        assert tasks.count_in_flight(session, account_id=customer.account_id) == 3
        assert tasks.count_in_flight(session, account_id=customer.account_id, up_to=2) == 2
        assert tasks.count_in_flight(session, account_id=customer.account_id, up_to=10) == 3
        assert tasks.count_in_flight(session, account_id=customer.account_id + 1) == 0


def test_a_read_neither_waits_for_a_writer_nor_holds_one_up(sessions):
    """A poll's read (store.db.reading) on SQLite takes no write lock: it answers while a worker's write transaction
    is open (the busy timeout is 30 s), and a write can begin while a read is open."""
    import time

    from soundclone.store.db import reading

    new_task(sessions)
    with transaction(sessions) as writer:
        tasks.claim(writer, task_id="audio_1", now=NOW, lease=LEASE)
        started = time.monotonic()
        with reading(sessions) as reader:
            row = tasks.task_row(reader, task_id="audio_1")
        assert row.status == tasks.QUEUED          # the writer has not committed
        assert time.monotonic() - started < 1
    with reading(sessions) as reader:
        assert tasks.task_row(reader, task_id="audio_1").status == tasks.PROCESSING
        started = time.monotonic()
        with transaction(sessions) as writer:
            tasks.claim(writer, task_id="audio_1", now=NOW + timedelta(seconds=11), lease=LEASE)
        assert time.monotonic() - started < 1
