"""A recording HTTP/1.1 forwarder on loopback: each request's method, path and headers are
kept, then the request goes on to the sandbox and its answer comes back unchanged. The
journey test puts it between every client and the sandbox to see what goes on the wire."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Hop-by-hop headers (RFC 9110 7.6.1) and what http.server writes itself.
NOT_FORWARDED = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "http2-settings",
    "content-length",
    "date",
    "server",
}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: list[tuple[str, str]]  # lower-cased names, in the order sent

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]


@dataclass
class Recorder:
    url: str
    seen: list[Seen] = field(default_factory=list)


@contextmanager
def recording_forwarder(upstream: str) -> Iterator[Recorder]:
    target = urlsplit(upstream)
    recorder = Recorder(url="")

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the clients use it

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = [(name.lower(), value) for name, value in self.headers.items()]
            recorder.seen.append(Seen(self.command, self.path, headers))
            upstream_connection = http.client.HTTPConnection(
                target.hostname or "127.0.0.1", target.port, timeout=30
            )
            try:
                upstream_connection.putrequest(
                    self.command, self.path, skip_host=True, skip_accept_encoding=True
                )
                for name, value in headers:
                    if name not in NOT_FORWARDED:
                        upstream_connection.putheader(name, value)
                upstream_connection.putheader("content-length", str(len(body)))
                upstream_connection.endheaders(body)
                answer = upstream_connection.getresponse()
                content = answer.read()
            finally:
                upstream_connection.close()
            self.send_response(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in NOT_FORWARDED:
                    self.send_header(name, value)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads `recorder.seen`, not a log

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="recording-forwarder")
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
