"""Fetching refuses internal targets before sending a byte; every listener here is on 127.0.0.1."""

import gzip
import http.server
import threading
import time

import pytest

from soundclone.media.errors import FetchError
from soundclone.media.fetch import FetchPolicy, fetch_to_file

PAYLOAD = b"RIFF" + b"x" * 5000


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []
    routes: dict = {}

    def do_GET(self):  # noqa: N802
        self.hits.append(self.path)
        status, headers, body, drip = self.routes.get(self.path, (404, {}, b"", False))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if drip:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        else:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.hits = []
    Recorder.routes = {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


PRIVATE = FetchPolicy(allow_private=True, deadline_s=5)
PUBLIC_ONLY = FetchPolicy(deadline_s=5)


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "localhost", "[::1]", "[::]", "0.0.0.0",
    "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "[fc00::1]", "[fe80::1]",
    "[::ffff:127.0.0.1]", "[64:ff9b::7f00:1]", "224.0.0.1",
])
def test_internal_targets_are_refused_without_a_request(server, tmp_path, host):
    resolver = lambda name, port: ["127.0.0.1"]  # noqa: E731  (localhost and any name land on the listener)
    with pytest.raises(FetchError) as caught:
        fetch_to_file(f"http://{host}:{server}/a.wav", tmp_path / "out", policy=PUBLIC_ONLY, resolver=resolver)
    assert "only public addresses" in str(caught.value)
    assert Recorder.hits == []


def test_public_looking_name_resolving_to_private_is_refused(server, tmp_path):
    with pytest.raises(FetchError) as caught:
        fetch_to_file(f"http://media.example.com:{server}/a.wav", tmp_path / "out", policy=PUBLIC_ONLY,
                      resolver=lambda name, port: ["10.0.0.7"])
    assert "10.0.0.7" in str(caught.value) and Recorder.hits == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://x/1", "ftp://x/a.mp3", "data:audio/wav;base64,AAAA"])
def test_other_schemes_are_refused(tmp_path, url):
    with pytest.raises(FetchError, match="only http and https"):
        fetch_to_file(url, tmp_path / "out", policy=PRIVATE)


def test_credentials_are_refused_and_not_echoed(server, tmp_path):
    with pytest.raises(FetchError) as caught:
        fetch_to_file(f"http://user:s3cret@127.0.0.1:{server}/a.wav", tmp_path / "out", policy=PRIVATE)
    assert "credentials" in str(caught.value) and "s3cret" not in str(caught.value) and Recorder.hits == []


def test_redirect_to_an_internal_address_is_refused(server, tmp_path):
    Recorder.routes["/start"] = (302, {"Location": "http://169.254.169.254/latest/meta-data"}, b"", False)
    allow_only_loopback_listener = lambda address: str(address) == "127.0.0.1"  # noqa: E731
    with pytest.raises(FetchError, match="169.254.169.254"):
        fetch_to_file(f"http://127.0.0.1:{server}/start", tmp_path / "out", policy=PUBLIC_ONLY,
                      address_allowed=allow_only_loopback_listener)
    assert Recorder.hits == ["/start"]


def test_download_and_redirect_cap(server, tmp_path):
    Recorder.routes["/ok.wav"] = (200, {"Content-Length": str(len(PAYLOAD))}, PAYLOAD, False)
    Recorder.routes["/hop"] = (302, {"Location": "/ok.wav"}, b"", False)
    result = fetch_to_file(f"http://127.0.0.1:{server}/hop", tmp_path / "out", policy=PRIVATE)
    assert result.path.read_bytes() == PAYLOAD and result.size == len(PAYLOAD)
    Recorder.routes["/loop"] = (302, {"Location": "/loop"}, b"", False)
    with pytest.raises(FetchError, match="redirected more than"):
        fetch_to_file(f"http://127.0.0.1:{server}/loop", tmp_path / "out", policy=PRIVATE)


def test_size_cap_holds_against_a_lying_length_and_a_gzip_bomb(server, tmp_path):
    small = FetchPolicy(allow_private=True, max_bytes=1000, deadline_s=5)
    Recorder.routes["/liar"] = (200, {}, b"x" * 5000, False)  # no length declared: counted as it arrives
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch_to_file(f"http://127.0.0.1:{server}/liar", tmp_path / "out", policy=small)
    bomb = gzip.compress(b"\0" * 100_000)
    assert len(bomb) < small.max_bytes
    Recorder.routes["/bomb"] = (200, {"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}, bomb, False)
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch_to_file(f"http://127.0.0.1:{server}/bomb", tmp_path / "out", policy=small)
    Recorder.routes["/big"] = (200, {"Content-Length": "999999"}, b"", False)
    with pytest.raises(FetchError, match="999999 bytes"):
        fetch_to_file(f"http://127.0.0.1:{server}/big", tmp_path / "out", policy=small)


def test_a_dripping_server_is_cut_off_at_the_deadline(server, tmp_path):
    Recorder.routes["/drip"] = (200, {}, b"y" * 100, True)
    started = time.monotonic()
    with pytest.raises(FetchError, match="longer than"):
        fetch_to_file(f"http://127.0.0.1:{server}/drip", tmp_path / "out", policy=FetchPolicy(allow_private=True, deadline_s=1.5))
    assert time.monotonic() - started < 4


def test_http_errors_name_the_status(server, tmp_path):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_to_file(f"http://127.0.0.1:{server}/missing", tmp_path / "out", policy=PRIVATE)
