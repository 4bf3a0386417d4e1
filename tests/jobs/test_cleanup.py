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


def _queued(sessions, clock, customer, kind, record):
    from soundclone.domain.ids import new_task_id
    from soundclone.domain.records import dump_record

    task_id = new_task_id()
    with transaction(sessions) as session:
        tasks.create_task(session, task_id=task_id, account_id=customer.account_id, kind=kind,
                          request=dump_record(record), cost=0, now=clock(), due_in=timedelta(seconds=30))
    return task_id


def _clone_of(upload_key):
    from soundclone.domain.cloning import OPENAI_SPEECH
    from soundclone.domain.pricing import PricePlan
    from soundclone.domain.records import CloneTask
    from soundclone.domain.requests import CloneSource, CloneRequest
    from soundclone.domain.voices import PREVIEW

    return CloneTask(CloneRequest(CloneSource(blob_key=upload_key), OPENAI_SPEECH, PREVIEW, label="x"),
                     PricePlan.OPENAI_VOICE)


def _done(ctx, task, record):
    from soundclone.domain.records import CloneResult

    return CloneResult(voice_id=voice_id_for_task(task.id))


def test_an_upload_made_for_one_request_goes_when_its_task_completes_a_stored_file_stays(settings, sessions, clock):
    customer = make_customer(sessions, balance=BALANCE, now=clock())
    ctx = context(settings, sessions, clock)
    private, stored = keys.upload_key(1, "bin"), keys.upload_key(2, "mp3")
    for key in (private, stored):
        ctx.blobs.put(key, b"speech")
    with transaction(sessions) as session:   # a MiniMax upload: a file the customer owns and may use again
        files.add_file(session, file_id=2, account_id=customer.account_id, purpose="voice_clone", filename="a.mp3",
                       size=6, blob_key=stored, now=clock())
    for key in (private, stored):
        run_task(ctx, _queued(sessions, clock, customer, "openaiVoice", _clone_of(key)), {"clone": _done})
    assert not ctx.blobs.exists(private) and ctx.blobs.exists(stored)


def test_a_refused_consents_recording_goes_a_kept_consents_stays(settings, sessions, clock):
    from soundclone.domain.pricing import PricePlan
    from soundclone.domain.records import ConsentResult, ConsentTask
    from soundclone.domain.requests import ConsentRequest
    from soundclone.jobs.context import TaskFailure
    from soundclone.store import consents

    customer = make_customer(sessions, balance=BALANCE, now=clock())
    ctx = context(settings, sessions, clock)
    refused, kept = keys.upload_key(3, "bin"), keys.upload_key(4, "bin")

    def consent_task(key):
        ctx.blobs.put(key, b"phrase")
        request = ConsentRequest(recording_key=key, language="en-US", phrase_language="en", phrase="I agree.", name="A")
        return _queued(sessions, clock, customer, "openaiConsent", ConsentTask(request, PricePlan.OPENAI_CONSENT))

    def says_something_else(ctx, task, record):
        raise TaskFailure("the recording does not say the consent phrase", field="recording")

    def verified(ctx, task, record):
        with transaction(ctx.sessions) as session:
            consents.create_consent(session, consent_id="cons_kept", account_id=task.account_id, name="A",
                                    language="en-US", phrase="I agree.", transcript="i agree", phrase_distance=0.0,
                                    voice_print={}, recording_key=kept, recording_sha256="0" * 64, task_id=task.id,
                                    now=ctx.clock())
        return ConsentResult(consent_id="cons_kept")

    run_task(ctx, consent_task(refused), {"consent": says_something_else})
    run_task(ctx, consent_task(kept), {"consent": verified})
    assert not ctx.blobs.exists(refused) and ctx.blobs.exists(kept)


def test_the_sweep_removes_old_uploads_nothing_owns_and_keeps_owned_or_recent_ones(settings, sessions, clock):
    import os

    from soundclone.jobs.cleanup import sweep_orphaned_uploads

    customer = make_customer(sessions, balance=BALANCE, now=clock())
    ctx = context(settings, sessions, clock)
    orphan, recent, filed, awaited, finished = (keys.upload_key(n, "bin") for n in range(10, 15))
    for key in (orphan, recent, filed, awaited, finished):
        ctx.blobs.put(key, b"speech")
    with transaction(sessions) as session:
        files.add_file(session, file_id=12, account_id=customer.account_id, purpose="voice_clone", filename="a.mp3",
                       size=6, blob_key=filed, now=clock())
    _queued(sessions, clock, customer, "openaiVoice", _clone_of(awaited))   # still queued: its upload is needed
    done = _queued(sessions, clock, customer, "openaiVoice", _clone_of(finished))
    with transaction(sessions) as session:   # completed, but the worker died before it released the upload
        session.get(tasks.Task, done).status = "completed"
    old = (clock() - timedelta(seconds=settings.upload_grace_s + 60)).timestamp()
    for key in (orphan, filed, awaited, finished):
        os.utime(ctx.blobs.path(key), (old, old))
    os.utime(ctx.blobs.path(recent), (clock().timestamp(), clock().timestamp()))

    assert sweep_orphaned_uploads(ctx) == 2
    assert sorted(k for k in (orphan, recent, filed, awaited, finished) if ctx.blobs.exists(k)) == \
        sorted([recent, filed, awaited])
