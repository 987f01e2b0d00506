"""Journey properties: what only a sequence of calls shows, against any target.

Without any control surface: right after a create the session is pending (the status
call says so, the document call refuses with 327 in either placement); a repeated create
with the same client_ref_id and body is the same session, and a different body is
refused; an unsigned, wrongly signed or stale request is refused; each documented
refusal (405, 413, 415, invalid parameters) is given. Where the target has the sandbox's
control surface (`/_sandbox/`, probed), the customer's approval, denial and expiry too,
and every documented error code forced on every operation.

A failure names the property and shows its calls, secrets filtered (journeys.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from eko_digilocker_sandbox import SandboxControl
from eko_digilocker_sandbox.control_client import (
    SandboxControlError,
    SandboxControlResponseError,
)
from eko_digilocker_sandbox.scenarios import documented
from tests.contract.coverage import eko_code
from tests.contract.journeys import (
    CREATE,
    DOCUMENT,
    PENDING_CODE,
    STALE_MS,
    STATUS,
    STATUS_CALL_NOT_SUCCESS,
    JourneyClient,
    expect,
    is_pending,
    is_success,
    journey,
    unique_ref,
)

OPERATIONS = (CREATE, STATUS, DOCUMENT)
# Bigger than any limit a server documents for these small JSON bodies (the sandbox's
# is 64 KiB; see the spec's PayloadTooLarge).
OVERSIZED = 128 * 1024
# An unsupported method on each operation's path.
WRONG_METHOD = {CREATE: "PUT", STATUS: "DELETE", DOCUMENT: "PUT"}


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
        codes = (document.get("status"), document.get("response_status_id"))
        expect(PENDING_CODE in codes, f"the document call refuses with {PENDING_CODE}")


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
        _, other = client.call(CREATE, client_ref_id=ref, redirect_url="https://other.example/cb")
        expect(not is_success(other), "the same client_ref_id with another body is refused")


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_only_signed_requests_are_served(client: JourneyClient, operation_id: str) -> None:
    with journey(f"only signed requests are served ({operation_id})", client):
        reference_id = client.created_reference()
        for what, headers in (
            ("unsigned", {}),
            ("wrongly signed", client.signed_headers(access_key="not-the-access-key")),
            ("stale", client.signed_headers(age_ms=STALE_MS)),
        ):
            status, _ = client.call(operation_id, reference_id, headers=headers)
            expect(status == 403, f"an {what} request is refused with HTTP 403")


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


# --- with the sandbox's control surface ---------------------------------------------


def test_an_approved_session_gives_details_and_documents(
    client: JourneyClient, control: SandboxControl
) -> None:
    with journey("an approved session gives details and documents", client):
        reference_id = client.created_reference()
        session = control.approve(reference_id)
        _, status = client.call(STATUS, reference_id)
        expect(is_success(status) and not is_pending(STATUS, status), "the status is a success")
        expect(bool(status["data"].get("user_details")), "the status carries user_details")
        _, document = client.call(DOCUMENT, reference_id, verification_id=session.verification_id)
        expect(is_success(document), "the document call succeeds")
        expect(bool(document["data"].get("documents")), "the document call carries documents")


@pytest.mark.parametrize("decision", ["deny", "expire"])
def test_a_denied_or_expired_session_gives_nothing(
    client: JourneyClient, control: SandboxControl, decision: str
) -> None:
    with journey(f"a session the customer let {decision} gives nothing", client):
        reference_id = client.created_reference()
        session = getattr(control, decision)(reference_id)
        _, status = client.call(STATUS, reference_id)
        expect(not is_success(status), "the status call is not a success")
        expect(not is_pending(STATUS, status), "nor pending")
        _, document = client.call(
            DOCUMENT, reference_id, verification_id=session.verification_id or "VER-NONE"
        )
        expect(not is_success(document), "the document call refuses")


@pytest.mark.parametrize(
    ("operation_id", "code"),
    [(op, code) for op in OPERATIONS for code in sorted(documented(op))],
)
def test_each_documented_code_can_be_forced(
    client: JourneyClient, control: SandboxControl, operation_id: str, code: int
) -> None:
    """The sandbox gives each documented code of each operation when asked, in the
    answer schema of its profile (the legacy profile has no -1: it answers 327)."""
    with journey(f"{operation_id} gives its documented code {code}", client):
        reference_id = client.created_reference()
        control.force(code, operation=operation_id)
        _, body = client.call(operation_id, reference_id)
        legacy_pending = control.profile() == "legacy" and code == STATUS_CALL_NOT_SUCCESS
        expect(
            eko_code(body) == (PENDING_CODE if legacy_pending else code),
            f"the answer carries code {code}",
        )
