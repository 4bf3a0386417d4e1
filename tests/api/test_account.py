"""The service's own API under /api/v1: public service facts, and an account's balance, ledger, tasks and voices."""

from datetime import timedelta

from soundclone.api.soundclone import PREFIXES
from soundclone.store import voices
from soundclone.store.db import transaction


def test_the_service_describes_itself_without_a_key(client, settings):
    body = client.get("/api/v1/service").json()
    assert body["operator"] == settings.operator_name and "en" in body["consent_languages"]
    assert {"code": "en", "name": "English"} in body["languages"] and body["prices"]["openai-speech"] > 0


def test_balance_ledger_and_tasks_of_the_calling_account(client, customer):
    before = client.get("/api/v1/account", headers=customer.headers).json()["balance"]
    task = client.post(f"{PREFIXES[0]}/soundCloning/clones", json={"fileUrl": "https://e.com/a.mp3"},
                       headers=customer.headers).json()["data"]
    after = client.get("/api/v1/account", headers=customer.headers).json()["balance"]
    ledger = client.get("/api/v1/account/ledger", headers=customer.headers).json()["data"]
    assert ledger[0]["kind"] == "debit" and ledger[0]["task_id"] == task["id"] and ledger[0]["amount"] == after - before
    listed = client.get("/api/v1/tasks", headers=customer.headers).json()["data"]
    assert listed[0]["id"] == task["id"] and listed[0]["status"] == "queued" and listed[0]["dialect"] == "soundclone"


def test_system_voices_name_their_other_names_and_clones_their_expiry(client, sessions, customer, clock):
    system = {v["id"]: v for v in client.get("/api/v1/voices/system", headers=customer.headers).json()["data"]}
    assert system["af_heart"]["openai_names"] == ["marin"] and system["af_heart"]["sex"] == "female"
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id="model_" + "9" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_x", now=clock(), name="Narrator01")
    own = client.get("/api/v1/voices", headers=customer.headers).json()["data"]
    assert own[0]["name"] == "Narrator01" and own[0]["expires_at"] == int((clock() + timedelta(days=3)).timestamp())


def test_the_reference_and_the_console_come_from_the_service_itself(client):
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "/static/docs/swagger-ui-bundle.js" in docs
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/").headers["content-type"].startswith("text/html")


def test_every_kind_of_task_is_listed_including_the_services_own(client, sessions, customer, clock):
    from soundclone.core import submission

    with transaction(sessions) as session:
        submission.record_refinement(session, account_id=customer.account_id, voice_id="model_" + "9" * 32, now=clock())
    listed = client.get("/api/v1/tasks", headers=customer.headers).json()["data"]
    assert [(t["kind"], t["dialect"], t["cost"], t["voice_id"]) for t in listed] == [
        ("voiceRefine", "service", 0, "model_" + "9" * 32)]
