"""Hot routes answered without FastAPI's per-request machinery.

A client polling an async task, or submitting many, calls two routes far more than any other. Under 50 concurrent
clients FastAPI's routing, dependency solving and response handling cost several times the routes' own work
(docs/benchmarks.md, "API path"). A dialect may therefore declare a route *direct*: this middleware answers a
request to it by calling the very function the FastAPI route calls, with the same authentication, the same body
model and the same error rendering; FastAPI keeps the route for the API reference.

Only a plain valid request is answered here. When the body or query does not parse as the route expects, the
handler raises `Defer` before anything is counted or written, and the request goes to the FastAPI route (its body
replayed), whose validation errors are the ones a client has always seen.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from soundclone.api.auth import Caller
from soundclone.api.deps import authenticate
from soundclone.api.state import ApiState
from soundclone.domain.errors import ServiceError


class Defer(Exception):
    """The request is not a plain valid one: the FastAPI route answers it."""


@dataclass(frozen=True)
class Incoming:
    """What a direct handler reads of a request."""
    body: bytes
    query: str
    content_type: str

    def json(self) -> Any:  # noqa: ANN401
        """The body as JSON, as FastAPI reads a JSON body; anything else defers."""
        if self.content_type.split(";", 1)[0].strip().lower() != "application/json":
            raise Defer()
        try:
            return json.loads(self.body)
        except ValueError:
            raise Defer() from None

    def single(self, name: str) -> str:
        """The one value of a query parameter; missing or repeated defers."""
        values = [value for key, value in parse_qsl(self.query, keep_blank_values=True) if key == name]
        if len(values) != 1:
            raise Defer()
        return values[0]


Parse = Callable[[Incoming], Any]
Handle = Callable[[ApiState, Caller, Any], Awaitable[Any]]


@dataclass(frozen=True)
class DirectRoute:
    """`parse` turns the request into the handler's argument (or defers); `handle` answers it for the caller."""
    method: str
    path: str
    parse: Parse
    handle: Handle


class DirectRoutes:
    """ASGI middleware answering the declared routes; every other request goes on to the app."""

    def __init__(self, app: ASGIApp, *, state: ApiState, routes: Iterable[DirectRoute],
                 render: Callable[[str, ServiceError], Response]) -> None:
        self.app = app
        self.state = state
        self.routes = {(route.method, route.path): route for route in routes}
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get((scope.get("method"), scope.get("path"))) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        body = await read_body(receive)
        replay = replaying(body, receive)
        incoming = Incoming(body, scope.get("query_string", b"").decode("latin-1"),
                            headers.get(b"content-type", b"").decode("latin-1"))
        try:
            argument = route.parse(incoming)
        except Defer:
            await self.app(scope, replay, send)
            return
        scope["route"] = route   # what the access log and the latency histogram label it by
        try:
            caller = await authenticate(self.state, headers.get(b"authorization", b"").decode("latin-1"))
            response: Response = JSONResponse(await route.handle(self.state, caller, argument))
        except ServiceError as error:
            response = self.render(scope["path"], error)
        await response(scope, replay, send)


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read once, then waits on the real one (for a disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
