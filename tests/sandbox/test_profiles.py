"""The client against the real sandbox in each answer profile: the same typed errors
whether the code sits in `status` (eps) or `response_status_id` (legacy), the journey,
and the status call without `user_code`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from eko_digilocker import (
    ConsentState,
    EkoApiError,
    EkoClient,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoVerificationPendingError,
)
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT, SandboxConfig
from eko_digilocker_sandbox.server import build_parser, config_from_args
from eko_digilocker_sandbox.state import ServerState

ERRORS: dict[int, type[EkoApiError]] = {
    301: EkoApiError,
    319: EkoApiError,
    327: EkoVerificationPendingError,
    346: EkoApiError,
    461: EkoInvalidParamsError,
    463: EkoNotFoundError,
}


@pytest.fixture
def eko(profiled_sandbox: tuple[str, str]) -> Iterator[tuple[str, EkoClient]]:
    profile, url = profiled_sandbox
    with EkoClient(**UAT_TEST_ACCOUNT, base_url=url, max_retries=0) as client:
        yield profile, client


def api_requests(eko: EkoClient) -> int:
    state = httpx.get(f"{eko.settings.base_url}/_sandbox/state", timeout=10).json()
    count: int = state["api_requests"]
    return count


def calls(client: EkoClient, client_ref_id: str) -> list[Any]:
    return [
        lambda: client.create_digilocker_url("https://a.example/cb", client_ref_id=client_ref_id),
        lambda: client.get_verification_status(7_000_001, client_ref_id=client_ref_id),
        lambda: client.get_document(7_000_001, "VER-1", client_ref_id=client_ref_id),
    ]


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_each_code_gives_the_same_error_in_either_profile(
    eko: tuple[str, EkoClient], code: int
) -> None:
    profile, client = eko
    for call in calls(client, f"SCENARIO-{code}"):
        with pytest.raises(EkoApiError) as caught:
            call()
        error = caught.value
        assert type(error) is ERRORS[code]
        assert error.code == code
        placed = (code, 1) if profile == "eps" else (1, code)
        assert (error.status, error.response_status_id) == placed


@pytest.mark.parametrize("code", [463, 319, 346])
def test_wait_for_consent_ends_at_once_in_either_profile(
    eko: tuple[str, EkoClient], code: int
) -> None:
    _, client = eko
    before = api_requests(client)
    with pytest.raises(ERRORS[code]):
        client.wait_for_consent(7_000_001, timeout=30, interval=5, client_ref_id=f"SCENARIO-{code}")
    assert api_requests(client) == before + 1


def test_the_journey_in_either_profile(eko: tuple[str, EkoClient]) -> None:
    profile, client = eko
    session = client.create_digilocker_url("https://yourapp.example/kyc")
    reference_id = session.reference_id
    waited = client.wait_for_consent(reference_id, timeout=0.2, interval=0.05)
    assert waited.state is ConsentState.TIMED_OUT  # pending, never AUTHENTICATED
    assert waited.error is not None
    if profile == "eps":  # eps.eko.in: status 1, response_status_id -1; data has the state
        assert (waited.error.status, waited.error.response_status_id) == (1, -1)
    else:
        assert waited.error.code == 327
    assert type(waited.error) is EkoVerificationPendingError  # from data.session_status

    approved = httpx.post(
        f"{client.settings.base_url}/_sandbox/sessions/{reference_id}/approve", timeout=10
    ).json()
    result = client.wait_for_consent(reference_id, timeout=10, interval=0.05)
    assert result.state is ConsentState.AUTHENTICATED
    assert result.details is not None
    assert result.details.user_details
    expected = {"eps": ("01-01-1990", "F"), "legacy": ("1990-01-01", "Female")}[profile]
    assert (result.details.user_details.dob, result.details.user_details.gender) == expected
    consent = result.details.document_consent
    assert consent == (
        [{"document_type": "AADHAAR", "consent": "Y"}] if profile == "eps" else ["Y"]
    )

    document = client.get_document(reference_id, approved["verification_id"])
    assert document.documents
    assert document.documents[0].document_type == "AADHAAR"


def test_the_status_call_needs_no_user_code(eko: tuple[str, EkoClient]) -> None:
    _, client = eko
    session = client.create_digilocker_url("https://yourapp.example/kyc")
    account = {k: v for k, v in UAT_TEST_ACCOUNT.items() if k != "user_code"}
    with (
        EkoClient(**account, base_url=client.settings.base_url, max_retries=0) as bare,
        pytest.raises(EkoVerificationPendingError),
    ):
        bare.get_verification_status(session.reference_id)


def test_create_and_document_need_no_user_code(eko: tuple[str, EkoClient]) -> None:
    _, client = eko
    account = {k: v for k, v in UAT_TEST_ACCOUNT.items() if k != "user_code"}
    with EkoClient(**account, base_url=client.settings.base_url, max_retries=0) as bare:
        session = bare.create_digilocker_url("https://yourapp.example/kyc")
        with pytest.raises(EkoVerificationPendingError):
            bare.get_document(session.reference_id, "VER-1", ["AADHAAR"])


def test_the_profile_is_set_by_flag_and_at_run_time() -> None:
    assert config_from_args(build_parser().parse_args([])).profile == "eps"
    args = build_parser().parse_args(["--profile", "legacy"])
    state = ServerState(config_from_args(args))
    assert state.profile == "legacy"
    state.set_profile("eps")
    assert state.profile == "eps"
    with pytest.raises(ValueError, match="unknown profile"):
        state.set_profile("v2")
    state.reset()
    assert state.profile == "legacy"  # back to the run's
    with pytest.raises(ValueError, match="profile"):
        SandboxConfig(profile="v2")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--profile", "v2"])
