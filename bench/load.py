"""What the API path costs: submit-and-poll throughput and latency against a bare route of the same server.

    .venv/bin/python bench/load.py [--seconds 15] [--connections 50] [--backends embedded,scaleout] [--profile]

For each backend (the embedded defaults, SQLite + SQLite queue; and PostgreSQL + Redis) one API process
(`soundclone serve`) is started and driven by wrk (`make load-tools` installs it: a C load generator, so the client
is not what limits the figures; its own CPU time is printed beside them) with `--connections` connections:

- **bare**: `GET /healthz`, a synchronous route that returns a constant: what the server, its middleware and the
  thread pool cost with nothing behind them;
- **submit+poll**: MiniMax `POST /v1/t2a_async_v2` (authenticate, rate-count, validate, price, debit, create the task
  row, enqueue) and `GET /v1/query/t2a_async_query_v2` for the task ids it got back, alternating
  (bench/load_submit_poll.lua).

No worker runs: the tasks stay queued, so what is measured is the API path alone. The ratio of the two throughputs
is the figure docs/benchmarks.md records. `--profile` runs the API under pyinstrument during the submit+poll run
and writes the profile (text) next to the table.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.harness import free_port  # noqa: E402

SCRIPT = ROOT / "bench" / "load_submit_poll.lua"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/12"
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
# N accounts with a key each, in the service's database (argv[1] = N); the keys are printed, one per line.
MAKE_KEYS = """
import sys
from soundclone.clock import utc_now
from soundclone.settings import Settings
from soundclone.store import accounts
from soundclone.store.db import make_engine, make_sessionmaker, transaction
sessions = make_sessionmaker(make_engine(Settings().resolved_database_url))
with transaction(sessions) as session:
    for n in range(int(sys.argv[1])):
        account = accounts.create_account(session, name=f"load-{n}", now=utc_now())
        accounts.top_up(session, account_id=account.id, amount=10**15, now=utc_now())
        print(accounts.create_key(session, account_id=account.id, now=utc_now()).key)
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, *, seconds: int, connections: int, threads: int, script: Path | None, env: dict,
        server_pid: int | None = None) -> dict:
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        argv += ["-s", str(script)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    done = subprocess.run(argv + [url], capture_output=True, text=True, env=env, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = cpu_seconds(server_pid) - server_before if server_pid else 0.0
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr}")
    out = done.stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
               "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
               "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    figures["server_ms"] = 1000 * server_cpu / max(figures["requests"], 1)
    for name, pattern in (("p50", r"50%\s+([\d.]+)(us|ms|s)"), ("p99", r"99%\s+([\d.]+)(us|ms|s)")):
        value, unit = re.search(pattern, out).groups()
        figures[name] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    figures["non2xx"] = int(errors.group(1)) if errors else 0
    figures["socket_errors"] = socket_errors.group(1) if socket_errors else ""
    load = re.search(r"LOAD submits=(\d+) polls=(\d+) refused=(\d+)", out)
    if load:
        figures.update(submits=int(load.group(1)), polls=int(load.group(2)), refused=int(load.group(3)))
    return figures


def backend_env(name: str, data_dir: Path) -> tuple[dict, callable]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOUNDCLONE_")}
    env.update({"SOUNDCLONE_DATA_DIR": str(data_dir), "SOUNDCLONE_SECRET_KEY": "load-" + uuid.uuid4().hex,
                "SOUNDCLONE_RATE_LIMIT_PER_MINUTE": "100000000", "SOUNDCLONE_MAX_TASKS_IN_FLIGHT": "100000000",
                "SOUNDCLONE_CHARACTERS_PER_MINUTE": "1000000000"})
    cleanup = lambda: None  # noqa: E731
    if name == "scaleout":
        from sqlalchemy import create_engine, text

        database = f"soundclone_load_{uuid.uuid4().hex[:10]}"
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env.update({"SOUNDCLONE_DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + f"/{database}",
                    "SOUNDCLONE_QUEUE_URL": REDIS_URL})

        def cleanup() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()
            redis.Redis.from_url(REDIS_URL).flushdb()
    return env, cleanup


def run_backend(name: str, args: argparse.Namespace, scratch: Path) -> list[tuple]:
    env, cleanup = backend_env(name, scratch / name)
    env.update(setting.split("=", 1) for setting in args.setting)
    source = Path(args.source).resolve() if args.source else ROOT
    env["PYTHONPATH"] = str(source)
    port = free_port()
    env["SOUNDCLONE_PORT"] = str(port)
    api = None
    rows = []
    try:
        subprocess.run([sys.executable, "-m", "soundclone", "migrate"], env=env, cwd=source, check=True,
                       capture_output=True)
        keys = subprocess.run([sys.executable, "-c", MAKE_KEYS, str(args.keys)], env=env, cwd=source, check=True,
                              capture_output=True, text=True).stdout.split()
        argv = [sys.executable, "-m", "soundclone", "serve"]
        profile_out = scratch / f"profile-{name}.txt"
        if args.profile:
            argv = [sys.executable, "-m", "pyinstrument", "--outfile", str(profile_out), "-m", "soundclone", "serve"]
        api = subprocess.Popen(argv, env=env, cwd=source, stdout=open(scratch / f"api-{name}.log", "wb"),
                               stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the API did not start")
            time.sleep(0.2)
        wrk_env = {**os.environ, "LOAD_KEYS": " ".join(keys)}
        common = dict(seconds=args.seconds, connections=args.connections, threads=args.threads, env=wrk_env,
                      server_pid=api.pid)
        wrk(base + "/healthz", **{**common, "seconds": 3}, script=None)                       # warm-up
        wrk(base + "/", **{**common, "seconds": 3}, script=SCRIPT)
        for _ in range(args.rounds):
            bare = wrk(base + "/healthz", **common, script=None)
            submit = wrk(base + "/", **common, script=SCRIPT)
            rows.append((name, bare, submit))
    finally:
        if api is not None:
            api.send_signal(2)
            try:
                api.wait(timeout=60)
            except subprocess.TimeoutExpired:
                api.kill()
        cleanup()
    if args.profile and (scratch / f"profile-{name}.txt").exists():
        target = Path(args.profile_dir) / f"profile-{name}.txt"
        shutil.copy(scratch / f"profile-{name}.txt", target)
        print(f"profile of the {name} API written to {target}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=50,
                        help="wrk threads: one per connection by default, so each client is one account (--keys)")
    parser.add_argument("--keys", type=int, default=50,
                        help="accounts (one key each), dealt round wrk's threads: 50 clients are 50 accounts")
    parser.add_argument("--setting", action="append", default=[], metavar="SOUNDCLONE_NAME=VALUE",
                        help="a setting for the API under test (repeatable), e.g. SOUNDCLONE_SHORT_WORK_THREADS=2")
    parser.add_argument("--rounds", type=int, default=1, help="bare then submit+poll, this many times")
    parser.add_argument("--backends", default="embedded,scaleout")
    parser.add_argument("--source", help="serve this source tree instead (e.g. an older release, for a baseline)")
    parser.add_argument("--profile", action="store_true", help="run the API under pyinstrument")
    parser.add_argument("--profile-dir", default=".")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `make load-tools`")
    rows = []
    with tempfile.TemporaryDirectory(prefix="soundclone-load-") as tmp:
        for name in args.backends.split(","):
            rows += run_backend(name, args, Path(tmp))
    print(f"\n{args.connections} connections, {args.keys} accounts, {args.seconds} s per run, one API process (uvicorn); "
          f"wrk CPU is the load generator's own CPU time per second of the run")
    print("API CPU ms/req: the API process's CPU time per request (robust to a busy machine); cost ratio: bare's "
          "CPU per request over submit+poll's")
    print(f"{'backend':<10}{'route':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'wrk CPU':>9}{'errors':>8}"
          f"{'ratio':>7}{'API CPU ms/req':>16}{'cost ratio':>12}")
    for name, bare, submit in rows:
        for label, figures in (("bare", bare), ("submit+poll", submit)):
            errors = figures["non2xx"] + figures.get("refused", 0)
            ratio = f"{submit['rps'] / bare['rps']:.2f}" if label != "bare" else ""
            cost = f"{bare['server_ms'] / submit['server_ms']:.2f}" if label != "bare" and submit["server_ms"] else ""
            print(f"{name:<10}{label:<14}{figures['rps']:>9.0f}{figures['p50']:>9.1f}{figures['p99']:>9.1f}"
                  f"{figures['cpu_s'] / args.seconds:>9.2f}{errors:>8}{ratio:>7}{figures['server_ms']:>16.2f}{cost:>12}")
            if figures["socket_errors"]:
                print(f"   socket errors: {figures['socket_errors']}")
        if "submits" in submit:
            print(f"   ({submit['submits']} submits, {submit['polls']} polls)")


if __name__ == "__main__":
    main()
