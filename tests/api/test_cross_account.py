"""Every route that takes an id answers "not found" to another account: the routes are enumerated."""

import re

import pytest

from soundclone.api.soundclone import PREFIXES
from soundclone.store import voices
from soundclone.store.db import transaction
from tests.conftest import make_customer

ID_FIELDS = {"modelId"}
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
    return {"task": task_id, "voice": voice_id}


def probes(prefix, owned):
    return {
        ("GET", f"{prefix}/audios/{{task_id}}"): ("GET", f"{prefix}/audios/{owned['task']}", None),
        ("POST", f"{prefix}/soundCloning/audios"): (
            "POST", f"{prefix}/soundCloning/audios", {"modelId": owned["voice"], "contentText": "hello"}),
    }


def test_every_id_route_is_probed_and_hides_other_accounts(client, sessions, clock, owned):
    stranger = make_customer(sessions, balance=10_000_000, now=clock())
    table = {}
    for prefix in PREFIXES:
        table.update(probes(prefix, owned))
    assert id_routes(client.get("/openapi.json").json()) == set(table), "a route takes an id but has no cross-account probe"
    for method, path, body in table.values():
        response = client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404 and response.json()["code"] == 40400, (method, path, response.text)
