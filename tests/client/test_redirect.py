"""parse_redirect: every documented return to `redirect_url`, and the sandbox's real one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from eko_digilocker import ConsentRedirect, EkoClient, EkoValidationError, parse_redirect
from tests.client.fakes import CREDENTIALS

CALLBACK = "https://yourapp.com/kyc/callback"


def outcome(redirect: ConsentRedirect) -> str:
    flags = [redirect.approved, redirect.denied, redirect.error is not None]
    assert flags.count(True) == 1, redirect  # exactly one outcome, always
    return ["approved", "denied", "error"][flags.index(True)]


def test_legacy_eko_return_carries_only_the_verification_id() -> None:
    # openapi-spec README 7.1: the redirect_url "will contain the verification_id".
    redirect = parse_redirect(f"{CALLBACK}?verification_id=123456")
    assert redirect == ConsentRedirect(None, "123456", denied=False, error=None)
    assert outcome(redirect) == "approved"


def test_sandbox_style_approval_keeps_the_callers_own_parameters_apart() -> None:
    redirect = parse_redirect(
        f"{CALLBACK}?order=42&reference_id=7483920&verification_id=VER-7483920-ab12cd34#done"
    )
    assert redirect.reference_id == 7483920
    assert redirect.verification_id == "VER-7483920-ab12cd34"
    assert outcome(redirect) == "approved"


@pytest.mark.parametrize(
    "query",
    [
        "reference_id=7483920&status=CONSENT_DENIED",
        "reference_id=7483920&status=consent_denied",
        "error=access_denied&error_description=User+denied",  # DigiLocker's OAuth return
    ],
)
def test_denial(query: str) -> None:
    redirect = parse_redirect(f"{CALLBACK}?{query}")
    assert outcome(redirect) == "denied"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("reference_id=7&status=EXPIRED", "status EXPIRED"),
        ("error=server_error&error_description=try+later", "server_error: try later"),
        ("error=invalid_request", "invalid_request"),
        ("reference_id=7", "the return carries neither a verification_id nor a status"),
        ("", "the return carries neither a verification_id nor a status"),
    ],
)
def test_errors(query: str, error: str) -> None:
    redirect = parse_redirect(f"{CALLBACK}?{query}")
    assert redirect.error == error
    assert outcome(redirect) == "error"


def test_query_string_alone_and_mappings() -> None:
    expected = ConsentRedirect(7, "V-1", denied=False, error=None)
    assert parse_redirect("reference_id=7&verification_id=V-1") == expected
    assert parse_redirect("?reference_id=7&verification_id=V-1") == expected
    assert parse_redirect({"reference_id": "7", "verification_id": "V-1"}) == expected
    assert parse_redirect(parse_qs("reference_id=7&verification_id=V-1")) == expected
    # Starlette's multi-value QueryParams, as a web framework hands it over.
    assert parse_redirect(httpx.QueryParams("reference_id=7&verification_id=V-1")) == expected
    # A repeated parameter with the same value is harmless.
    assert parse_redirect({"reference_id": ["7", "7"], "verification_id": "V-1"}) == expected


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("?reference_id=abc&verification_id=V", "reference_id"),
        ("?reference_id=-4&verification_id=V", "reference_id"),
        ("?reference_id=0&verification_id=V", "reference_id"),
        ("?reference_id=%D9%A3&verification_id=V", "reference_id"),  # Arabic-Indic digit 3
        ("?reference_id=1&reference_id=2&verification_id=V", "reference_id"),
        ("?verification_id=A&verification_id=B", "verification_id"),
        ("?verification_id=", "verification_id"),
        ("?verification_id=%FF", "url"),
        ("?verification_id=V&pad=" + "x" * 9000, "url"),
    ],
)
def test_malformed_values_are_typed_errors(value: str, field: str) -> None:
    with pytest.raises(EkoValidationError) as raised:
        parse_redirect(CALLBACK + value)
    assert raised.value.fields == [field]
    assert "parse_redirect" in str(raised.value)


def test_bad_types_are_typed_errors() -> None:
    with pytest.raises(EkoValidationError):
        parse_redirect(42)  # type: ignore[arg-type]
    with pytest.raises(EkoValidationError):
        parse_redirect({"reference_id": 7})


def test_the_sandboxs_real_redirects(sandbox: str) -> None:
    """Approve one session and deny another through the control surface; parse the
    Location the consent page would send the browser to."""
    with EkoClient(**CREDENTIALS, base_url=sandbox) as eko, httpx.Client(base_url=sandbox) as ctl:
        approved = eko.create_digilocker_url(CALLBACK + "?order=1")
        denied = eko.create_digilocker_url(CALLBACK)
        approval = ctl.post(f"/_sandbox/sessions/{approved.reference_id}/approve").json()
        denial = ctl.post(f"/_sandbox/sessions/{denied.reference_id}/deny").json()

    back = parse_redirect(approval["redirect_location"])
    assert back.reference_id == approved.reference_id
    assert back.verification_id == approval["verification_id"]
    assert outcome(back) == "approved"
    assert urlsplit(approval["redirect_location"]).path == "/kyc/callback"

    refused = parse_redirect(denial["redirect_location"])
    assert refused.reference_id == denied.reference_id
    assert outcome(refused) == "denied"
