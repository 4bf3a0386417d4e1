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
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]     # no inline or foreign script
    assert "/console/app.js" in page.text and "/console/style.css" in page.text
    for asset in ("app.js", "api.js", "media.js", "style.css"):     # the package carries the console's files
        assert client.get(f"/console/{asset}").status_code == 200


def test_every_kind_of_task_is_listed_including_the_services_own(client, sessions, customer, clock):
    from soundclone.core import submission

    with transaction(sessions) as session:
        submission.record_refinement(session, account_id=customer.account_id, voice_id="model_" + "9" * 32, now=clock())
    listed = client.get("/api/v1/tasks", headers=customer.headers).json()["data"]
    assert [(t["kind"], t["dialect"], t["cost"], t["voice_id"]) for t in listed] == [
        ("voiceRefine", "service", 0, "model_" + "9" * 32)]


QUOTED_TEXT = "Hello <#0.5#> world, twice over."


def _quote(client, customer, voice: str, text: str = QUOTED_TEXT):
    return client.post("/api/v1/quote/t2a_v2", headers=customer.headers,
                       json={"model": "speech-2.6-hd", "text": text, "voice_setting": {"voice_id": voice}})


def test_a_quote_is_what_the_same_body_debits_and_charges_nothing_itself(client, customer):
    before = client.get("/api/v1/account", headers=customer.headers).json()["balance"]
    quote = _quote(client, customer, "af_heart").json()
    assert quote["characters"] == len(QUOTED_TEXT) - len("<#0.5#>") and quote["total"] > 0
    assert [c["config"] for c in quote["charges"]] == ["speech-t2a"]
    assert client.get("/api/v1/account", headers=customer.headers).json()["balance"] == before
    assert [row["kind"] for row in client.get("/api/v1/account/ledger", headers=customer.headers).json()["data"]] \
        == ["topup"]
    submitted = client.post("/v1/t2a_async_v2", headers=customer.headers, json={
        "model": "speech-2.6-hd", "text": QUOTED_TEXT, "voice_setting": {"voice_id": "af_heart"}}).json()
    assert submitted["usage_characters"] == quote["characters"]
    debited = client.get("/api/v1/account/ledger", headers=customer.headers).json()["data"][0]
    assert -debited["amount"] == quote["total"]


def test_a_quote_adds_the_clone_fee_on_first_use_without_using_the_clone(client, sessions, customer, clock):
    with transaction(sessions) as session:
        voices.create_voice(session, voice_id="model_" + "8" * 32, account_id=customer.account_id, engine="kokoro",
                            profile_key="voices/x.profile", source_task_id="audio_x", now=clock(), name="Narrator02")
    for _ in range(2):   # asking twice is still a first use: the quote made nothing permanent
        quote = _quote(client, customer, "Narrator02").json()
        assert [c["config"] for c in quote["charges"]] == ["speech-t2a", "voice-clone"]
    own = client.get("/api/v1/voices", headers=customer.headers).json()["data"]
    assert own[0]["permanent"] is False and own[0]["expires_at"] is not None


def test_a_quote_refuses_what_the_speech_route_refuses_naming_the_field(client, customer):
    missing = _quote(client, customer, "nobody-here").json()["error"]
    assert missing["code"] == "voice_not_found" and missing["param"] == "voice_setting.voice_id"
    assert _quote(client, customer, "af_heart", text="").json()["error"]["param"] == "text"
    assert client.post("/api/v1/quote/t2a_v2", json={"model": "speech-2.6-hd", "text": "hi"}).status_code == 401
