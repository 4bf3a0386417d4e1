"""Fetching a stranger's URL without letting it reach inside the network.

Every hop: http/https only, no credentials, resolve once, refuse any non-public address, connect
to exactly the address that was checked (Host header and TLS SNI carry the name), follow
redirects by hand and check each, count decoded bytes against a cap, and stop at a total deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from soundclone.media.addresses import IPAddress, Resolver, describe, is_public, literal_address, system_resolver
from soundclone.media.errors import FetchError

SCHEMES = {"http": 80, "https": 443}
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "soundclone-fetch/1"

__all__ = ["FetchPolicy", "FetchResult", "Resolver", "fetch_to_file"]


@dataclass(frozen=True)
class FetchPolicy:
    max_bytes: int = 100 * 1024 * 1024
    deadline_s: float = 60.0
    connect_timeout_s: float = 10.0
    max_redirects: int = 3
    allow_private: bool = False


@dataclass(frozen=True)
class FetchResult:
    path: Path
    size: int
    content_type: str | None
    final_url: str


AddressCheck = Callable[[IPAddress], bool]


def fetch_to_file(
    url: str, dest: Path, *, policy: FetchPolicy, resolver: Resolver | None = None,
    address_allowed: AddressCheck | None = None,
) -> FetchResult:
    resolver = resolver or system_resolver
    allowed = address_allowed or (lambda address: policy.allow_private or is_public(address))
    deadline = time.monotonic() + policy.deadline_s
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _ in range(policy.max_redirects + 1):
            target = _checked_target(url, resolver, allowed)
            response = _open(client, target, policy, deadline)
            try:
                if response.status_code in REDIRECTS:
                    url = _redirect_location(url, response)
                    continue
                if not 200 <= response.status_code < 300:
                    raise FetchError(f"the file URL answered HTTP {response.status_code}; it must answer 200 with the file")
                size = _stream_to(response, dest, policy, deadline)
                return FetchResult(dest, size, response.headers.get("content-type"), url)
            finally:
                response.close()
    raise FetchError(f"the file URL redirected more than {policy.max_redirects} times")


@dataclass(frozen=True)
class _Target:
    url: str          # the URL with the checked IP in place of the host
    host_header: str
    server_name: str


def _checked_target(url: str, resolver: Resolver, allowed: AddressCheck) -> _Target:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FetchError(f"the file URL uses {scheme or 'no'} scheme; only http and https are allowed")
    if parts.username is not None or parts.password is not None:
        raise FetchError("the file URL contains credentials; they are not allowed")
    host = parts.hostname
    if not host:
        raise FetchError("the file URL has no host")
    try:
        port = parts.port or SCHEMES[scheme]
    except ValueError:
        raise FetchError("the file URL has an invalid port") from None
    address = _resolve(host, port, resolver, allowed)
    netloc = f"[{address}]:{port}" if address.version == 6 else f"{address}:{port}"
    default_port = parts.port is None or parts.port == SCHEMES[scheme]
    host_header = host if default_port else f"{host}:{port}"
    return _Target(urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")), host_header, host)


def _resolve(host: str, port: int, resolver: Resolver, allowed: AddressCheck) -> IPAddress:
    literal = literal_address(host)
    if literal is not None:
        candidates = [literal]
    else:
        try:
            candidates = [literal_address(a) for a in resolver(host, port)]
        except OSError:
            raise FetchError(f"the file URL's host {host!r} could not be resolved") from None
        candidates = [a for a in candidates if a is not None]
    if not candidates:
        raise FetchError(f"the file URL's host {host!r} has no address")
    for address in candidates:
        if not allowed(address):
            raise FetchError(
                f"the file URL's host {host!r} resolves to {address}, {describe(address)}; only public addresses are allowed"
            )
    return candidates[0]


def _open(client: httpx.Client, target: _Target, policy: FetchPolicy, deadline: float):  # noqa: ANN202
    remaining = _remaining(deadline)
    timeout = httpx.Timeout(remaining, connect=min(policy.connect_timeout_s, remaining))
    request = client.build_request(
        "GET", target.url, timeout=timeout,
        headers={"Host": target.host_header, "Accept-Encoding": "identity", "User-Agent": USER_AGENT},
        extensions={"sni_hostname": target.server_name},
    )
    try:
        return client.send(request, stream=True)
    except httpx.TimeoutException:
        raise FetchError(f"the file URL did not answer within {policy.deadline_s:g} s") from None
    except httpx.HTTPError as error:
        raise FetchError(f"the file URL could not be fetched: {type(error).__name__}") from None


def _redirect_location(current: str, response: httpx.Response) -> str:
    location = response.headers.get("location")
    if not location:
        raise FetchError(f"the file URL answered HTTP {response.status_code} without a Location")
    return urljoin(current, location)


def _stream_to(response: httpx.Response, dest: Path, policy: FetchPolicy, deadline: float) -> int:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"the file is {int(declared)} bytes; the limit is {policy.max_bytes} bytes")
    size = 0
    try:
        with open(dest, "wb") as out:
            for chunk in response.iter_bytes():  # as received, so the deadline is checked often
                size += len(chunk)
                if size > policy.max_bytes:
                    raise FetchError(f"the file is larger than the limit of {policy.max_bytes} bytes")
                out.write(chunk)
                _remaining(deadline, policy)
    except httpx.TimeoutException:
        raise FetchError(f"downloading the file took longer than {policy.deadline_s:g} s") from None
    except httpx.HTTPError as error:
        raise FetchError(f"downloading the file failed: {type(error).__name__}") from None
    if size == 0:
        raise FetchError("the file URL returned an empty file")
    return size


def _remaining(deadline: float, policy: FetchPolicy | None = None) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        limit = f" {policy.deadline_s:g} s" if policy else " the deadline"
        raise FetchError(f"downloading the file took longer than{limit}")
    return left
