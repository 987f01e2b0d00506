"""Broken and harmless variants of the sandbox: a mutating proxy in front of a real one.

Each variant changes what one kind of server bug would change, on the three API paths
only: the control surface passes through untouched, so the journey properties can still
approve, deny and expire (one harmless variant hides it, as Eko's own server would).
The contract suite must fail against every broken variant and pass against every
harmless one (test_suite_has_teeth.py).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

from eko_digilocker import sign_secret_key
from eko_digilocker.signing import (
    DEVELOPER_KEY_HEADER,
    SECRET_KEY_HEADER,
    TIMESTAMP_HEADER,
    now_ms,
)
from eko_digilocker.spec import example, operation
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY
from tests.contract.journeys import CREATE, DOCUMENT, STATUS, is_pending

CREATE_PATH = operation(CREATE).path
STATUS_PATH = operation(STATUS).path
DOCUMENT_PATH = operation(DOCUMENT).path
API_PATHS = (CREATE_PATH, STATUS_PATH, DOCUMENT_PATH)
HOP_HEADERS = {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}


@dataclass
class Exchange:
    """One request on its way to the sandbox and its answer on the way back."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or the raw bytes when not JSON
    status: int = 0
    answer: Any = None  # parsed JSON, or the raw bytes
    content_type: str = "application/json"


Mutation = Callable[[Exchange], None]


# --- broken ------------------------------------------------------------------------


def drops_a_required_field(exchange: Exchange) -> None:
    if exchange.path == CREATE_PATH and _success(exchange):
        del exchange.answer["data"]["url"]


def changes_a_field_type(exchange: Exchange) -> None:
    if exchange.path == CREATE_PATH and _success(exchange):
        exchange.answer["data"]["reference_id"] = str(exchange.answer["data"]["reference_id"])


def stops_checking_signatures(exchange: Exchange) -> None:
    """Signs every request correctly on the way in: the server serves anything."""
    if exchange.path in API_PATHS:
        timestamp = str(now_ms())
        exchange.headers[DEVELOPER_KEY_HEADER] = UAT_DEVELOPER_KEY
        exchange.headers[TIMESTAMP_HEADER] = timestamp
        exchange.headers[SECRET_KEY_HEADER] = sign_secret_key(UAT_ACCESS_KEY, timestamp)


def reports_errors_as_success(exchange: Exchange) -> None:
    if exchange.path in API_PATHS and isinstance(exchange.answer, dict) and exchange.status == 200:
        exchange.answer["status"] = 0
        exchange.answer["response_status_id"] = 0


def sends_status_null(exchange: Exchange) -> None:
    """Errors with `status: null` (the spec's type allows null only for decoders' sake)."""
    if exchange.path in API_PATHS and isinstance(exchange.answer, dict) and not _success(exchange):
        exchange.answer["status"] = None


def answers_html(exchange: Exchange) -> None:
    if exchange.path in API_PATHS:
        exchange.status = 200
        exchange.content_type = "text/html; charset=utf-8"
        exchange.answer = b"<!DOCTYPE html><html><body><h1>Service notice</h1></body></html>"


def authenticated_before_consent(exchange: Exchange) -> None:
    """A pending status answer becomes the spec's own authenticated example."""
    if exchange.path == STATUS_PATH and is_pending(STATUS, exchange.answer):
        exchange.answer = example(STATUS, "authenticated", status="200")


def documents_before_consent(exchange: Exchange) -> None:
    """A pending document answer becomes the spec's own success example."""
    if exchange.path == DOCUMENT_PATH and is_pending(DOCUMENT, exchange.answer):
        exchange.answer = example(DOCUMENT, "success", status="200")


def forgets_client_ref_id(exchange: Exchange) -> None:
    """Every create is a new session: the client_ref_id is replaced on the way in."""
    if exchange.path == CREATE_PATH and isinstance(exchange.body, dict):
        exchange.body["client_ref_id"] = f"F{uuid.uuid4().hex[:19]}"


# --- harmless ----------------------------------------------------------------------


def passes_through(exchange: Exchange) -> None:
    """The proxy alone: proves it changes nothing by itself."""


def adds_unknown_fields(exchange: Exchange) -> None:
    if exchange.path in API_PATHS and isinstance(exchange.answer, dict):
        exchange.answer["x_trace_id"] = "abc123"
        if isinstance(exchange.answer.get("data"), dict):
            exchange.answer["data"]["x_partner_note"] = {"added": True}


def reorders_keys(exchange: Exchange) -> None:
    if exchange.path in API_PATHS and isinstance(exchange.answer, dict):
        exchange.answer = _reversed(exchange.answer)


def hides_the_control_surface(exchange: Exchange) -> None:
    """A server like Eko's own: `/_sandbox/` is an unknown URL. The properties that need
    a customer are skipped; all others still run."""
    if exchange.path.startswith("/_sandbox/"):
        exchange.status = 404
        exchange.answer = {"status": 404, "message": "Not found", "response_status_id": 1}


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def _success(exchange: Exchange) -> bool:
    answer = exchange.answer
    return isinstance(answer, dict) and answer.get("status") == 0 and exchange.status == 200


# Request-side mutations run with `answer` None; answer-side ones after the sandbox replied.
BROKEN: dict[str, Mutation] = {
    "drops a required field": drops_a_required_field,
    "changes a field's type": changes_a_field_type,
    "stops checking signatures": stops_checking_signatures,
    "reports errors as success": reports_errors_as_success,
    "sends status null": sends_status_null,
    "answers HTML": answers_html,
    "reports authenticated before consent": authenticated_before_consent,
    "hands out documents before consent": documents_before_consent,
    "forgets a repeated client_ref_id": forgets_client_ref_id,
}
HARMLESS: dict[str, Mutation] = {
    "passes through": passes_through,
    "adds unknown fields": adds_unknown_fields,
    "reorders keys": reorders_keys,
    "hides the control surface": hides_the_control_surface,
}
REQUEST_SIDE = {stops_checking_signatures, forgets_client_ref_id}


def _handler(upstream: str, mutation: Mutation) -> type[BaseHTTPRequestHandler]:
    client = httpx.Client(base_url=upstream, timeout=30)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            headers = {
                k.lower(): v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS
            }
            exchange = Exchange(self.command, url.path, headers, _parse(raw))
            if mutation in REQUEST_SIDE:
                mutation(exchange)
            content = (
                raw if isinstance(exchange.body, bytes) else json.dumps(exchange.body).encode()
            )
            # http.server decoded the header bytes as latin-1; send the same bytes on.
            headers_out = [
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in exchange.headers.items()
            ]
            response = client.request(
                self.command, self.path, headers=headers_out, content=content if raw else None
            )
            exchange.status = response.status_code
            exchange.content_type = response.headers.get("content-type", "application/json")
            exchange.answer = _parse(response.content)
            if mutation not in REQUEST_SIDE:
                mutation(exchange)
            answer = exchange.answer
            body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(exchange.status)
            for name, value in response.headers.items():
                if name.lower() not in HOP_HEADERS | {"content-type", "date", "server"}:
                    self.send_header(name, value)
            self.send_header("content-type", exchange.content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def __getattr__(self, name: str) -> Any:
            # Every method goes through (TRACE, OPTIONS...): the sandbox answers them.
            if name.startswith("do_"):
                return self._forward
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the suite's own output tells what happened

    return Handler


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else b""
    except ValueError:
        return raw


@contextmanager
def running_variant(upstream: str, mutation: Mutation) -> Iterator[str]:
    """Serve `mutation` in front of `upstream` on a free loopback port; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, mutation))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="contract-variant", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def main(argv: list[str]) -> int:
    """`python -m tests.contract.variants NAME [PYTEST ARGS...]`: a sandbox and the variant
    NAME in front of it, both in this process, and the contract suite (pytest with the
    given arguments) pointed at the variant. Exits with pytest's status."""
    import os

    import pytest

    from eko_digilocker_sandbox import SandboxConfig, running_sandbox

    name, *pytest_args = argv
    mutation = {**BROKEN, **HARMLESS}[name]
    with running_sandbox(SandboxConfig()) as upstream, running_variant(upstream, mutation) as url:
        os.environ["EKO_CONTRACT_BASE_URL"] = url
        return int(pytest.main(pytest_args))


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
