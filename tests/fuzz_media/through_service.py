"""The media fuzz through the service's two entrances, black-box: a real API and worker over HTTP.

- SoundClone: each case is served from loopback without an extension (so every container reaches the
  worker's fetch and decoder) and submitted as a clone's `fileUrl`; the task must end failed or completed,
  with an error a user can read.
- MiniMax: each case is uploaded as a `voice_clone` file (the API decodes it to check its rules).

A case fails on a 5xx, an internal error (SoundClone's internal message, MiniMax 1000/1013), a task that does
not finish, or a message that leaks a traceback, a path or a library's wording (runner.LEAKS).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import MODEL_DIR
from tests.fuzz_media.cases import Case
from tests.fuzz_media.runner import _message_problem
from tests.integration.harness import FileServer, Service

CLONE_PATH = "/api/open-api/v1/soundCloning/clones"
TASK_PATH = "/api/open-api/v1/audios/{}"
UPLOAD_PATH = "/v1/files/upload"
INTERNAL_CODES = (1000, 1013)
INTERNAL_MESSAGE = "internal error"
BATCH = 40                   # below the account's cap on tasks in flight
TASK_DEADLINE_S = 90.0
BALANCE = 10**12


@dataclass(frozen=True)
class HttpOutcome:
    name: str
    entrance: str
    message: str
    problem: str | None


@contextmanager
def service(folder: Path) -> Iterator[tuple[Service, FileServer, str]]:
    """An API and one worker on loopback (private URLs allowed), a file server, and a rich account's key."""
    running = Service(data_dir=folder / "data", model_dir=MODEL_DIR,
                      extra_env={"SOUNDCLONE_MAX_TASKS_IN_FLIGHT": str(BATCH + 10)})
    served = folder / "served"
    served.mkdir()
    try:
        running.cli("migrate")
        running.start_api()
        running.start_worker()
        _, key = running.new_key(BALANCE)
        with FileServer(served) as files:
            yield running, files, key
    finally:
        running.stop()


def run_cases(cases: Sequence[Case], on: Service | None = None) -> list[HttpOutcome]:
    """Each case uploaded and cloned from a URL, through a service of its own or through `on` (a running one that
    allows private URLs), on an account of its own."""
    with tempfile.TemporaryDirectory(prefix="fuzz-http-") as tmp:
        if on is None:
            with service(Path(tmp)) as (running, files, key):
                return _run(cases, running, files, key, Path(tmp) / "served")
        served = Path(tmp) / "served"
        served.mkdir()
        with FileServer(served) as files:
            return _run(cases, on, files, on.new_key(BALANCE)[1], served)


def _run(cases: Sequence[Case], running: Service, files: FileServer, key: str, served: Path) -> list[HttpOutcome]:
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=running.base_url, headers=headers, timeout=120) as client:
        outcomes = [_upload(client, case) for case in cases]
        for start in range(0, len(cases), BATCH):
            outcomes += _clones(client, files, served, cases[start:start + BATCH], start)
    return outcomes


def _upload(client: httpx.Client, case: Case) -> HttpOutcome:
    response = client.post(UPLOAD_PATH, data={"purpose": "voice_clone"},
                           files={"file": (f"upload.{case.extension}", case.data)})
    if response.status_code >= 500:
        return HttpOutcome(case.name, "minimax", response.text[:200], f"HTTP {response.status_code}")
    base = response.json().get("base_resp", {})
    message = base.get("status_msg", "")
    problem = f"internal error {base['status_code']}" if base.get("status_code") in INTERNAL_CODES else None
    if base.get("status_code"):
        problem = problem or _message_problem(message)
    return HttpOutcome(case.name, "minimax", message, problem)


def _clones(client: httpx.Client, files: FileServer, served: Path, cases: Sequence[Case], offset: int) -> list[HttpOutcome]:
    submitted: dict[str, Case] = {}
    refused: list[HttpOutcome] = []
    for index, case in enumerate(cases, offset):
        (served / f"case{index}").write_bytes(case.data)
        response = client.post(CLONE_PATH, json={"fileUrl": files.url(f"case{index}"), "language": "English"})
        if response.status_code != 200:
            refused.append(HttpOutcome(case.name, "soundclone", response.text[:200], f"HTTP {response.status_code}"))
            continue
        submitted[response.json()["data"]["id"]] = case
    return refused + [_finished(client, task_id, case) for task_id, case in _settled(client, submitted)]


def _settled(client: httpx.Client, submitted: dict[str, Case]) -> Iterator[tuple[str, Case]]:
    deadline = time.monotonic() + TASK_DEADLINE_S * max(1, len(submitted) // 10)
    pending = dict(submitted)
    while pending and time.monotonic() < deadline:
        for task_id in list(pending):
            if client.get(TASK_PATH.format(task_id)).json()["data"]["status"] in ("completed", "failed"):
                yield task_id, pending.pop(task_id)
        time.sleep(0.5)
    yield from pending.items()


def _finished(client: httpx.Client, task_id: str, case: Case) -> HttpOutcome:
    data = client.get(TASK_PATH.format(task_id)).json()["data"]
    message = data.get("error") or ""
    if data["status"] not in ("completed", "failed"):
        return HttpOutcome(case.name, "soundclone", message, f"still {data['status']} after the deadline")
    if INTERNAL_MESSAGE in message:
        return HttpOutcome(case.name, "soundclone", message, "an internal error")
    return HttpOutcome(case.name, "soundclone", message, _message_problem(message) if message else None)
