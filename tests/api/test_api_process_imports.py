"""The API process never imports PyTorch or the synthesis engine: only the worker does.

The probe drives every submitting route with a valid request (so each reaches its handler, not a validation error)
and only then looks at what the process has imported.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REFERENCE_WAV, ROOT

PROBE = """
import io, sys
from datetime import datetime, timezone
import soundfile as sf
from fastapi.testclient import TestClient
from soundclone.api.app import create_app
from soundclone.settings import Settings
from soundclone.store import accounts, voices
from soundclone.store.db import make_engine, make_sessionmaker, migrate, transaction

TIMED_OUT = 1001  # the synchronous routes queue their task and wait for it; no worker runs here
settings = Settings(data_dir=sys.argv[1], sync_timeout_s=0.2)
migrate(settings.resolved_database_url)
now = datetime.now(timezone.utc)
with transaction(make_sessionmaker(make_engine(settings.resolved_database_url))) as session:
    account = accounts.create_account(session, name="probe", now=now)
    accounts.top_up(session, account_id=account.id, amount=10_000_000, now=now)
    headers = {"Authorization": "Bearer " + accounts.create_key(session, account_id=account.id, now=now).key}
    voices.create_voice(session, voice_id="model_" + "a" * 32, account_id=account.id, engine="kokoro",
                        profile_key="voices/probe.profile", source_task_id="audio_probe", now=now)
samples, rate = sf.read(sys.argv[2], dtype="float32")
wav = io.BytesIO()
sf.write(wav, samples[: 20 * rate], rate, format="WAV")

def ok(response, path, codes=(0, 20000)):
    body = response.json()
    code = body.get("code", body.get("base_resp", {}).get("status_code"))
    assert response.status_code == 200 and code in codes, (path, response.text)
    return body

with TestClient(create_app(settings)) as client:
    assert client.get("/openapi.json").status_code == 200
    ok(client.post("/api/open-api/v1/soundCloning/clones", json={"fileUrl": "https://example.com/voice.mp3"},
                   headers=headers), "clones")
    ok(client.post("/kyyReactApiServer/v1/soundCloning/audios", json={"modelId": "model_" + "a" * 32, "contentText": "Hello."},
                   headers=headers), "audios")
    upload = ok(client.post("/v1/files/upload", data={"purpose": "voice_clone"},
                            files={"file": ("me.wav", wav.getvalue())}, headers=headers), "upload")
    ok(client.post("/v1/voice_clone", json={"file_id": upload["file"]["file_id"], "voice_id": "ProbeVoice01",
                                            "text": "Hello there.", "model": "speech-02-hd"},
                   headers=headers), "voice_clone", codes=(TIMED_OUT,))
    ok(client.post("/v1/t2a_async_v2", json={"model": "speech-02-hd", "text": "Hello.",
                                              "voice_setting": {"voice_id": "jm_kumo"}}, headers=headers), "async")
    ok(client.post("/v1/t2a_v2", json={"model": "speech-02-hd", "text": "Hello.",
                                        "voice_setting": {"voice_id": "jm_kumo"}}, headers=headers), "t2a", codes=(TIMED_OUT,))
    streamed = client.post("/v1/t2a_v2", json={"model": "speech-02-hd", "text": "Hello.", "stream": True,
                                               "voice_setting": {"voice_id": "jm_kumo"}}, headers=headers)
    assert streamed.status_code == 200 and "data:" in streamed.text, streamed.text  # through the stream's loop
    ok(client.post("/v1/get_voice", json={"voice_type": "all"}, headers=headers), "get_voice")
    detected = client.post("/v1/watermark/detect", files={"file": ("me.wav", wav.getvalue())}, headers=headers)
    assert detected.status_code == 200 and detected.json()["marked"] is False, detected.text  # detection ran here
LEAVES = {"soundclone.speech", "soundclone.speech.defaults"}  # engine defaults the settings read: constants only
engine_code = any(name.startswith(("soundclone.speech", "soundclone.jobs")) and name not in LEAVES for name in sys.modules)
print("torch" in sys.modules, "onnxruntime" in sys.modules, "soundclone.speech.engine" in sys.modules, engine_code)
"""


def test_the_api_process_does_not_import_torch_or_the_engine(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path), str(REFERENCE_WAV)], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False", "False"]
