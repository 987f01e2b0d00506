"""Real servers on loopback sockets for the client's deployment tests: a JSON server
(plain or TLS, optionally slow), and an HTTP proxy that also tunnels CONNECT.

Each runs in daemon threads, records what it saw and stops with its `with` block.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = Callable[[str], Any]  # request path -> JSON answer


class JsonServer(ThreadingHTTPServer):
    """Answers every request with `answer(path)` as JSON after `delay` seconds; over
    TLS when given an `ssl.SSLContext`. Counts the TCP connections it accepted (before
    any TLS handshake) and records each request's path and headers."""

    daemon_threads = True

    def __init__(self, answer: Answer, *, tls: ssl.SSLContext | None = None, delay: float = 0):
        super().__init__(("127.0.0.1", 0), _JsonHandler)
        self.answer = answer
        self.tls = tls
        self.delay = delay
        self.accepted = 0
        self.requests: list[tuple[str, dict[str, str]]] = []
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server_address[1]}"
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = self.socket.accept()
        self.accepted += 1
        if self.tls is not None:
            conn.settimeout(5)
            conn = self.tls.wrap_socket(conn, server_side=True)  # may fail: OSError
        return conn, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timed out, refused the certificate) is expected

    def __enter__(self) -> JsonServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _JsonHandler(BaseHTTPRequestHandler):
    server: JsonServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        self.server.requests.append((self.path, dict(self.headers)))
        time.sleep(self.server.delay)
        body = json.dumps(self.server.answer(self.path)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


class Proxy(socketserver.ThreadingTCPServer):
    """A forward proxy: `GET http://host/...` (absolute form) is answered here with
    `answer(url)`, standing in for the origin; `CONNECT host:port` is tunnelled to
    `tunnel_to` (a local server standing in for that host). `seen` records each
    request line."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer: Answer, tunnel_to: tuple[str, int] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.answer = answer
        self.tunnel_to = tunnel_to
        self.seen: list[str] = []
        self.headers_seen: list[dict[str, str]] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self) -> Proxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    server: Proxy

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_CONNECT(self) -> None:
        self.server.seen.append(self.requestline)
        assert self.server.tunnel_to is not None
        upstream = socket.create_connection(self.server.tunnel_to, timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        pipes = [
            threading.Thread(target=_pipe, args=(self.connection, upstream), daemon=True),
            threading.Thread(target=_pipe, args=(upstream, self.connection), daemon=True),
        ]
        for pipe in pipes:
            pipe.start()
        for pipe in pipes:
            pipe.join(30)
        upstream.close()
        self.close_connection = True

    def _forward(self) -> None:
        self.server.seen.append(self.requestline)
        self.server.headers_seen.append(dict(self.headers))
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps(self.server.answer(self.path)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _forward


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
