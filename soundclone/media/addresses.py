"""Which network addresses a fetch may reach: globally routable ones only, unless private is allowed."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

NAT64 = ipaddress.ip_network("64:ff9b::/96")
CGNAT = ipaddress.ip_network("100.64.0.0/10")
# Special-purpose ranges that older Pythons' `is_global` still calls global; refused here on every version.
NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4",
    "64:ff9b:1::/48",  # NAT64 local use (RFC 8215): embeds IPv4 at any prefix length
    "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10",
))
IPV4_BITS = 32
LOCALHOST_NAMES = ("localhost", "localhost.localdomain")
# The inet_aton forms that ipaddress refuses but C resolvers accept: 127.1, 2130706433, 0x7f000001, 0177.0.0.1
_LEGACY_IPV4 = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?", re.IGNORECASE)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def literal_address(host: str) -> IPAddress | None:
    """The IP a host written in a URL stands for, if it is an IP literal in any form a resolver would accept."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def is_localhost_name(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name in LOCALHOST_NAMES or name.endswith(".localhost")


def is_allowed_address(address: IPAddress, *, allow_private: bool) -> bool:
    """Public addresses always; private ones only when allowed; never 'any' or multicast (they name no host)."""
    if address.is_unspecified or address.is_multicast:
        return False
    return allow_private or is_public(address)


def is_public(address: IPAddress) -> bool:
    """Globally routable, also after unwrapping IPv4 embedded in IPv6 (mapped, NAT64, 6to4, Teredo)."""
    if any(address in network for network in NOT_GLOBAL if network.version == address.version):
        return False
    embedded = embedded_ipv4(address)
    if embedded is not None:
        return is_public(embedded)
    return address.is_global and not address.is_multicast and not address.is_reserved


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & (2**IPV4_BITS - 1))
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address; the server half is a public relay
    return None


def describe(address: IPAddress) -> str:
    """A few words saying what kind of address this is, for an error message."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return f"which embeds {inner}, {describe(inner)}"
    inner = address
    if inner.is_loopback:
        return "a loopback address"
    if inner.is_unspecified:
        return "an unspecified address"
    if inner.is_link_local:
        return "a link-local (cloud metadata) address"
    if isinstance(inner, ipaddress.IPv4Address) and inner in CGNAT:
        return "a carrier-grade NAT address"
    if inner.is_multicast:
        return "a multicast address"
    if inner.is_private:
        return "a private address"
    if is_public(inner):
        return "an address this service may not reach"
    return "a reserved address"
