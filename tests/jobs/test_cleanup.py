"""A failed task takes away what it made (outputs, archive file, a half-made voice); a clone task that runs again
after its voice was made only speaks its preview."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from soundclone.api.app import create_app
from soundclone.domain import keys
from soundclone.domain.ids import voice_id_for_task
from soundclone.domain.records import load_record
from soundclone.jobs.clone import run_clone
from soundclone.jobs.context import JobContext, decode_limits_from, fetch_policy_from
from soundclone.jobs.runner import run_task
from soundclone.jobs.speech import ARCHIVE_PURPOSE
from soundclone.store import accounts, files, tasks, voices
from soundclone.store.blobs import LocalBlobStore
from soundclone.store.db import transaction
from soundclone.store.queue import create_queue
from tests.conftest import make_customer

BALANCE = 10**9


@pytest.fixture
def submitted(settings, sessions, clock):
    """Submit through the real API; returns (customer, the queued task id)."""
    customer = make_customer(sessions, balance=BALANCE, now=clock())

    def submit(path, body):
        with TestClient(create_app(settings, clock=clock, queue=create_queue(settings))) as client:
            response = client.post(path, json=body, headers=customer.headers)
            assert response.status_code == 200, response.text
        with transaction(sessions) as session:
            [task] = [t for t in tasks.overdue(session, now=clock() + timedelta(days=1)) if t.status == "queued"]
        return customer, task.id
    return submit


def context(settings, sessions, clock):
    return JobContext(settings=settings, sessions=sessions, blobs=LocalBlobStore(settings.blob_dir), engine=None,
                      clock=clock, fetch_policy=fetch_policy_from(settings), decode_limits=decode_limits_from(settings))


def test_a_failed_async_speech_leaves_no_output_and_no_archive(settings, sessions, clock, submitted):
    customer, task_id = submitted("/v1/t2a_async_v2", {"model": "speech-02-hd", "text": "Hello there.",
                                                        "voice_setting": {"voice_id": "jm_kumo"}})
    ctx = context(settings, sessions, clock)

    def dies_after_writing(ctx, task, record):
        file_id = record.request.archive.file_id
        ctx.blobs.put(keys.audio_key(task.id, "mp3"), b"half")
        ctx.blobs.put(keys.archive_key(file_id), b"tar")
        with transaction(ctx.sessions) as session:
            files.add_file(session, file_id=file_id, account_id=task.account_id, purpose=ARCHIVE_PURPOSE,
                           filename="x.tar", size=3, blob_key=keys.archive_key(file_id), now=ctx.clock())
        raise RuntimeError("killed by the operator's chaos")

    run_task(ctx, task_id, {"speech": dies_after_writing})
    with transaction(sessions) as session:
        task = tasks.get_task(session, task_id=task_id)
        assert task.status == "failed"
        assert accounts.balance(session, account_id=customer.account_id) == BALANCE
        file_id = load_record(task.kind, task.request).request.archive.file_id
        assert files.file_for_account(session, file_id=file_id, account_id=customer.account_id) is None
    assert list(ctx.blobs.keys()) == []


def test_a_failed_clone_withdraws_its_voice(settings, sessions, clock, submitted):
    customer, task_id = submitted("/api/open-api/v1/soundCloning/clones", {"fileUrl": "http://127.0.0.1:9/ref.wav"})
    ctx = context(settings, sessions, clock)
    voice_id = voice_id_for_task(task_id)

    def dies_after_the_voice(ctx, task, record):
        ctx.blobs.put(keys.profile_key(voice_id), b"profile")
        ctx.blobs.put(keys.reference_speech_key(voice_id), b"speech")
        with transaction(ctx.sessions) as session:
            voices.create_voice(session, voice_id=voice_id, account_id=task.account_id, engine="kokoro",
                                profile_key=keys.profile_key(voice_id), source_task_id=task.id, now=ctx.clock())
        raise RuntimeError("the preview crashed")

    run_task(ctx, task_id, {"clone": dies_after_the_voice})
    with transaction(sessions) as session:
        assert tasks.get_task(session, task_id=task_id).status == "failed"
        assert voices.get_voice(session, voice_id=voice_id).deleted_at is not None
        assert voices.voices_of(session, account_id=customer.account_id) == []
    assert list(ctx.blobs.keys()) == []


def test_a_clone_run_again_after_its_voice_was_made_does_not_enroll_again(settings, sessions, clock):
    customer = make_customer(sessions, balance=BALANCE, now=clock())
    with TestClient(create_app(settings, clock=clock, queue=create_queue(settings))) as client:
        upload = client.post("/v1/files/upload", data={"purpose": "voice_clone"}, headers=customer.headers,
                             files={"file": ("a.wav", _wav())}).json()
        assert upload["base_resp"]["status_code"] == 0, upload
        settings_fast = settings.model_copy(update={"sync_timeout_s": 0.2})
    with TestClient(create_app(settings_fast, clock=clock, queue=create_queue(settings))) as client:
        client.post("/v1/voice_clone", json={"file_id": upload["file"]["file_id"], "voice_id": "RerunVoice01"},
                    headers=customer.headers)   # times out: nobody works here
    with transaction(sessions) as session:
        [task] = [t for t in tasks.overdue(session, now=clock() + timedelta(days=1)) if t.kind != "voiceRefine"]
        voice_id = voice_id_for_task(task.id)
        voices.create_voice(session, voice_id=voice_id, account_id=customer.account_id, engine="kokoro",
                            profile_key=keys.profile_key(voice_id), source_task_id=task.id, now=clock())
    ctx = context(settings, sessions, clock)   # no engine: enrolling again would fail
    result = run_clone(ctx, task, load_record(task.kind, task.request))
    assert result.voice_id == voice_id and result.preview is None
    assert list(ctx.blobs.keys(keys.profile_key(voice_id))) == []


def _wav() -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 16000 * 12)
    return buffer.getvalue()


def test_a_refinement_run_again_after_it_stored_the_voice_removes_the_reference_speech(settings, sessions, clock):
    from soundclone.domain.records import RefineTask
    from soundclone.jobs.refine import run_refine

    customer = make_customer(sessions, balance=BALANCE, now=clock())
    ctx = context(settings, sessions, clock)
    voice_id = "model_refined_once"
    ctx.blobs.put(keys.refined_profile_key(voice_id), b"refined")
    ctx.blobs.put(keys.reference_speech_key(voice_id), b"speech")   # the first attempt died before removing it
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id=voice_id, account_id=customer.account_id, engine="kokoro",
                            profile_key=keys.refined_profile_key(voice_id), source_task_id="clone_x", now=clock())
        task = tasks.create_task(session, task_id="refine_x", account_id=customer.account_id, kind="voiceRefine",
                                 request={}, cost=0, now=clock(), due_in=timedelta(seconds=30))
    assert run_refine(ctx, task, RefineTask(voice_id)).refined
    assert list(ctx.blobs.keys()) == [keys.refined_profile_key(voice_id)]
