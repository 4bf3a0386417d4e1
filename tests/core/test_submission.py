"""Accepting work: one transaction decides, so a refused request leaves nothing behind."""

import pytest
from sqlalchemy import select

from soundclone.api.auth import KeyCache, RequestCounter
from soundclone.api.state import ApiState
from soundclone.core import submission
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.domain.pricing import PricePlan
from soundclone.domain.requests import SpeechRequest
from soundclone.domain.tasks import TaskKind
from soundclone.domain.text import Speech
from soundclone.store import accounts, tasks, voices
from soundclone.store.db import transaction
from soundclone.store.models import RateWindow
from soundclone.store.queue import create_queue
from tests.conftest import make_customer


@pytest.fixture
def state(settings, sessions, clock):
    queue = create_queue(settings)
    return ApiState(settings=settings, sessions=sessions, queue=queue, blobs=None, signer=None, clock=clock,
                    keys=KeyCache(queue.bus, 0), requests=RequestCounter(1.0))


def speech(voice: str = "jm_kumo", characters: int = 5) -> SpeechRequest:
    return SpeechRequest(voice=voice, script=(Speech("Hello"),), text="Hello", characters=characters)


def key_id_of(sessions, customer) -> int:
    with transaction(sessions) as session:
        return accounts.active_key(session, key=customer.key).id


def submit(state, customer, key_id, request, plan=PricePlan.MINIMAX_SPEECH):
    return submission.submit_speech(state, account_id=customer.account_id, key_id=key_id, kind=TaskKind.SPEECH,
                                    request=request, plan=plan, voice_field="voice_setting.voice_id")


def test_a_refused_debit_spends_no_characters_of_the_minute(state, sessions, clock):
    poor = make_customer(sessions, balance=1, now=clock())
    key_id = key_id_of(sessions, poor)
    with pytest.raises(ServiceError) as caught:
        submit(state, poor, key_id, speech(characters=5_000))
    assert caught.value.kind is ErrorKind.INSUFFICIENT_BALANCE
    with transaction(sessions) as session:
        counted = session.execute(select(RateWindow.characters).where(RateWindow.key_id == key_id)).scalars().all()
        assert sum(counted) == 0
        assert tasks.count_in_flight(session, account_id=poor.account_id) == 0


def test_the_accounts_own_clone_comes_before_a_system_voice_of_the_same_name(state, sessions, clock):
    customer = make_customer(sessions, balance=10**9, now=clock())
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id="model_" + "a" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_x", now=clock(), name="af_heart")
    mine = submit(state, customer, key_id_of(sessions, customer), speech("af_heart"))
    assert mine.request["voice"] == {"kind": "clone", "id": "model_" + "a" * 32, "profile_key": "voices/x.profile",
                                     "quality": "refined"}
    stranger = make_customer(sessions, balance=10**9, now=clock())
    theirs = submit(state, stranger, key_id_of(sessions, stranger), speech("af_heart"))
    assert theirs.request["voice"] == {"kind": "system", "id": "af_heart", "profile_key": None, "quality": None}


def test_an_unknown_voice_is_not_found_under_the_field_the_dialect_named(state, sessions, clock):
    customer = make_customer(sessions, balance=10**9, now=clock())
    with pytest.raises(ServiceError) as caught:
        submit(state, customer, key_id_of(sessions, customer), speech("Nobody0001"))
    assert caught.value.kind is ErrorKind.VOICE_NOT_FOUND and caught.value.field == "voice_setting.voice_id"
