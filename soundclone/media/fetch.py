"""Fetching a stranger's URL without letting it reach inside the network.

Every hop: http/https only, no credentials, resolve once, refuse any address that is not allowed,
connect to exactly the address that was checked (the Host header and TLS SNI carry the name),
follow redirects by hand and check each, count decoded bytes against a cap, and stop at a total
deadline. The deadline is enforced below HTTP: every socket read, write, connect and TLS
handshake gets at most the time that is left, so a server dripping headers or body a byte at a
time is cut off on time.
"""

from __future__ import annotations

import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import SplitResult, quote, urljoin, urlsplit

import httpcore

from soundclone.media import addresses
from soundclone.media.addresses import IPAddress, Resolver, describe, literal_address, system_resolver
from soundclone.media.errors import FetchError

__all__ = ["AddressCheck", "FetchPolicy", "FetchResult", "Resolver", "fetch_to_file"]

DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = b"soundclone-fetch/1"
MAX_HOST_LENGTH = 253
HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
PATH_SAFE = "/%:@!$&'()*+,;=-._~?"
DECODE_CHUNK = 64 * 1024
GZIP_OR_ZLIB_WBITS = 32 + zlib.MAX_WBITS
INFLATED_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
ERROR_DETAIL_CHARS = 120

AddressCheck = Callable[[IPAddress], bool]


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = 100 * 1024 * 1024
    deadline_s: float = 60.0
    connect_timeout_s: float = 10.0
    max_redirects: int = 3
    allow_private: bool = False

    def __post_init__(self) -> None:
        for name in ("max_bytes", "deadline_s", "connect_timeout_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchPolicy.{name} must be positive; got {getattr(self, name)!r}")
        if self.max_redirects < 0:
            raise ValueError(f"FetchPolicy.max_redirects must be 0 or more; got {self.max_redirects!r}")


@dataclass(frozen=True)
class FetchResult:
    path: Path
    size: int
    content_type: str | None
    final_url: str


def fetch_to_file(
    url: str, dest: Path, *, policy: FetchPolicy, resolver: Resolver | None = None,
    is_allowed_address: AddressCheck | None = None,
) -> FetchResult:
    """Download `url` into `dest`. `is_allowed_address` replaces the address rule (tests only)."""
    allowed = is_allowed_address or partial(addresses.is_allowed_address, allow_private=policy.allow_private)
    deadline = _Deadline(policy.deadline_s)
    try:
        with httpcore.ConnectionPool(network_backend=_DeadlineBackend(deadline), retries=0, http2=False) as pool:
            return _follow(pool, url, dest, policy, resolver or system_resolver, allowed, deadline)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def _follow(
    pool: httpcore.ConnectionPool, url: str, dest: Path, policy: FetchPolicy, resolver: Resolver,
    allowed: AddressCheck, deadline: _Deadline,
) -> FetchResult:
    for _hop in range(policy.max_redirects + 1):
        target = _checked_target(url, policy, resolver, allowed, deadline)
        with _network_errors(policy, deadline), _open(pool, target, policy, deadline) as response:
            if response.status in REDIRECT_STATUSES:
                url = _redirect_location(url, response)
                continue
            if not 200 <= response.status < 300:
                raise FetchError(f"the file URL answered HTTP {response.status}; it must answer 200 with the file")
            size = _stream_to(response, dest, policy)
            return FetchResult(dest, size, _header(response, b"content-type"), url)
    raise FetchError(f"the file URL redirected more than {policy.max_redirects} times")


# --- one hop: parse, resolve, check ------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    address: IPAddress   # where the connection goes: the checked address, never looked up again
    port: int
    request_target: str  # path and query
    host_header: str
    server_name: str     # TLS SNI and certificate name


def _checked_target(
    url: str, policy: FetchPolicy, resolver: Resolver, allowed: AddressCheck, deadline: _Deadline,
) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError("the file URL is not a valid URL (bad host or port)") from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise FetchError("the file URL has no scheme; it must start with http:// or https://")
    if scheme not in DEFAULT_PORTS:
        raise FetchError(f"the file URL uses the {scheme!r} scheme; only http and https are allowed")
    if parts.username is not None or parts.password is not None:
        raise FetchError("the file URL contains a user name or password; URLs with credentials are not allowed")
    if port == 0:
        raise FetchError("the file URL names port 0, which no server listens on")
    host = _host_name(parts)
    port = port or DEFAULT_PORTS[scheme]
    address = _checked_address(host, port, policy, resolver, allowed, deadline)
    return _Target(
        scheme=scheme, address=address, port=port, request_target=_request_target(parts),
        host_header=_host_header(host, port, scheme), server_name=host,
    )


def _host_name(parts: SplitResult) -> str:
    host = parts.hostname
    if not host:
        raise FetchError("the file URL has no host name")
    if literal_address(host) is not None:
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError("the file URL's host name is not a valid domain name") from None
    if len(ascii_host) > MAX_HOST_LENGTH or not HOST_NAME.fullmatch(ascii_host):
        raise FetchError("the file URL's host name is not a valid domain name")
    return ascii_host


def _checked_address(
    host: str, port: int, policy: FetchPolicy, resolver: Resolver, allowed: AddressCheck, deadline: _Deadline,
) -> IPAddress:
    literal = literal_address(host)
    if literal is None and addresses.is_localhost_name(host) and not policy.allow_private:
        raise FetchError(f"the file URL's host {host!r} is this machine; only public addresses are allowed")
    candidates = [literal] if literal is not None else _looked_up(host, port, resolver, policy, deadline)
    for address in candidates:
        if not allowed(address):
            raise FetchError(
                f"the file URL's host {host!r} resolves to {address}, {describe(address)}; "
                "only public addresses are allowed"
            )
    return candidates[0]


def _looked_up(host: str, port: int, resolver: Resolver, policy: FetchPolicy, deadline: _Deadline) -> list[IPAddress]:
    timeout = min(policy.connect_timeout_s, deadline.left())
    outcome: list = []

    def lookup() -> None:
        try:
            outcome.append(resolver(host, port))
        except Exception as error:  # handed to the caller's thread below
            outcome.append(error)

    # getaddrinfo cannot be interrupted; a thread lets the deadline win over a stuck DNS server
    worker = threading.Thread(target=lookup, name="soundclone-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise FetchError(f"looking up the file URL's host {host!r} took longer than {timeout:.2g} s")
    if isinstance(outcome[0], (OSError, UnicodeError, ValueError)):
        raise FetchError(f"the file URL's host {host!r} could not be found")
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    found = [literal_address(str(name)) for name in outcome[0]]
    if not found or None in found:
        raise FetchError(f"the file URL's host {host!r} has no usable address")
    return found


def _request_target(parts: SplitResult) -> str:
    target = quote(parts.path or "/", safe=PATH_SAFE)
    return f"{target}?{quote(parts.query, safe=PATH_SAFE)}" if parts.query else target


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port == DEFAULT_PORTS[scheme] else f"{name}:{port}"


# --- one hop: request and body -------------------------------------------------------------------


def _open(pool: httpcore.ConnectionPool, target: _Target, policy: FetchPolicy, deadline: _Deadline):  # noqa: ANN202
    url = httpcore.URL(
        scheme=target.scheme.encode(), host=str(target.address).encode(), port=target.port,
        target=target.request_target.encode("ascii"),
    )
    headers = [
        (b"Host", target.host_header.encode("ascii")),
        (b"Accept-Encoding", b"identity"),
        (b"Accept", b"*/*"),
        (b"User-Agent", USER_AGENT),
        (b"Connection", b"close"),
    ]
    timeouts = {"connect": min(policy.connect_timeout_s, deadline.left()), "read": None, "write": None, "pool": None}
    return pool.stream(
        "GET", url, headers=headers, extensions={"sni_hostname": target.server_name, "timeout": timeouts},
    )


@contextmanager
def _network_errors(policy: FetchPolicy, deadline: _Deadline) -> Iterator[None]:
    """Turns transport failures into FetchErrors that say what happened, without the URL."""
    try:
        yield
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as error:
        raise _transport_error(error, policy, deadline) from None


def _transport_error(error: Exception, policy: FetchPolicy, deadline: _Deadline) -> FetchError:
    if deadline.expired():
        return FetchError(f"downloading the file took longer than {policy.deadline_s:g} s; it was stopped")
    if isinstance(error, httpcore.ConnectTimeout):
        return FetchError(f"the file URL's server did not accept a connection within {policy.connect_timeout_s:g} s")
    detail = (str(error) or type(error).__name__)[:ERROR_DETAIL_CHARS]
    if isinstance(error, httpcore.ConnectError):
        return FetchError(f"the file URL's server could not be reached ({detail})")
    return FetchError(f"the download failed: the server broke the connection or the HTTP protocol ({detail})")


def _header(response: httpcore.Response, name: bytes) -> str | None:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


def _redirect_location(current: str, response: httpcore.Response) -> str:
    location = _header(response, b"location")
    if not location:
        raise FetchError(f"the file URL answered HTTP {response.status} (a redirect) without saying where to")
    return urljoin(current, location)


def _stream_to(response: httpcore.Response, dest: Path, policy: FetchPolicy) -> int:
    declared = _header(response, b"content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"the file is {int(declared)} bytes; the limit is {policy.max_bytes} bytes")
    size = 0
    with open(dest, "wb") as out:
        for piece in _decoded(response.iter_stream(), _content_encoding(response)):
            size += len(piece)
            if size > policy.max_bytes:
                raise FetchError(f"the file is larger than the limit of {policy.max_bytes} bytes")
            out.write(piece)
    if size == 0:
        raise FetchError("the file URL returned an empty file")
    return size


def _content_encoding(response: httpcore.Response) -> str | None:
    """None for identity; otherwise the one compression the server insisted on, if it is one we can undo."""
    value = (_header(response, b"content-encoding") or "").lower()
    codings = [c.strip() for c in value.split(",") if c.strip() not in ("", "identity")]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in INFLATED_ENCODINGS:
        return codings[0]
    raise FetchError(f"the server sent the file compressed as {value[:ERROR_DETAIL_CHARS]!r}; serve it uncompressed")


def _decoded(chunks: Iterable[bytes], encoding: str | None) -> Iterator[bytes]:
    if encoding is None:
        yield from chunks
    else:
        yield from _inflated(chunks)


def _inflated(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """gzip/zlib bodies inflated at most DECODE_CHUNK at a time, so a bomb is cut off at the cap, not in memory."""
    inflater = zlib.decompressobj(GZIP_OR_ZLIB_WBITS)
    try:
        for chunk in chunks:
            pending = chunk
            while True:
                piece = inflater.decompress(pending, DECODE_CHUNK)
                if piece:
                    yield piece
                if inflater.eof and inflater.unused_data:  # another gzip member follows
                    pending = inflater.unused_data
                    inflater = zlib.decompressobj(GZIP_OR_ZLIB_WBITS)
                    continue
                pending = inflater.unconsumed_tail
                if not pending and len(piece) < DECODE_CHUNK:
                    break
    except zlib.error:
        raise FetchError("the server sent a compressed body that could not be decompressed") from None
    if not inflater.eof:
        raise FetchError("the server's compressed body was cut short")


# --- the total deadline, enforced on every socket operation --------------------------------------


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def expired(self) -> bool:
        return self.left() <= 0

    def clip(self, timeout: float | None) -> float:
        left = self.left()
        if left <= 0:
            raise httpcore.ReadTimeout("the download deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clip(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clip(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None, timeout: float | None = None):  # noqa: ANN001, ANN201
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.clip(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str):  # noqa: ANN201
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline) -> None:
        self._inner, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001, ANN201
        stream = self._inner.connect_tcp(host, port, self._deadline.clip(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # noqa: ANN001, ANN201
        raise httpcore.ConnectError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, self._deadline.left()))
