"""The voice record: every change to a voice is written by the store function that makes it, with who, when, how
and from what; the protected list keeps removed recordings but stops checking them."""

from datetime import datetime, timedelta, timezone

from soundclone.store import consents, voice_records, voices
from soundclone.store.db import transaction
from tests.conftest import make_customer

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
PRINT = {"version": 1, "encoder": "x", "speech_s": 3.0, "embedding": [0.0] * 256}


def test_a_voice_leaves_a_record_from_its_making_to_its_deletion(sessions):
    owner = make_customer(sessions, balance=0, now=NOW)
    with transaction(sessions) as session:
        consents.create_consent(session, consent_id="cons_" + "1" * 32, account_id=owner.account_id, name="Jane",
                                language="en-US", phrase="I consent", transcript="i consent", phrase_distance=0.0,
                                voice_print=PRINT, recording_key="k", recording_sha256="c" * 64, task_id="audio_c",
                                now=NOW)
        voices.create_voice(session, voice_id="model_a", account_id=owner.account_id, engine="kokoro",
                            profile_key="voices/a", source_task_id="audio_a", now=NOW, dialect="openai",
                            consent_id="cons_" + "1" * 32, source_sha256="a" * 64, quality="draft")
        voices.create_voice(session, voice_id="model_b", account_id=owner.account_id, engine="kokoro",
                            profile_key="voices/b", source_task_id="audio_b", now=NOW - timedelta(days=4),
                            dialect="soundclone", source_sha256="b" * 64, lifetime_days=3)
    with transaction(sessions) as session:
        assert voices.refined(session, voice_id="model_a", profile_key="voices/a2", now=NOW + timedelta(minutes=2))
        voices.delete_voice(session, voice_id="model_a", now=NOW + timedelta(days=1), dialect="openai")
        voices.delete_voice(session, voice_id="model_a", now=NOW + timedelta(days=2), dialect="openai")  # no-op
        assert voices.delete_expired(session, now=NOW, lifetime_days=3) == 1
    with transaction(sessions) as session:
        record = list(voice_records.events(session, account_id=owner.account_id))
    assert [(e["event"], e["voice_id"]) for e in record] == [
        ("created", "model_a"), ("created", "model_b"), ("refined", "model_a"), ("deleted", "model_a"),
        ("expired", "model_b")]
    made = record[0]
    assert made["source_sha256"] == "a" * 64 and made["dialect"] == "openai" and made["task_id"] == "audio_a"
    assert made["account_name"] == "customer" and made["consent"]["phrase"] == "I consent"
    assert made["consent"]["recording_sha256"] == "c" * 64
    assert record[1]["consent"] is None and record[3]["dialect"] == "openai"


def test_removed_protected_recordings_stay_in_the_record_but_are_not_checked(sessions):
    with transaction(sessions) as session:
        kept = voice_records.protect(session, label="Famous Person", voice_print=PRINT, source_sha256="d" * 64,
                                     source_name="interview.wav", now=NOW)
        gone = voice_records.protect(session, label="Famous Person", voice_print=PRINT, source_sha256="e" * 64,
                                     source_name="speech.mp3", now=NOW)
    with transaction(sessions) as session:
        assert voice_records.unprotect(session, protected_id=gone.id, now=NOW)
        assert not voice_records.unprotect(session, protected_id=gone.id, now=NOW)
        assert not voice_records.unprotect(session, protected_id="pv_unknown", now=NOW)
    with transaction(sessions) as session:
        assert [row.id for row in voice_records.protected(session)] == [kept.id]
