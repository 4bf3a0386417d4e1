"""A real HTTP server on 127.0.0.1 that records every connection and request, with canned routes."""

import http.server
import threading
import time

POLL_S = 0.02


class Listener:
    """A real HTTP server on 127.0.0.1 that records every connection and request it receives."""

    def __init__(self, tls_context=None):
        self.connections = 0
        self.requests = []  # (path, headers)
        self.routes = {}    # path -> function(handler)
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                listener.requests.append((self.path, dict(self.headers)))
                route = listener.routes.get(self.path.split("?")[0], not_found)
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request, client_address):
                listener.connections += 1
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False,
            )
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(POLL_S,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path, host="127.0.0.1", scheme="http"):
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self):
        return [path for path, _ in self.requests]


def reply(status=200, body=b"", headers=None, *, length=True):
    def route(handler):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if length and "Content-Length" not in (headers or {}):
            handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.close_connection = True
    return route


def not_found(handler):
    reply(404, b"no")(handler)


def drip_body(total, interval, *, stall_after=None):
    def route(handler):
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        for i in range(total):
            if stall_after is not None and i == stall_after:
                time.sleep(30)
            handler.wfile.write(b"y")
            handler.wfile.flush()
            time.sleep(interval)
        handler.close_connection = True
    return route


def drip_headers(handler):
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * 200:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)
    handler.close_connection = True


def endless_chunks(handler):
    handler.send_response(200)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"x" * 4096
    for _ in range(10_000):
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    handler.close_connection = True
