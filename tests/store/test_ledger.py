from datetime import datetime, timezone

import pytest

from soundclone.store import accounts
from soundclone.store.db import transaction
from tests.conftest import make_customer

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_debit_is_refused_when_the_balance_does_not_cover_it(sessions):
    customer = make_customer(sessions, balance=100)
    with pytest.raises(accounts.InsufficientBalance):
        with transaction(sessions) as session:
            accounts.debit(session, account_id=customer.account_id, task_id="t1", amount=101, detail={}, now=NOW)
    with transaction(sessions) as session:
        assert accounts.balance(session, account_id=customer.account_id) == 100
        assert accounts.ledger_for_task(session, task_id="t1") == []


def test_refund_happens_once(sessions):
    customer = make_customer(sessions, balance=100)
    with transaction(sessions) as session:
        accounts.debit(session, account_id=customer.account_id, task_id="t1", amount=60, detail={}, now=NOW)
    for expected in (True, False, False):
        with transaction(sessions) as session:
            assert accounts.refund(session, account_id=customer.account_id, task_id="t1", amount=60, now=NOW) is expected
    with transaction(sessions) as session:
        assert accounts.balance(session, account_id=customer.account_id) == 100
        assert [(e.kind, e.amount) for e in accounts.ledger_for_task(session, task_id="t1")] == [("debit", -60), ("refund", 60)]


def test_keys_are_stored_hashed_and_revocable(sessions):
    customer = make_customer(sessions, balance=0)
    with transaction(sessions) as session:
        stored = accounts.list_keys(session, account_id=customer.account_id)
        assert customer.key not in {k.key_hash for k in stored} and stored[0].key_hash == accounts.hash_key(customer.key)
        assert accounts.account_for_key(session, key=customer.key).id == customer.account_id
        assert accounts.revoke_key(session, prefix=stored[0].prefix, now=NOW) == 1
    with transaction(sessions) as session:
        assert accounts.account_for_key(session, key=customer.key) is None


def test_top_up_must_be_positive(sessions):
    customer = make_customer(sessions, balance=0)
    with pytest.raises(ValueError), transaction(sessions) as session:
        accounts.top_up(session, account_id=customer.account_id, amount=0, now=NOW)
