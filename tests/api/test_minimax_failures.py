"""The MiniMax codes for failures inside the service: 1000 (unhandled), 1001 (timeout), 1013 (task crashed)."""

import threading

import pytest
import time
from datetime import timedelta

from fastapi.testclient import TestClient

from soundclone.api.app import create_app
from soundclone.jobs.context import JobContext, decode_limits_from, fetch_policy_from
from soundclone.jobs.runner import run_task
from soundclone.store import accounts, tasks
from soundclone.store.blobs import LocalBlobStore
from soundclone.store.db import transaction
from tests.conftest import make_customer

BODY = {"model": "speech-02-hd", "text": "Hello there.", "voice_setting": {"voice_id": "jm_kumo"}}


def status(response):
    assert response.status_code == 200, response.text
    return response.json()["base_resp"]


def test_unhandled_error_is_1000_without_details(settings, sessions, clock, queue, monkeypatch):
    customer = make_customer(sessions, balance=10**9, now=clock())

    def database_down(*args, **kwargs):
        raise RuntimeError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(accounts, "active_key", database_down)
    with TestClient(create_app(settings, clock=clock, queue=queue), raise_server_exceptions=False) as client:
        resp = status(client.post("/v1/t2a_v2", json=BODY, headers=customer.headers))
    assert resp["status_code"] == 1000 and "10.0.0.5" not in resp["status_msg"]


def test_synchronous_call_that_outlives_its_wait_is_1001(settings, sessions, clock, queue):
    customer = make_customer(sessions, balance=10**9, now=clock())
    impatient = settings.model_copy(update={"sync_timeout_s": 0.3})
    with TestClient(create_app(impatient, clock=clock, queue=queue)) as client:
        resp = status(client.post("/v1/t2a_v2", json=BODY, headers=customer.headers))
    assert resp["status_code"] == 1001 and "goes on as audio_" in resp["status_msg"]


def test_task_that_crashes_in_the_worker_is_1013_and_refunded(settings, sessions, clock, queue):
    customer = make_customer(sessions, balance=10**9, now=clock())
    context = JobContext(settings=settings, sessions=sessions, blobs=LocalBlobStore(settings.blob_dir), engine=None,
                         clock=clock, fetch_policy=fetch_policy_from(settings), decode_limits=decode_limits_from(settings))

    def crash(ctx, task, record):
        raise MemoryError("the engine ran out of memory")

    def worker_that_crashes():
        for _ in range(200):
            with transaction(sessions) as session:
                queued = [t for t in tasks.overdue(session, now=clock() + timedelta(days=1)) if t.status == "queued"]
            if queued:
                run_task(context, queued[0].id, {"speech": crash})
                return
            time.sleep(0.05)

    thread = threading.Thread(target=worker_that_crashes)
    thread.start()
    bounded = settings.model_copy(update={"sync_timeout_s": 30})
    with TestClient(create_app(bounded, clock=clock, queue=queue)) as client:
        resp = status(client.post("/v1/t2a_v2", json=BODY, headers=customer.headers))
    thread.join()
    assert resp["status_code"] == 1013 and "refunded" in resp["status_msg"]
    with transaction(sessions) as session:
        assert accounts.balance(session, account_id=customer.account_id) == 10**9


def test_a_speech_stream_whose_task_fails_late_is_cut_not_ended(settings, sessions, clock, queue, monkeypatch):
    """OpenAI speech: audio already sent, then the task fails; the client must see a broken body, not a short file."""
    from soundclone.api.openai.routes import StreamCut
    from soundclone.core import streams
    from soundclone.domain import keys

    read = threading.Event()   # the API has sent the first chunk: only then does the task fail
    real_chunk = streams._chunk

    def chunk_seen(blobs, key):
        data = real_chunk(blobs, key)
        if data is not None:
            read.set()
        return data

    monkeypatch.setattr(streams, "_chunk", chunk_seen)

    customer = make_customer(sessions, balance=10**9, now=clock())
    context = JobContext(settings=settings, sessions=sessions, blobs=LocalBlobStore(settings.blob_dir), engine=None,
                         clock=clock, fetch_policy=fetch_policy_from(settings), decode_limits=decode_limits_from(settings))

    def one_chunk_then_crash(ctx, task, record):
        ctx.blobs.put(keys.stream_key(task.id, 0, record.request.output.format), b"RIFF" + b"\0" * 2000)
        ctx.announce(task.id, "chunk 0")
        assert read.wait(20)
        raise MemoryError("the engine ran out of memory")

    def worker():
        for _ in range(200):
            with transaction(sessions) as session:
                queued = [t for t in tasks.overdue(session, now=clock() + timedelta(days=1)) if t.status == "queued"]
            if queued:
                run_task(context, queued[0].id, {"speech": one_chunk_then_crash})
                return
            time.sleep(0.05)

    thread = threading.Thread(target=worker)
    thread.start()
    bounded = settings.model_copy(update={"sync_timeout_s": 30})
    body = {"model": "tts-1", "voice": "alloy", "input": "Hello there.", "response_format": "wav"}
    # The test client runs the body to its end before answering: the body's exception reaches it (a real server
    # aborts the connection there); a body that ended quietly would be a 200 with a short file.
    with TestClient(create_app(bounded, clock=clock, queue=queue)) as client, pytest.raises(StreamCut):
        client.post("/v1/audio/speech", json=body, headers=customer.headers)
    thread.join()
    with transaction(sessions) as session:
        assert accounts.balance(session, account_id=customer.account_id) == 10**9
