"""A worker killed with SIGKILL mid-task loses nothing: the task completes, charged once."""

import signal
import sqlite3
import time

import httpx
import pytest

from tests.integration.harness import Service, poll

pytestmark = pytest.mark.slow
PREFIX = "/api/open-api/v1"


def ledger(service: Service, task_id: str) -> list[tuple[str, int]]:
    with sqlite3.connect(service.data_dir / "soundclone.db") as db:
        return db.execute("SELECT kind, amount FROM ledger WHERE task_id = ? ORDER BY id", (task_id,)).fetchall()


def test_sigkilled_worker_task_completes_once(tmp_path, model_dir, file_server):
    service = Service(data_dir=tmp_path / "data", model_dir=model_dir)
    try:
        service.cli("migrate")
        account_id, key = service.new_key(10_000_000)
        service.start_api()
        with httpx.Client(base_url=service.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            task_id = client.post(f"{PREFIX}/soundCloning/clones",
                                  json={"fileUrl": file_server.url("reference.wav")}).json()["data"]["id"]
            balance_after_debit = service.balance(account_id)
            first = service.start_worker()
            poll(client, f"{PREFIX}/audios/{task_id}", until={"processing"}, timeout=60)
            time.sleep(0.5)
            first.send_signal(signal.SIGKILL)
            first.wait()
            assert client.get(f"{PREFIX}/audios/{task_id}").json()["data"]["status"] == "processing"
            service.start_worker()
            done = poll(client, f"{PREFIX}/audios/{task_id}", until={"completed", "failed"}, timeout=240)
        assert done["status"] == "completed", done["error"]
        assert ledger(service, task_id) == [("debit", -(10_000_000 - balance_after_debit))]
        assert service.balance(account_id) == balance_after_debit
        with sqlite3.connect(service.data_dir / "soundclone.db") as db:
            assert db.execute("SELECT attempts FROM tasks WHERE id = ?", (task_id,)).fetchone()[0] == 2
            assert db.execute("SELECT COUNT(*) FROM voices WHERE source_task_id = ?", (task_id,)).fetchone()[0] == 1
    finally:
        service.stop()
