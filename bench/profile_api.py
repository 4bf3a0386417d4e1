"""Where one API request's time goes: MiniMax t2a_async_v2 submits and their polls, one after another, in this
process under pyinstrument (the app's thread-pool calls and its short work run inline so the profiler sees them).

    .venv/bin/python bench/profile_api.py [--requests 300] [--no-profile] [--database-url postgresql+psycopg://…] [--queue-url redis://…]

Prints the per-request CPU time (steadier than wall time on a busy machine) of submit, poll and a bare route (`GET /healthz`, never profiled) and the
pyinstrument tree (`--html FILE` for the HTML view).
The embedded defaults are used unless a database and queue URL are given (a fresh, migrated database is expected).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODY = {"model": "speech-02-turbo", "text": "Hello, how are you today?", "voice_setting": {"voice_id": "af_heart"}}


async def _inline(func, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    return func(*args, **kwargs)


class InlineExecutor(concurrent.futures.Executor):
    """Runs the short work (api/deps.py) in the calling thread, so the profiler and thread_time see it."""

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001  handed to the awaiting caller
            future.set_exception(error)
        return future


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--queue-url", default="sqlite")
    parser.add_argument("--html")
    parser.add_argument("--no-profile", action="store_true", help="time the requests without the profiler's overhead")
    args = parser.parse_args()

    import fastapi.dependencies.utils
    import fastapi.routing
    import httpx
    from pyinstrument import Profiler

    from soundclone.api.app import create_app
    from soundclone.clock import utc_now
    from soundclone.settings import Settings
    from soundclone.store import accounts
    from soundclone.store.db import make_engine, make_sessionmaker, migrate, transaction

    fastapi.routing.run_in_threadpool = _inline
    fastapi.dependencies.utils.run_in_threadpool = _inline
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=args.database_url, queue_url=args.queue_url,
                            secret_key="profile", rate_limit_per_minute=10**9, max_tasks_in_flight=10**9,
                            characters_per_minute=10**9)
        migrate(settings.resolved_database_url)
        with transaction(make_sessionmaker(make_engine(settings.resolved_database_url))) as session:
            account = accounts.create_account(session, name="profile", now=utc_now())
            accounts.top_up(session, account_id=account.id, amount=10**15, now=utc_now())
            key = accounts.create_key(session, account_id=account.id, now=utc_now()).key
        app = create_app(settings)
        object.__setattr__(app.state.soundclone, "short_work_pool", InlineExecutor())
        headers = {"Authorization": f"Bearer {key}"}

        async def run() -> tuple[float, float]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://profile", headers=headers) as client:
                await client.post("/v1/t2a_async_v2", json=BODY)   # warm-up
                started = time.thread_time()
                for _ in range(args.requests):
                    await client.get("/healthz")
                bare_s = time.thread_time() - started
                submit_s = poll_s = 0.0
                profiler = None if args.no_profile else Profiler(async_mode="enabled")
                if profiler:
                    profiler.start()
                for _ in range(args.requests):
                    started = time.thread_time()
                    reply = (await client.post("/v1/t2a_async_v2", json=BODY)).json()
                    middle = time.thread_time()
                    assert reply["base_resp"]["status_code"] == 0, reply
                    await client.get("/v1/query/t2a_async_query_v2", params={"task_id": reply["task_id"]})
                    submit_s += middle - started
                    poll_s += time.thread_time() - middle
                if profiler:
                    profiler.stop()
                    print(profiler.output_text(unicode=True, color=False, show_all=False))
                if profiler and args.html:
                    Path(args.html).write_text(profiler.output_html())
                return bare_s, submit_s, poll_s

        bare_s, submit_s, poll_s = asyncio.run(run())
        print(f"{args.requests} submits: {1000 * submit_s / args.requests:.2f} ms each; "
              f"polls: {1000 * poll_s / args.requests:.2f} ms each; bare GET /healthz (unprofiled): "
              f"{1000 * bare_s / args.requests:.2f} ms each; bare over submit+poll: "
              f"{2 * bare_s / (submit_s + poll_s):.2f}")


if __name__ == "__main__":
    main()
