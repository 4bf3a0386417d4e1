"""Every route that takes an id answers "not found" to another account: the routes are enumerated."""

import re

import pytest

from soundclone.api.soundclone import PREFIXES
from soundclone.store import consents, voices
from soundclone.store.db import transaction
from tests.conftest import make_customer

ID_FIELDS = {"modelId", "voice"}
UNSCOPED = {"/files/{key}"}  # the signature is the permission; tested in test_files.py


def id_routes(openapi: dict) -> set[tuple[str, str]]:
    """(method, path) of every documented route with an id in its path or an id field in its body."""
    schemas = openapi.get("components", {}).get("schemas", {})
    found = set()
    for path, operations in openapi["paths"].items():
        if path in UNSCOPED:
            continue
        for method, operation in operations.items():
            ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            body_fields = set(schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))
            if re.search(r"\{[^}]+\}", path) or body_fields & ID_FIELDS:
                found.add((method.upper(), path))
    return found


@pytest.fixture
def owned(client, sessions, customer, clock):
    voice_id = "model_" + "d" * 32
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id=voice_id, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_src", now=clock())
    task_id = client.post(f"{PREFIXES[0]}/soundCloning/clones", json={"fileUrl": "https://e.com/a.mp3"},
                          headers=customer.headers).json()["data"]["id"]
    with transaction(sessions) as session:
        consents.create_consent(session, consent_id="cons_" + "e" * 32, account_id=customer.account_id, name="c",
                                language="en", phrase="p", transcript="p", phrase_distance=0.0, voice_print={},
                                recording_key="uploads/1.bin", recording_sha256="0" * 64, task_id="audio_c",
                                now=clock())
    return {"task": task_id, "voice": voice_id, "consent": "cons_" + "e" * 32}


def probes(prefix, owned):
    return {
        ("GET", f"{prefix}/audios/{{task_id}}"): ("GET", f"{prefix}/audios/{owned['task']}", None),
        ("POST", f"{prefix}/soundCloning/audios"): (
            "POST", f"{prefix}/soundCloning/audios", {"modelId": owned["voice"], "contentText": "hello"}),
    }


def openai_probes(owned):
    consent, voice = f"/v1/audio/voice_consents/{owned['consent']}", f"/v1/audio/voices/{owned['voice']}"
    return {
        ("GET", "/v1/audio/voice_consents/{consent_id}"): ("GET", consent, None),
        ("POST", "/v1/audio/voice_consents/{consent_id}"): ("POST", consent, {"name": "mine now"}),
        ("DELETE", "/v1/audio/voice_consents/{consent_id}"): ("DELETE", consent, None),
        ("GET", "/v1/audio/voices/{voice_id}"): ("GET", voice, None),
        ("DELETE", "/v1/audio/voices/{voice_id}"): ("DELETE", voice, None),
        ("POST", "/v1/audio/speech"): ("POST", "/v1/audio/speech",
                                       {"model": "tts-1", "input": "hi", "voice": {"id": owned["voice"]}}),
    }


def hidden(response) -> bool:
    """Each dialect's own "not found": SoundClone 404/40400; OpenAI 404, or 400 voice_not_found for a voice field."""
    body = response.json()
    if "error" in body:
        return response.status_code == 404 or body["error"]["code"] == "voice_not_found"
    return response.status_code == 404 and body["code"] == 40400


def test_every_id_route_is_probed_and_hides_other_accounts(client, sessions, clock, owned):
    stranger = make_customer(sessions, balance=10_000_000, now=clock())
    table = openai_probes(owned)
    for prefix in PREFIXES:
        table.update(probes(prefix, owned))
    assert id_routes(client.get("/openapi.json").json()) == set(table), "a route takes an id but has no cross-account probe"
    for method, path, body in table.values():
        response = client.request(method, path, json=body, headers=stranger.headers)
        assert hidden(response), (method, path, response.text)
    with transaction(sessions) as session:   # and nothing was renamed or deleted
        assert consents.consent_for_account(session, consent_id=owned["consent"], account_id=owned_account(owned, session)).name == "c"


def test_another_accounts_consent_cannot_make_a_voice(client, sessions, clock, owned):
    stranger = make_customer(sessions, balance=10_000_000, now=clock())
    response = client.post("/v1/audio/voices", data={"name": "x", "consent": owned["consent"]},
                           files={"audio_sample": ("s.wav", b"RIFF....")}, headers=stranger.headers)
    assert response.status_code == 400 and response.json()["error"]["param"] == "consent"


def owned_account(owned, session) -> int:
    return voices.get_voice(session, voice_id=owned["voice"]).account_id
