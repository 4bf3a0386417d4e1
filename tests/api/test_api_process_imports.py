"""The API process never imports PyTorch: only the worker's enrollment path does."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
from fastapi.testclient import TestClient
from soundclone.api.app import create_app
from soundclone.settings import Settings
from soundclone.store.db import migrate
settings = Settings(data_dir=sys.argv[1])
migrate(settings.resolved_database_url)
with TestClient(create_app(settings)) as client:
    assert client.get("/openapi.json").status_code == 200
    client.post("/v1/voice_clone", json={})
    client.post("/api/v1/sound-cloning/clone", json={})
print("torch" in sys.modules, "onnxruntime" in sys.modules)
"""


def test_the_api_process_does_not_import_torch_or_the_engine(tmp_path):
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
