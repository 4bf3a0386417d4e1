"""POST /v1/watermark/detect on real marked speech: the owner learns the task, another account only that the file
is marked; unmarked speech is unmarked; a file that is not audio is refused. And MiniMax's aigc_watermark."""

from datetime import timedelta

import pytest
import soundfile

from soundclone.api.minimax.translate import t2a
from soundclone.api.minimax.wire import T2ABody
from soundclone.media.encode import encode_audio
from soundclone.media.resample import resample_mono
from soundclone.media.watermark import embed
from soundclone.store import tasks
from soundclone.store.db import transaction
from tests.conftest import REFERENCE_WAV, make_customer

RATE = 24_000
SECONDS = 12


@pytest.fixture(scope="module")
def speech():
    samples, rate = soundfile.read(REFERENCE_WAV, dtype="float32")
    return resample_mono(samples, rate, RATE)[:SECONDS * RATE]


def marked_task_file(settings, sessions, clock, speech, account_id, task_id):
    """An MP3 of `speech` marked the way the worker marks task `task_id` of `account_id`."""
    with transaction(sessions) as session:
        tasks.create_task(session, task_id=task_id, account_id=account_id, kind="minimax", request={}, cost=0,
                          now=clock(), due_in=timedelta(minutes=1))
        mark_id = tasks.mark_id_for_task(session, task_id=task_id)
    secret = next(iter(settings.watermark_keyring.values()))
    return encode_audio(embed(speech, RATE, key=secret, mark_id=mark_id), RATE, fmt="mp3")


def detect(client, customer, data, name="audio.mp3"):
    return client.post("/v1/watermark/detect", files={"file": (name, data, "audio/mpeg")}, headers=customer.headers)


def test_the_owner_sees_the_task_and_another_account_only_that_it_is_marked(client, settings, sessions, clock,
                                                                            customer, speech):
    stranger = make_customer(sessions, balance=0, now=clock())
    data = marked_task_file(settings, sessions, clock, speech, customer.account_id, "task-of-the-owner")
    owner = detect(client, customer, data)
    assert owner.status_code == 200, owner.text
    assert owner.json()["marked"] and owner.json()["task_id"] == "task-of-the-owner"
    assert 0.5 <= owner.json()["confidence"] <= 1.0
    other = detect(client, stranger, data)
    assert other.status_code == 200 and other.json()["marked"] and other.json()["task_id"] is None


def test_unmarked_speech_is_not_marked_and_non_audio_is_refused(client, customer, speech):
    plain = detect(client, customer, encode_audio(speech, RATE, fmt="mp3"))
    assert plain.status_code == 200 and plain.json() == {"marked": False, "confidence": 0.0, "task_id": None}
    refused = detect(client, customer, b"<html>not audio</html>" * 50, name="x.mp3")
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "file"
    assert detect(client, customer, b"").status_code == 400


def test_detection_needs_a_key_and_is_described_in_the_openapi_document(client):
    assert client.post("/v1/watermark/detect", files={"file": ("a.mp3", b"x")}).status_code == 401
    operation = client.get("/openapi.json").json()["paths"]["/v1/watermark/detect"]["post"]
    assert "task_id" in operation["description"] and "multipart/form-data" in operation["requestBody"]["content"]


@pytest.mark.parametrize("given, requested", [({}, True), ({"aigc_watermark": True}, True),
                                              ({"aigc_watermark": False}, False)])
def test_minimax_aigc_watermark_false_is_a_request_for_no_mark(given, requested):
    body = T2ABody(model="speech-02-hd", text="Hello.", voice_setting={"voice_id": "jm_kumo"}, **given)
    request, _ = t2a(body)
    assert request.watermark is requested
