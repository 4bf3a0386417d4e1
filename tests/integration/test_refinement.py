"""A clone speaks as a draft within seconds and is refined in the background, without holding speech up.

Real API and worker processes; the refinement runs in its niced child process on the worker's background queue.
"""

import json
import time

import httpx
import pytest

from tests.conftest import REFERENCE_WAV
from tests.integration.harness import running

pytestmark = pytest.mark.slow
REFINED_WITHIN_S = 180


@pytest.fixture(scope="module")
def service(tmp_path_factory, model_dir):
    with running(tmp_path_factory.mktemp("refine") / "data", model_dir, {"SOUNDCLONE_LOG_FORMAT": "json"}) as service:
        yield service


@pytest.fixture(scope="module")
def client(service):
    _, key = service.new_key(10**12)
    with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as client:
        yield client


def speak(client, voice: str) -> dict:
    body = client.post("/v1/t2a_v2", json={"model": "speech-02-hd", "text": "Hello there.",
                                           "voice_setting": {"voice_id": voice}}).json()
    assert body["base_resp"]["status_code"] == 0, body
    return body["extra_info"]


def quality_of(client, voice_id: str) -> str:
    return next(v["quality"] for v in client.get("/api/v1/voices").json()["data"] if v["name"] == voice_id)


def test_a_draft_speaks_at_once_and_is_refined_in_the_background(client):
    with REFERENCE_WAV.open("rb") as handle:
        file_id = client.post("/v1/files/upload", data={"purpose": "voice_clone"},
                              files={"file": ("me.wav", handle)}).json()["file"]["file_id"]
    assert client.post("/v1/voice_clone", json={"file_id": file_id, "voice_id": "DraftVoice01"}
                       ).json()["base_resp"]["status_code"] == 0
    assert quality_of(client, "DraftVoice01") == "draft"
    started = time.monotonic()
    assert speak(client, "DraftVoice01")["voice_quality"] == "draft"
    assert time.monotonic() - started < 30          # not queued behind the refinement
    deadline = time.monotonic() + REFINED_WITHIN_S
    while quality_of(client, "DraftVoice01") != "refined" and time.monotonic() < deadline:
        time.sleep(1)
    assert quality_of(client, "DraftVoice01") == "refined"
    assert speak(client, "DraftVoice01")["voice_quality"] == "refined"
    refinements = [t for t in client.get("/api/v1/tasks").json()["data"] if t["kind"] == "voiceRefine"]
    assert [t["status"] for t in refinements] == ["completed"] and refinements[0]["cost"] == 0


def test_a_request_id_follows_the_request_into_the_worker(service, client):
    response = client.post("/v1/t2a_v2", headers={"x-request-id": "follow-me-7"},
                           json={"model": "speech-02-hd", "text": "Hi.", "voice_setting": {"voice_id": "jm_kumo"}})
    assert response.headers["x-request-id"] == "follow-me-7"
    lines = [json.loads(line) for line in service.log("worker0.log").splitlines() if line.startswith("{")]
    ours = [line for line in lines if line.get("request_id") == "follow-me-7"]
    assert ours and all(line["task_id"].startswith("audio_") for line in ours)
    assert any("completed" in line["message"] for line in ours)
