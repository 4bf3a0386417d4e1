"""Chaos on a scale-out deployment, on one machine: 2 API replicas and 3 workers on PostgreSQL + Redis + object
storage (moto's S3 server on loopback), mixed tasks from every dialect, workers SIGKILLed at random and restarted,
one API replica killed and restarted mid-run. Then the books are checked.

    .venv/bin/python bench/chaos.py [--tasks 300] [--kill-every 4] [--clients 6] [--seed 1]

Needs PostgreSQL (`--admin-url`, a role that may CREATE DATABASE; a fresh database is made and dropped) and Redis
(`--redis-url`, a database number the bench flushes). The processes are started with the commands and settings
docs/deploy.md gives: `soundclone migrate`, then `soundclone serve` per replica and `soundclone worker` per worker.

Exit status 1 when a check fails:
- every task completed or failed, and a failed one refunded exactly once (a completed one never);
- the account's balance equals its starting balance minus the costs of its completed tasks, and the ledger sums to it;
- every stored result (SoundClone audio, MiniMax async archive) downloads through either replica;
- no orphans: every blob belongs to a row that wants it (a completed task's outputs, a live voice's profile or
  reference, a live file), and every row's blob exists; no voice is left from a clone that did not complete.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.harness import FileServer, free_port, wait_for  # noqa: E402
from tests.s3server import CREDENTIALS, s3_server  # noqa: E402

REFERENCE = ROOT / ".cache" / "speech" / "librivox_reference.wav"
MODEL_DIR = ROOT / ".cache" / "models"
START_BALANCE = 10**12
READY_TIMEOUT_S = 120
SHORT_TEXTS = ["Hello, how are you today?", "The train leaves at nine.", "Thank you for calling.",
               "Please hold the line.", "It is raining again.", "See you tomorrow morning."]
# the mix: (kind, weight); clones are a few of the tasks
MIX = [("soundclone_audio", 30), ("minimax_async", 22), ("minimax_sync", 12), ("minimax_stream", 8),
       ("openai_speech", 22), ("soundclone_clone", 3), ("minimax_clone", 3), ("openai_clone", 3)]
CLONE_KINDS = ("soundclone_clone", "minimax_clone", "openai_clone")
# an OpenAI custom voice needs a consent: its recording and the voice's sample are spoken by one system voice of the
# deployment itself, once, before the chaos starts (as tests/integration/test_openai_end_to_end.py does)
CONSENT_VOICE = "marin"
SAMPLE_TEXT = ("The morning train was late again, so Clara walked along the river instead. The water was calm and "
               "grey, and a few boats were already out near the bridge. She stopped at the bakery on the corner, "
               "bought two warm rolls and a coffee, and watched the city slowly wake up around her.")


@dataclass
class Outcome:
    kind: str
    ok: bool | None = None        # True: the client saw it complete; False: saw it fail; None: lost the answer
    error: str = ""
    download: tuple[str, str] | None = None   # ("soundclone", audioUrl) or ("minimax", file_id)
    task_id: str | None = None                # where the answer names it


@dataclass
class Deployment:
    """The processes, started as docs/deploy.md says."""
    env: dict[str, str]
    logs: Path
    api_ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    apis: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    workers: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None, None])

    restarts: collections.Counter = field(default_factory=collections.Counter)
    generation: list[int] = field(default_factory=lambda: [0, 0, 0])
    ready_at: list[float | None] = field(default_factory=lambda: [None, None, None])
    api_up: list[bool] = field(default_factory=lambda: [False, False])

    def cli(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "soundclone", *args], env=self.env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        if done.returncode:
            raise RuntimeError(f"soundclone {' '.join(args)}: {done.stderr[-3000:]}")
        return done.stdout

    def _spawn(self, command: str, log: str, **env: str) -> subprocess.Popen:
        handle = open(self.logs / log, "ab")
        return subprocess.Popen([sys.executable, "-m", "soundclone", command], env={**self.env, **env}, cwd=ROOT,
                                stdout=handle, stderr=subprocess.STDOUT)

    def url(self, replica: int) -> str:
        return f"http://127.0.0.1:{self.api_ports[replica]}"

    def start_api(self, replica: int, wait: bool = True) -> None:
        self.apis[replica] = self._spawn("serve", f"api{replica}.log", SOUNDCLONE_PORT=str(self.api_ports[replica]))
        if wait:
            self.wait_api(replica)

    def wait_api(self, replica: int) -> None:
        wait_for(lambda: httpx.get(f"{self.url(replica)}/readyz", timeout=2).status_code == 200, f"API {replica}",
                 READY_TIMEOUT_S)
        self.api_up[replica] = True

    def start_worker(self, number: int) -> None:
        self.generation[number] += 1
        self.ready_at[number] = None
        self.workers[number] = self._spawn("worker", self._worker_log(number))

    def _worker_log(self, number: int) -> str:
        return f"worker{number}.{self.generation[number]}.log"

    def worker_ready(self, number: int) -> bool:
        if self.ready_at[number] is None:
            path = self.logs / self._worker_log(number)
            if path.exists() and "worker ready" in path.read_text(errors="replace"):
                self.ready_at[number] = time.monotonic()
        return self.ready_at[number] is not None

    def up_for(self, number: int) -> float:
        return time.monotonic() - self.ready_at[number] if self.worker_ready(number) else 0.0

    def wait_workers(self) -> None:
        wait_for(lambda: all(self.worker_ready(n) for n in range(len(self.workers))), "the workers", READY_TIMEOUT_S)

    def kill_worker(self, number: int) -> None:
        os.kill(self.workers[number].pid, signal.SIGKILL)
        self.workers[number].wait()
        self.restarts["worker"] += 1
        self.start_worker(number)

    def kill_api(self, replica: int) -> None:
        self.api_up[replica] = False
        os.kill(self.apis[replica].pid, signal.SIGKILL)
        self.apis[replica].wait()
        self.restarts["api"] += 1

    def stop(self) -> None:
        for process in [*self.apis, *self.workers]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in [*self.apis, *self.workers]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class Clients:
    """Sends each job to a live replica (round robin), as a load balancer would; a refused connection goes to the
    other replica. An answer lost with a killed replica is recorded as lost (the books are checked anyway)."""

    def __init__(self, deployment: Deployment, key: str, files: FileServer) -> None:
        self.deployment, self.files = deployment, files
        self.headers = {"Authorization": f"Bearer {key}"}
        self.turn = 0
        self.lock = threading.Lock()
        self.consent_recording = self.voice_sample = b""

    def prepare_openai_clones(self) -> None:
        """The consent recording (the phrase for en-US) and the voice sample the OpenAI clones send."""
        phrase = self.call("GET", "/v1/audio/consent_phrases", params={"language": "en-US"}).json()["phrase"]
        self.consent_recording = self._speech(phrase, "wav")
        self.voice_sample = self._speech(SAMPLE_TEXT, "mp3")

    def _speech(self, text: str, fmt: str) -> bytes:
        response = self.call("POST", "/v1/audio/speech", json={"model": "tts-1", "voice": CONSENT_VOICE,
                                                               "input": text, "response_format": fmt})
        response.raise_for_status()
        return response.content

    def replica(self) -> int:
        with self.lock:
            self.turn += 1
            live = [n for n, up in enumerate(self.deployment.api_up) if up] or [0, 1]
            return live[self.turn % len(live)]

    def call(self, method: str, path: str, *, timeout: float = 300, **kwargs) -> httpx.Response:  # noqa: ANN003
        last: Exception | None = None
        for attempt in range(20):
            base = self.deployment.url(self.replica())
            try:
                return httpx.request(method, base + path, headers=self.headers, timeout=timeout, **kwargs)
            except httpx.ConnectError as error:   # nothing was sent: safe to send again elsewhere
                last = error
                time.sleep(0.2 * (attempt + 1))
        raise last  # type: ignore[misc]

    def poll(self, path: str, done, timeout: float = 600) -> dict:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                body = self.call("GET", path, timeout=30).json()
            except httpx.HTTPError:
                time.sleep(0.5)
                continue
            if done(body):
                return body
            time.sleep(0.5)
        raise TimeoutError(path)

    def run(self, kind: str, number: int) -> Outcome:
        outcome = Outcome(kind)
        text = SHORT_TEXTS[number % len(SHORT_TEXTS)]
        try:
            getattr(self, kind)(outcome, text, number)
        except (httpx.HTTPError, TimeoutError, ValueError) as error:
            outcome.ok, outcome.error = None, f"{type(error).__name__}: {error}"[:200]
        return outcome

    def soundclone_audio(self, outcome: Outcome, text: str, _: int) -> None:
        data = self.call("POST", "/api/open-api/v1/soundCloning/audios",
                         json={"modelId": "jm_kumo", "contentText": text}).json()["data"]
        outcome.task_id = data["id"]
        data = self.poll(f"/api/open-api/v1/audios/{data['id']}",
                         lambda body: body["data"]["status"] in ("completed", "failed"))["data"]
        outcome.ok = data["status"] == "completed"
        if outcome.ok:
            outcome.download = ("soundclone", data["audioUrl"])

    def soundclone_clone(self, outcome: Outcome, _: str, __: int) -> None:
        data = self.call("POST", "/api/open-api/v1/soundCloning/clones",
                         json={"fileUrl": self.files.url(REFERENCE.name), "language": "English"}).json()["data"]
        data = self.poll(f"/api/open-api/v1/audios/{data['id']}",
                         lambda body: body["data"]["status"] in ("completed", "failed"))["data"]
        outcome.ok = data["status"] == "completed"
        if outcome.ok and data.get("audioUrl"):
            outcome.download = ("soundclone", data["audioUrl"])

    def minimax_async(self, outcome: Outcome, text: str, _: int) -> None:
        body = self.call("POST", "/v1/t2a_async_v2", json={"model": "speech-02-turbo", "text": text,
                                                            "voice_setting": {"voice_id": "af_heart"}}).json()
        if body["base_resp"]["status_code"]:
            outcome.ok, outcome.error = False, body["base_resp"]["status_msg"]
            return
        body = self.poll(f"/v1/query/t2a_async_query_v2?task_id={body['task_id']}",
                         lambda reply: reply.get("status") in ("Success", "Failed", "Expired"))
        outcome.ok = body["status"] == "Success"
        if outcome.ok:
            outcome.download = ("minimax", str(body["file_id"]))

    def minimax_sync(self, outcome: Outcome, text: str, _: int) -> None:
        body = self.call("POST", "/v1/t2a_v2", json={"model": "speech-02-turbo", "text": text,
                                                      "voice_setting": {"voice_id": "bm_george"},
                                                      "audio_setting": {"format": "mp3"}}).json()
        outcome.ok = body["base_resp"]["status_code"] == 0 and bool(body["data"]["audio"])
        outcome.error = "" if outcome.ok else body["base_resp"]["status_msg"]

    def minimax_stream(self, outcome: Outcome, text: str, _: int) -> None:
        base = self.deployment.url(self.replica())
        audio, finished = 0, False
        with httpx.stream("POST", base + "/v1/t2a_v2", headers=self.headers, timeout=300,
                          json={"model": "speech-02-turbo", "text": text, "stream": True,
                                "voice_setting": {"voice_id": "af_bella"}}) as response:
            for line in response.iter_lines():
                audio += line.count('"status": 1')
                finished = finished or '"status": 2' in line
        outcome.ok = audio > 0 and finished

    def openai_speech(self, outcome: Outcome, text: str, _: int) -> None:
        response = self.call("POST", "/v1/audio/speech", json={"model": "tts-1", "voice": "alloy", "input": text,
                                                               "response_format": "wav"})
        outcome.task_id = response.headers.get("x-request-id")
        outcome.ok = response.status_code == 200 and len(response.content) > 1000
        outcome.error = "" if outcome.ok else response.text[:200]

    def minimax_clone(self, outcome: Outcome, _: str, number: int) -> None:
        upload = self.call("POST", "/v1/files/upload", data={"purpose": "voice_clone"},
                           files={"file": (REFERENCE.name, REFERENCE.read_bytes())}).json()
        body = self.call("POST", "/v1/voice_clone", json={"file_id": upload["file"]["file_id"], "model": "speech-02-turbo",
                                                          "voice_id": f"Chaos{number:05d}x",
                                                          "text": "A short demo of this voice."}).json()
        outcome.ok = body["base_resp"]["status_code"] == 0
        outcome.error = "" if outcome.ok else body["base_resp"]["status_msg"]


    def openai_clone(self, outcome: Outcome, _: str, number: int) -> None:
        """Consent, then a custom voice under it, then a sentence in that voice."""
        consent = self.call("POST", "/v1/audio/voice_consents", data={"language": "en-US", "name": f"Chaos {number}"},
                            files={"recording": ("consent.wav", self.consent_recording)})
        if consent.status_code != 200:
            outcome.ok, outcome.error = False, consent.text[:200]
            return
        voice = self.call("POST", "/v1/audio/voices", data={"consent": consent.json()["id"], "name": f"Chaos {number}"},
                          files={"audio_sample": ("sample.mp3", self.voice_sample)})
        if voice.status_code != 200:
            outcome.ok, outcome.error = False, voice.text[:200]
            return
        speech = self.call("POST", "/v1/audio/speech", json={"model": "tts-1", "voice": {"id": voice.json()["id"]},
                                                             "input": "A short demo of this voice.",
                                                             "response_format": "wav"})
        outcome.ok = speech.status_code == 200 and len(speech.content) > 1000
        outcome.error = "" if outcome.ok else speech.text[:200]


def chaos(deployment: Deployment, stop: threading.Event, kill_every: float, min_life: float, rng: random.Random,
          api_kill_at: float, max_kills: int) -> None:
    """A worker SIGKILLed (and restarted at once) every `kill_every` s on average, chosen among those that have been
    working for `min_life` s (a worker takes 10-60 s to load its models on a busy 2-core machine, so killing starting
    ones would only test start-up, and killing each before it finishes a task would test nothing else); one API
    replica killed once, `api_kill_at` s in, and restarted."""
    started = time.monotonic()
    api_killed = False
    while not stop.wait(rng.uniform(0.5, 1.5) * kill_every):
        ready = [n for n in range(len(deployment.workers)) if deployment.up_for(n) >= min_life]
        if ready and not stop.is_set() and deployment.restarts["worker"] < max_kills:
            deployment.kill_worker(rng.choice(ready))
        if not api_killed and time.monotonic() - started >= api_kill_at:
            api_killed = True
            deployment.kill_api(1)
            time.sleep(1.0)
            deployment.start_api(1, wait=False)
            threading.Thread(target=deployment.wait_api, args=(1,), daemon=True).start()


def books(database_url: str, account_id: int, blob_url: str, outcomes: list[Outcome]) -> tuple[dict, list[str]]:
    """What the database and the bucket say, and every violation found."""
    from sqlalchemy import func, select

    from soundclone.store.blobs import create_blob_store
    from soundclone.store.db import make_engine, make_sessionmaker, transaction
    from soundclone.store.models import Account, Consent, LedgerEntry, StoredFile, Task, Voice

    engine = make_engine(database_url)
    problems: list[str] = []
    with transaction(make_sessionmaker(engine)) as session:
        tasks = list(session.execute(select(Task).where(Task.account_id == account_id)).scalars())
        ledger = list(session.execute(select(LedgerEntry).where(LedgerEntry.account_id == account_id)).scalars())
        balance = session.execute(select(Account.balance).where(Account.id == account_id)).scalar_one()
        voices = list(session.execute(select(Voice)).scalars())
        files = list(session.execute(select(StoredFile)).scalars())
        consents = list(session.execute(select(Consent)).scalars())
        total = session.execute(select(func.count()).select_from(Task)).scalar_one()
    engine.dispose()
    by_task: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for entry in ledger:
        if entry.task_id:
            by_task[entry.task_id][entry.kind] += 1
    spent = 0
    stats = collections.Counter()
    for task in tasks:
        stats[(task.kind, task.status)] += 1
        stats["attempts>1"] += task.attempts > 1
        if task.status not in ("completed", "failed"):
            problems.append(f"task {task.id} ({task.kind}) is still {task.status}")
        debits, refunds = by_task[task.id]["debit"], by_task[task.id]["refund"]
        if task.cost and debits != 1:
            problems.append(f"task {task.id} was debited {debits} times")
        wanted_refunds = 1 if task.cost and task.status == "failed" else 0
        if refunds != wanted_refunds:
            problems.append(f"task {task.id} ({task.status}) was refunded {refunds} times, not {wanted_refunds}")
        if task.status == "completed":
            spent += task.cost
    if balance != START_BALANCE - spent:
        problems.append(f"balance {balance} != start {START_BALANCE} - completed costs {spent} "
                        f"(off by {balance - (START_BALANCE - spent)})")
    if sum(entry.amount for entry in ledger) != balance:
        problems.append(f"the ledger sums to {sum(e.amount for e in ledger)}, the balance is {balance}")
    if total != len(tasks):
        problems.append(f"{total - len(tasks)} tasks of other accounts in a fresh database")

    # what clients were told against what happened
    status = {task.id: task.status for task in tasks}
    for outcome in outcomes:
        if outcome.task_id and outcome.ok is True and status.get(outcome.task_id) != "completed":
            problems.append(f"a client was given {outcome.kind} {outcome.task_id} as complete; the task is "
                            f"{status.get(outcome.task_id)}")

    # blobs against rows
    store = create_blob_store(blob_url, Path("/nonexistent"))
    blobs = set(store.keys())
    wanted: set[str] = set()
    for voice in voices:
        if voice.deleted_at is None:
            wanted.update(key for key in (voice.profile_key, voice.reference_key) if key)
            wanted.add(f"voices/{voice.id}.profile")   # the draft stays for tasks accepted with it
            if status.get(voice.source_task_id) != "completed":
                problems.append(f"voice {voice.id} is live but its clone task {voice.source_task_id} is "
                                f"{status.get(voice.source_task_id)}")
            if voice.profile_key not in blobs:
                problems.append(f"voice {voice.id}'s profile {voice.profile_key} is missing")
    for consent in consents:      # a consent keeps its recording (the evidence) while it exists
        wanted.add(consent.recording_key)
        if consent.recording_key not in blobs:
            problems.append(f"consent {consent.id}'s recording {consent.recording_key} is missing")
        if status.get(consent.task_id) != "completed":
            problems.append(f"consent {consent.id} exists but its task {consent.task_id} is {status.get(consent.task_id)}")
    for stored in files:
        if stored.deleted_at is None:
            wanted.add(stored.blob_key)
            if stored.blob_key not in blobs:
                problems.append(f"file {stored.id}'s blob {stored.blob_key} is missing")
    orphans = []
    for key in sorted(blobs):
        match = re.match(r"tasks/([^/]+)/", key)
        if match:
            if status.get(match.group(1)) != "completed":
                orphans.append(f"{key} (task {status.get(match.group(1))})")
        elif key not in wanted:
            orphans.append(key)
    problems += [f"orphaned blob {key}" for key in orphans]
    stats["blobs"] = len(blobs)
    stats["ledger entries"] = len(ledger)
    stats["spent"] = spent
    return stats, problems


def check_downloads(deployment: Deployment, key: str, outcomes: list[Outcome]) -> tuple[int, list[str]]:
    problems, fetched = [], 0
    headers = {"Authorization": f"Bearer {key}"}
    for outcome in outcomes:
        if outcome.download is None:
            continue
        how, what = outcome.download
        for replica in (0, 1):
            base = urlsplit(deployment.url(replica))
            if how == "soundclone":
                parts = urlsplit(what)
                response = httpx.get(urlunsplit((base.scheme, base.netloc, parts.path, parts.query, "")), timeout=60)
            else:
                response = httpx.get(f"{deployment.url(replica)}/v1/files/retrieve_content", params={"file_id": what},
                                     headers=headers, timeout=60)
            fetched += 1
            if response.status_code != 200 or len(response.content) < 100:
                problems.append(f"{how} result {what} through replica {replica}: HTTP {response.status_code}, "
                                f"{len(response.content)} bytes")
    return fetched, problems


def wait_drained(database_url: str, account_id: int, timeout: float) -> float:
    from sqlalchemy import func, select

    from soundclone.store.db import make_engine
    from soundclone.store.models import Task

    engine = make_engine(database_url)
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            with engine.connect() as connection:
                left = connection.execute(select(func.count()).select_from(Task).where(
                    Task.account_id == account_id, Task.status.in_(("queued", "processing")))).scalar_one()
            if not left:
                break
            time.sleep(1.0)
    finally:
        engine.dispose()
    return time.monotonic() - started


def deployment_env(*, database_url: str, redis_url: str, blob_url: str, data_dir: Path) -> dict[str, str]:
    """The settings docs/deploy.md lists, as every process of the deployment gets them."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SOUNDCLONE_")}
    env.update(CREDENTIALS)
    env.update({
        "SOUNDCLONE_ENV": "production",
        "SOUNDCLONE_SECRET_KEY": "chaos-" + uuid.uuid4().hex,
        "SOUNDCLONE_WATERMARK_KEYS": "chaos:" + uuid.uuid4().hex,
        "SOUNDCLONE_DATABASE_URL": database_url,
        "SOUNDCLONE_QUEUE_URL": redis_url,
        "SOUNDCLONE_BLOB_URL": blob_url,
        "SOUNDCLONE_DATA_DIR": str(data_dir),          # only scratch space on a scale-out deployment
        "SOUNDCLONE_MODEL_DIR": str(MODEL_DIR),
        "SOUNDCLONE_ENGINE_THREADS": "1",
        "SOUNDCLONE_HOST": "127.0.0.1",
        # short leases so a killed worker's task is taken over in seconds (the default is 60 s)
        "SOUNDCLONE_TASK_LEASE_S": "4", "SOUNDCLONE_REAPER_INTERVAL_S": "1",
        # a task interrupted this many times is failed and refunded (default 3; kills here are far more frequent)
        "SOUNDCLONE_TASK_MAX_ATTEMPTS": "5",
        # a closed test network: the clone references are served on loopback
        "SOUNDCLONE_ALLOW_PRIVATE_URLS": "true",
        # one account sends everything here; its limits are not what is tested
        "SOUNDCLONE_RATE_LIMIT_PER_MINUTE": "1000000", "SOUNDCLONE_MAX_TASKS_IN_FLIGHT": "100000",
        "SOUNDCLONE_CHARACTERS_PER_MINUTE": "100000000",
        "SOUNDCLONE_DRAFT_STEPS": "2", "SOUNDCLONE_REFINE_STEPS": "3",
    })
    return env


def plan(tasks: int, rng: random.Random, clones: int) -> list[str]:
    """`tasks` jobs drawn from MIX; with clones=0 none are clones, else at least `clones` of each kind, early on."""
    mix = [(kind, weight) for kind, weight in MIX if clones or kind not in CLONE_KINDS]
    jobs = rng.choices([kind for kind, _ in mix], weights=[weight for _, weight in mix], k=tasks)
    for must in CLONE_KINDS if clones else ():
        while jobs.count(must) < clones:
            free = [n for n, job in enumerate(jobs[:max(10, 4 * clones)]) if not job.endswith("_clone")]
            jobs[rng.choice(free)] = must
    return jobs


def run(args: argparse.Namespace) -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # moto's server: no line per request
    rng = random.Random(args.seed)
    name = f"soundclone_chaos_{uuid.uuid4().hex[:10]}"
    from sqlalchemy import create_engine, text

    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    scratch = Path(tempfile.mkdtemp(prefix="soundclone-chaos-"))
    deployment = None
    stop = threading.Event()
    failures: list[str] = []
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        with s3_server() as s3, FileServer(REFERENCE.parent) as files:
            bucket = "chaos"
            s3.create_bucket(bucket)
            blob_url = s3.blob_url(bucket)
            env = deployment_env(database_url=database_url, redis_url=args.redis_url, blob_url=blob_url,
                                 data_dir=scratch / "data")
            deployment = Deployment(env=env, logs=scratch, workers=[None] * args.workers,
                                    generation=[0] * args.workers, ready_at=[None] * args.workers)
            started = time.monotonic()
            deployment.cli("migrate")
            lines = deployment.cli("keys", "create", "--balance", str(START_BALANCE), "--name", "chaos").splitlines()
            account_id, key = int(lines[0].split(",")[0].removeprefix("account ")), lines[-1].strip()
            for replica in (0, 1):   # both at once: each migrates at start (a no-op here, serialised by a lock)
                deployment.start_api(replica, wait=False)
            for number in range(len(deployment.workers)):
                deployment.start_worker(number)
            deployment.wait_api(0)
            deployment.wait_api(1)
            deployment.wait_workers()
            setup_s = time.monotonic() - started
            print(f"deployment up in {setup_s:.1f} s (logs in {scratch})", flush=True)

            jobs = plan(args.tasks, rng, args.clones)
            clients = Clients(deployment, key, files)
            if "openai_clone" in jobs:
                clients.prepare_openai_clones()
            chaos_thread = threading.Thread(target=chaos, args=(deployment, stop, args.kill_every, args.min_life, rng,
                                                                args.api_kill_at, args.max_kills), daemon=True)
            load_started = time.monotonic()
            chaos_thread.start()
            outcomes: list[Outcome | None] = [None] * len(jobs)
            cursor = iter(range(len(jobs)))
            cursor_lock = threading.Lock()

            def client_loop() -> None:
                while True:
                    with cursor_lock:
                        number = next(cursor, None)
                    if number is None:
                        return
                    outcomes[number] = clients.run(jobs[number], number)

            threads = [threading.Thread(target=client_loop, daemon=True) for _ in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            load_s = time.monotonic() - load_started
            stop.set()
            chaos_thread.join()
            deployment.wait_api(1)
            drain_s = wait_drained(database_url, account_id, args.drain_timeout)
            fetched, download_problems = check_downloads(deployment, key, [o for o in outcomes if o])
            deployment.stop()
            stats, problems = books(database_url, account_id, blob_url, [o for o in outcomes if o])
            failures = problems + download_problems
            report(jobs, outcomes, stats, deployment, setup_s, load_s, drain_s, fetched, failures)
    finally:
        stop.set()
        time.sleep(0.5)
        if deployment is not None:
            deployment.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if not args.keep_logs and not failures:
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failures else 0


def report(jobs, outcomes, stats, deployment, setup_s, load_s, drain_s, fetched, failures) -> None:  # noqa: ANN001
    print(f"\n{len(jobs)} tasks from {len(set(jobs))} kinds in {load_s:.1f} s under chaos "
          f"({deployment.restarts['worker']} worker kills, {deployment.restarts['api']} API replica kill); "
          f"drained {drain_s:.1f} s later")
    print(f"{'client request':<20}{'sent':>6}{'completed':>11}{'failed':>8}{'lost':>6}")
    per_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    lost_examples = []
    for outcome in outcomes:
        counter = per_kind[outcome.kind]
        counter["sent"] += 1
        counter["completed" if outcome.ok else "failed" if outcome.ok is False else "lost"] += 1
        if outcome.ok is not True and outcome.error:
            lost_examples.append(f"{outcome.kind}: {outcome.error}")
    for kind, counter in sorted(per_kind.items()):
        print(f"{kind:<20}{counter['sent']:>6}{counter['completed']:>11}{counter['failed']:>8}{counter['lost']:>6}")
    print(f"\n{'task rows (kind, status)':<40}{'count':>7}")
    for name, count in sorted(((k, v) for k, v in stats.items() if isinstance(k, tuple)), key=str):
        print(f"{name[0] + ', ' + name[1]:<40}{count:>7}")
    print(f"tasks run more than once: {stats['attempts>1']}; ledger entries: {stats['ledger entries']}; "
          f"spent {stats['spent']} micro-units; blobs: {stats['blobs']}; downloads checked: {fetched}")
    for example in lost_examples[:8]:
        print(f"  not completed: {example}")
    print("\nchecks: " + ("all passed" if not failures else f"{len(failures)} VIOLATIONS"))
    for failure in failures[:40]:
        print(f"  {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--clients", type=int, default=6, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clones", type=int, default=1, help="at least this many clones of each dialect (0: none)")
    parser.add_argument("--kill-every", type=float, default=6.0, help="mean seconds between worker SIGKILLs")
    parser.add_argument("--max-kills", type=int, default=10**6, help="stop killing workers after this many")
    parser.add_argument("--min-life", type=float, default=20.0,
                        help="a worker is killed only after working this many seconds")
    parser.add_argument("--api-kill-at", type=float, default=10.0, help="kill API replica 1 this many s into the run")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args()
    if not REFERENCE.exists():
        sys.exit(f"{REFERENCE} is missing: run `make fixtures`")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
