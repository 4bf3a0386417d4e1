import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from soundclone.api.soundclone import PREFIXES
from soundclone.api.soundclone.translate import DEFAULT_PREVIEW_TEXT
from soundclone.domain.pricing import AUDIO_CHARS, AUDIO_VOICE, CLONE_CHARS, per_10k_chars
from soundclone.store import accounts, tasks, voices
from soundclone.store.db import transaction
from tests.conftest import ROOT, make_customer

CLONE = {"fileUrl": "https://example.com/voice.mp3"}


def balance(sessions, customer):
    with transaction(sessions) as session:
        return accounts.balance(session, account_id=customer.account_id)


def add_voice(sessions, customer, clock, voice_id="model_" + "a" * 32, age=timedelta(0)):
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id=voice_id, account_id=customer.account_id, engine="kokoro",
                            profile_key=f"voices/{voice_id}.profile", source_task_id=f"audio_src_{voice_id}",
                            now=clock() - age)
    return voice_id


@pytest.mark.parametrize("prefix", PREFIXES)
def test_clone_is_accepted_charged_and_queued(client, sessions, customer, settings, queue, prefix):
    before = balance(sessions, customer)
    response = client.post(f"{prefix}/soundCloning/clones", json=CLONE, headers=customer.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["code"], body["msg"]) == (20000, "ok")
    data = body["data"]
    assert data["id"].startswith("audio_") and data["object"] == "audio" and data["model"] == "soundCloningClone"
    assert data["status"] == "queued" and data["error"] is None and isinstance(data["created"], int)
    cost = per_10k_chars(settings.prices[CLONE_CHARS], len(DEFAULT_PREVIEW_TEXT))
    assert before - balance(sessions, customer) == cost
    assert queue.pending() == 1
    polled = client.get(f"{prefix}/audios/{data['id']}", headers=customer.headers).json()
    assert polled["data"]["status"] == "queued" and polled["data"]["id"] == data["id"]


def test_both_prefixes_see_the_same_task(client, customer):
    task_id = client.post(f"{PREFIXES[0]}/soundCloning/clones", json=CLONE, headers=customer.headers).json()["data"]["id"]
    views = [client.get(f"{p}/audios/{task_id}", headers=customer.headers).json() for p in PREFIXES]
    assert views[0] == views[1]


@pytest.mark.parametrize("headers, message", [({}, "missing API key"), ({"Authorization": "Bearer sk_nope"}, "invalid"),
                                               ({"Authorization": "Basic abc"}, "missing API key")])
def test_missing_or_bad_key(client, headers, message):
    response = client.post(f"{PREFIXES[0]}/soundCloning/clones", json=CLONE, headers=headers)
    assert response.status_code == 401 and response.json()["code"] == 40100 and message in response.json()["msg"]


def test_a_key_revoked_with_the_cli_stops_working_at_once(client, settings, sessions, customer):
    """The API remembers checked keys (api/auth.py); `soundclone keys revoke` tells every replica to forget them."""
    assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 404
    assert client.app.state.soundclone.keys.listening(timeout=5)
    assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 404   # remembered
    with transaction(sessions) as session:
        [key] = accounts.list_keys(session, account_id=customer.account_id)
    env = {**os.environ, "SOUNDCLONE_DATA_DIR": str(settings.data_dir)}
    revoked = subprocess.run([sys.executable, "-m", "soundclone", "keys", "revoke", key.prefix], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert revoked.returncode == 0 and "revoked 1 key" in revoked.stdout, revoked.stderr
    deadline = time.monotonic() + 1.0       # the notification crosses processes; not the cache's 30 s
    while client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code != 401:
        assert time.monotonic() < deadline, "the revoked key still works"
        time.sleep(0.02)


def test_a_revocation_whose_notification_is_lost_applies_once_the_key_is_checked_again(client, settings, sessions,
                                                                                         customer, clock):
    assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 404
    assert client.app.state.soundclone.keys.listening(timeout=5)
    assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 404   # remembered
    with transaction(sessions) as session:      # revoked in the database, nobody told
        [key] = accounts.list_keys(session, account_id=customer.account_id)
        accounts.revoke_key(session, prefix=key.prefix, now=clock())
    assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 404
    clock.advance(seconds=settings.key_cache_s)
    assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 401


@pytest.mark.parametrize("body, field", [
    ({}, "fileUrl"), ({"fileUrl": 5}, "fileUrl"), ({"fileUrl": "ftp://e.com/a.mp3"}, "fileUrl"),
    ({"fileUrl": "https://e.com/语音.mp3"}, "fileUrl"), ({"fileUrl": "https://e.com/a.pdf"}, "fileUrl"),
    ({**CLONE, "contentText": "字" * 270}, "contentText"), ({**CLONE, "contentText": "a <#0.001#> b"}, "contentText"),
    ({**CLONE, "soundVersion": "v3"}, "soundVersion"), ({**CLONE, "language": "Swedish"}, "language"),
    ({**CLONE, "language": "Elvish", "soundVersion": "v2"}, "language"),
])
def test_clone_validation_names_the_field(client, sessions, customer, body, field):
    before = balance(sessions, customer)
    response = client.post(f"{PREFIXES[0]}/soundCloning/clones", json=body, headers=customer.headers)
    assert response.status_code == 400 and response.json()["code"] == 40000
    assert field in response.json()["msg"]
    assert balance(sessions, customer) == before


def test_malformed_json_is_an_invalid_parameter(client, customer):
    response = client.post(f"{PREFIXES[0]}/soundCloning/clones", content=b"{nope", headers={**customer.headers, "Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["msg"]


def test_insufficient_balance_creates_no_task(client, sessions, clock):
    poor = make_customer(sessions, balance=1, now=clock())
    response = client.post(f"{PREFIXES[0]}/soundCloning/clones", json=CLONE, headers=poor.headers)
    assert response.status_code == 402 and response.json()["code"] == 40200
    with transaction(sessions) as session:
        assert tasks.count_in_flight(session, account_id=poor.account_id) == 0
        assert accounts.balance(session, account_id=poor.account_id) == 1


def test_audio_charges_characters_and_voice_fee_and_makes_voice_permanent(client, sessions, customer, clock, settings):
    voice_id = add_voice(sessions, customer, clock, age=timedelta(days=2))
    before = balance(sessions, customer)
    text = "Hello<#0.5#> world"
    response = client.post(f"{PREFIXES[1]}/soundCloning/audios", json={"modelId": voice_id, "contentText": text},
                           headers=customer.headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["model"] == "soundCloningAudio"
    expected = per_10k_chars(settings.prices[AUDIO_CHARS], len("Hello world")) + settings.prices[AUDIO_VOICE]
    assert before - balance(sessions, customer) == expected
    clock.advance(days=30)
    again = client.post(f"{PREFIXES[1]}/soundCloning/audios", json={"modelId": voice_id, "contentText": "again"},
                        headers=customer.headers)
    assert again.status_code == 200


def test_unused_preview_voice_expires_after_three_days(client, sessions, customer, clock):
    voice_id = add_voice(sessions, customer, clock, age=timedelta(days=3, seconds=1))
    before = balance(sessions, customer)
    response = client.post(f"{PREFIXES[0]}/soundCloning/audios", json={"modelId": voice_id, "contentText": "hi"},
                           headers=customer.headers)
    assert response.status_code == 410 and response.json()["code"] == 41000 and "expired" in response.json()["msg"]
    assert balance(sessions, customer) == before


def test_another_accounts_voice_and_task_are_not_found(client, sessions, customer, clock):
    voice_id = add_voice(sessions, customer, clock)
    task_id = client.post(f"{PREFIXES[0]}/soundCloning/clones", json=CLONE, headers=customer.headers).json()["data"]["id"]
    stranger = make_customer(sessions, balance=10_000_000, now=clock())
    response = client.post(f"{PREFIXES[0]}/soundCloning/audios", json={"modelId": voice_id, "contentText": "hi"},
                           headers=stranger.headers)
    assert response.status_code == 404 and response.json()["code"] == 40400
    missing = client.post(f"{PREFIXES[0]}/soundCloning/audios", json={"modelId": "model_" + "b" * 32, "contentText": "hi"},
                          headers=stranger.headers)
    assert missing.json()["msg"].replace("b" * 32, "") == response.json()["msg"].replace("a" * 32, "")
    assert client.get(f"{PREFIXES[0]}/audios/{task_id}", headers=stranger.headers).status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"contentText": "hi"}, "modelId"), ({"modelId": "m"}, "contentText"), ({"modelId": "m", "contentText": "a" * 10_000}, "contentText"),
    ({"modelId": "m", "contentText": "hi", "speed": 3}, "speed"), ({"modelId": "m", "contentText": "hi", "vol": 0}, "vol"),
    ({"modelId": "m", "contentText": "hi", "pitch": 1.5}, "pitch"), ({"modelId": "m", "contentText": "hi", "pitch": 13}, "pitch"),
    ({"modelId": "m", "contentText": "hi", "emotion": "bored"}, "emotion"),
    ({"modelId": "m", "contentText": "hi", "subtitleType": "line"}, "subtitleType"),
    ({"modelId": "m", "contentText": "hi", "subtitleEnable": "maybe"}, "subtitleEnable"),
    ({"modelId": "m", "contentText": "hi <#abc#>"}, "contentText"),
])
def test_audio_validation_names_the_field(client, customer, body, field):
    response = client.post(f"{PREFIXES[0]}/soundCloning/audios", json=body, headers=customer.headers)
    assert response.status_code == 400 and field in response.json()["msg"]


def test_body_size_cap(client, customer, settings):
    response = client.post(f"{PREFIXES[0]}/soundCloning/audios", headers=customer.headers,
                           json={"modelId": "m", "contentText": "a" * (settings.max_body_bytes + 10)})
    assert response.status_code == 413 and response.json()["code"] == 41300


def test_tasks_in_flight_are_capped(client, sessions, customer, settings):
    for _ in range(settings.max_tasks_in_flight):
        assert client.post(f"{PREFIXES[0]}/soundCloning/clones", json=CLONE, headers=customer.headers).status_code == 200
    response = client.post(f"{PREFIXES[0]}/soundCloning/clones", json=CLONE, headers=customer.headers)
    assert response.status_code == 429 and response.json()["code"] == 42900


def test_openapi_documents_the_error_table(client):
    description = client.get("/openapi.json").json()["info"]["description"]
    for code in ("40000", "40100", "40200", "40400", "41000", "42900", "50000"):
        assert code in description


def test_per_key_rate_limit_answers_rate_limited_and_resets(settings, sessions, clock, queue):
    from fastapi.testclient import TestClient

    from soundclone.api.app import create_app

    limited = settings.model_copy(update={"rate_limit_per_minute": 3})
    customer = make_customer(sessions, balance=0, now=clock())
    with TestClient(create_app(limited, clock=clock, queue=queue)) as client:
        codes = [client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).json()["code"] == 42900
        clock.advance(seconds=61)
        assert client.get(f"{PREFIXES[0]}/audios/audio_x", headers=customer.headers).status_code == 404
