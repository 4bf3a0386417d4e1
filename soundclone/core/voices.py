"""Which voice a name means for an account, and using a cloned voice: the one owner of both rules.

A name is the account's own clone first (by its id or its caller-chosen name: a clone may predate a system voice
of the same name), then a system voice, by its id or by an alias the dialect knows it by (MiniMax's documented
voice ids); anything else, including another account's clone, is "not found".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy.orm import Session

from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.records import VoiceRef
from soundclone.domain.system_voices import system_voice_ids
from soundclone.domain.voices import VoiceClock, first_use
from soundclone.store import voices
from soundclone.store.db import Statements
from soundclone.store.models import Voice

CLONE, SYSTEM, NAMED = "clone", "system", "named"


NO_ALIASES: Mapping[str, str] = MappingProxyType({})


def resolve(session: Statements, *, account_id: int, name: str, engine: str, field: str,
            aliases: Mapping[str, str] = NO_ALIASES) -> VoiceRef:
    own = voices.voice_for_account(session, voice_id=name, account_id=account_id)
    return _ref_of(own, name=name, engine=engine, field=field, aliases=aliases)


def resolve_for_use(session: Statements, *, account_id: int, name: str, engine: str, field: str, now: datetime,
                    aliases: Mapping[str, str] = NO_ALIASES) -> tuple[VoiceRef, bool]:
    """`resolve`, and whether speaking now would be a clone's first use (which makes it permanent and pays for it;
    an expired draft clone is refused here), from one look-up of the clone's row. Nothing is written."""
    own = voices.voice_for_account(session, voice_id=name, account_id=account_id)
    ref = _ref_of(own, name=name, engine=engine, field=field, aliases=aliases)
    return ref, own is not None and _first_use_of(own, name=name, now=now, field=field)


def _ref_of(own: Voice | None, *, name: str, engine: str, field: str, aliases: Mapping[str, str]) -> VoiceRef:
    if own is not None:
        return VoiceRef(CLONE, own.id, own.profile_key, own.quality)
    system = aliases.get(name, name)
    if system in system_voice_ids(engine):
        return VoiceRef(SYSTEM, system)
    raise ServiceError(ErrorKind.VOICE_NOT_FOUND, f"voice {name} not found", field=field)


def system_voice_unless_cloned(name: str, *, engine: str, aliases: Mapping[str, str] = NO_ALIASES) -> VoiceRef | None:
    """The system voice `name` means when the account has no live clone by that id or name (`resolve` without its
    look-up); None when it names no system voice. The caller must make sure there is no such clone, as the
    statement that accepts a synthesis on PostgreSQL does (store/acceptance.py, `unless_voice_named`)."""
    system = aliases.get(name, name)
    return VoiceRef(SYSTEM, system) if system in system_voice_ids(engine) else None


def use(session: Statements, *, account_id: int, name: str, engine: str, field: str, now: datetime,
        aliases: Mapping[str, str] = NO_ALIASES) -> tuple[VoiceRef, bool]:
    """The voice a synthesis speaks with (`resolve`), checked it can speak now, a clone made permanent; with True on
    a clone's first use."""
    ref, first = resolve_for_use(session, account_id=account_id, name=name, engine=engine, field=field, now=now,
                                 aliases=aliases)
    if ref.kind != SYSTEM:
        voices.make_permanent(session, voice_id=ref.id)
    return ref, first


def _first_use_of(voice: Voice, *, name: str, now: datetime, field: str) -> bool:
    clock = VoiceClock(voice.created_at, voice.permanent, timedelta(days=voice.lifetime_days))
    return first_use(clock, now, voice_name=name, days=voice.lifetime_days, field=field)


def clone_to_speak(session: Session, *, account_id: int, ref: VoiceRef, engine: str) -> Voice | None:
    """The voice row a task speaks with when it runs: None for a system voice; NOT FOUND once it is gone.
    (The profile to load is `ref.profile_key` when the task recorded one: what the API said it would use.)"""
    if ref.kind == NAMED:   # a task accepted before voices were resolved at submission
        ref = resolve(session, account_id=account_id, name=ref.id, engine=engine, field="voice")
    if ref.kind == SYSTEM:
        return None
    voice = voices.voice_for_account(session, voice_id=ref.id, account_id=account_id)
    if voice is None:
        raise ServiceError(ErrorKind.VOICE_NOT_FOUND, f"voice {ref.id} no longer exists")
    return voice


def check_new_name(session: Session, *, account_id: int, name: str, engine: str, field: str,
                   aliases: Mapping[str, str] = NO_ALIASES) -> None:
    """A caller-chosen voice id must be new in the account (deleted ones included) and not a system voice's."""
    if name in system_voice_ids(engine) or name in aliases:
        raise ServiceError(ErrorKind.DUPLICATE_VOICE, f"{field} {name} already exists (a system voice)", field=field)
    if voices.name_taken(session, account_id=account_id, name=name):
        raise ServiceError(ErrorKind.DUPLICATE_VOICE, f"{field} {name} already exists", field=field)
