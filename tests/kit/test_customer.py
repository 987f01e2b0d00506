"""Customer: answers the sandbox's real consent page over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eko_digilocker import EkoClient
from eko_digilocker_sandbox import ConsentExpiredError, ConsentPageError, Customer, SandboxControl
from eko_digilocker_sandbox.customer import _FormReader


@pytest.fixture
def customer() -> Iterator[Customer]:
    with Customer() as client:
        yield client


def consent_url(eko: EkoClient, redirect_url: str = "https://app.example/cb?order=9") -> str:
    return eko.create_digilocker_url(redirect_url).url


def test_approve(eko: EkoClient, control: SandboxControl, customer: Customer) -> None:
    url = consent_url(eko)
    form = customer.open(url)
    assert form.method == "POST"
    assert set(form.buttons) == {"approve", "deny"}

    back = customer.approve(url)

    [session] = control.sessions()
    assert session.session_status == "AUTHENTICATED"
    assert back.location == session.redirect_location
    assert back.location.startswith("https://app.example/cb?order=9&")
    assert back.redirect.approved
    assert back.redirect.reference_id == session.reference_id
    assert back.redirect.verification_id == session.verification_id


def test_deny(eko: EkoClient, control: SandboxControl, customer: Customer) -> None:
    back = customer.deny(consent_url(eko))
    [session] = control.sessions()
    assert session.session_status == "CONSENT_DENIED"
    assert back.redirect.denied
    assert not back.redirect.approved


def test_a_decided_page_has_no_form(eko: EkoClient, customer: Customer) -> None:
    url = consent_url(eko)
    customer.approve(url)
    with pytest.raises(ConsentPageError, match="no consent form"):
        customer.deny(url)


def test_unknown_and_expired_links(
    eko: EkoClient, control: SandboxControl, customer: Customer
) -> None:
    url = consent_url(eko)
    with pytest.raises(ConsentPageError) as unknown:
        customer.approve(url.replace("token=", "token=x"))
    assert unknown.value.status_code == 404
    assert not isinstance(unknown.value, ConsentExpiredError)
    control.expire(control.sessions_page().sessions[0].reference_id)
    with pytest.raises(ConsentExpiredError) as expired:  # issue 19, item 26: typed
        customer.approve(url)
    assert expired.value.status_code == 410
    assert isinstance(expired.value, ConsentPageError)  # what was raised before, still


def test_a_link_that_expires_while_the_page_is_open(
    eko: EkoClient, control: SandboxControl, customer: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = consent_url(eko)
    opened = customer.open(url)
    control.expire(control.sessions_page().sessions[0].reference_id)
    monkeypatch.setattr(customer, "open", lambda _: opened)  # the page as it was read
    with pytest.raises(ConsentExpiredError) as expired:
        customer.deny(url)
    assert expired.value.status_code == 410


def test_a_button_the_page_lacks(eko: EkoClient, customer: Customer) -> None:
    with pytest.raises(ConsentPageError, match="no 'maybe' button"):
        customer.decide(consent_url(eko), "maybe")


def test_the_form_is_read_from_the_page() -> None:
    reader = _FormReader()
    reader.feed(
        '<p>x</p><form method="post" action="/c/1"><input type="hidden" name="t" value="v">'
        '<input type="text" name="ignored"><input type="submit" name="d" value="Approve">'
        '<button name="d" value="no"> Deny </button></form>'
        '<form action="/other"><input type="hidden" name="t2" value="w"></form>'
    )
    assert reader.form == {"method": "post", "action": "/c/1"}
    assert reader.fields == {"t": "v"}
    assert reader.buttons == {"approve": ("d", "Approve"), "deny": ("d", "no")}


def test_a_page_over_the_limit_is_not_read_whole(eko: EkoClient) -> None:
    url = consent_url(eko)
    with (
        Customer(max_page_bytes=100) as small,
        pytest.raises(ConsentPageError, match="over 100 bytes"),
    ):
        small.open(url)
