"""A reference_id past 2^31 through the whole journey, against a real sandbox that issues
such ids (`first_reference_id`), in both profiles: the Python client reads every answer."""

from __future__ import annotations

import httpx
import pytest

from eko_digilocker import (
    EkoApiError,
    EkoClient,
    EkoInvalidParamsError,
    EkoVerificationPendingError,
)
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT, SandboxConfig, running_sandbox
from eko_digilocker_sandbox.config import PROFILES
from eko_digilocker_sandbox.sessions import MAX_FIRST_REFERENCE_ID

PAST_2_31 = 3_000_000_001


@pytest.mark.parametrize("profile", PROFILES)
def test_a_reference_id_past_2_31_goes_through_the_journey(profile: str) -> None:
    config = SandboxConfig(profile=profile, first_reference_id=PAST_2_31, self_check=True)
    with running_sandbox(config) as url, EkoClient(**UAT_TEST_ACCOUNT, base_url=url) as eko:
        session = eko.create_digilocker_url("https://yourapp.example/kyc/callback")
        assert session.reference_id == PAST_2_31
        with pytest.raises(EkoVerificationPendingError):
            eko.get_verification_status(session.reference_id)
        decision = httpx.post(
            f"{url}/_sandbox/sessions/{session.reference_id}/approve", timeout=10
        ).json()
        status = eko.get_verification_status(session.reference_id)
        assert status.user_details
        document = eko.get_document(session.reference_id, decision["verification_id"])
        assert document.documents
        state = httpx.get(f"{url}/_sandbox/state", timeout=10).json()
        assert state["self_check_failures"] == 0


@pytest.mark.parametrize("first", [0, MAX_FIRST_REFERENCE_ID + 1])
def test_a_first_reference_id_out_of_range_is_refused(first: int) -> None:
    with pytest.raises(ValueError, match="first_reference_id"):
        SandboxConfig(first_reference_id=first)


def test_the_largest_64_bit_id_is_read_as_an_id_not_refused(sandbox: str) -> None:
    with (
        EkoClient(**UAT_TEST_ACCOUNT, base_url=sandbox) as eko,
        pytest.raises(EkoApiError) as raised,
    ):
        eko.get_verification_status(2**63 - 1)
    assert not isinstance(raised.value, EkoInvalidParamsError), raised.value
