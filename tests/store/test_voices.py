from datetime import datetime, timedelta, timezone

from soundclone.domain.voices import MINIMAX_CLONE

MINIMAX_LIFETIME_DAYS = MINIMAX_CLONE.days
from soundclone.store import voices
from soundclone.store.db import transaction
from tests.conftest import make_customer

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def add(session, account_id, voice_id, *, name=None, lifetime_days=3, age_days=0.0):
    voices.create_voice(session, voice_id=voice_id, account_id=account_id, engine="kokoro",
                        profile_key=f"voices/{voice_id}.profile", source_task_id=f"audio_{voice_id}",
                        now=NOW - timedelta(days=age_days), name=name, lifetime_days=lifetime_days)


def test_unused_minimax_clones_are_deleted_after_seven_days_and_their_names_stay_taken(sessions):
    owner = make_customer(sessions, balance=0, now=NOW)
    with transaction(sessions) as session:
        add(session, owner.account_id, "model_old", name="OldVoice01", lifetime_days=MINIMAX_LIFETIME_DAYS, age_days=7.1)
        add(session, owner.account_id, "model_new", name="NewVoice01", lifetime_days=MINIMAX_LIFETIME_DAYS, age_days=6.9)
        add(session, owner.account_id, "model_used", name="UsedVoice1", lifetime_days=MINIMAX_LIFETIME_DAYS, age_days=30)
        voices.make_permanent(session, voice_id="model_used")
        add(session, owner.account_id, "model_preview", age_days=10)  # a SoundClone preview: answers "expired" instead
        assert voices.delete_expired(session, now=NOW, lifetime_days=MINIMAX_LIFETIME_DAYS) == 1
    with transaction(sessions) as session:
        live = {v.id for v in voices.voices_of(session, account_id=owner.account_id)}
        assert live == {"model_new", "model_used", "model_preview"}
        assert voices.voice_for_account(session, voice_id="OldVoice01", account_id=owner.account_id) is None
        assert voices.name_taken(session, account_id=owner.account_id, name="OldVoice01")


def test_voices_answer_to_their_id_or_name_for_their_owner_only(sessions):
    owner = make_customer(sessions, balance=0, now=NOW)
    stranger = make_customer(sessions, balance=0, now=NOW)
    with transaction(sessions) as session:
        add(session, owner.account_id, "model_abc", name="Narrator01")
    with transaction(sessions) as session:
        assert voices.voice_for_account(session, voice_id="Narrator01", account_id=owner.account_id).id == "model_abc"
        assert voices.voice_for_account(session, voice_id="model_abc", account_id=owner.account_id).name == "Narrator01"
        assert voices.voice_for_account(session, voice_id="Narrator01", account_id=stranger.account_id) is None
        assert not voices.name_taken(session, account_id=stranger.account_id, name="Narrator01")
