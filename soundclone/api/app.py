"""The FastAPI application: create_app(settings) builds everything once; no globals.

Each dialect is a package under `soundclone.api` with the same face: `all_routers()`, `owns(path)`,
`error_response(error)` and `error_table_markdown()`, and optionally `direct_routes()` (api/direct.py). Adding a dialect is adding it to DIALECTS.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry

from soundclone.api import account, console, files, minimax, observe, openai, provenance, soundclone
from soundclone.api.auth import KeyCache, RequestCounter
from soundclone.api.direct import DirectRoutes
from soundclone.api.limits import BodySizeLimit
from soundclone.api.observe import Observe
from soundclone.api.openai import wire as openai_wire
from soundclone.api.signing import FileSigner
from soundclone.api.state import ApiState
from soundclone.clock import Clock, utc_now
from soundclone.domain.errors import ErrorKind, ServiceError
from soundclone.settings import Settings
from soundclone.store.blobs import create_blob_store
from soundclone.store.db import make_engine, make_sessionmaker
from soundclone.store.queue import BACKGROUND, TaskQueue, create_queue

log = logging.getLogger(__name__)

DIALECTS = (soundclone, openai, account, provenance, minimax)   # the first that owns a path answers its errors; SoundClone by default
UPLOAD_PATH = "/v1/files/upload"
OPENAI_UPLOAD_PATHS = ("/v1/audio/voice_consents", "/v1/audio/voices")
MULTIPART_OVERHEAD_BYTES = 64 * 1024

DESCRIPTION = f"""Self-hosted voice cloning.

**SoundClone task API** under `/api/open-api/v1` and `/kyyReactApiServer/v1`: submit a clone
preview task with a recording URL, poll it, then submit audio tasks with the returned `modelId`.
Every response is an envelope `{{code, msg, data}}`; `code` 20000 means success.

Error codes:

{soundclone.error_table_markdown()}

**MiniMax-compatible API** under `/v1/…` (`files/*`, `voice_clone`, `t2a_v2`, `t2a_async_v2`,
`query/t2a_async_query_v2`, `get_voice`, `delete_voice`): answers are HTTP 200 with
`base_resp {{status_code, status_msg}}`, 0 meaning success:

{minimax.error_table_markdown()}

**OpenAI-compatible audio API** under `/v1/audio/…`: `speech` (the audio streams as it is made; `stream_format: sse`
sends `speech.audio.delta` events), `voice_consents` (a recording of the speaker reading the consent phrase from
`consent_phrases`, checked by speech recognition), `voices` (a sample whose speaker must be the consent's).
Errors are `{{"error": {{"message", "type", "param", "code"}}}}` with these statuses:

{openai.error_table_markdown()}

**Provenance**: every audio output carries an inaudible watermark that leads back to its task;
`POST /v1/watermark/detect` reads it (the task only for its owner).

A file link (`audioUrl`, `subtitleFile`) is signed and expires; a tampered or expired link answers 403.
Billing: characters are Unicode code points without `<#x#>` markers; prices are per 10,000 characters
(`sound-cloning-clone`, `sound-cloning-audio`) plus `sound-cloning-voice` per audio task, debited when the
task is accepted and refunded once if it fails.
"""


def create_app(settings: Settings, *, clock: Clock = utc_now, queue: TaskQueue | None = None,
               direct: bool = True) -> FastAPI:
    """`direct=False` leaves every request to FastAPI (tests compare the two paths)."""
    queue = queue or create_queue(settings)
    state = ApiState(
        settings=settings,
        sessions=make_sessionmaker(make_engine(settings.resolved_database_url)),
        queue=queue,
        blobs=create_blob_store(settings.blob_url, settings.blob_dir),
        signer=FileSigner(settings.secret_key, settings.resolved_public_base_url, settings.file_url_ttl_s),
        clock=clock,
        keys=KeyCache(queue.bus, settings.key_cache_s),
        requests=RequestCounter(settings.rate_count_flush_s),
        short_work_pool=ThreadPoolExecutor(settings.resolved_short_work_threads, thread_name_prefix="short-work"),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202, ARG001
        yield
        state.keys.close()
        state.short_work_pool.shutdown(wait=False)

    app = FastAPI(title="soundclone", version="0.1.0", description=DESCRIPTION, docs_url=None, redoc_url=None,
                  lifespan=lifespan)
    app.state.soundclone = state
    for dialect in DIALECTS:
        for router in dialect.all_routers():
            app.include_router(router)
    app.include_router(files.router)
    console.install(app)
    if direct:
        app.add_middleware(DirectRoutes, state=state, render=render_error,
                           routes=[route for dialect in DIALECTS for route in getattr(dialect, "direct_routes", tuple)()])
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_body_bytes, render=render_error,
        larger={UPLOAD_PATH: settings.max_upload_bytes,
                provenance.routes.DETECT_PATH: settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES,
                **{path: openai_wire.FILE_LIMIT_BYTES + MULTIPART_OVERHEAD_BYTES for path in OPENAI_UPLOAD_PATHS}},
    )
    registry = CollectorRegistry()
    app.add_middleware(Observe, registry=registry)
    observe.install(app, state, registry, background=create_queue(settings, lane=BACKGROUND))
    _install_error_handlers(app)
    return app


def render_error(path: str, error: ServiceError) -> JSONResponse:
    """Each dialect answers errors in its own shape; paths no dialect owns answer in SoundClone's."""
    for dialect in DIALECTS:
        if dialect.owns(path):
            return dialect.error_response(error)
    return soundclone.error_response(error)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def on_service_error(request: Request, error: ServiceError) -> JSONResponse:
        return render_error(request.url.path, error)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        return render_error(request.url.path, ServiceError(ErrorKind.INVALID_PARAMETER, describe_validation(error),
                                                           field=first_field(error)))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return render_error(request.url.path, ServiceError(ErrorKind.INTERNAL, "internal error; please try again"))


def first_field(error: RequestValidationError) -> str | None:
    """The field the first problem is about ("voice_setting.speed"), when it is a field."""
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "form")]
        if location and item.get("type") != "json_invalid":
            return ".".join(location)
    return None


def describe_validation(error: RequestValidationError) -> str:
    problems = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part != "body"]
        if item.get("type") == "json_invalid":
            problems.append("request body is not valid JSON")
            continue
        field = ".".join(location) or "body"
        problems.append(f"{field}: {item.get('msg', 'invalid value')}")
    return "; ".join(problems) or "invalid request"
