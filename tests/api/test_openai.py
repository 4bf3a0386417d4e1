"""The OpenAI dialect's checks, errors and objects through the real app and the official SDK (strict), without
a worker: what needs synthesis runs in tests/integration/test_openai_end_to_end.py."""

import pytest
from openai import OpenAI

import openai
from soundclone.domain import consent as consent_rules
from soundclone.store import consents, voices
from soundclone.store.db import transaction
from tests.conftest import make_customer

SPEECH = {"model": "gpt-4o-mini-tts", "input": "Hello.", "voice": "alloy"}


@pytest.fixture
def sdk(client, customer):
    return OpenAI(base_url="http://testserver/v1", api_key=customer.key, http_client=client,
                  _strict_response_validation=True, max_retries=0)


def error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert set(body) == {"message", "type", "param", "code"} and body["message"]
    return body


def add_consent(sessions, customer, clock, index: int) -> str:
    consent_id = f"cons_{index:032x}"
    with transaction(sessions) as session:
        consents.create_consent(session, consent_id=consent_id, account_id=customer.account_id, name=f"c{index}",
                                language="en-US", phrase="p", transcript="p", phrase_distance=0.0, voice_print={},
                                recording_key="uploads/1.bin", recording_sha256="0" * 64, task_id=f"audio_{index}",
                                now=clock())
    clock.advance(seconds=1)
    return consent_id


def test_a_missing_key_is_an_authentication_error(client):
    body = error(client.post("/v1/audio/speech", json=SPEECH), 401)
    assert body["type"] == "authentication_error" and body["code"] == "invalid_api_key"


@pytest.mark.parametrize("override, param", [
    ({"model": "tts-2"}, "model"), ({"input": ""}, "input"), ({"input": "a" * 4097}, "input"),
    ({"speed": 4.5}, "speed"), ({"speed": 0.2}, "speed"), ({"response_format": "ogg"}, "response_format"),
    ({"model": "tts-1", "stream_format": "sse"}, "stream_format"), ({"voice": "Nobody0001"}, "voice"),
    ({"voice": {"id": "model_" + "f" * 32}}, "voice"), ({"language": "Klingon"}, "language"),
    ({"input": "hello <#1#>"}, "input"),
])
def test_speech_checks_name_their_param(client, customer, override, param):
    body = error(client.post("/v1/audio/speech", json={**SPEECH, **override}, headers=customer.headers), 400)
    assert body["param"] == param and body["type"] == "invalid_request_error"


def test_no_balance_is_insufficient_quota_that_is_not_retried(client, sessions, clock):
    poor = make_customer(sessions, balance=0, now=clock())
    response = client.post("/v1/audio/speech", json=SPEECH, headers=poor.headers)
    assert error(response, 429)["code"] == "insufficient_quota" and response.headers["x-should-retry"] == "false"


def test_a_rate_limit_says_when_to_come_back(settings, sessions, clock, queue):
    from fastapi.testclient import TestClient

    from soundclone.api.app import create_app

    customer = make_customer(sessions, balance=10**9, now=clock())
    strict = settings.model_copy(update={"rate_limit_per_minute": 1})
    with TestClient(create_app(strict, clock=clock, queue=queue)) as limited:
        limited.get("/v1/audio/voice_consents", headers=customer.headers)
        response = limited.get("/v1/audio/voice_consents", headers=customer.headers)
    assert error(response, 429)["code"] == "rate_limit_exceeded" and 1 <= int(response.headers["retry-after"]) <= 60


def test_consent_phrases_are_published_with_the_operators_name(client, settings):
    listed = client.get("/v1/audio/consent_phrases").json()
    assert {item["language"] for item in listed["data"]} == set(consent_rules.LANGUAGES)
    one = client.get("/v1/audio/consent_phrases", params={"language": "en-US"}).json()
    assert one == {"language": "en-US", "phrase": consent_rules.phrase("en", settings.operator_name)}
    assert settings.operator_name in one["phrase"]
    assert error(client.get("/v1/audio/consent_phrases", params={"language": "xx"}), 400)["param"] == "language"


def test_consent_uploads_are_checked_before_anything_is_kept(client, customer):
    def post(**fields):
        files = {"recording": ("r.wav", fields.pop("recording", b"RIFF"))}
        data = {"language": "en-US", "name": "Jane", **fields}
        return client.post("/v1/audio/voice_consents", data=data, files=files, headers=customer.headers)

    assert error(post(language="tlh"), 400)["param"] == "language"
    assert error(post(name="  "), 400)["param"] == "name"
    assert error(post(recording=b""), 400)["param"] == "recording"
    assert error(post(recording=b"0" * (10 * 1024 * 1024 + 1)), 400)["param"] == "recording"


def test_prompt_voices_are_refused_clearly(sdk):
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.audio.voices.create(name="Designed", prompt="a warm narrator", type="prompt")
    assert caught.value.body["param"] == "type" and "audio_sample" in caught.value.body["message"]


def test_consents_list_page_by_page_and_rename(sdk, sessions, customer, clock):
    made = [add_consent(sessions, customer, clock, index) for index in range(1, 4)]
    first = sdk.audio.voice_consents.list(limit=2)
    assert [c.id for c in first.data] == made[::-1][:2] and first.has_more
    assert [c.id for c in sdk.audio.voice_consents.list(limit=2)] == made[::-1]   # the SDK's pager follows `after`
    assert sdk.audio.voice_consents.update(made[0], name="Jane").name == "Jane"
    assert sdk.audio.voice_consents.retrieve(made[0]).name == "Jane"


def test_a_consent_in_use_is_kept_until_its_voices_are_gone(sdk, sessions, customer, clock):
    consent_id = add_consent(sessions, customer, clock, 7)
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id="model_" + "7" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_v", now=clock(), label="Jane",
                            consent_id=consent_id, permanent=True, lifetime_days=0)
    with pytest.raises(openai.ConflictError) as caught:
        sdk.audio.voice_consents.delete(consent_id)
    assert "model_" + "7" * 32 in caught.value.body["message"]
    voice = sdk.audio.voices.delete("model_" + "7" * 32)
    assert voice.deleted
    assert sdk.audio.voice_consents.delete(consent_id).deleted
    with pytest.raises(openai.NotFoundError):
        sdk.audio.voice_consents.retrieve(consent_id)
    with transaction(sessions) as session:   # the record stays, for whoever must later show the consent
        assert session.get(consents.Consent, consent_id).deleted_at is not None


def test_voices_list_and_retrieve_as_extensions(client, sessions, customer, clock):
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id="model_" + "8" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_w", now=clock(), label="Mine")
    listed = client.get("/v1/audio/voices", headers=customer.headers).json()
    assert [v["name"] for v in listed["data"]] == ["Mine"] and listed["has_more"] is False
    one = client.get(f"/v1/audio/voices/{'model_' + '8' * 32}", headers=customer.headers).json()
    assert one["object"] == "audio.voice" and one["type"] == "audio_sample"
