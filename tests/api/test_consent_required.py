"""An operator may require a verified consent for every clone: then the SoundClone and MiniMax dialects refuse a
clone without one, naming their own field and how to make a consent; a named consent must be the caller's."""

import pytest
from fastapi.testclient import TestClient

from soundclone.api.app import create_app
from soundclone.store import consents, tasks
from soundclone.store.db import transaction
from tests.api.test_minimax import clip, upload
from tests.conftest import make_customer

FOREIGN = "cons_" + "f" * 32


@pytest.fixture
def strict_client(settings, sessions, clock, queue):
    strict = settings.model_copy(update={"require_consent": True})
    with TestClient(create_app(strict, clock=clock, queue=queue)) as client:
        yield client


@pytest.fixture
def strangers_consent(sessions, clock):
    stranger = make_customer(sessions, balance=0, now=clock())
    with transaction(sessions) as session:
        consents.create_consent(session, consent_id=FOREIGN, account_id=stranger.account_id, name="Not yours",
                                language="en", phrase="p", transcript="p", phrase_distance=0.0, voice_print={},
                                recording_key="k", recording_sha256="0" * 64, task_id="audio_foreign", now=clock())
    return FOREIGN


def no_tasks(sessions, customer) -> bool:
    with transaction(sessions) as session:
        return tasks.count_in_flight(session, account_id=customer.account_id) == 0


def test_soundclone_clones_need_a_consent_when_the_operator_requires_it(strict_client, sessions, customer):
    response = strict_client.post("/api/open-api/v1/soundCloning/clones", headers=customer.headers,
                                  json={"fileUrl": "https://example.com/voice.mp3"})
    assert response.status_code == 400
    assert "consentId" in response.json()["msg"] and "/v1/audio/voice_consents" in response.json()["msg"]
    assert no_tasks(sessions, customer)


def test_minimax_clones_need_a_consent_when_the_operator_requires_it(strict_client, sessions, customer):
    file_id = upload(strict_client, customer, "voice_clone", "me.wav", clip(12)).json()["file"]["file_id"]
    body = strict_client.post("/v1/voice_clone", headers=customer.headers,
                              json={"file_id": file_id, "voice_id": "Narrator01"}).json()
    assert body["base_resp"]["status_code"] == 2013 and "consent_id" in body["base_resp"]["status_msg"]
    assert no_tasks(sessions, customer)


def test_a_consent_must_be_well_formed_and_the_callers(client, sessions, customer, strangers_consent):
    malformed = client.post("/api/open-api/v1/soundCloning/clones", headers=customer.headers,
                            json={"fileUrl": "https://example.com/voice.mp3", "consentId": "yes please"})
    assert malformed.status_code == 400 and "consentId" in malformed.json()["msg"]
    foreign = client.post("/api/open-api/v1/soundCloning/clones", headers=customer.headers,
                          json={"fileUrl": "https://example.com/voice.mp3", "consentId": strangers_consent})
    assert foreign.status_code == 400 and "not found" in foreign.json()["msg"]
    file_id = upload(client, customer, "voice_clone", "me.wav", clip(12)).json()["file"]["file_id"]
    body = client.post("/v1/voice_clone", headers=customer.headers,
                       json={"file_id": file_id, "voice_id": "Narrator01", "consent_id": strangers_consent}).json()
    assert body["base_resp"]["status_code"] == 2013 and "not found" in body["base_resp"]["status_msg"]
    assert no_tasks(sessions, customer)


def test_without_the_requirement_a_clone_needs_no_consent(client, sessions, customer):
    response = client.post("/api/open-api/v1/soundCloning/clones", headers=customer.headers,
                           json={"fileUrl": "https://example.com/voice.mp3"})
    assert response.json()["code"] == 20000 and not no_tasks(sessions, customer)   # SoundClone success
