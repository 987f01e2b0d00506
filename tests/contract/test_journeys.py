"""Journey properties: what only a sequence of calls shows, against any target.

Without any control surface: right after a create the session is pending (the status
call says so, the document call refuses as pending) and stays readable for a few seconds
(EKO_CONTRACT_SESSION_WAIT_S); a reference never created is refused, never pending; a
repeated create with the same client_ref_id and body is the same session, and a
different body is refused; every documented document type and combination is echoed as
requested; an unsigned, wrongly signed (another key, or the raw access key instead of
its base64), unknown developer_key's or stale request is refused; each documented
refusal (405, 413, 415, invalid parameters) is given. Where the target has the sandbox's
control surface (`/_sandbox/`, probed), the customer's approval, denial and expiry too:
the documents asked for are handed out, only with the session's own verification_id, and
deciding one session leaves another as it was; and every documented error code forced on
every operation. Every answer is checked on the way (journeys.py): its documented
schema, a JSON content type, and a success's data and success code.

Outcomes are judged by `eko_rules.outcome`, which reads every documented form of each
(pending as -1, 327 in either placement, or a success carrying a PENDING state).
A failure names the property and shows its calls, secrets filtered (journeys.py).
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from eko_digilocker.spec import operation, resolve
from eko_digilocker_sandbox import SandboxControl, eko_rules
from eko_digilocker_sandbox.control_client import (
    SandboxControlError,
    SandboxControlResponseError,
)
from eko_digilocker_sandbox.scenarios import documented
from tests.contract.conftest import EXPIRY_MARGIN_S, SESSION_WAIT_S
from tests.contract.journeys import (
    CREATE,
    DOCUMENT,
    STALE_MS,
    STATUS,
    JourneyClient,
    expect,
    is_pending,
    is_success,
    journey,
    outcome,
    unique_ref,
)

OPERATIONS = (CREATE, STATUS, DOCUMENT)
# Bigger than any limit a server documents for these small JSON bodies (the sandbox's
# is 64 KiB; see the spec's PayloadTooLarge).
OVERSIZED = 128 * 1024
# An unsupported method on each operation's path.
WRONG_METHOD = {CREATE: "PUT", STATUS: "DELETE", DOCUMENT: "PUT"}
_REQUESTED = resolve(resolve(operation(CREATE).body.schema)["properties"]["document_requested"])  # type: ignore[union-attr]
#: The document types the spec documents (DocumentType), and every combination of them.
DOCUMENT_TYPES: list[str] = resolve(_REQUESTED["items"])["enum"]
COMBINATIONS = [
    list(combination)
    for size in range(1, len(DOCUMENT_TYPES) + 1)
    for combination in itertools.combinations(DOCUMENT_TYPES, size)
]
#: The one type every Eko source says is served; the others may be refused.
ALWAYS_SERVED = "AADHAAR"
#: A callback with a query string of its own (an app's order number).
CALLBACK_WITH_QUERY = "https://yourapp.com/kyc/callback?order=42&step=kyc"
#: What the status call may answer for a session past its TTL: expired (the sandbox's
#: EXPIRED state, the upstream provider's), or Eko's "Invalid or expired reference_id"
#: (463, or the status call's -1, whose message may not say which).
EXPIRED_OUTCOMES = (eko_rules.EXPIRED, eko_rules.NOT_FOUND, eko_rules.PENDING_OR_NOT_FOUND)


def refused(http_status: int, body: object) -> bool:
    """A business refusal: an HTTP 200 answer that is not a success (a server error is
    no answer to a request it could judge)."""
    return http_status == 200 and not is_success(body)


def never_created_reference() -> int:
    """A reference_id no server made: above 2^53 (where the sandbox never starts) and
    random, 16 digits (inside every documented bound)."""
    return 9_100_000_000_000_000 + secrets.randbelow(10**14)


@pytest.fixture
def client(contract_target: tuple[str, str]) -> Iterator[JourneyClient]:
    _, base_url = contract_target
    journeys = JourneyClient(base_url)
    yield journeys
    journeys.close()


@pytest.fixture
def control(contract_target: tuple[str, str]) -> Iterator[SandboxControl]:
    """The target's control surface; where it has none (a real Eko server) the test is
    skipped, since approval, denial and expiry need a customer."""
    _, base_url = contract_target
    with SandboxControl(base_url) as surface:
        try:
            surface.state()
        except (httpx.HTTPError, SandboxControlError, SandboxControlResponseError) as absent:
            pytest.skip(f"no sandbox control surface at {base_url}: {absent}")
        yield surface


# --- any target ---------------------------------------------------------------------


def test_a_new_session_is_pending(client: JourneyClient) -> None:
    with journey("a new session is pending", client):
        reference_id = client.created_reference()
        _, status = client.call(STATUS, reference_id)
        expect(is_pending(STATUS, status), "the status call answers pending")
        _, document = client.call(DOCUMENT, reference_id)
        expect(outcome(DOCUMENT, document) == eko_rules.PENDING, "the document call is pending")


def test_a_session_stays_readable(client: JourneyClient) -> None:
    """A session is kept for its consent window; Eko publishes none, so the property
    waits a few seconds of it (EKO_CONTRACT_SESSION_WAIT_S)."""
    with journey(f"a session stays readable for {SESSION_WAIT_S:g} s", client):
        reference_id = client.created_reference()
        time.sleep(SESSION_WAIT_S)
        _, status = client.call(STATUS, reference_id)
        expect(
            outcome(STATUS, status) in (eko_rules.PENDING, eko_rules.PENDING_OR_NOT_FOUND),
            f"{SESSION_WAIT_S:g} s after the create, the status call still answers pending",
        )
        _, document = client.call(DOCUMENT, reference_id)
        expect(
            outcome(DOCUMENT, document) == eko_rules.PENDING,
            "and the document call still refuses as pending, not as an unknown reference",
        )


def test_a_never_created_reference_is_refused(client: JourneyClient) -> None:
    with journey("a reference never created is refused, never pending", client):
        reference_id = never_created_reference()
        _, status = client.call(STATUS, reference_id)
        expect(
            eko_rules.is_refused_reference(STATUS, status),
            "the status call refuses it (463, or Eko's invalid-reference answer), not pending",
        )
        _, document = client.call(DOCUMENT, reference_id)
        expect(
            eko_rules.is_refused_reference(DOCUMENT, document),
            "the document call refuses it (463), not pending",
        )


def test_a_repeated_create_is_the_same_session(client: JourneyClient) -> None:
    with journey("a repeated create is the same session", client):
        ref = unique_ref("R")
        _, first = client.call(CREATE, client_ref_id=ref)
        _, again = client.call(CREATE, client_ref_id=ref)
        expect(is_success(first) and is_success(again), "both creates succeed")
        expect(
            first["data"]["reference_id"] == again["data"]["reference_id"],
            "the same client_ref_id and body give the same reference_id",
        )
        code, other = client.call(
            CREATE, client_ref_id=ref, redirect_url="https://other.example/cb"
        )
        expect(refused(code, other), "the same client_ref_id with another body is refused")


def test_document_requested_is_echoed(client: JourneyClient) -> None:
    with journey("document_requested is echoed as requested", client):
        for requested in COMBINATIONS:
            _, body = client.call(CREATE, document_requested=requested)
            if requested == [ALWAYS_SERVED]:
                expect(is_success(body), f"a create for {requested} succeeds")
            if not is_success(body):
                continue  # Eko's legacy pages: only AADHAAR is served today
            problem = eko_rules.echo_problem(requested, body["data"].get("document_requested"))
            expect(problem is None, f"the create answer echoes what was asked: {problem}")


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_only_signed_requests_are_served(client: JourneyClient, operation_id: str) -> None:
    with journey(f"only signed requests are served ({operation_id})", client):
        reference_id = client.created_reference()
        for what, headers in (
            ("an unsigned", {}),
            ("a wrongly signed", client.signed_headers(access_key="not-the-access-key")),
            (
                "an unknown developer_key's",
                client.signed_headers(developer_key=f"unknown-{secrets.token_hex(8)}"),
            ),
            ("a raw-access-key signed", client.signed_headers(raw_key=True)),
            ("a stale", client.signed_headers(age_ms=STALE_MS)),
            ("a non-numeric-timestamp", client.signed_headers(timestamp="not-a-time")),
        ):
            status, _ = client.call(operation_id, reference_id, headers=headers)
            expect(status == 403, f"{what} request is refused with HTTP 403")


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_documented_refusals(client: JourneyClient, operation_id: str) -> None:
    with journey(f"documented refusals ({operation_id})", client):
        reference_id = client.created_reference()
        status, body = client.call(operation_id, reference_id, initiator_id="")
        expect(
            status == 200 and not is_success(body) and bool(body.get("invalid_params")),
            "an invalid field is refused with invalid_params",
        )
        valid = client.valid_request(operation_id, reference_id)
        status, _ = client.send(
            operation_id,
            method=WRONG_METHOD[operation_id],
            headers=client.signed_headers(),
            **valid,
        )
        expect(status == 405, "a wrong method is refused with HTTP 405")
        if "json_body" not in valid:
            return  # the status call has no body
        status, _ = client.send(
            operation_id,
            headers={**client.signed_headers(), "content-type": "text/plain"},
            content=b"initiator_id=9962981729",
        )
        expect(status == 415, "a body that is not JSON is refused with HTTP 415")
        status, _ = client.send(
            operation_id, headers=client.signed_headers(), content=b" " * OVERSIZED
        )
        expect(status == 413, "an oversized body is refused with HTTP 413")


def test_a_pending_session_expires_with_its_ttl(ttl_target: tuple[str, float]) -> None:
    """Where the target's TTL is known (EKO_CONTRACT_SESSION_TTL_S; the embedded run's own
    sandbox): a pending session is readable halfway through its TTL and expired after it.
    Eko publishes no TTL but answers "Invalid or expired reference_id", so an expired
    session may be answered as expired or as an unknown reference (EXPIRED_OUTCOMES),
    never as pending nor a success. Where the target has a control surface, a session
    approved before the TTL stays approved after it: the TTL is the consent window (the
    upstream providers' link "valid for about 10 minutes", their states PENDING ->
    EXPIRED), not the life of a decision. One wait serves both."""
    base_url, ttl = ttl_target
    with closing(JourneyClient(base_url)) as client, SandboxControl(base_url) as surface:
        try:
            surface.state()
            control: SandboxControl | None = surface
        except (httpx.HTTPError, SandboxControlError, SandboxControlResponseError):
            control = None  # a real Eko server: the pending session alone
        with journey(f"a pending session expires with the target's {ttl:g} s TTL", client):
            sent = time.monotonic()
            pending = client.created_reference()
            answered = time.monotonic()
            approved = client.created_reference() if control else None
            session = control.approve(approved) if control and approved else None
            time.sleep(max(0.0, sent + ttl / 2 - time.monotonic()))
            _, status = client.call(STATUS, pending)
            expect(
                is_pending(STATUS, status),
                f"halfway through the {ttl:g} s TTL the status call answers pending",
            )
            time.sleep(max(0.0, answered + ttl + EXPIRY_MARGIN_S - time.monotonic()))
            _, status = client.call(STATUS, pending)
            expect(
                outcome(STATUS, status) in EXPIRED_OUTCOMES,
                f"{EXPIRY_MARGIN_S:g} s past the TTL the status call answers expired (or an "
                f"unknown reference), not {outcome(STATUS, status)}",
            )
            code, document = client.call(DOCUMENT, pending)
            expect(
                refused(code, document) and outcome(DOCUMENT, document) != eko_rules.PENDING,
                "and the document call refuses it (HTTP 200), not as pending",
            )
            if session is not None and approved is not None:
                _, status = client.call(STATUS, approved)
                expect(
                    is_success(status) and not is_pending(STATUS, status),
                    "a session approved before the TTL is still a success after it",
                )
                _, document = client.call(
                    DOCUMENT, approved, verification_id=session.verification_id
                )
                expect(is_success(document), "and its documents are still served")


# --- with the sandbox's control surface ---------------------------------------------


def test_an_approved_session_gives_details_and_documents(
    client: JourneyClient, control: SandboxControl
) -> None:
    with journey("an approved session gives details and documents", client):
        reference_id = client.created_reference()
        session = control.approve(reference_id)
        landing = {"reference_id": str(reference_id), "verification_id": session.verification_id}
        problem = eko_rules.redirect_problem(session.redirect_location, landing)
        expect(problem is None, f"the customer lands on the callback with both ids: {problem}")
        _, status = client.call(STATUS, reference_id)
        expect(is_success(status) and not is_pending(STATUS, status), "the status is a success")
        expect(bool(status["data"].get("user_details")), "the status carries user_details")
        _, document = client.call(DOCUMENT, reference_id, verification_id=session.verification_id)
        expect(is_success(document), "the document call succeeds")
        expect(bool(document["data"].get("documents")), "the document call carries documents")


def test_requested_documents_are_handed_out(client: JourneyClient, control: SandboxControl) -> None:
    with journey("the documents requested are the documents handed out", client):
        for requested in COMBINATIONS:
            _, created = client.call(CREATE, document_requested=requested)
            if not is_success(created) and requested != [ALWAYS_SERVED]:
                continue  # refused at create: the echo property judged it
            expect(is_success(created), f"a create for {requested} succeeds")
            reference_id = created["data"]["reference_id"]
            session = control.approve(reference_id)
            _, status = client.call(STATUS, reference_id)
            expect(is_success(status), f"the approved session ({requested}) is a success")
            problem = eko_rules.echo_problem(requested, status["data"].get("document_requested"))
            expect(problem is None, f"the status answer echoes what was asked: {problem}")
            _, document = client.call(
                DOCUMENT,
                reference_id,
                verification_id=session.verification_id,
                document_type=requested,
            )
            expect(is_success(document), f"the document call for {requested} succeeds")
            problem = eko_rules.documents_problem(requested, document["data"].get("documents"))
            expect(problem is None, f"a document of each type asked for: {problem}")


def test_a_wrong_verification_id_is_refused(client: JourneyClient, control: SandboxControl) -> None:
    with journey("the document call refuses a wrong verification_id", client):
        reference_id = client.created_reference()
        session = control.approve(reference_id)
        wrong = f"VER-WRONG-{secrets.token_hex(4).upper()}"
        code, answer = client.call(DOCUMENT, reference_id, verification_id=wrong)
        expect(refused(code, answer), "a wrong verification_id on an approved session is refused")
        _, document = client.call(DOCUMENT, reference_id, verification_id=session.verification_id)
        expect(is_success(document), "the session's own verification_id is served")


def test_the_callback_keeps_its_own_query(client: JourneyClient, control: SandboxControl) -> None:
    """A `redirect_url` with a query string of its own: the customer lands on it with that
    query kept and the session's parameters added (eko_rules.callback_problem)."""
    with journey("the customer's redirect keeps the callback's own query", client):
        for decision in ("approve", "deny"):
            code, created = client.call(CREATE, redirect_url=CALLBACK_WITH_QUERY)
            if not is_success(created):
                # Eko documents no rule for a callback's query; a target refusing one at
                # create (301, invalid redirect URL) sends no customer to it.
                expect(refused(code, created), "a refused callback is an HTTP 200 refusal")
                return
            reference_id = created["data"]["reference_id"]
            session = getattr(control, decision)(reference_id)
            problem = eko_rules.callback_problem(session.redirect_location, CALLBACK_WITH_QUERY)
            expect(problem is None, f"after {decision}, the callback's query is kept: {problem}")
            expected = {"reference_id": str(reference_id)}
            if decision == "approve":
                expected["verification_id"] = session.verification_id
            else:
                expected["status"] = "CONSENT_DENIED"
            problem = eko_rules.redirect_problem(session.redirect_location, expected)
            expect(problem is None, f"and the session's parameters are added: {problem}")


@pytest.mark.parametrize("decision", ["approve", "deny", "expire"])
def test_sessions_are_isolated(
    client: JourneyClient, control: SandboxControl, decision: str
) -> None:
    with journey(f"deciding one session leaves another as it was ({decision})", client):
        decided, other = client.created_reference(), client.created_reference()
        session = getattr(control, decision)(decided)
        _, status = client.call(STATUS, other)
        expect(is_pending(STATUS, status), f"after {decision} of another, the status is pending")
        _, document = client.call(
            DOCUMENT, other, verification_id=session.verification_id or "VER-NONE"
        )
        expect(
            outcome(DOCUMENT, document) == eko_rules.PENDING,
            "and the document call still refuses as pending (with the other's verification_id)",
        )
        if decision == "approve":
            mine = control.approve(other)
            expect(
                mine.verification_id != session.verification_id,
                "each approved session has its own verification_id",
            )
            code, crossed = client.call(DOCUMENT, other, verification_id=session.verification_id)
            expect(refused(code, crossed), "one session's verification_id opens no other")


@pytest.mark.parametrize("decision", ["deny", "expire"])
def test_a_denied_or_expired_session_gives_nothing(
    client: JourneyClient, control: SandboxControl, decision: str
) -> None:
    with journey(f"a session the customer let {decision} gives nothing", client):
        reference_id = client.created_reference()
        session = getattr(control, decision)(reference_id)
        if decision == "deny":
            landing = {"reference_id": str(reference_id), "status": "CONSENT_DENIED"}
            problem = eko_rules.redirect_problem(session.redirect_location, landing)
            expect(problem is None, f"the customer lands on the callback, denied: {problem}")
        code, status = client.call(STATUS, reference_id)
        expect(refused(code, status), "the status call answers (HTTP 200), not a success")
        expect(not is_pending(STATUS, status), "nor pending")
        code, document = client.call(
            DOCUMENT, reference_id, verification_id=session.verification_id or "VER-NONE"
        )
        expect(refused(code, document), "the document call refuses (HTTP 200)")


@pytest.mark.parametrize(
    ("operation_id", "code"),
    [(op, code) for op in OPERATIONS for code in sorted(documented(op))],
)
def test_each_documented_code_can_be_forced(
    client: JourneyClient, control: SandboxControl, operation_id: str, code: int
) -> None:
    """The sandbox gives each documented code of each operation when asked, in any form
    the spec documents for that code's outcome (the status call's -1 is pending or an
    unknown reference; the legacy profile answers it 327)."""
    with journey(f"{operation_id} gives its documented code {code}", client):
        reference_id = client.created_reference()
        control.force(code, operation=operation_id)
        _, body = client.call(operation_id, reference_id)
        expected = eko_rules.outcome(operation_id, FORCED_FORM[code])
        expect(
            eko_rules.same_outcome(expected, outcome(operation_id, body)),
            f"the answer means what code {code} means ({expected})",
        )


# What each forcible code means, as an answer carrying it in `status` would say.
FORCED_FORM = {
    code: (
        {"status": 1, "response_status_id": code}
        if code == eko_rules.STATUS_CALL_NOT_SUCCESS
        else {"status": code, "response_status_id": 1}
    )
    for code in set().union(*(documented(op) for op in OPERATIONS))
}
