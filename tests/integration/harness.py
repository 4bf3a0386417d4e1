"""Real processes for end-to-end tests: the API (uvicorn), workers, and a local file server."""

from __future__ import annotations

import functools
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60

WATERMARK_KEYS = "it1:integration-watermark-key"   # the service marks with it; tests detect with it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FileServer:
    """Serves one directory on 127.0.0.1 (test traffic stays on loopback)."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def __enter__(self) -> "FileServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Service:
    data_dir: Path
    model_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    api: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "SOUNDCLONE_DATA_DIR": str(self.data_dir), "SOUNDCLONE_MODEL_DIR": str(self.model_dir),
            "SOUNDCLONE_PORT": str(self.port), "SOUNDCLONE_ALLOW_PRIVATE_URLS": "true",
            "SOUNDCLONE_SECRET_KEY": "integration-secret",
            "SOUNDCLONE_WATERMARK_KEYS": WATERMARK_KEYS, "SOUNDCLONE_TASK_LEASE_S": "3",
            "SOUNDCLONE_REAPER_INTERVAL_S": "0.5", "SOUNDCLONE_ENGINE_THREADS": "2",
            # tests poll several times a second for minutes; the rate limit has its own tests
            "SOUNDCLONE_RATE_LIMIT_PER_MINUTE": "100000",
        })
        env.update(self.extra_env)
        return env

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "soundclone", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"soundclone {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def new_key(self, balance: int) -> tuple[int, str]:
        """A new account with a balance: (account id, key). The key is the command's last line."""
        lines = self.cli("keys", "create", "--balance", str(balance)).strip().splitlines()
        account_id = int(lines[0].split(",")[0].removeprefix("account "))
        return account_id, lines[-1]

    def balance(self, account_id: int) -> int:
        return int(self.cli("balance", "show", str(account_id)).strip())

    def start_api(self) -> None:
        self.api = self._spawn("serve", "api.log")
        wait_for(lambda: httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200, "the API")

    def start_worker(self) -> subprocess.Popen:
        worker = self._spawn("worker", f"worker{len(self.workers)}.log")
        self.workers.append(worker)
        wait_for(lambda: "worker ready" in self.log(f"worker{len(self.workers) - 1}.log"), "a worker")
        return worker

    def log(self, name: str) -> str:
        path = self.data_dir / name
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_api(self) -> None:
        _stop(self.api)
        self.api = None

    def stop(self) -> None:
        """Every process asked to stop at once, then waited for (each finishes what it holds in its own time)."""
        processes = [p for p in (self.api, *self.workers) if p is not None and p.poll() is None]
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            _wait_stopped(process)

    def _spawn(self, command: str, log_name: str) -> subprocess.Popen:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / log_name, "ab")
        return subprocess.Popen([sys.executable, "-m", "soundclone", command], env=self.env, cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT)


@contextmanager
def running(data_dir: Path, model_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Service]:
    """A migrated service with its API and one worker, stopped on exit."""
    service = Service(data_dir=data_dir, model_dir=model_dir, extra_env=extra_env or {})
    try:
        service.cli("migrate")
        service.start_api()
        service.start_worker()
        yield service
    finally:
        service.stop()


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    _wait_stopped(process)


def _wait_stopped(process: subprocess.Popen) -> None:
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(check, what: str, timeout: float = START_TIMEOUT_S) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not start within {timeout} s")


def poll(client: httpx.Client, path: str, *, until: set[str], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(path).json()
        data = body.get("data")
        assert data is not None, f"{path} answered {body}"
        if data["status"] in until:
            return data
        time.sleep(0.3)
    raise TimeoutError(f"{path} did not reach {until} within {timeout} s")
