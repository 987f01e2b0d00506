"""Eko's rules for a server's answers, judged from one exchange or the journey so far.

The one place for each rule: the contract suite's journey properties
(tests/contract/journeys.py) and the recorder (`eko-digilocker proxy`, drift.py) both
judge answers with these functions, so neither knows a rule the other does not. Pure
functions, no I/O.

`outcome` names what an answer means in any form the spec documents for it: a pending
session is `status 1, response_status_id -1` with Eko's pending message, 327 in either
placement, a success carrying `data.status: PENDING` (the upstream provider) or a
PENDING `data.session_status` (the sandbox), or a document answer whose
`verification_status` is PENDING. A rule never demands one form of an outcome.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from eko_digilocker.responses import (
    ERROR_CODES,
    documents_pending,
    error_code,
    names_unknown_reference,
    session_state,
)
from eko_digilocker.spec import operation
from eko_digilocker_client.models import SessionState

CREATE = "createDigilockerUrl"
STATUS = "getDigilockerVerificationStatus"
DOCUMENT = "getDigilockerDocument"

JSON_TYPE = "application/json"
#: `response_status_id` values of a success (legacy README section 4: -1 for a GET or
#: non-transactional call, 0 for a POST or transactional one; the DigiLocker calls send 0).
SUCCESS_STATUS_IDS = frozenset({-1, 0})
#: A signature timestamp this old is outside any tolerance a server could claim (Eko
#: publishes none; the sandbox allows 300 s): it must be refused with HTTP 403.
STALE_SIGNATURE_MS = 60 * 60 * 1000
#: How long a created session must stay readable, at least. Eko publishes no lifetime;
#: the sandbox keeps a session `session_ttl_seconds` (600 s by default). The journey
#: property waits a few seconds of it (EKO_CONTRACT_SESSION_WAIT_S); the recorder flags
#: a session it saw created and then answered unknown sooner than this.
MIN_SESSION_LIFETIME_S = 60.0

PENDING_CODE = 327
NOT_FOUND_CODE = 463
STATUS_CALL_NOT_SUCCESS = -1  # eps.eko.in: the status call's pending or unknown reference

# Outcomes: what an answer means, whatever documented form it takes.
SUCCESS = "success"
PENDING = "pending"
NOT_FOUND = "not_found"
#: eps.eko.in's `status 1, response_status_id -1` whose message names neither: pending
#: and an unknown reference are both answered so, and only the message tells them apart.
PENDING_OR_NOT_FOUND = "pending_or_not_found"
DENIED = "denied"
EXPIRED = "expired"
ERROR = "error"  # any other refusal; `outcome` adds the code when there is one

_STATE_OUTCOMES = {
    SessionState.PENDING: PENDING,
    SessionState.CONSENT_DENIED: DENIED,
    SessionState.EXPIRED: EXPIRED,
}
_PENDING_MESSAGE_START = "verification pending"


def outcome(operation_id: str, body: Any) -> str:
    """What an HTTP 200 answer of `operation_id` means: one of the outcomes above, or
    `error <code>` for a documented error code (in either placement)."""
    if not isinstance(body, dict):
        return ERROR
    op = operation(operation_id)
    data = body.get("data")
    state = session_state(op, data)
    if body.get("status") == 0 and type(body.get("status")) is int:
        if state is not None and state is not SessionState.AUTHENTICATED:
            return _STATE_OUTCOMES[state]
        return PENDING if documents_pending(op, data) else SUCCESS
    code = error_code(body)
    if code == PENDING_CODE:
        return PENDING
    if code == NOT_FOUND_CODE:
        return NOT_FOUND
    if code is not None:
        return f"{ERROR} {code}"
    if state in _STATE_OUTCOMES:
        return _STATE_OUTCOMES[state]
    if operation_id == STATUS and body.get("response_status_id") == STATUS_CALL_NOT_SUCCESS:
        if names_unknown_reference(body):
            return NOT_FOUND
        message = body.get("message")
        if isinstance(message, str) and message.casefold().startswith(_PENDING_MESSAGE_START):
            return PENDING
        return PENDING_OR_NOT_FOUND
    return ERROR


def same_outcome(expected: str, got: str) -> bool:
    """Whether `got` may be the outcome `expected` (the ambiguous -1 answer may be
    either pending or an unknown reference)."""
    if expected == got:
        return True
    either = {PENDING, NOT_FOUND}
    return (expected == PENDING_OR_NOT_FOUND and got in either) or (
        got == PENDING_OR_NOT_FOUND and expected in either
    )


def may_be_pending(operation_id: str, body: Any) -> bool:
    return same_outcome(PENDING, outcome(operation_id, body))


def is_refused_reference(operation_id: str, body: Any) -> bool:
    """An unknown reference's answer: 463, Eko's invalid-reference answer, never pending."""
    return outcome(operation_id, body) in (NOT_FOUND, PENDING_OR_NOT_FOUND) and not (
        isinstance(body, dict)
        and session_state(operation(operation_id), body.get("data")) is SessionState.PENDING
    )


# --- single-exchange rules: each returns why the answer breaks it, or None ----------------


def status_problem(body: Any) -> str | None:
    """`status` is an integer in every Eko answer. The spec types it `[integer, "null"]`
    only so that generated decoders keep a null apart from 0 (docs/answer-rule.md)."""
    if not isinstance(body, dict) or "status" not in body:
        return None  # the answer's schema says what is missing
    if type(body["status"]) is int:  # bool is an int subclass
        return None
    return f"not an Eko answer: status is {body['status']!r}"


def code_problem(body: Any) -> str | None:
    """An HTTP 200 error answer carries a code the spec documents (in either placement),
    or none (`status 1` with a generic `response_status_id`)."""
    code = error_code(body)
    if code is None or code in ERROR_CODES:
        return None
    known = ", ".join(map(str, sorted(ERROR_CODES)))
    return f"code {code} is not one the spec documents ({known})"


def redirect_problem(redirect_location: str | None, expected: dict[str, str]) -> str | None:
    """Where the customer lands after deciding: the callback URL carrying the session's
    `reference_id` and, on approval, its `verification_id` (legacy README 7.1)."""
    if redirect_location is None:
        return "no redirect after the decision"
    query = dict(parse_qsl(urlsplit(redirect_location).query))
    wrong = {name: query.get(name) for name, value in expected.items() if query.get(name) != value}
    return f"the redirect {redirect_location!r} carries {wrong}, not {expected}" if wrong else None


def callback_problem(redirect_location: str | None, redirect_url: str) -> str | None:
    """The customer lands on the callback the create named: its scheme, host and path,
    and every parameter of its own query string, kept (Eko's pages say the customer is
    sent back to `redirect_url` with the session's parameters appended to it; where they
    go among the callback's own, and in what order, is not documented, so neither is
    judged). Not a recorder rule: the redirect is the customer's browser's, never an API
    exchange."""
    if redirect_location is None:
        return "no redirect after the decision"
    landing, callback = urlsplit(redirect_location), urlsplit(redirect_url)
    if (landing.scheme, landing.netloc, landing.path) != (
        callback.scheme,
        callback.netloc,
        callback.path,
    ):
        return f"the redirect {redirect_location!r} is not to the callback {redirect_url!r}"
    kept = parse_qsl(landing.query, keep_blank_values=True)
    lost = [pair for pair in parse_qsl(callback.query, keep_blank_values=True) if pair not in kept]
    if lost:
        return f"the redirect {redirect_location!r} lost the callback's own parameters {lost}"
    return None


def content_type_problem(content_type: str | None) -> str | None:
    """Every answer is JSON (`charset` and other parameters may follow)."""
    media_type = (content_type or "").partition(";")[0].strip().lower()
    if media_type == JSON_TYPE:
        return None
    return f"content-type {media_type or 'none'}; every answer is {JSON_TYPE}"


def success_status_id_problem(body: Any) -> str | None:
    """A success (`status` 0) carries a success `response_status_id`, where it has one;
    why not, about that field (`response_status_id`)."""
    if not isinstance(body, dict) or body.get("status") != 0:
        return None
    status_id = body.get("response_status_id")  # the spec lets it be left out
    if status_id is None or status_id in SUCCESS_STATUS_IDS:
        return None
    allowed = " or ".join(map(str, sorted(SUCCESS_STATUS_IDS)))
    return f"{status_id!r} on a success (`status` 0); a success has {allowed}"


def stale_signature_problem(timestamp: str | None, now_ms: float, http_status: int) -> str | None:
    """A request signed with a timestamp older than `STALE_SIGNATURE_MS` is refused (403)."""
    if timestamp is None or not (timestamp.isascii() and timestamp.isdigit()):
        return None
    if len(timestamp) > 16:  # more digits than any millisecond time
        return None
    age_ms = now_ms - int(timestamp)
    if age_ms <= STALE_SIGNATURE_MS or http_status == 403:
        return None
    return (
        f"a signature {age_ms / 1000:.0f} s old was served (HTTP {http_status}); a timestamp "
        f"older than {STALE_SIGNATURE_MS // 1000} s must be refused with HTTP 403"
    )


def echo_problem(requested: Any, echoed: Any) -> str | None:
    """A success that echoes `document_requested` echoes the types asked for."""
    if not isinstance(requested, list) or not isinstance(echoed, list):
        return None  # the echo is optional; the request's schema judged `requested`
    if sorted(map(str, set(requested))) == sorted(map(str, set(echoed))):
        return None
    return f"document_requested {requested} was echoed as {echoed}"


def documents_problem(requested: Any, documents: Any) -> str | None:
    """A document success hands out a document of each type asked for, and no other."""
    if not isinstance(requested, list) or not isinstance(documents, list):
        return None
    types = {doc.get("document_type") for doc in documents if isinstance(doc, dict)}
    if types == set(requested):
        return None
    return f"document_type {requested} was answered with documents of {sorted(map(str, types))}"
