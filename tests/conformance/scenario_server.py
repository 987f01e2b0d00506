"""The scenario server: a real loopback HTTP/1.1 server that plays the `server` steps of
behaviour cases (tests/vectors/behaviour.json, format: docs/conformance.md), one step
per request, and records every request it receives.

Written on asyncio's raw streams, not an HTTP framework, because its job is to misbehave
in ways a framework forbids: hang, drip a body a byte at a time, close mid-body, send a
Content-Length that lies, send a gzip bomb.

Each loaded case lives under its own base path: its `base_url` is
`http://127.0.0.1:PORT/<case id>`, and a client appends the operation's path to it.
A request past a case's last step (or under no case) is answered 500 and recorded as a
problem of that case, which fails it.

In a test:            with ScenarioServer() as server: filled = server.load(cases, "py")
Standalone (for any language's own tests):
    python -m tests.conformance.scenario_server \
        --corpus tests/vectors/behaviour.json --out filled.json
writes the corpus with each case's base_url filled in (to --out, else to stdout after
the first line), prints `port PORT` on its first stdout line, and serves until killed.
GET /_scenario/<case id>/requests returns what a case received (JSON: requests with
their bodies in base64, and problems) for that test's own checks.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import email.utils
import gzip
import json
import re
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A request head longer than this is refused: the server reads what clients send.
MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
# A hang lasts until the client gives up (closes), or this long at most.
HANG_SECONDS = 60.0
REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    307: "Temporary Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
CASE_ID = re.compile(r"^/([A-Za-z0-9_.-]+)(/.*)?$")


@dataclass
class Seen:
    """One request as it arrived."""

    method: str
    path: str  # after the case's base path, with its query
    headers: list[tuple[str, str]]  # names lowercased, in order
    body: bytes
    at: float  # time.time() when its head had arrived

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key == name.lower()]
        return values[-1] if values else None

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "body_base64": base64.b64encode(self.body).decode(),
            "at": self.at,
        }


@dataclass
class Played:
    """A loaded case: its steps, and what it received."""

    steps: list[dict[str, Any]]
    seen: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class ScenarioServer:
    """The server in a thread of its own (its own event loop), for the harness."""

    def __init__(self) -> None:
        self.cases: dict[str, Played] = {}
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._bombs: dict[int, bytes] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> ScenarioServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self.port = future.result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def load(self, cases: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
        """Serve these cases under ids `<prefix>-<n>`; the cases with `base_url` filled in
        (and `id`, the key of `requests` / `problems`)."""
        filled = []
        with self._lock:
            for number, case in enumerate(cases):
                case_id = f"{prefix}-{number:03d}"
                if case_id in self.cases:
                    raise ValueError(f"case id {case_id} is already loaded")
                for step in case["server"]:
                    if "gzip_bomb" in step:
                        self._bomb(step["gzip_bomb"])
                self.cases[case_id] = Played(steps=list(case["server"]))
                filled.append({**case, "base_url": f"{self.origin}/{case_id}", "id": case_id})
        return filled

    def requests(self, case_id: str) -> list[Seen]:
        with self._lock:
            return list(self.cases[case_id].seen)

    def problems(self, case_id: str) -> list[str]:
        with self._lock:
            return list(self.cases[case_id].problems)

    def _bomb(self, size: int) -> bytes:
        """A gzip body inflating to `size` zero bytes (made once per size)."""
        if size not in self._bombs:
            packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            chunk = bytes(1024 * 1024)
            parts = []
            for start in range(0, size, len(chunk)):
                parts.append(packer.compress(chunk[: min(len(chunk), size - start)]))
            parts.append(packer.flush())
            self._bombs[size] = b"".join(parts)
        return self._bombs[size]

    # --- serving ---------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader, writer)
                if request is None:
                    return
                keep = await self._answer(request, reader, writer)
                if not keep:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        except ValueError as exc:  # a request we cannot parse
            with contextlib.suppress(Exception):
                writer.write(_head(400, {"content-length": "0", "connection": "close"}))
                await writer.drain()
            print(f"scenario server: bad request: {exc}", file=sys.stderr)
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def _take(self, request: Seen, target: str) -> tuple[str, dict[str, Any] | None]:
        """Record the request under its case; the step to play (None: none left)."""
        match = CASE_ID.match(target)
        case_id = match.group(1) if match else ""
        with self._lock:
            played = self.cases.get(case_id)
            if played is None:
                return case_id, None
            request.path = (match.group(2) if match else None) or "/"
            played.seen.append(request)
            number = len(played.seen)
            if number > len(played.steps):
                played.problems.append(
                    f"request {number} ({request.method} {request.path}) came after the "
                    f"last of {len(played.steps)} steps"
                )
                return case_id, None
            return case_id, played.steps[number - 1]

    async def _answer(
        self, request: Seen, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Play one step; whether the connection stays open."""
        target = request.path
        if request.method == "GET" and target.startswith("/_scenario/"):
            return await self._report(target, writer)
        case_id, step = self._take(request, target)
        if step is None:
            body = b"no step left for this request\n"
            headers = {"content-type": "text/plain", "content-length": str(len(body))}
            writer.write(_head(500, {**headers, "connection": "close"}) + body)
            await writer.drain()
            return False
        if step.get("delay_ms"):
            await asyncio.sleep(step["delay_ms"] / 1000)
        if step.get("hang"):
            # Until the client closes the connection (read() returns b"") or HANG_SECONDS.
            with contextlib.suppress(asyncio.TimeoutError):
                while await asyncio.wait_for(reader.read(65536), HANG_SECONDS):
                    pass
            return False
        if step.get("close") == "before_answer":
            return False
        status = int(step.get("status", 200))
        body, headers = self._body(step, case_id)
        if "content-length" not in headers:
            headers["content-length"] = str(len(body))
        keep = step.get("close") is None and headers.get("connection", "").lower() != "close"
        writer.write(_head(status, headers))
        if step.get("close") == "mid_body":
            writer.write(body[: len(body) // 2])
            await writer.drain()
            return False
        if step.get("drip_ms"):
            await writer.drain()
            for index in range(len(body)):
                writer.write(body[index : index + 1])
                await writer.drain()
                await asyncio.sleep(step["drip_ms"] / 1000)
            return keep
        writer.write(body)
        await writer.drain()
        # A Content-Length that is not the body's length leaves the stream unusable.
        return keep and int(headers["content-length"]) == len(body)

    def _body(self, step: dict[str, Any], case_id: str) -> tuple[bytes, dict[str, str]]:
        """The step's body bytes and its headers (lowercased names)."""
        headers: dict[str, str] = {}
        if "json" in step:
            body = json.dumps(step["json"]).encode()
            headers["content-type"] = "application/json"
        elif "body_text" in step:
            body = step["body_text"].encode()
            headers["content-type"] = "application/json"
        elif "text" in step:
            body = step["text"].encode()
            headers["content-type"] = "text/plain; charset=utf-8"
        elif "bytes" in step:
            body = b"x" * int(step["bytes"])
            headers["content-type"] = "application/json"
        elif "gzip_bomb" in step:
            body = self._bomb(int(step["gzip_bomb"]))
            headers["content-type"] = "application/json"
            headers["content-encoding"] = "gzip"
        else:
            body = b""
        if "pad_to" in step:  # trailing JSON whitespace up to exactly N bytes
            body += b" " * (int(step["pad_to"]) - len(body))
        if step.get("gzip"):
            body = gzip.compress(body)
            headers["content-encoding"] = "gzip"
        if "retry_after_date_s" in step:
            headers["retry-after"] = email.utils.formatdate(
                time.time() + step["retry_after_date_s"], usegmt=True
            )
        other = f"http://localhost:{self.port}/{case_id}"
        for name, value in step.get("headers", {}).items():
            headers[name.lower()] = str(value).replace("{other_host}", other)
        return body, headers

    async def _report(self, target: str, writer: asyncio.StreamWriter) -> bool:
        match = re.match(r"^/_scenario/([A-Za-z0-9_.-]+)/requests$", target)
        with self._lock:
            played = self.cases.get(match.group(1)) if match else None
            answer = (
                {"requests": [seen.to_json() for seen in played.seen], "problems": played.problems}
                if played
                else None
            )
        body = json.dumps(answer).encode()
        status = 200 if answer is not None else 404
        head = {"content-type": "application/json", "content-length": str(len(body))}
        writer.write(_head(status, head) + body)
        await writer.drain()
        return True


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Seen | None:
    """The next request on the connection, or None when the client closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise ValueError("the connection closed inside a request head") from None
        return None
    except asyncio.LimitOverrunError:
        raise ValueError("request head too long") from None
    at = time.time()
    if len(head) > MAX_HEAD_BYTES:
        raise ValueError("request head too long")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise ValueError(f"bad request line {lines[0][:80]!r}")
    method, target, _ = parts
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"bad header line {line[:80]!r}")
        headers.append((name.strip().lower(), value.strip()))
    seen = Seen(method, target, headers, b"", at)
    if (seen.header("expect") or "").lower() == "100-continue":  # curl's, for larger bodies
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
    if (seen.header("transfer-encoding") or "").lower() == "chunked":
        seen.body = await _chunked(reader)
    else:
        length = int(seen.header("content-length") or 0)
        if not 0 <= length <= MAX_BODY_BYTES:
            raise ValueError(f"request body of {length} bytes")
        seen.body = await reader.readexactly(length)
    return seen


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)
        if len(body) > MAX_BODY_BYTES:
            raise ValueError("chunked request body too large")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path, help="a behaviour corpus")
    parser.add_argument("--out", type=Path, help="write the filled corpus here (else stdout)")
    parser.add_argument("--prefix", default="case", help="case ids are PREFIX-NNN")
    args = parser.parse_args()
    corpus = json.loads(args.corpus.read_text(encoding="utf-8"))
    with ScenarioServer() as server:
        corpus["cases"] = server.load(corpus["cases"], args.prefix)
        text = json.dumps(corpus, indent=1)
        if args.out:  # written before the port is printed: ready once it is
            args.out.write_text(text, encoding="utf-8")
        print(f"port {server.port}", flush=True)
        if not args.out:
            print(text, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
