"""Accounts, API keys and the ledger. Every money move is one conditional statement plus a ledger row."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from soundclone.store.db import Statements, core
from soundclone.store.models import Account, ApiKey, LedgerEntry

KEY_PREFIX = "sk_"
KEY_DISPLAY_CHARS = 10
DEBIT, REFUND, TOPUP = "debit", "refund", "topup"


@dataclass(frozen=True)
class NewKey:
    account_id: int
    key: str          # shown once, never stored
    prefix: str


class InsufficientBalance(Exception):
    pass


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_account(session: Session, *, name: str, now: datetime) -> Account:
    account = Account(name=name, balance=0, created_at=now)
    session.add(account)
    session.flush()
    return account


def create_key(session: Session, *, account_id: int, now: datetime) -> NewKey:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = key[:KEY_DISPLAY_CHARS]
    session.add(ApiKey(account_id=account_id, prefix=prefix, key_hash=hash_key(key), created_at=now))
    session.flush()
    return NewKey(account_id=account_id, key=key, prefix=prefix)


def active_key(session: Session, *, key: str) -> ApiKey | None:
    """The unrevoked key row for a presented key (looked up by its hash), or None."""
    return session.execute(
        select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    ).scalar_one_or_none()


def account_for_key(session: Session, *, key: str) -> Account | None:
    row = active_key(session, key=key)
    return None if row is None else session.get(Account, row.account_id)


def revoke_key(session: Session, *, prefix: str, now: datetime) -> int:
    result = session.execute(
        update(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)).values(revoked_at=now)
    )
    return result.rowcount


def list_keys(session: Session, *, account_id: int) -> list[ApiKey]:
    return list(session.execute(select(ApiKey).where(ApiKey.account_id == account_id)).scalars())


def get_account(session: Session, *, account_id: int) -> Account:
    return session.get(Account, account_id)


def set_clone_enabled(session: Session, *, account_id: int, enabled: bool) -> None:
    session.execute(update(Account).where(Account.id == account_id).values(clone_enabled=enabled))


def count_accounts(session: Session) -> int:
    return len(session.execute(select(Account.id)).all())


def balance(session: Statements, *, account_id: int) -> int:
    return session.execute(select(Account.balance).where(Account.id == account_id)).scalar_one()


def top_up(session: Session, *, account_id: int, amount: int, now: datetime) -> int:
    if amount <= 0:
        raise ValueError("a top-up amount must be a positive integer of micro-units")
    session.execute(update(Account).where(Account.id == account_id).values(balance=Account.balance + amount))
    session.add(LedgerEntry(account_id=account_id, task_id=None, kind=TOPUP, amount=amount, detail={}, created_at=now))
    session.flush()
    return balance(session, account_id=account_id)


_DEBIT = (update(Account).where(Account.id == bindparam("account"), Account.balance >= bindparam("amount"))
          .values(balance=Account.balance - bindparam("amount")))
_LEDGER_ENTRY = insert(LedgerEntry)


def debit(session: Statements, *, account_id: int, task_id: str, amount: int, detail: dict, now: datetime) -> None:
    """Take `amount` if the balance covers it, in the caller's transaction; else InsufficientBalance. (Core
    statements built once: every submit runs them.)"""
    connection = core(session)
    if connection.execute(_DEBIT, {"account": account_id, "amount": amount}).rowcount != 1:
        raise InsufficientBalance()
    connection.execute(_LEDGER_ENTRY, {"account_id": account_id, "task_id": task_id, "kind": DEBIT, "amount": -amount,
                                       "detail": detail, "created_at": now})


def refund(session: Session, *, account_id: int, task_id: str, amount: int, now: datetime) -> bool:
    """Give back a task's charge once; a second call changes nothing and returns False."""
    try:
        with session.begin_nested():
            session.add(LedgerEntry(account_id=account_id, task_id=task_id, kind=REFUND, amount=amount, detail={}, created_at=now))
            session.flush()
    except IntegrityError:
        return False
    session.execute(update(Account).where(Account.id == account_id).values(balance=Account.balance + amount))
    return True


def ledger_for_task(session: Session, *, task_id: str) -> list[LedgerEntry]:
    return list(session.execute(select(LedgerEntry).where(LedgerEntry.task_id == task_id).order_by(LedgerEntry.id)).scalars())


def recent_ledger(session: Session, *, account_id: int, limit: int) -> list[LedgerEntry]:
    return list(session.execute(
        select(LedgerEntry).where(LedgerEntry.account_id == account_id).order_by(LedgerEntry.id.desc()).limit(limit)
    ).scalars())
