"""Accepting work: one transaction decides (on PostgreSQL, a synthesis one statement), so a refused request leaves
nothing behind. Each test runs on SQLite and on the machine's PostgreSQL."""

import secrets

import pytest
from sqlalchemy import event, func, select

from soundclone.api.auth import KeyCache, RequestCounter
from soundclone.api.state import ApiState
from soundclone.core import submission
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.pricing import PricePlan
from soundclone.domain.requests import SpeechRequest
from soundclone.domain.tasks import TaskKind
from soundclone.domain.text import Speech
from soundclone.store import accounts, tasks, voices
from soundclone.store.db import make_engine, make_sessionmaker, transaction
from soundclone.store.models import LedgerEntry, RateWindow, Task, Voice
from soundclone.store.queue import create_queue
from tests.conftest import fresh_postgres_database, make_customer


@pytest.fixture(scope="module")
def postgres_sessions():
    """One database for the module: every test makes accounts of its own."""
    with fresh_postgres_database() as url:
        engine = make_engine(url)
        yield make_sessionmaker(engine)
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, sessions):
    return sessions if request.param == "sqlite" else request.getfixturevalue("postgres_sessions")


def make_state(settings, sessions, clock):
    queue = create_queue(settings)
    return ApiState(settings=settings, sessions=sessions, queue=queue, blobs=None, signer=None, clock=clock,
                    keys=KeyCache(queue.bus, 0), requests=RequestCounter(1.0))


@pytest.fixture
def state(settings, db, clock):
    return make_state(settings, db, clock)


def speech(voice: str = "jm_kumo", characters: int = 5) -> SpeechRequest:
    return SpeechRequest(voice=voice, script=(Speech("Hello"),), text="Hello", characters=characters)


def key_id_of(sessions, customer) -> int:
    with transaction(sessions) as session:
        return accounts.active_key(session, key=customer.key).id


def submit(state, customer, key_id, request, plan=PricePlan.MINIMAX_SPEECH):
    return submission.submit_speech(state, account_id=customer.account_id, key_id=key_id, kind=TaskKind.SPEECH,
                                    request=request, plan=plan, voice_field="voice_setting.voice_id")


def test_a_refused_debit_spends_no_characters_of_the_minute(state, db, clock):
    poor = make_customer(db, balance=1, now=clock())
    key_id = key_id_of(db, poor)
    with pytest.raises(ServiceError) as caught:
        submit(state, poor, key_id, speech(characters=5_000))
    assert caught.value.kind is ErrorKind.INSUFFICIENT_BALANCE
    with transaction(db) as session:
        counted = session.execute(select(RateWindow.characters).where(RateWindow.key_id == key_id)).scalars().all()
        assert sum(counted) == 0
        assert tasks.count_in_flight(session, account_id=poor.account_id) == 0


def test_the_accounts_own_clone_comes_before_a_system_voice_of_the_same_name(state, db, clock):
    customer = make_customer(db, balance=10**9, now=clock())
    with transaction(db) as session:
        voices.create_voice(session, voice_id="model_" + "a" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_x", now=clock(), name="af_heart")
    for _use in ("first (the voice becomes permanent)", "again"):
        mine = submit(state, customer, key_id_of(db, customer), speech("af_heart"))
        assert mine.request["voice"] == {"kind": "clone", "id": "model_" + "a" * 32, "profile_key": "voices/x.profile",
                                         "quality": "refined"}
    stranger = make_customer(db, balance=10**9, now=clock())
    theirs = submit(state, stranger, key_id_of(db, stranger), speech("af_heart"))
    assert theirs.request["voice"] == {"kind": "system", "id": "af_heart", "profile_key": None, "quality": None}


def test_an_unknown_voice_is_not_found_under_the_field_the_dialect_named(state, db, clock):
    customer = make_customer(db, balance=10**9, now=clock())
    with pytest.raises(ServiceError) as caught:
        submit(state, customer, key_id_of(db, customer), speech("Nobody0001"))
    assert caught.value.kind is ErrorKind.VOICE_NOT_FOUND and caught.value.field == "voice_setting.voice_id"


def rows_of(sessions, account_id: int) -> dict:
    """What a submit leaves: the balance, the ledger, the task rows and the characters counted."""
    with transaction(sessions) as session:
        ledger = session.execute(select(LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.detail)
                                 .where(LedgerEntry.account_id == account_id, LedgerEntry.kind != "topup")).all()
        rows = session.execute(select(Task.kind, Task.status, Task.request, Task.cost, Task.attempts, Task.number,
                                      Task.request_id, Task.due_at, Task.created_at, Task.result, Task.mark_id)
                               .where(Task.account_id == account_id)).all()
        characters = session.execute(select(func.coalesce(func.sum(RateWindow.characters), 0))
                                     .join(accounts.ApiKey, accounts.ApiKey.id == RateWindow.key_id)
                                     .where(accounts.ApiKey.account_id == account_id)).scalar_one()
        return {"balance": accounts.balance(session, account_id=account_id), "ledger": [tuple(r) for r in ledger],
                "tasks": [(*r[:7], r[7] - r[8], *r[9:]) for r in rows], "characters": characters}


@pytest.mark.parametrize("plan", [PricePlan.MINIMAX_SPEECH, PricePlan.SOUNDCLONE_AUDIO])   # counts characters or not
def test_both_databases_accept_a_synthesis_into_the_same_rows(settings, sessions, postgres_sessions, clock, plan):
    """PostgreSQL's one-statement acceptance writes what SQLite's transaction writes."""
    left, numbers = {}, {"sqlite": secrets.randbits(48), "postgresql": secrets.randbits(48)}   # unique per database
    for name, database in (("sqlite", sessions), ("postgresql", postgres_sessions)):
        customer = make_customer(database, balance=10**9, now=clock())
        task = submission.submit_speech(
            make_state(settings, database, clock), account_id=customer.account_id,
            key_id=key_id_of(database, customer), kind=TaskKind.SPEECH, request=speech(characters=321),
            plan=plan, voice_field="voice_setting.voice_id", number=numbers[name])
        assert task.status == "queued" and task.cost > 0
        left[name] = rows_of(database, customer.account_id)
    sqlite, postgresql = left["sqlite"], left["postgresql"]
    assert postgresql["tasks"][0][5] == numbers["postgresql"]
    postgresql["tasks"] = [row[:5] + (numbers["sqlite"],) + row[6:] for row in postgresql["tasks"]]
    assert sqlite == postgresql
    assert sqlite["characters"] == (321 if plan.counts_characters else 0)
    assert len(sqlite["ledger"]) == 1 and sqlite["ledger"][0][1] == -sqlite["tasks"][0][3]


def statements_of(sessions, action) -> list[str]:
    """The first word of each statement `action` sends."""
    statements = []
    engine = sessions.kw["bind"]
    listen = lambda _c, _cursor, statement, *_rest: statements.append(statement.split()[0])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return statements


def test_on_postgresql_a_synthesis_costs_one_statement_and_no_transaction(settings, postgres_sessions, clock):
    """With a system voice, one statement for the voice's check, the limits, the debit, the ledger and the task
    (in an open minute)."""
    state = make_state(settings, postgres_sessions, clock)
    customer = make_customer(postgres_sessions, balance=10**9, now=clock())
    key_id = key_id_of(postgres_sessions, customer)
    submit(state, customer, key_id, speech())             # opens the key's minute
    assert statements_of(postgres_sessions, lambda: submit(state, customer, key_id, speech())) == ["WITH"]
    assert rows_of(postgres_sessions, customer.account_id)["characters"] == 10


def test_on_postgresql_a_used_clone_is_looked_up_once_then_accepted_in_one_statement(settings, postgres_sessions,
                                                                                      clock):
    state = make_state(settings, postgres_sessions, clock)
    customer = make_customer(postgres_sessions, balance=10**9, now=clock())
    key_id = key_id_of(postgres_sessions, customer)
    with transaction(postgres_sessions) as session:
        voices.create_voice(session, voice_id="model_" + "c" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/z.profile", source_task_id="audio_z", now=clock(), name="UsedVoice01")
    submit(state, customer, key_id, speech("UsedVoice01"))    # its first use: the ordinary transaction
    again = []
    assert statements_of(postgres_sessions, lambda: again.append(submit(state, customer, key_id,
                                                                        speech("UsedVoice01")))) == ["SELECT", "WITH"]
    assert again[0].request["voice"]["id"] == "model_" + "c" * 32


@pytest.mark.parametrize(("limit", "plan"), [("in flight", PricePlan.MINIMAX_SPEECH), ("characters", PricePlan.MINIMAX_SPEECH),
                                             ("balance", PricePlan.MINIMAX_SPEECH), ("in flight", PricePlan.SOUNDCLONE_AUDIO),
                                             ("balance", PricePlan.SOUNDCLONE_AUDIO)])
def test_a_refusal_writes_nothing_and_names_the_limit(settings, db, clock, limit, plan):
    tight = settings.model_copy(update={"max_tasks_in_flight": 2, "characters_per_minute": 12})
    state = make_state(tight, db, clock)
    customer = make_customer(db, balance=10**9, now=clock())
    key_id = key_id_of(db, customer)
    submit(state, customer, key_id, speech(characters=5), plan)
    if limit == "in flight":
        submit(state, customer, key_id, speech(characters=5), plan)
        request, expected = speech(characters=1), ErrorKind.RATE_LIMITED
    elif limit == "characters":
        request, expected = speech(characters=8), ErrorKind.CHARACTER_RATE_LIMITED
    else:
        with transaction(db) as session:
            accounts.debit(session, account_id=customer.account_id, task_id=None, amount=
                           accounts.balance(session, account_id=customer.account_id) - 1, detail={}, now=clock())
        request, expected = speech(characters=5), ErrorKind.INSUFFICIENT_BALANCE
    before = rows_of(db, customer.account_id)
    with pytest.raises(ServiceError) as caught:
        submit(state, customer, key_id, request, plan)
    assert caught.value.kind is expected
    assert rows_of(db, customer.account_id) == before


def test_a_new_minute_is_opened_and_counted_once(state, db, clock):
    customer = make_customer(db, balance=10**9, now=clock())
    key_id = key_id_of(db, customer)
    submit(state, customer, key_id, speech(characters=5))
    clock.advance(seconds=60)
    submit(state, customer, key_id, speech(characters=7))
    with transaction(db) as session:
        counted = session.execute(select(RateWindow.characters).where(RateWindow.key_id == key_id)
                                  .order_by(RateWindow.window_start)).scalars().all()
    assert counted == [5, 7]


def test_a_clones_first_use_makes_it_permanent_and_it_speaks_again(state, db, clock):
    customer = make_customer(db, balance=10**9, now=clock())
    key_id = key_id_of(db, customer)
    with transaction(db) as session:
        voices.create_voice(session, voice_id="model_" + "b" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/y.profile", source_task_id="audio_y", now=clock(), name="MyVoice001")
    first = submit(state, customer, key_id, speech("MyVoice001"))
    second = submit(state, customer, key_id, speech("MyVoice001"))
    with transaction(db) as session:
        assert session.get(Voice, "model_" + "b" * 32).permanent
    assert first.cost > second.cost       # the first use pays for the voice
    assert second.request["voice"]["kind"] == "clone"


def test_concurrent_submits_near_the_limits_are_paid_and_counted_exactly(settings, db, clock):
    """Twelve submits at once for one key and account, room for only some of them (characters, balance): every
    accepted task is debited and counted once, every refused one leaves nothing."""
    from concurrent.futures import ThreadPoolExecutor

    tight = settings.model_copy(update={"characters_per_minute": 25})     # the first and four more
    state = make_state(tight, db, clock)
    customer = make_customer(db, balance=10**9, now=clock())
    key_id = key_id_of(db, customer)
    first = submit(state, customer, key_id, speech(characters=5))      # opens the minute; its cost prices the rest
    with transaction(db) as session:
        accounts.debit(session, account_id=customer.account_id, task_id=None, detail={}, now=clock(),
                       amount=accounts.balance(session, account_id=customer.account_id) - 3 * first.cost)   # three more

    def attempt(_):
        try:
            return submit(state, customer, key_id, speech(characters=5)).cost
        except ServiceError as error:
            return error.kind

    with ThreadPoolExecutor(12) as pool:
        outcomes = list(pool.map(attempt, range(12)))
    accepted = [o for o in outcomes if isinstance(o, int)]
    assert len(accepted) == 3 and all(o in (ErrorKind.INSUFFICIENT_BALANCE, ErrorKind.CHARACTER_RATE_LIMITED)
                                      for o in outcomes if not isinstance(o, int))
    after = rows_of(db, customer.account_id)
    assert after["balance"] == 0 and after["characters"] == 5 * (1 + len(accepted))
    assert len(after["tasks"]) == 1 + len(accepted) and len(after["ledger"]) == 2 + len(accepted)
