"""The app's KYC flow end to end against the local sandbox, using only the kit:
`eko_customer` answers the real consent page, `eko_control` plays what a test cannot
get from a real customer (expiry, a forced error, a flaky network)."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from eko_digilocker_sandbox import ConsentExpiredError, Customer, SandboxControl


def start_kyc(app: httpx.Client, control: SandboxControl) -> tuple[str, int]:
    """The customer asks the app for KYC; returns the consent URL and its reference_id."""
    answer = app.post("/kyc/start", data={"customer_id": "cust-42"})
    assert answer.status_code == 303, answer.text
    [session] = control.sessions()
    return answer.headers["location"], session.reference_id


def test_approve(app: httpx.Client, eko_control: SandboxControl, eko_customer: Customer) -> None:
    consent_url, reference_id = start_kyc(app, eko_control)
    assert app.get(f"/kyc/{reference_id}/status").json() == {"consent": "PENDING"}

    back = eko_customer.approve(consent_url)
    assert back.location.startswith(f"{app.base_url.join('/kyc/callback')}?")
    assert back.redirect.approved
    answer = app.get(back.location)

    assert answer.status_code == 200, answer.text
    verified = answer.json()
    assert verified["state"] == "VERIFIED"
    assert verified["customer_id"] == "cust-42"
    assert re.fullmatch(r"XXXX-XXXX-\d{4}", verified["masked_aadhaar"])
    assert app.get(f"/kyc/{reference_id}/status").json() == {"consent": "AUTHENTICATED"}


def test_deny(app: httpx.Client, eko_control: SandboxControl, eko_customer: Customer) -> None:
    consent_url, reference_id = start_kyc(app, eko_control)

    back = eko_customer.deny(consent_url)
    assert back.redirect.denied
    answer = app.get(back.location)

    assert answer.json() == {"state": "DENIED"}
    assert app.get(f"/kyc/{reference_id}/status").json() == {"consent": "CONSENT_DENIED"}
    assert eko_control.session(reference_id).verification_id is None


def test_expiry(app: httpx.Client, eko_control: SandboxControl, eko_customer: Customer) -> None:
    consent_url, reference_id = start_kyc(app, eko_control)

    eko_control.expire(reference_id)

    assert app.get(f"/kyc/{reference_id}/status").json() == {"consent": "EXPIRED"}
    with pytest.raises(ConsentExpiredError) as closed:
        eko_customer.approve(consent_url)
    assert closed.value.status_code == 410


@pytest.mark.eko_sandbox(session_ttl_seconds=0.5)
def test_expiry_by_the_clock(
    app: httpx.Client, eko_control: SandboxControl, eko_customer: Customer
) -> None:
    """A sandbox of the test's own, whose consent window is half a second."""
    consent_url, reference_id = start_kyc(app, eko_control)
    time.sleep(0.6)
    assert app.get(f"/kyc/{reference_id}/status").json() == {"consent": "EXPIRED"}
    with pytest.raises(ConsentExpiredError):
        eko_customer.approve(consent_url)


def test_document_not_found(
    app: httpx.Client, eko_control: SandboxControl, eko_customer: Customer
) -> None:
    consent_url, _ = start_kyc(app, eko_control)
    eko_control.force(463, operation="getDigilockerDocument")

    answer = app.get(eko_customer.approve(consent_url).location)

    assert answer.status_code == 404
    assert answer.json() == {"error": "KYC session not found: start again"}
    assert eko_control.forced() == []  # the forced answer was used, once


def test_a_5xx_is_retried(app: httpx.Client, eko_control: SandboxControl) -> None:
    eko_control.fail_next(1, operation="createDigilockerUrl")  # the next create: HTTP 503

    consent_url, reference_id = start_kyc(app, eko_control)

    state = eko_control.state()
    assert state.api_requests == 2  # the create was sent twice...
    assert state.sessions == 1  # ...and made one session
    assert eko_control.scheduled_failures() == []
    assert httpx.URL(consent_url).path == f"/consent/{reference_id}"
    assert app.get(f"/kyc/{reference_id}/status").json() == {"consent": "PENDING"}
