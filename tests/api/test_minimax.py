"""The MiniMax dialect's checks and error codes, through the real app (no synthesis needed here)."""

import io

import pytest
import soundfile as sf

from soundclone.store import accounts
from soundclone.store.db import transaction
from tests.conftest import REFERENCE_WAV, make_customer


def clip(seconds: float, fmt: str = "WAV") -> bytes:
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    buffer = io.BytesIO()
    sf.write(buffer, samples[: int(seconds * rate)], rate, format=fmt)
    return buffer.getvalue()


def code(response) -> int:
    assert response.status_code == 200, response.text
    return response.json()["base_resp"]["status_code"]


def upload(client, customer, purpose, name, data):
    return client.post("/v1/files/upload", headers=customer.headers, data={"purpose": purpose},
                       files={"file": (name, data)})


@pytest.fixture
def clone_file(client, customer):
    response = upload(client, customer, "voice_clone", "me.wav", clip(12))
    assert code(response) == 0
    return response.json()["file"]


def test_missing_key_is_1004_with_http_200(client):
    assert code(client.post("/v1/t2a_v2", json={"model": "speech-02-hd", "text": "hi"})) == 1004


def test_upload_retrieve_list_content_delete(client, customer, clone_file):
    assert clone_file["purpose"] == "voice_clone" and clone_file["bytes"] > 0 and isinstance(clone_file["file_id"], int)
    retrieved = client.get("/v1/files/retrieve", params={"file_id": clone_file["file_id"]}, headers=customer.headers).json()
    assert retrieved["file"]["download_url"].startswith("http") and retrieved["base_resp"]["status_code"] == 0
    listed = client.get("/v1/files/list", params={"purpose": "voice_clone"}, headers=customer.headers).json()
    assert [f["file_id"] for f in listed["files"]] == [clone_file["file_id"]]
    content = client.get("/v1/files/retrieve_content", params={"file_id": clone_file["file_id"]}, headers=customer.headers)
    assert content.content[:4] == b"RIFF"
    deleted = client.post("/v1/files/delete", json={"file_id": clone_file["file_id"], "purpose": "voice_clone"},
                          headers=customer.headers).json()
    assert deleted == {"file_id": clone_file["file_id"], "base_resp": {"status_code": 0, "status_msg": "success"}}
    assert code(client.get("/v1/files/retrieve", params={"file_id": clone_file["file_id"]}, headers=customer.headers)) == 2013


@pytest.mark.parametrize("purpose, name, data, expected", [
    ("voice_clone", "a.wav", clip(3), 2037), ("voice_clone", "a.txt", b"hello", 2037),
    ("voice_clone", "a.wav", b"RIFF not really audio", 2037), ("prompt_audio", "p.wav", clip(9), 2048),
    ("t2a_async_input", "t.zip", b"PK\x03\x04", 2013), ("t2a_async_input", "t.txt", b"\xff\xfe\xfa", 1026),
    ("music", "a.wav", clip(12), 2013),
])
def test_upload_rules_answer_their_codes(client, customer, purpose, name, data, expected):
    assert code(upload(client, customer, purpose, name, data)) == expected


def test_files_of_another_account_are_not_found(client, sessions, clock, clone_file):
    stranger = make_customer(sessions, balance=10**9, now=clock())
    for path in ("/v1/files/retrieve", "/v1/files/retrieve_content"):
        assert code(client.get(path, params={"file_id": clone_file["file_id"]}, headers=stranger.headers)) == 2013
    assert code(client.post("/v1/files/delete", json={"file_id": clone_file["file_id"]}, headers=stranger.headers)) == 2013
    assert code(client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": "Stranger01"},
                            headers=stranger.headers)) == 2013


@pytest.mark.parametrize("voice_id, message", [
    ("short1", "8–256"), ("9startsWithDigit", "start with"), ("has space1", "only letters"),
    ("endsWithDash-", "must not end"), ("x" * 257, "8–256"),
])
def test_voice_id_rules_each_have_their_message(client, customer, clone_file, voice_id, message):
    body = client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": voice_id},
                       headers=customer.headers).json()
    assert body["base_resp"]["status_code"] == 2013 and message in body["base_resp"]["status_msg"]


def test_voice_clone_conflicts_and_permissions(client, sessions, customer, clone_file):
    assert code(client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": "jf_alpha"},
                            headers=customer.headers)) == 2039  # a system voice's id
    assert code(client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": "Narrator01",
                                                     "text": "hi"}, headers=customer.headers)) == 2013  # model missing
    assert code(client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": "Narrator01",
                                                     "text": "a" * 1001, "model": "speech-02-hd"},
                            headers=customer.headers)) == 2013
    with transaction(sessions) as session:
        accounts.set_clone_enabled(session, account_id=customer.account_id, enabled=False)
    assert code(client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": "Narrator01"},
                            headers=customer.headers)) == 2038


def t2a(client, customer, **overrides):
    body = {"model": "speech-02-hd", "text": "Hello there.", "voice_setting": {"voice_id": "jm_kumo"}}
    for key, value in overrides.items():
        body[key] = value
    return client.post("/v1/t2a_v2", json=body, headers=customer.headers)


@pytest.mark.parametrize("overrides, expected", [
    ({"model": "speech-9"}, 2013), ({"text": "a" * 10_000}, 2013), ({"text": "\x01\x02 hi"}, 1042),
    ({"text": "<#1#>hello"}, 2013), ({"text": "hello<#1#><#2#>there"}, 2013), ({"text": "hello <#0.001#> there"}, 2013),
    ({"voice_setting": {"voice_id": "Nobody0001"}}, 20132), ({"voice_setting": {"voice_id": "jm_kumo", "speed": 3}}, 2013),
    ({"voice_setting": {"voice_id": "jm_kumo", "pitch": 1.5}}, 2013),
    ({"model": "speech-2.8-hd", "voice_setting": {"voice_id": "jm_kumo", "emotion": "whisper"}}, 2013),
    ({"stream": True, "audio_setting": {"format": "wav"}}, 2013), ({"audio_setting": {"sample_rate": 11025}}, 2013),
    ({"voice_modify": {"pitch": 200}}, 2013), ({"voice_modify": {"sound_effects": "chorus"}}, 2013),
    ({"pronunciation_dict": {"tone": ["no slash"]}}, 2013), ({"language_boost": "Klingon"}, 2013),
    ({"timbre_weights": [{"voice_id": "jm_kumo", "weight": 1}]}, 2013), ({"output_format": "base64"}, 2013),
])
def test_t2a_checks_answer_their_codes(client, customer, overrides, expected):
    assert code(t2a(client, customer, **overrides)) == expected


def test_balance_rate_and_character_limits(client, settings, sessions, clock, queue):
    from fastapi.testclient import TestClient

    from soundclone.api.app import create_app

    poor = make_customer(sessions, balance=0, now=clock())
    assert code(t2a(client, poor)) == 1008
    tight = settings.model_copy(update={"rate_limit_per_minute": 2, "characters_per_minute": 15})
    customer = make_customer(sessions, balance=0, now=clock())
    with TestClient(create_app(tight, clock=clock, queue=queue)) as limited:
        assert code(t2a(limited, customer, text="a" * 20)) == 1039
        assert code(t2a(limited, customer)) == 1008
        assert code(t2a(limited, customer)) == 1002


def test_voices_listing_and_deleting(client, customer):
    listed = client.post("/v1/get_voice", json={"voice_type": "all"}, headers=customer.headers).json()
    assert {v["voice_id"] for v in listed["system_voice"]} >= {"jm_kumo", "jf_alpha"}
    assert listed["voice_cloning"] == [] and listed["base_resp"]["status_code"] == 0
    assert code(client.post("/v1/get_voice", json={"voice_type": "robots"}, headers=customer.headers)) == 2013
    assert code(client.post("/v1/delete_voice", json={"voice_type": "voice_cloning", "voice_id": "jm_kumo"},
                            headers=customer.headers)) == 2042
    assert code(client.post("/v1/delete_voice", json={"voice_type": "voice_cloning", "voice_id": "Nobody0001"},
                            headers=customer.headers)) == 20132


def test_async_checks(client, customer):
    both = client.post("/v1/t2a_async_v2", json={"model": "speech-02-hd", "text": "hi", "text_file_id": 5,
                                                  "voice_setting": {"voice_id": "jm_kumo"}}, headers=customer.headers)
    assert code(both) == 2013
    too_long = client.post("/v1/t2a_async_v2", json={"model": "speech-02-hd", "text": "a" * 50_001,
                                                      "voice_setting": {"voice_id": "jm_kumo"}}, headers=customer.headers)
    assert code(too_long) == 2013
    assert code(client.get("/v1/query/t2a_async_query_v2", params={"task_id": 123}, headers=customer.headers)) == 2013


def test_a_clone_named_like_a_later_system_voice_stays_its_owners(client, sessions, clock, customer):
    """Clones made before the 54 Kokoro packs became system voices may carry one of their names (af_heart passes
    the voice_id rules): their owner keeps using and deleting them; everyone else gets the system voice."""
    from soundclone.store import voices

    with transaction(sessions) as session:
        voices.create_voice(session, voice_id="model_" + "b" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/b.profile", source_task_id="audio_src_b", now=clock(), name="af_heart")
    submitted = client.post("/v1/t2a_async_v2", json={"model": "speech-02-hd", "text": "hi",
                                                      "voice_setting": {"voice_id": "af_heart"}}, headers=customer.headers)
    assert code(submitted) == 0
    with transaction(sessions) as session:   # the clone's first use was counted, not skipped as a system voice's
        assert voices.voice_for_account(session, voice_id="af_heart", account_id=customer.account_id).permanent
    other = make_customer(sessions, balance=1000)
    assert code(client.post("/v1/delete_voice", json={"voice_type": "voice_cloning", "voice_id": "af_heart"},
                            headers=other.headers)) == 2042
    assert code(client.post("/v1/delete_voice", json={"voice_type": "voice_cloning", "voice_id": "af_heart"},
                            headers=customer.headers)) == 0


def test_minimax_documented_voice_ids_are_system_voices_here(client, customer, clone_file):
    body = {"model": "speech-02-hd", "text": "你好。", "voice_setting": {"voice_id": "female-shaonv"}}
    assert code(client.post("/v1/t2a_async_v2", json=body, headers=customer.headers)) == 0
    listed = client.post("/v1/get_voice", json={"voice_type": "system"}, headers=customer.headers).json()
    ids = {voice["voice_id"] for voice in listed["system_voice"]}
    assert {"female-shaonv", "male-qn-qingse", "English_Graceful_Lady", "af_heart"} <= ids
    assert code(client.post("/v1/voice_clone", json={"file_id": clone_file["file_id"], "voice_id": "female-shaonv"},
                            headers=customer.headers)) == 2039
    assert code(client.post("/v1/delete_voice", json={"voice_type": "voice_cloning", "voice_id": "male-qn-qingse"},
                            headers=customer.headers)) == 2042
