"""What the recorder checks in each exchange: the spec, Eko's envelope rules, the journey.

Pure logic, no I/O: `DriftChecker.request` and `DriftChecker.answer` take what went over
the wire and return `Finding`s, each printed as `violation: <operationId> <pointer>:
<why>`. Pointers are JSON pointers into the exchange: `/request/headers/secret-key`,
`/request/query/reference_id`, `/request/body/redirect_url`, `/response/status`,
`/response/body/data/reference_id`.

- **Spec**: a request's body or query against the operation's schema, its signing
  headers and content type; an answer's HTTP status against the documented ones, its
  body against that status's schema and, for a success (`status` 0), its `data`
  against the schema the spec names in `x-eko-success-data`.
- **Envelope**: where an error code may sit (`status` or `response_status_id`, read
  with the client's own `error_code`, never in both), that a code on HTTP 200 is one
  the client knows.
- **Eko's rules** (`eko_rules`, the module the contract suite's journey properties
  judge with too): a JSON content type; a success's `response_status_id`; a request
  signed more than `eko_rules.STALE_SIGNATURE_MS` ago that was served; the
  `document_requested` echo of a create (and, for a session seen created, of its status
  answer) and the documents handed out for `document_type`.
- **Journey** (per reference_id the proxy sees): documents handed out for a session
  this proxy saw created but never saw authenticated, or saw denied; a session whose
  state goes back (`STATE_MOVES`); a reference answered as unknown and later as pending;
  a session seen created and answered as unknown before `min_session_lifetime_s`; one
  verification_id opening the documents of two sessions; a repeated `client_ref_id`
  answered with a new session, with the same body or a different one; one reference_id
  handed out twice. A status or document call on a reference_id this proxy never saw
  created is fine.
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from eko_digilocker.errors import EkoVerificationPendingError
from eko_digilocker.responses import error_class, error_code, session_state
from eko_digilocker.spec import FieldError, Operation, SchemaValidator
from eko_digilocker_client.models import SessionState
from eko_digilocker_sandbox import eko_rules
from eko_digilocker_sandbox.routing import integer_in, query_coercer

CREATE = "createDigilockerUrl"
STATUS = "getDigilockerVerificationStatus"
DOCUMENT = "getDigilockerDocument"

#: Where a session may go from each state (an authenticated or denied session may still
#: expire). A move outside this table is a finding.
STATE_MOVES: dict[SessionState, frozenset[SessionState]] = {
    SessionState.PENDING: frozenset(SessionState),
    SessionState.AUTHENTICATED: frozenset({SessionState.AUTHENTICATED, SessionState.EXPIRED}),
    SessionState.CONSENT_DENIED: frozenset({SessionState.CONSENT_DENIED, SessionState.EXPIRED}),
    SessionState.EXPIRED: frozenset({SessionState.EXPIRED}),
}
_JSON_TYPE = eko_rules.JSON_TYPE
_TIMESTAMP = "secret-key-timestamp"
_MAX_WHY = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Finding:
    operation_id: str
    pointer: str
    why: str

    def __str__(self) -> str:
        # One finding, one line, whatever the server or the client sent: control
        # characters (newlines, terminal escapes) are shown escaped.
        why = self.why if len(self.why) <= _MAX_WHY else self.why[: _MAX_WHY - 3] + "..."
        line = f"violation: {self.operation_id} {self.pointer}: {why}"
        return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", line)


def _pointer(base: str, error: FieldError) -> str:
    """A JSON pointer from the dotted location `SchemaValidator.errors` gives."""
    if error.field == "(body)":
        return base
    parts = (part.replace("~", "~0").replace("/", "~1") for part in error.field.split("."))
    return base + "/" + "/".join(parts)


def _violations(name: str, base: str, validator: SchemaValidator, instance: Any) -> list[Finding]:
    """Where `instance` breaks the schema, as findings under the pointer `base`."""
    try:
        errors = validator.errors(instance)
    except ValueError as exc:  # jsonschema-rs refuses values nested beyond its limit
        return [Finding(name, base, f"could not be validated ({exc})")]
    return [Finding(name, _pointer(base, error), error.message) for error in errors]


def _reference(value: Any) -> str | None:
    """A reference_id as the proxy keys it (the status call sends a number, the
    document call a string)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    number = integer_in(text) if text.isdecimal() else None  # never int() of 4,301 digits
    return (text or None) if number is None else str(number)


def _fingerprint(body: Any) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


class Params(dict[str, Any]):
    """A request's parameters (body or coerced query), and the timestamp it was signed
    with, as `DriftChecker.request` hands them to `DriftChecker.answer`."""

    signed_at: str | None = None


@dataclass
class _Session:
    created: bool = False
    created_at: float | None = None
    requested: Any = None  # document_requested of the create
    state: SessionState | None = None
    seen_authenticated: bool = False
    unknown: bool = False  # answered as a reference never created


@dataclass
class DriftChecker:
    """Checks exchanges one by one, remembering what the journey rules need about at most
    `max_tracked` reference_ids and client_ref_ids (the oldest are forgotten first)."""

    max_tracked: int = 100_000
    min_session_lifetime_s: float = eko_rules.MIN_SESSION_LIFETIME_S
    clock: Callable[[], float] = time.time
    _sessions: OrderedDict[str, _Session] = field(default_factory=OrderedDict)
    # verification_id -> the reference_id whose documents it opened
    _verifications: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # (developer_key, client_ref_id) -> (body fingerprint, reference_id answered)
    _client_refs: OrderedDict[tuple[str, str], tuple[str, str]] = field(default_factory=OrderedDict)

    # --- requests ----------------------------------------------------------------------

    def request(
        self,
        op: Operation,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
    ) -> tuple[list[Finding], Params]:
        """Findings about a request, and its parameters (body or coerced query) for
        `answer`."""
        found = [
            Finding(op.operation_id, f"/request/headers/{name}", "missing: every call is signed")
            for name in op.security_headers
            if name not in headers
        ]
        params = Params()
        params.signed_at = headers.get(_TIMESTAMP)
        if op.body is not None:
            media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
            if media_type != _JSON_TYPE:
                why = f"{media_type or 'none'}, the spec's body is {_JSON_TYPE}"
                found.append(Finding(op.operation_id, "/request/headers/content-type", why))
            try:
                parsed = json.loads(body)
            except (ValueError, RecursionError):
                found.append(Finding(op.operation_id, "/request/body", "not JSON"))
                return found, params
            params.update(parsed if isinstance(parsed, dict) else {})
            found += _violations(op.operation_id, "/request/body", op.body, parsed)
        elif op.query is not None:
            coercers = {
                name: query_coercer(schema)
                for name, schema in op.query.schema.get("properties", {}).items()
            }
            params.update(
                (name, coercers[name](value) if name in coercers else value)
                for name, value in query.items()
            )
            found += _violations(op.operation_id, "/request/query", op.query, params)
        return found, params

    # --- answers -----------------------------------------------------------------------

    def answer(
        self,
        op: Operation,
        params: Mapping[str, Any],
        developer_key: str,
        status: int,
        content_type: str,
        body: bytes,
    ) -> list[Finding]:
        """Findings about the answer to a request whose parameters `request` returned."""
        name = op.operation_id
        signed_at = getattr(params, "signed_at", None)
        now_ms = self.clock() * 1000
        stale = eko_rules.stale_signature_problem(signed_at, now_ms, status)
        found = [Finding(name, f"/request/headers/{_TIMESTAMP}", stale)] if stale else []
        return found + self._answer(op, params, developer_key, status, content_type, body)

    def _answer(
        self,
        op: Operation,
        params: Mapping[str, Any],
        developer_key: str,
        status: int,
        content_type: str,
        body: bytes,
    ) -> list[Finding]:
        name = op.operation_id
        validator = op.responses.get(str(status))
        if validator is None:
            documented = ", ".join(sorted(op.responses))
            return [
                Finding(name, "/response/status", f"HTTP {status} is not documented ({documented})")
            ]
        try:
            envelope = json.loads(body)
        except (ValueError, RecursionError):
            start = body[:40].decode("utf-8", "backslashreplace")
            why = f"not a JSON envelope (content-type {content_type or 'none'}, starts {start!r})"
            return [Finding(name, "/response/body", why)]
        wrong_type = eko_rules.content_type_problem(content_type)
        typed = [Finding(name, "/response/headers/content-type", wrong_type)] if wrong_type else []
        errors = _violations(name, "/response/body", validator, envelope)
        if errors:
            return typed + errors
        not_integer = eko_rules.status_problem(envelope)
        if not_integer:
            return [*typed, Finding(name, "/response/body/status", not_integer)]
        found = typed + self._envelope(op, status, envelope)
        if status == 200:
            found += self._journey(op, params, developer_key, envelope)
        return found

    def _envelope(self, op: Operation, status: int, envelope: dict[str, Any]) -> list[Finding]:
        name = op.operation_id
        status_id = envelope.get("response_status_id")  # the spec lets it be left out
        if envelope["status"] == 0:
            found = _violations(name, "/response/body/data", op.success_data, envelope.get("data"))
            wrong_code = eko_rules.success_status_id_problem(envelope)
            if wrong_code:
                found.append(Finding(name, "/response/body/response_status_id", wrong_code))
            return found
        in_status = error_code({"status": envelope["status"]})
        in_status_id = error_code({"response_status_id": status_id})
        if in_status is not None and in_status_id is not None:
            why = f"an error code in both `status` ({in_status}) and here ({in_status_id})"
            return [Finding(name, "/response/body/response_status_id", why)]
        unknown_code = eko_rules.code_problem(envelope) if status == 200 else None
        if unknown_code:
            where = "status" if in_status is not None else "response_status_id"
            return [Finding(name, f"/response/body/{where}", unknown_code)]
        return []

    # --- the journey ---------------------------------------------------------------------

    def _session(self, reference_id: str) -> _Session:
        session = self._sessions.get(reference_id)
        if session is None:
            session = self._sessions[reference_id] = _Session()
            if len(self._sessions) > self.max_tracked:
                self._sessions.popitem(last=False)
        return session

    def _journey(
        self,
        op: Operation,
        params: Mapping[str, Any],
        developer_key: str,
        envelope: dict[str, Any],
    ) -> list[Finding]:
        data = envelope.get("data")
        success = envelope["status"] == 0
        if op.operation_id == CREATE:
            return self._created(params, developer_key, data) if success else []
        reference_id = _reference(params.get("reference_id"))
        if reference_id is None:
            return []
        meaning = eko_rules.outcome(op.operation_id, envelope)
        found = self._known(op, reference_id, meaning)
        if meaning == eko_rules.SUCCESS:
            found += self._echoed(op, reference_id, params, data)
        if op.operation_id == DOCUMENT and meaning == eko_rules.SUCCESS:
            found += self._documents_allowed(reference_id)
            found += self._verification_used(reference_id, params.get("verification_id"))
        state = session_state(op, data)
        if success and state is None and op.operation_id == STATUS:
            state = SessionState.AUTHENTICATED  # a status success without a state field
        elif not success and error_class(op, envelope) is EkoVerificationPendingError:
            state = SessionState.PENDING
        return found + self._moved(op, reference_id, state)

    def _moved(self, op: Operation, reference_id: str, state: SessionState | None) -> list[Finding]:
        session = self._session(reference_id)
        if state is None:
            return []
        earlier, session.state = session.state, state
        session.seen_authenticated |= state is SessionState.AUTHENTICATED
        if earlier is None or state in STATE_MOVES[earlier]:
            return []
        why = f"session {reference_id} was {earlier.value} and is now {state.value}"
        return [Finding(op.operation_id, "/response/body", why)]

    def _known(self, op: Operation, reference_id: str, meaning: str) -> list[Finding]:
        """A reference answered as unknown stays unknown; a session seen created is not
        unknown before its minimum lifetime."""
        session = self._session(reference_id)
        name = op.operation_id
        if meaning == eko_rules.NOT_FOUND:
            session.unknown = True
            age = None if session.created_at is None else self.clock() - session.created_at
            if age is not None and age < self.min_session_lifetime_s:
                why = (
                    f"session {reference_id} answered as unknown {age:.0f} s after its create; "
                    f"a session stays readable at least {self.min_session_lifetime_s:g} s"
                )
                return [Finding(name, "/response/body", why)]
        elif meaning == eko_rules.PENDING and session.unknown:
            why = f"reference {reference_id} was answered as unknown, and now as pending"
            return [Finding(name, "/response/body", why)]
        return []

    def _echoed(
        self, op: Operation, reference_id: str, params: Mapping[str, Any], data: Any
    ) -> list[Finding]:
        """A success echoes the documents asked for, and hands out those documents."""
        if not isinstance(data, dict):
            return []
        if op.operation_id == DOCUMENT:
            why = eko_rules.documents_problem(params.get("document_type"), data.get("documents"))
            pointer = "/response/body/data/documents"
        else:
            requested = self._session(reference_id).requested
            why = eko_rules.echo_problem(requested, data.get("document_requested"))
            pointer = "/response/body/data/document_requested"
        return [Finding(op.operation_id, pointer, why)] if why else []

    def _verification_used(self, reference_id: str, verification_id: Any) -> list[Finding]:
        """One verification_id opens one session's documents (sessions are isolated)."""
        if not isinstance(verification_id, str):
            return []
        earlier = self._verifications.setdefault(verification_id, reference_id)
        if len(self._verifications) > self.max_tracked:
            self._verifications.popitem(last=False)
        if earlier == reference_id:
            return []
        why = (
            f"verification_id {verification_id} opened session {reference_id} and, before, "
            f"session {earlier}"
        )
        return [Finding(DOCUMENT, "/request/body/verification_id", why)]

    def _documents_allowed(self, reference_id: str) -> list[Finding]:
        session = self._session(reference_id)
        if session.state is SessionState.CONSENT_DENIED:
            why = f"documents for session {reference_id}, whose consent was denied"
            return [Finding(DOCUMENT, "/response/body/status", why)]
        if session.created and not session.seen_authenticated:
            why = (
                f"documents for session {reference_id} before consent: no status answer "
                "through this proxy said it was authenticated"
            )
            return [Finding(DOCUMENT, "/response/body/status", why)]
        return []

    def _created(self, params: Mapping[str, Any], developer_key: str, data: Any) -> list[Finding]:
        reference_id = _reference(data.get("reference_id")) if isinstance(data, dict) else None
        if reference_id is None:
            return []  # the success schema already said why
        pointer = "/response/body/data/reference_id"
        found: list[Finding] = []
        client_ref_id = params.get("client_ref_id")
        fingerprint = _fingerprint(params)
        repeated = False
        if isinstance(client_ref_id, str):
            key = (developer_key, client_ref_id)
            earlier = self._client_refs.get(key)
            if earlier is not None and earlier[1] != reference_id:
                same = "the same body" if earlier[0] == fingerprint else "a different body"
                why = (
                    f"client_ref_id {client_ref_id} repeated with {same} was answered with a "
                    f"new session {reference_id} (first answer: {earlier[1]})"
                )
                found.append(Finding(CREATE, pointer, why))
            repeated = earlier is not None and earlier[1] == reference_id
            if earlier is None:
                self._client_refs[key] = (fingerprint, reference_id)
                if len(self._client_refs) > self.max_tracked:
                    self._client_refs.popitem(last=False)
        session = self._session(reference_id)
        if session.created and not repeated:
            why = f"reference_id {reference_id} was already handed out for another create"
            found.append(Finding(CREATE, pointer, why))
        if not session.created:
            session.created, session.created_at = True, self.clock()
            session.requested = params.get("document_requested")
        echo = eko_rules.echo_problem(
            params.get("document_requested"), data.get("document_requested")
        )
        if echo:
            found.append(Finding(CREATE, "/response/body/data/document_requested", echo))
        return found
