"""Broken and harmless variants of the sandbox: a mutating proxy in front of a real one.

Each variant changes what one kind of server bug would change, on the three API paths
only: the control surface passes through untouched, so the journey properties can still
approve, deny and expire (one harmless variant hides it, as Eko's own server would).
The contract suite must fail against every broken variant and pass against every
harmless one (test_suite_has_teeth.py).
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from eko_digilocker import sign_secret_key
from eko_digilocker.responses import error_code
from eko_digilocker.signing import (
    DEVELOPER_KEY_HEADER,
    SECRET_KEY_HEADER,
    TIMESTAMP_HEADER,
    now_ms,
)
from eko_digilocker.spec import example, operation
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY, answers, eko_rules
from eko_digilocker_sandbox.sessions import SessionState
from tests.contract.journeys import CREATE, DOCUMENT, STATUS, is_pending, raw_key_signature

DOCUMENT_TYPES = {"AADHAAR", "PAN", "DRIVING_LICENSE"}
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
    query: dict[str, str] = field(default_factory=dict)
    upstream: str = ""  # the sandbox's URL, for variants that act on its control surface


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


# --- broken: the seven breakages earlier contract runs missed (issue 25) --------------


class _Created:
    """The sessions created through a stateful variant, with when (one variant per
    process: `main`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at: dict[int, float] = {}

    def note(self, exchange: Exchange) -> None:
        if exchange.path == CREATE_PATH and _success(exchange):
            with self.lock:
                self.at[exchange.answer["data"]["reference_id"]] = time.monotonic()

    def take(self) -> list[int]:
        """The sessions noted so far, forgotten here (a decided session stays decided)."""
        with self.lock:
            taken, self.at = list(self.at), {}
            return taken


CREATED = _Created()
FORGET_AFTER_S = 2.0
DECISION = re.compile(r"^/_sandbox/sessions/(\d+)/approve$")


def _reference(exchange: Exchange) -> int | None:
    if exchange.path == STATUS_PATH:
        raw: Any = exchange.query.get("reference_id")
    else:
        raw = exchange.body.get("reference_id") if isinstance(exchange.body, dict) else None
    text = str(raw).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _operation(exchange: Exchange) -> str | None:
    return {CREATE_PATH: CREATE, STATUS_PATH: STATUS, DOCUMENT_PATH: DOCUMENT}.get(exchange.path)


def forgets_sessions_early(exchange: Exchange) -> None:
    """Sessions forgotten 2 s after creation: then answered as a reference never created."""
    CREATED.note(exchange)
    if exchange.path in (STATUS_PATH, DOCUMENT_PATH) and exchange.status == 200:
        born = CREATED.at.get(_reference(exchange) or 0)
        if born is not None and time.monotonic() - born > FORGET_AFTER_S:
            exchange.answer = answers.not_found(answers.EPS, _operation(exchange) or STATUS)


def accepts_the_raw_access_key(exchange: Exchange) -> None:
    """A signature made with the raw access key (not its base64) is taken as valid."""
    if exchange.path in API_PATHS:
        timestamp = exchange.headers.get(TIMESTAMP_HEADER, "")
        if exchange.headers.get(SECRET_KEY_HEADER) == raw_key_signature(UAT_ACCESS_KEY, timestamp):
            exchange.headers[SECRET_KEY_HEADER] = sign_secret_key(UAT_ACCESS_KEY, timestamp)


def accepts_an_unknown_developer_key(exchange: Exchange) -> None:
    """Only the signature is checked, not whose key it is: any developer_key is served."""
    if exchange.path in API_PATHS and DEVELOPER_KEY_HEADER in exchange.headers:
        exchange.headers[DEVELOPER_KEY_HEADER] = UAT_DEVELOPER_KEY


def ignores_document_requested(exchange: Exchange) -> None:
    """`document_requested` validated, then ignored: every session is for AADHAAR."""
    body = exchange.body
    if exchange.path == CREATE_PATH and isinstance(body, dict):
        requested = body.get("document_requested")
        valid = isinstance(requested, list) and requested and set(requested) <= DOCUMENT_TYPES
        if valid:
            body["document_requested"] = ["AADHAAR"]


def success_with_a_failure_status_id(exchange: Exchange) -> None:
    """A `status: 0` answer with `response_status_id: 1`."""
    if exchange.path in API_PATHS and _success(exchange):
        exchange.answer["response_status_id"] = answers.FAILURE


def approves_every_pending_session(exchange: Exchange) -> None:
    """Approving one session approves every session created so far (those already
    decided refuse, which is ignored)."""
    CREATED.note(exchange)
    if exchange.status == 200 and DECISION.match(exchange.path):
        for reference_id in CREATED.take():
            httpx.post(f"{exchange.upstream}/_sandbox/sessions/{reference_id}/approve", timeout=10)


def ignores_a_wrong_verification_id(exchange: Exchange) -> None:
    """The document call serves an approved session whatever verification_id it gets:
    the right one is put in on the way in."""
    reference_id = _reference(exchange) if exchange.path == DOCUMENT_PATH else None
    if reference_id is None or not isinstance(exchange.body, dict):
        return
    session = httpx.get(f"{exchange.upstream}/_sandbox/sessions/{reference_id}", timeout=10)
    if session.status_code == 200 and session.json().get("verification_id"):
        exchange.body["verification_id"] = session.json()["verification_id"]


def unknown_references_pending(exchange: Exchange) -> None:
    """A reference never created is answered as pending (327), not refused."""
    operation_id = _operation(exchange)
    if (
        operation_id in (STATUS, DOCUMENT)
        and exchange.status == 200
        and eko_rules.outcome(operation_id, exchange.answer) == eko_rules.NOT_FOUND
    ):
        exchange.answer = answers.pending(answers.EPS, operation_id)


# --- broken: survivors of `make mutation` (docs/contract-tests.md, "Mutation score") ---

CONTROL_DECISION = re.compile(r"^/_sandbox/sessions/(\d+)/(approve|deny|expire)$")
#: The consent window of the sandbox behind the variants that need one short enough to
#: wait out (main() starts it so, and tells the suite through EKO_CONTRACT_SESSION_TTL_S).
#: Above the 3 s the "stays readable" property waits, so only the expiry property judges.
VARIANT_TTL_S = 5.0


def drops_the_callbacks_query(exchange: Exchange) -> None:
    """The customer's redirect carries only the session's parameters: the callback's own
    query string (`?order=42`) is replaced instead of appended to."""
    answer = exchange.answer
    if not (CONTROL_DECISION.match(exchange.path) and exchange.status == 200):
        return
    if not isinstance(answer, dict) or not answer.get("redirect_location"):
        return
    landing, own = urlsplit(answer["redirect_location"]), urlsplit(answer["redirect_url"])
    added = [pair for pair in parse_qsl(landing.query) if pair not in parse_qsl(own.query)]
    answer["redirect_location"] = landing._replace(query=urlencode(added)).geturl()


class _Expired:
    """The sessions expired through the control surface (the customer let them lapse)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: set[int] = set()


EXPIRED_BY_CONTROL = _Expired()


def never_expires_a_pending_session(exchange: Exchange) -> None:
    """A pending session is never expired by its TTL: past it, it is still answered as
    pending. (The control surface's expire still works, so only the TTL is broken.)"""
    decision = CONTROL_DECISION.match(exchange.path)
    if decision and decision.group(2) == "expire":
        with EXPIRED_BY_CONTROL.lock:
            EXPIRED_BY_CONTROL.ids.add(int(decision.group(1)))
    operation_id = _operation(exchange)
    if operation_id not in (STATUS, DOCUMENT) or exchange.status != 200:
        return
    if eko_rules.outcome(operation_id, exchange.answer) != eko_rules.EXPIRED:
        return
    with EXPIRED_BY_CONTROL.lock:
        if _reference(exchange) in EXPIRED_BY_CONTROL.ids:
            return
    exchange.answer = answers.pending(answers.EPS, operation_id)


def expires_approved_sessions(exchange: Exchange) -> None:
    """The TTL expires every session, approved ones too: past it, a success is answered
    as the sandbox answers an expired session."""
    CREATED.note(exchange)
    operation_id = _operation(exchange)
    if operation_id not in (STATUS, DOCUMENT) or not _success(exchange):
        return
    born = CREATED.at.get(_reference(exchange) or 0)
    if born is not None and time.monotonic() - born > VARIANT_TTL_S:
        exchange.answer = answers.session_closed(SessionState.EXPIRED)


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


# Every documented form of each outcome (issue 25, "no false alarms"): the spec's own
# examples, by operation and outcome. A success keeps the server's `data`.
def _form(operation_id: str, name: str) -> dict[str, Any]:
    form: dict[str, Any] = example(operation_id, name, status="200")
    return form


_DOCUMENT_VERIFICATION_PENDING = {  # DigilockerDocumentPayload: verification_status PENDING
    "status": 0,
    "message": "Documents retrieved successfully",
    "response_status_id": 0,
    "response_type_id": 1388,
    "data": {"verification_status": "PENDING", "documents": []},
}
FORMS: dict[tuple[str, str], list[dict[str, Any]]] = {
    (CREATE, eko_rules.SUCCESS): [_form(CREATE, "success"), _form(CREATE, "success_legacy")],
    (STATUS, eko_rules.SUCCESS): [
        _form(STATUS, "authenticated"),
        _form(STATUS, "authenticated_legacy"),
    ],
    (STATUS, eko_rules.PENDING): [
        _form(STATUS, "pending"),
        _form(STATUS, "pending_upstream"),
        _form(STATUS, "pending_327"),
        _form(DOCUMENT, "pending_legacy"),  # "327 ... in either placement" (the spec)
    ],
    (STATUS, eko_rules.NOT_FOUND): [
        _form(STATUS, "invalid_reference"),
        _form(STATUS, "not_found_463"),
        _form(DOCUMENT, "not_found_legacy"),
    ],
    (DOCUMENT, eko_rules.SUCCESS): [_form(DOCUMENT, "success")],
    (DOCUMENT, eko_rules.PENDING): [
        _form(DOCUMENT, "pending"),
        _form(DOCUMENT, "pending_legacy"),
        _DOCUMENT_VERIFICATION_PENDING,
    ],
    (DOCUMENT, eko_rules.NOT_FOUND): [
        _form(DOCUMENT, "not_found"),
        _form(DOCUMENT, "not_found_legacy"),
    ],
}
FORM_COUNT = max(len(forms) for forms in FORMS.values())


def in_documented_form(index: int, exchange: Exchange) -> None:
    """Each answer in the `index`-th documented form of its outcome (cycling through the
    forms there are); an error code (but 461's) in the other placement on odd indexes."""
    operation_id = _operation(exchange)
    answer = exchange.answer
    if operation_id is None or exchange.status != 200 or not isinstance(answer, dict):
        return
    meaning = eko_rules.outcome(operation_id, answer)
    forms = FORMS.get((operation_id, meaning))
    if forms:
        form = copy.deepcopy(forms[index % len(forms)])
        if meaning == eko_rules.SUCCESS:
            form["data"] = answer.get("data")
        exchange.answer = form
        return
    code = error_code(answer)
    if index % 2 and code is not None and code != answers.VALIDATION_STATUS:
        answer["status"], answer["response_status_id"] = answers.FAILURE, code


def answers_late(exchange: Exchange) -> None:
    """Every API call answered 1 s late (Eko's UAT's usual speed)."""
    if exchange.path in API_PATHS:
        time.sleep(SLOW_ANSWER_S)


SLOW_ANSWER_S = 1.0


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
    "forgets sessions after 2 s": forgets_sessions_early,
    "accepts the raw access key": accepts_the_raw_access_key,
    "accepts an unknown developer_key": accepts_an_unknown_developer_key,
    "ignores document_requested": ignores_document_requested,
    "answers status 0 with response_status_id 1": success_with_a_failure_status_id,
    "approving one session approves every pending one": approves_every_pending_session,
    "ignores a wrong verification_id": ignores_a_wrong_verification_id,
    "answers a reference never created as pending": unknown_references_pending,
    "drops the callback's own query": drops_the_callbacks_query,
    "never expires a pending session": never_expires_a_pending_session,
    "expires approved sessions at the TTL": expires_approved_sessions,
}
#: The variants whose sandbox has a consent window of VARIANT_TTL_S (the others: 600 s).
SHORT_TTL = {never_expires_a_pending_session, expires_approved_sessions}
HARMLESS: dict[str, Mutation] = {
    "passes through": passes_through,
    "adds unknown fields": adds_unknown_fields,
    "reorders keys": reorders_keys,
    "hides the control surface": hides_the_control_surface,
    **{
        f"answers in documented form {index + 1}": partial(in_documented_form, index)
        for index in range(FORM_COUNT)
    },
}
# Harmless, and slow: the slow-target test runs it (test_slow_target.py), not the teeth test.
SLOW: dict[str, Mutation] = {"answers every call 1 s late": answers_late}
REQUEST_SIDE = {
    stops_checking_signatures,
    forgets_client_ref_id,
    accepts_the_raw_access_key,
    accepts_an_unknown_developer_key,
    ignores_document_requested,
    ignores_a_wrong_verification_id,
    answers_late,
}


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
            exchange = Exchange(
                self.command,
                url.path,
                headers,
                _parse(raw),
                query=dict(parse_qsl(url.query)),
                upstream=upstream,
            )
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
    mutation = {**BROKEN, **HARMLESS, **SLOW}[name]
    config = SandboxConfig()
    if mutation in SHORT_TTL:
        config = SandboxConfig(session_ttl_seconds=VARIANT_TTL_S)
        os.environ["EKO_CONTRACT_SESSION_TTL_S"] = str(VARIANT_TTL_S)
    with running_sandbox(config) as upstream, running_variant(upstream, mutation) as url:
        os.environ["EKO_CONTRACT_BASE_URL"] = url
        return int(pytest.main(pytest_args))


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
