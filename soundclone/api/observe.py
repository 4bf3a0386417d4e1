"""What operators see of the API: a request id on every request (taken from `x-request-id` when the caller sent a
sane one) that follows the request into its task and the worker's logs, an access log line without secrets
(method, path, status, time; never the query string, which may carry a link signature; never the Authorization
header), and Prometheus metrics: request latency by route and status, queue depth, tasks by kind and status,
workers seen recently. `/healthz` says the process is alive; `/readyz` that it can work."""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import timedelta

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from soundclone.api.state import ApiState
from soundclone.logs import REQUEST_ID
from soundclone.store import tasks, workers
from soundclone.store.db import transaction

log = logging.getLogger("soundclone.access")
REQUEST_ID_HEADER = b"x-request-id"
_SANE_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
WORKER_FRESH = timedelta(seconds=30)   # a worker beats every reaper pass (5 s by default)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)


class Observe:
    """ASGI middleware: request id, access log, latency histogram."""

    def __init__(self, app: ASGIApp, *, registry: CollectorRegistry) -> None:
        self.app = app
        self.latency = Histogram("soundclone_http_request_seconds", "HTTP request time, by route and status",
                                 ["method", "route", "status"], registry=registry, buckets=LATENCY_BUCKETS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER, b"")
        request_id = sent.decode() if _SANE_ID.fullmatch(sent) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started, status = time.perf_counter(), 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if not any(name.lower() == REQUEST_ID_HEADER for name, _ in headers):
                    headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            self.latency.labels(scope["method"], route, str(status)).observe(seconds)
            log.info("%s %s %d %.0fms", scope["method"], scope["path"], status, seconds * 1000)
            REQUEST_ID.reset(token)


class ServiceCollector:
    """Gauges read at scrape time from the shared state, so every replica reports the same totals."""

    def __init__(self, state: ApiState, background) -> None:  # noqa: ANN001
        self.state, self.background = state, background

    def collect(self):  # noqa: ANN201
        depth = GaugeMetricFamily("soundclone_queue_depth", "Task ids waiting in a queue", labels=["queue"])
        depth.add_metric(["main"], self.state.queue.pending())
        depth.add_metric(["background"], self.background.pending())
        yield depth
        counts = GaugeMetricFamily("soundclone_tasks", "Tasks by kind and status", labels=["kind", "status"])
        seen = GaugeMetricFamily("soundclone_workers_seen", "Workers that beat in the last 30 s")
        with transaction(self.state.sessions) as session:
            for kind, status, count in tasks.counts_by_kind_and_status(session):
                counts.add_metric([kind, status], count)
            seen.add_metric([], workers.seen_since(session, since=self.state.clock() - WORKER_FRESH))
        yield counts
        yield seen


def install(app: FastAPI, state: ApiState, registry: CollectorRegistry, background) -> None:  # noqa: ANN001
    registry.register(ServiceCollector(state, background))

    @app.get("/healthz", tags=["service"], summary="Liveness: the process answers")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], summary="Readiness: database, queue and file storage reachable, a worker seen",
             responses={503: {"description": "not ready: the body names the check that failed"}})
    def readyz() -> JSONResponse:
        checks = {name: _check(probe) for name, probe in (
            ("database", lambda: _database(state)), ("queue", state.queue.pending),
            ("storage", state.blobs.check), ("worker", lambda: _worker(state)))}
        ready = all(result == "ok" for result in checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    @app.get("/metrics", tags=["service"], summary="Prometheus metrics", response_class=Response)
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _check(probe) -> str:  # noqa: ANN001
    try:
        probe()
        return "ok"
    except Exception as error:  # noqa: BLE001  readiness reports what failed, whatever it was
        return f"failed: {type(error).__name__}"


def _database(state: ApiState) -> None:
    with transaction(state.sessions) as session:
        session.execute(text("SELECT 1"))


def _worker(state: ApiState) -> None:
    with transaction(state.sessions) as session:
        if not workers.seen_since(session, since=state.clock() - WORKER_FRESH):
            raise LookupError("no worker seen in the last 30 s")
