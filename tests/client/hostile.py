"""A hostile HTTP server on a loopback socket: huge, endless, compressed-bomb and
dripping answers, as raw bytes (no framework smooths them over).

Run as a module it serves until killed, printing its port, so a test can measure a
client in a separate process: `python -m tests.client.hostile MODE [INTERVAL]`.
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
import time
import zlib
from collections.abc import Iterator

MiB = 1024 * 1024
MODES = ("big", "endless", "bomb", "byte-chunks", "drip-body", "drip-headers", "silent")


def _bomb_segment() -> tuple[bytes, bytes]:
    """A gzip header with one deflate block of 1 MiB of zeros, and that block again:
    after a full flush each further MiB of zeros compresses to the same bytes."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = deflate.compress(b"\0" * MiB) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(b"\0" * MiB) + deflate.flush(zlib.Z_FULL_FLUSH)
    return first, again


class HostileServer:
    def __init__(self, mode: str, interval: float = 0.2) -> None:
        assert mode in MODES, mode
        self.mode = mode
        self.interval = interval
        self.sent = 0  # body bytes written, across connections
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                request += chunk
            # The body too: a socket closed with unread bytes resets the connection,
            # which could cut the answer short before the client has read it.
            head, _, body = request.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            while length and len(body) < int(length[1]):
                chunk = conn.recv(65536)
                if not chunk:
                    return
                body += chunk
            for part in self._parts():
                if self._stop.is_set():
                    return
                conn.sendall(part)

    def _parts(self) -> Iterator[bytes]:
        ok = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        if self.mode == "big":
            yield ok + f"content-length: {100 * MiB}\r\n\r\n".encode()
            block = b"x" * 65536
            for _ in range(100 * MiB // len(block)):
                self.sent += len(block)
                yield block
        elif self.mode == "endless":
            yield ok + b"transfer-encoding: chunked\r\n\r\n"
            chunk = b"10000\r\n" + b"x" * 65536 + b"\r\n"
            while True:
                self.sent += 65536
                yield chunk
        elif self.mode == "bomb":
            first, again = _bomb_segment()
            yield ok + b"content-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n"
            # 1 GiB once inflated, in one HTTP chunk: each socket read then holds some
            # 64 segments (64 MiB inflated), so the client must inflate it piecemeal.
            bomb = first + again * 1023
            self.sent += len(bomb)
            yield f"{len(bomb):x}\r\n".encode() + bomb + b"\r\n0\r\n\r\n"
        elif self.mode == "byte-chunks":
            # 1 MiB (a valid JSON string, so the answer can be read) in chunks of one
            # byte each: every chunk reaches the client as a piece of its own.
            yield ok + b"transfer-encoding: chunked\r\n\r\n"
            text = b'"' + b"x" * (MiB - 2) + b'"'
            block = b"".join(b"1\r\n" + text[i : i + 1] + b"\r\n" for i in range(len(text)))
            self.sent += len(text)
            yield block + b"0\r\n\r\n"
        elif self.mode == "drip-body":
            yield ok + b"content-length: 100000\r\n\r\n"
            while True:
                time.sleep(self.interval)
                self.sent += 1
                yield b" "
        elif self.mode == "drip-headers":
            yield b"HTTP/1.1 200 OK\r\n"
            while True:
                time.sleep(self.interval)
                yield b"x"
        else:  # silent
            time.sleep(3600)


if __name__ == "__main__":
    with HostileServer(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.2) as s:
        print(s.port, flush=True)
        time.sleep(3600)
