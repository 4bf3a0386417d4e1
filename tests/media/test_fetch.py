"""Fetching refuses internal targets before a single connection; every listener here is on 127.0.0.1.

A guard fixture makes any connection to an address outside 127.0.0.0/8 fail the test, so even a
broken address check cannot send traffic off this machine.
"""

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from soundclone.media.errors import FetchError
from soundclone.media.fetch import FetchPolicy, fetch_to_file
from tests.media.listener import Listener, drip_body, drip_headers, endless_chunks, reply

PAYLOAD = b"RIFF" + bytes(range(256)) * 20
PRIVATE = FetchPolicy(allow_private=True, deadline_s=5)
PUBLIC_ONLY = FetchPolicy(deadline_s=5)
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        assert ipaddress.ip_address(address[0]) in LOOPBACK, f"a test tried to connect to {address[0]}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


@pytest.fixture
def server():
    with Listener() as listener:
        yield listener


def to_loopback(name, port):
    return ["127.0.0.1"]


# --- refused before any connection ---------------------------------------------------------------

FORBIDDEN_HOSTS = [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "127.0.0.1.",
    "localhost", "LOCALHOST", "media.localhost",
    "[::1]", "[::]", "0.0.0.0", "0", "[0:0:0:0:0:0:0:1]",
    "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "224.0.0.1", "255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.0.8",
    "[fc00::1]", "[fd12:3456::1]", "[fe80::1]", "[ff02::1]",
    "[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[::ffff:10.0.0.1]", "[::ffff:7f00:1]",
    "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[64:ff9b:1::a00:1]",
    "[2002:7f00:1::1]", "[2002:a9fe:a9fe::1]",
    "[2001:0:4136:e378:8000:63bf:f5ff:fffe]",  # Teredo whose client is 10.0.0.1
    "[::127.0.0.1]",
]


@pytest.mark.parametrize("host", FORBIDDEN_HOSTS)
def test_internal_targets_are_refused_without_a_connection(server, tmp_path, host):
    with pytest.raises(FetchError) as caught:
        fetch_to_file(server.url("/a.wav", host), tmp_path / "out", policy=PUBLIC_ONLY, resolver=to_loopback)
    assert "only public addresses are allowed" in str(caught.value)
    assert server.connections == 0 and server.requests == []


@pytest.mark.parametrize("addresses, named", [
    (["10.0.0.7"], "10.0.0.7, a private address"),
    (["93.184.216.34", "169.254.169.254"], "169.254.169.254, a link-local"),  # ANY bad address refuses
    (["2606:2800:220:1:248:1893:25c8:1946", "::1"], "::1, a loopback address"),
    (["100.100.100.200"], "carrier-grade NAT"),
    (["::ffff:192.168.0.1"], "embeds 192.168.0.1, a private address"),
])
def test_a_public_name_resolving_to_an_internal_address_is_refused(server, tmp_path, addresses, named):
    with pytest.raises(FetchError) as caught:
        fetch_to_file(server.url("/a.wav", "media.example.com"), tmp_path / "out", policy=PUBLIC_ONLY,
                      resolver=lambda name, port: addresses)
    assert named in str(caught.value) and "media.example.com" in str(caught.value)
    assert server.connections == 0


@pytest.mark.parametrize("url, scheme", [
    ("file:///etc/passwd", "file"), ("FILE:///etc/passwd", "file"), ("gopher://x/1", "gopher"),
    ("ftp://x/a.mp3", "ftp"),
    ("data:audio/wav;base64,AAAA", "data"), ("dict://127.0.0.1:11211/stat", "dict"),
    ("javascript:alert(1)", "javascript"),
])
def test_other_schemes_are_refused_naming_the_scheme(tmp_path, url, scheme):
    with pytest.raises(FetchError, match=f"'{scheme}' scheme; only http and https"):
        fetch_to_file(url, tmp_path / "out", policy=PRIVATE)


def test_a_url_without_a_scheme_is_refused(tmp_path):
    with pytest.raises(FetchError, match="no scheme; it must start with http:// or https://"):
        fetch_to_file("/etc/passwd", tmp_path / "out", policy=PRIVATE)


def test_credentials_are_refused_and_never_echoed(server, tmp_path):
    with pytest.raises(FetchError) as caught:
        fetch_to_file(server.url("/a.wav", "admin:s3cret@127.0.0.1"), tmp_path / "out", policy=PRIVATE)
    assert "user name or password" in str(caught.value)
    assert "s3cret" not in str(caught.value) and "admin" not in str(caught.value)
    assert server.connections == 0


def test_errors_do_not_echo_the_url(server, tmp_path):
    with pytest.raises(FetchError) as caught:
        fetch_to_file(server.url("/missing?token=sekrit"), tmp_path / "out", policy=PRIVATE)
    assert "HTTP 404" in str(caught.value) and "sekrit" not in str(caught.value)


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999/", "http://127.0.0.1:0/", "http://bad host/", "http:///nohost"])
def test_malformed_urls_are_refused(tmp_path, url):
    with pytest.raises(FetchError, match="file URL"):
        fetch_to_file(url, tmp_path / "out", policy=PRIVATE)


# --- redirects -----------------------------------------------------------------------------------


def only_the_test_listener(address):
    return str(address) == "127.0.0.1"


@pytest.mark.parametrize("location, named", [
    ("http://127.0.0.2:{port}/x", "127.0.0.2"),
    ("http://10.0.0.1/x", "10.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://[::1]:{port}/x", "::1"),
    ("http://metadata.internal/x", "10.9.9.9"),
])
def test_a_redirect_to_a_forbidden_address_is_refused_before_connecting(server, tmp_path, location, named):
    server.routes["/start"] = reply(302, headers={"Location": location.format(port=server.port)})
    with pytest.raises(FetchError, match=named):
        fetch_to_file(server.url("/start"), tmp_path / "out", policy=PUBLIC_ONLY,
                      resolver=lambda name, port: ["10.9.9.9"], is_allowed_address=only_the_test_listener)
    assert server.paths() == ["/start"] and server.connections == 1


@pytest.mark.parametrize("location, message", [
    ("file:///etc/passwd", "'file' scheme"), ("gopher://127.0.0.1:70/", "'gopher' scheme"),
    ("http://u:p@127.0.0.1/", "user name or password"),
])
def test_a_redirect_to_a_forbidden_url_is_refused(server, tmp_path, location, message):
    server.routes["/start"] = reply(301, headers={"Location": location})
    with pytest.raises(FetchError, match=message):
        fetch_to_file(server.url("/start"), tmp_path / "out", policy=PRIVATE)
    assert server.paths() == ["/start"]


def test_redirects_are_followed_up_to_the_cap(server, tmp_path):
    server.routes["/ok.wav"] = reply(200, PAYLOAD)
    server.routes["/hop1"] = reply(302, headers={"Location": "/hop2"})
    server.routes["/hop2"] = reply(307, headers={"Location": server.url("/ok.wav")})
    result = fetch_to_file(server.url("/hop1"), tmp_path / "out", policy=PRIVATE)
    assert result.path.read_bytes() == PAYLOAD and result.size == len(PAYLOAD)
    assert result.final_url == server.url("/ok.wav")
    server.routes["/loop"] = reply(302, headers={"Location": "/loop"})
    server.requests.clear()
    with pytest.raises(FetchError, match="redirected more than 2 times"):
        fetch_to_file(server.url("/loop"), tmp_path / "out", policy=FetchPolicy(allow_private=True, max_redirects=2))
    assert server.paths() == ["/loop"] * 3


def test_no_redirects_allowed(server, tmp_path):
    server.routes["/hop"] = reply(302, headers={"Location": "/ok.wav"})
    with pytest.raises(FetchError, match="redirected more than 0 times"):
        fetch_to_file(server.url("/hop"), tmp_path / "out", policy=FetchPolicy(allow_private=True, max_redirects=0))


# --- the positive path: connect to the checked address, once ------------------------------------


def test_connects_to_the_checked_address_with_the_name_in_the_host_header(server, tmp_path):
    server.routes["/voice.wav"] = reply(200, PAYLOAD, {"Content-Type": "audio/wav"})
    lookups = []

    def resolver(name, port):
        lookups.append((name, port))
        return ["127.0.0.1"]

    result = fetch_to_file(server.url("/voice.wav?x=1", "Media.Example"), tmp_path / "out", policy=PRIVATE,
                           resolver=resolver)
    assert result.path.read_bytes() == PAYLOAD and result.content_type == "audio/wav"
    assert lookups == [("media.example", server.port)]  # one lookup; the connection used its answer
    path, headers = server.requests[0]
    assert path == "/voice.wav?x=1"
    assert headers["Host"] == f"media.example:{server.port}"
    assert headers["Accept-Encoding"] == "identity"


def test_http_errors_name_the_status(server, tmp_path):
    server.routes["/boom"] = reply(500, b"oops")
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch_to_file(server.url("/boom"), tmp_path / "out", policy=PRIVATE)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_to_file(server.url("/missing"), tmp_path / "out", policy=PRIVATE)
    assert not (tmp_path / "out").exists()


def test_an_empty_body_is_an_error(server, tmp_path):
    server.routes["/empty"] = reply(200, b"")
    with pytest.raises(FetchError, match="empty file"):
        fetch_to_file(server.url("/empty"), tmp_path / "out", policy=PRIVATE)


def test_a_closed_port_is_a_clear_error(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not be reached"):
        fetch_to_file(f"http://127.0.0.1:{port}/", tmp_path / "out", policy=PRIVATE)


# --- size caps ------------------------------------------------------------------------------------

SMALL = FetchPolicy(allow_private=True, max_bytes=1000, deadline_s=5)


def test_the_cap_counts_received_bytes_when_no_length_is_declared(server, tmp_path):
    server.routes["/nolength"] = reply(200, b"x" * 5000, length=False)
    with pytest.raises(FetchError, match="larger than the limit of 1000 bytes"):
        fetch_to_file(server.url("/nolength"), tmp_path / "out", policy=SMALL)
    assert not (tmp_path / "out").exists()


def test_an_endless_chunked_body_is_cut_off_at_the_cap(server, tmp_path):
    server.routes["/endless"] = endless_chunks
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch_to_file(server.url("/endless"), tmp_path / "out", policy=SMALL)
    assert time.monotonic() - started < 2


def test_a_lying_content_length_gets_no_more_than_it_declared(server, tmp_path):
    server.routes["/liar"] = reply(200, b"x" * 5000, {"Content-Length": "100"})
    result = fetch_to_file(server.url("/liar"), tmp_path / "out", policy=SMALL)
    assert result.size == 100


def test_a_declared_length_over_the_cap_is_refused_before_reading(server, tmp_path):
    server.routes["/big"] = lambda h: (h.send_response(200), h.send_header("Content-Length", "999999"),
                                        h.end_headers(), time.sleep(3))  # and then sends nothing for a while
    started = time.monotonic()
    with pytest.raises(FetchError, match="999999 bytes; the limit is 1000 bytes"):
        fetch_to_file(server.url("/big"), tmp_path / "out", policy=SMALL)
    assert time.monotonic() - started < 1


def test_a_gzip_bomb_is_cut_off_by_decoded_size(server, tmp_path):
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 50_000
    policy = FetchPolicy(allow_private=True, max_bytes=100_000, deadline_s=5)
    server.routes["/bomb"] = reply(200, bomb, {"Content-Encoding": "gzip"})
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the limit of 100000 bytes"):
        fetch_to_file(server.url("/bomb"), tmp_path / "out", policy=policy)
    assert time.monotonic() - started < 1


def test_a_server_that_compresses_anyway_is_decoded(server, tmp_path):
    server.routes["/gz"] = reply(200, gzip.compress(PAYLOAD), {"Content-Encoding": "gzip"})
    assert fetch_to_file(server.url("/gz"), tmp_path / "out", policy=PRIVATE).path.read_bytes() == PAYLOAD
    two_members = gzip.compress(PAYLOAD) + gzip.compress(PAYLOAD)
    server.routes["/two-members"] = reply(200, two_members, {"Content-Encoding": "gzip"})
    assert fetch_to_file(server.url("/two-members"), tmp_path / "out", policy=PRIVATE).size == 2 * len(PAYLOAD)


@pytest.mark.parametrize("encoding, body, message", [
    ("br", b"\x0b\x02\x80hello\x03", "compressed as 'br'"),
    ("gzip", b"definitely not gzip", "could not be decompressed"),
    ("gzip", gzip.compress(PAYLOAD)[:-20], "cut short"),
])
def test_bad_or_unknown_compression_is_refused(server, tmp_path, encoding, body, message):
    server.routes["/c"] = reply(200, body, {"Content-Encoding": encoding})
    with pytest.raises(FetchError, match=message):
        fetch_to_file(server.url("/c"), tmp_path / "out", policy=PRIVATE)


# --- the total deadline ---------------------------------------------------------------------------

DEADLINE = FetchPolicy(allow_private=True, deadline_s=1.0)


@pytest.mark.parametrize("route", [
    drip_body(100, 0.1),                   # a byte every 0.1 s: every read is quick, the total is not
    drip_body(100, 0.1, stall_after=8),    # drips for most of the budget, then goes silent
    drip_headers,                          # never finishes its headers
])
def test_a_slow_server_is_cut_off_at_the_total_deadline(server, tmp_path, route):
    server.routes["/slow"] = route
    started = time.monotonic()
    with pytest.raises(FetchError, match="longer than 1 s"):
        fetch_to_file(server.url("/slow"), tmp_path / "out", policy=DEADLINE)
    assert time.monotonic() - started < DEADLINE.deadline_s + 0.5
    assert not (tmp_path / "out").exists()


def test_a_stuck_lookup_is_cut_off(tmp_path):
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch_to_file("http://slow-dns.example/a.wav", tmp_path / "out", policy=DEADLINE,
                      resolver=lambda name, port: time.sleep(5) or ["127.0.0.1"])
    assert time.monotonic() - started < 1.5


def test_a_failed_lookup_is_a_clear_error(tmp_path):
    def nxdomain(name, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError, match="'nowhere.example' could not be found"):
        fetch_to_file("http://nowhere.example/a.wav", tmp_path / "out", policy=PRIVATE, resolver=nxdomain)


# --- TLS: the certificate is checked against the name, sent as SNI ------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_sends_the_name_as_sni_and_verifies_the_certificate(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=media.example",
         "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    with Listener(context) as listener, pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        listener.routes["/a.wav"] = reply(200, PAYLOAD)
        fetch_to_file(listener.url("/a.wav", "media.example", "https"), tmp_path / "out", policy=PRIVATE,
                      resolver=to_loopback)
    assert names == ["media.example"] and listener.requests == []


def test_policy_fields_are_validated():
    with pytest.raises(ValueError, match="max_bytes"):
        FetchPolicy(max_bytes=0)
    with pytest.raises(ValueError, match="max_redirects"):
        FetchPolicy(max_redirects=-1)

