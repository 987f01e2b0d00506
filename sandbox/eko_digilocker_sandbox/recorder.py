"""`eko-digilocker proxy --upstream URL`: a validating, recording proxy.

Run your integration tests against its URL instead of Eko's UAT (or a sandbox): it
forwards every request to `--upstream` and every answer back, as they came apart from
what docs/uat-drift.md lists (header names lower-cased; Host, Content-Length and
Accept-Encoding the proxy's; hop-by-hop headers and those `Connection` names dropped;
nothing added); refuses dot segments in the path (HTTP 400) and, for the sandbox's
`/_sandbox/` control surface, a caller the sandbox's own Host rule refuses (HTTP 403,
DNS rebinding); checks each
exchange against the spec and Eko's rules (`drift.DriftChecker`), printing one line per
finding on stderr (`violation: <operationId> <JSON pointer>: <why>`); and with
`--record FILE.har` writes every exchange to a HAR 1.2 file with its secrets redacted,
which `eko-digilocker sandbox --replay FILE.har` can serve back.

Like the sandbox, it prints its base URL as the first line of stdout and stops cleanly
on SIGINT/SIGTERM. What the caller gets when the upstream fails: no answer within
`--upstream-timeout` -> HTTP 504, unreachable or broken connection -> HTTP 502, an
answer over `--max-answer-bytes` -> HTTP 502; each an Eko envelope (`status` repeats
the HTTP status) plus a finding. Anything else the upstream sends (HTML, an error page)
is forwarded as it is, and reported. Limits, each settable: request bodies up to
`--max-body-bytes` (a larger one gets the sandbox's 413 envelope, never forwarded),
`--max-entries` recorded exchanges, `--max-tracked` reference_ids remembered for the
journey rules, and the sandbox's per-connection limits (`connections.ConnectionLimits`
defaults). The body of an answer is forwarded decoded (the proxy asks the upstream for
`accept-encoding: identity`; if it compresses anyway, the client's bounded reader
inflates at most `--max-answer-bytes` + 1 bytes at a time, and `content-encoding` is
dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
import uvicorn
from starlette.types import Receive, Scope, Send

from eko_digilocker import body as bounded
from eko_digilocker._version import __version__
from eko_digilocker.spec import Operation
from eko_digilocker_sandbox import answers
from eko_digilocker_sandbox.connections import BACKLOG, ConnectionLimits, protocol_class
from eko_digilocker_sandbox.control import control_refusal
from eko_digilocker_sandbox.drift import DriftChecker, Finding
from eko_digilocker_sandbox.har import Exchange, HarWriter, Message, without_secrets
from eko_digilocker_sandbox.routing import operation_for
from eko_digilocker_sandbox.server import (
    DOCS_URL,
    _Parser,
    _port,
    _positive,
    _Server,
    base_url,
    bind,
)

DEFAULT_PORT = 8081
#: Headers that belong to one connection, not to the message (RFC 9110 7.6.1), plus the
#: ones httpx or uvicorn write again for the next hop.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",
        "content-encoding",
        "expect",  # the proxy has the whole body before it forwards it
    }
)
T = TypeVar("T")


def _hop_by_hop(headers: list[tuple[str, str]]) -> frozenset[str]:
    """HOP_BY_HOP and the headers a `Connection` header names (RFC 9110 7.6.1)."""
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return HOP_BY_HOP | named


OUTSIDE_SPEC = "-"  # the operationId printed for a request that is no operation of the spec


@dataclass(frozen=True)
class ProxySettings:
    upstream: str
    max_body_bytes: int = 64 * 1024
    max_answer_bytes: int = 8 * 1024 * 1024
    upstream_timeout: float = 30.0
    max_tracked: int = 100_000

    def __post_init__(self) -> None:
        parts = urlsplit(self.upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"--upstream {self.upstream[:80]!r} is not an absolute http(s) URL")
        if parts.query or parts.fragment:
            raise ValueError("--upstream takes a base URL without a query or fragment")
        object.__setattr__(self, "upstream", self.upstream.rstrip("/"))


#: A `.` or `..` path segment, also percent-encoded (RFC 3986 5.2.4 removes them).
_DOT_SEGMENT = re.compile(rb"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.I)
#: The sandbox's control surface and consent pages, behind an upstream sandbox.
_CONTROL_PREFIX = "/_sandbox"


def _refusal(scope: Scope, path: bytes) -> tuple[int, str] | None:
    """The HTTP status and reason the proxy refuses a request with, before reading its
    body; None when it is forwarded."""
    if not path.startswith(b"/"):
        # `*`, `host:443` (CONNECT) or `@host/...` after the upstream's authority
        # would name another host: only paths are forwarded.
        return 404, "Not found: the request target must be a path starting with /"
    if _DOT_SEGMENT.search(path.partition(b"?")[0]):
        # httpx would resolve them, sending `/../admin` as `/admin`, outside the upstream's
        # base path, while the HAR recorded the original.
        return 400, "Bad request: the path has a dot segment (`.` or `..`); send it resolved"
    decoded: str = scope["path"]  # as the sandbox routes it: `/%5Fsandbox` is `/_sandbox`
    if decoded == _CONTROL_PREFIX or decoded.startswith(_CONTROL_PREFIX + "/"):
        # The upstream sees the proxy, a loopback peer, and the upstream's own address in
        # Host: the sandbox's rule against DNS rebinding is applied here, to the caller.
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        peer = scope["client"][0] if scope.get("client") else ""
        why = control_refusal(peer, headers, None)
        if why is not None:
            return 403, why
    return None


class _Failed(Exception):
    """The upstream gave no usable answer: the caller gets the proxy's own envelope."""

    def __init__(self, http_status: int, why: str) -> None:
        super().__init__(why)
        self.http_status = http_status
        self.why = why


def _envelope(http_status: int, why: str) -> bytes:
    return answers.encode(answers.http_error(http_status, f"eko-digilocker proxy: {why}"))


@dataclass
class RecorderApp:
    """The proxy as an ASGI application (lifespan opens and closes its HTTP client)."""

    settings: ProxySettings
    report: Callable[[str], None]
    har: HarWriter | None = None
    checker: DriftChecker = field(init=False)
    _client: httpx.AsyncClient | None = field(default=None, init=False)
    _recording_stopped: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.checker = DriftChecker(self.settings.max_tracked)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._exchange(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._client = httpx.AsyncClient(
                    timeout=self.settings.upstream_timeout, follow_redirects=False
                )
                # httpx's defaults (user-agent, accept, ...) would be added to every request.
                self._client.headers.clear()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The request body, or None when it is over the limit or the caller left."""
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.settings.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _exchange(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = datetime.now(UTC)
        clock = time.monotonic()
        method: str = scope["method"]
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        path = scope.get("raw_path") or scope["path"].encode()
        query_string: bytes = scope.get("query_string", b"")
        url = self.settings.upstream + path.decode("latin-1")
        if query_string:
            url += "?" + query_string.decode("latin-1")
        refusal = _refusal(scope, path)
        if refusal is not None:
            status, why = refusal
            refused = [("content-type", "application/json"), ("connection", "close")]
            await self._send(send, status, refused, answers.encode(answers.http_error(status, why)))
            return
        body = await self._read_body(receive)
        if body is None:
            limit = self.settings.max_body_bytes
            message = f"Request body too large: at most {limit} bytes"
            answer = answers.encode(answers.http_error(413, message))
            # The rest of the body stays unread: close the connection after the answer.
            refused = [("content-type", "application/json"), ("connection", "close")]
            await self._send(send, 413, refused, answer)
            return

        op = operation_for(method, scope["path"])
        lowered = {name.lower(): value for name, value in headers}
        findings, params = self._check_request(op, lowered, query_string, body)
        proxy_answer = False
        try:
            status, answer_headers, answer = await self._forward(method, url, headers, body)
            if op is not None:
                content_type = Message(answer_headers, answer).content_type()
                developer_key = lowered.get("developer_key", "")
                args = (op, params, developer_key, status, content_type, answer)
                findings += self._checked(op, [], self.checker.answer, *args)
        except _Failed as failed:
            proxy_answer = True
            status, answer = failed.http_status, _envelope(failed.http_status, failed.why)
            answer_headers = [("content-type", "application/json")]
            name = op.operation_id if op is not None else OUTSIDE_SPEC
            findings.append(Finding(name, "/response", failed.why))
        await self._send(send, status, answer_headers, answer)
        lines = [without_secrets(str(finding), headers) for finding in findings]
        for line in lines:
            self.report(line)
        self._record(
            Exchange(
                started=started,
                elapsed_ms=(time.monotonic() - clock) * 1000,
                method=method,
                url=url,
                request=Message(headers, body),
                status=status,
                answer=Message(answer_headers, answer),
                findings=lines,
                proxy_answer=proxy_answer,
            )
        )

    def _check_request(
        self, op: Operation | None, headers: dict[str, str], query_string: bytes, body: bytes
    ) -> tuple[list[Finding], dict[str, Any]]:
        if op is None:
            return [], {}
        query: dict[str, str] = {}
        for name, value in parse_qsl(query_string.decode("utf-8", "replace"), True):
            query.setdefault(name, value)  # the first of repeated names, as the sandbox
        unchecked: tuple[list[Finding], dict[str, Any]] = ([], {})
        check = self.checker.request
        return self._checked(op, unchecked, check, op, headers, query, body)

    def _checked(self, op: Operation, unchecked: T, check: Callable[..., T], *args: Any) -> T:
        """What `check(*args)` returns; a bug in a check is one line on stderr, and the
        exchange goes on as `unchecked` rather than failing."""
        try:
            return check(*args)
        except Exception as exc:
            name = op.operation_id
            self.report(f"proxy: internal error checking {name}, please report it: {exc!r:.200}")
            return unchecked

    def _record(self, exchange: Exchange) -> None:
        if self.har is None or self._recording_stopped:
            return
        try:
            if self.har.add(exchange):
                return
            why = f"--max-entries {self.har.max_entries} reached"
        except OSError as exc:
            why = f"cannot write the HAR file ({exc.strerror or exc})"
        self._recording_stopped = True
        self.report(f"proxy: {why}; no longer recording")

    async def _forward(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self._client is not None, "lifespan startup creates the client"
        sent = [
            # latin-1: every header byte (obs-text too) goes out as it came in
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in headers
            if k.lower() not in _hop_by_hop(headers)
        ]
        sent.append((b"accept-encoding", b"identity"))
        limit = self.settings.max_answer_bytes
        try:
            # The whole exchange within the timeout: an upstream that trickles its answer
            # byte by byte would pass httpx's per-read timeout.
            async with asyncio.timeout(self.settings.upstream_timeout):
                request = self._client.build_request(
                    method, url, headers=sent, content=body or None
                )
                response = await self._client.send(request, stream=True)
                # The client's bounded reader: a compressed answer is inflated at most
                # `limit` + 1 bytes at a time, never a whole network chunk at once.
                answer = await bounded.aread(response, limit, None)
        except bounded.BodyTooLarge:
            raise _Failed(502, f"upstream answer larger than {limit} bytes") from None
        except bounded.UnsupportedEncoding as exc:
            why = f"upstream answer in content-encoding {str(exc)[:40]!r}, not gzip or deflate"
            raise _Failed(502, why) from None
        except (httpx.TimeoutException, TimeoutError):
            timeout = self.settings.upstream_timeout
            raise _Failed(504, f"upstream did not answer within {timeout:g} s") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise _Failed(502, f"upstream unreachable ({type(exc).__name__}: {exc})") from None
        # latin-1 both ways: every header byte is forwarded as it came
        raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw]
        kept = [(k, v) for k, v in raw if k.lower() not in _hop_by_hop(raw)]
        return response.status_code, kept, answer

    @staticmethod
    async def _send(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


# --- the command line ---------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eko-digilocker proxy",
        description="Forward requests to --upstream (header names lower-cased; Host, "
        "Content-Length and Accept-Encoding the proxy's; hop-by-hop headers dropped; nothing "
        "added; dot segments and rebound /_sandbox/ calls refused), check every exchange "
        "against the spec and Eko's rules (one `violation: <operationId> <pointer>: <why>` "
        "line per finding on stderr), and record them to a HAR file with secrets redacted "
        "and each entry tied to its developer_key's SHA-256. Prints its base URL as the "
        f"first line of stdout. See {DOCS_URL}uat-drift.md.",
    )
    parser.add_argument(
        "--upstream",
        required=True,
        metavar="URL",
        help="base URL to forward to, e.g. https://staging.eko.in/ekoapi/v3 or a sandbox's",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="port (default %(default)s; 0 = free port)"
    )
    parser.add_argument(
        "--record", type=Path, metavar="FILE.har", help="write every exchange to this HAR file"
    )
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--max-body-bytes",
        type=_positive(int),
        default=64 * 1024,
        metavar="BYTES",
        help="largest request body forwarded; larger ones get HTTP 413 (default 65536)",
    )
    limits.add_argument(
        "--max-answer-bytes",
        type=_positive(int),
        default=8 * 1024 * 1024,
        metavar="BYTES",
        help="largest upstream answer read, counted decoded (a compressed one is inflated "
        "within it); larger ones become HTTP 502 (default 8388608)",
    )
    limits.add_argument(
        "--upstream-timeout",
        type=_positive(float),
        default=30.0,
        metavar="SECONDS",
        help="time the upstream may take for a whole answer; then HTTP 504 (default 30)",
    )
    limits.add_argument(
        "--max-entries",
        type=_positive(int),
        default=10_000,
        metavar="N",
        help="exchanges written to --record; later ones are not recorded (default 10000)",
    )
    limits.add_argument(
        "--max-tracked",
        type=_positive(int),
        default=100_000,
        metavar="N",
        help="reference_ids and client_ref_ids remembered for the journey rules (100000)",
    )
    parser.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    return parser


def _report(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """`eko-digilocker proxy ...`: serve until SIGINT/SIGTERM; 0 on a clean stop."""
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        settings = ProxySettings(
            upstream=args.upstream,
            max_body_bytes=args.max_body_bytes,
            max_answer_bytes=args.max_answer_bytes,
            upstream_timeout=args.upstream_timeout,
            max_tracked=args.max_tracked,
        )
    except ValueError as exc:
        parser.error(str(exc))
    har = None
    if args.record is not None:
        try:
            har = HarWriter(args.record, max_entries=args.max_entries, creator_version=__version__)
        except OSError as exc:
            parser.error(f"--record {args.record}: cannot write ({exc.strerror or exc})")
    try:
        sock = bind(args.host, args.port)
    except (OSError, OverflowError) as exc:
        print(
            f"eko-digilocker proxy: cannot listen on {args.host}:{args.port}: {exc}",
            file=sys.stderr,
        )
        return 1
    url = base_url(sock)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    config = uvicorn.Config(
        RecorderApp(settings, _report, har),
        log_level=args.log_level,
        access_log=False,
        lifespan="on",
        http=protocol_class(ConnectionLimits()),
        ws="none",
        backlog=BACKLOG,
        loop="asyncio",
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=5,
    )
    server = _Server(config, lambda: print(url, flush=True))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if har is not None:
            har.close()
    return 0 if server.started else 1
