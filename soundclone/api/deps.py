"""Dependencies shared by every dialect: the API state and the calling account."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from soundclone.api.state import ApiState
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.store import accounts
from soundclone.store.db import transaction
from soundclone.store.models import Account

BEARER = "bearer"


def get_state(request: Request) -> ApiState:
    return request.app.state.soundclone


StateDep = Annotated[ApiState, Depends(get_state)]


def get_account(request: Request, state: StateDep) -> Account:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != BEARER or not key.strip():
        raise ServiceError(ErrorKind.UNAUTHORIZED, "missing API key: send the header 'Authorization: Bearer <key>'")
    with transaction(state.sessions) as session:
        account = accounts.account_for_key(session, key=key.strip())
    if account is None:
        raise ServiceError(ErrorKind.UNAUTHORIZED, "invalid or revoked API key")
    return account


AccountDep = Annotated[Account, Depends(get_account)]
