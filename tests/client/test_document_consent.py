"""document_consents: both documented shapes of a `document_consent` item (the spec's
DocumentConsentItem), from a model and from the real sandbox in each profile."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from eko_digilocker import DocumentConsent, EkoClient, EkoResponseError, document_consents
from eko_digilocker_client.models import VerificationStatusPayload
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT


def read(items: Any) -> list[DocumentConsent]:
    return document_consents(VerificationStatusPayload.from_dict({"document_consent": items}))


def test_an_object_and_a_bare_string_in_one_answer() -> None:
    items = [{"document_type": "AADHAAR", "consent": "N", "at": "2030-01-01"}, "Y"]
    assert read(items) == [
        DocumentConsent(consent="N", document_type="AADHAAR"),
        DocumentConsent(consent="Y"),
    ]


def test_no_field_no_items() -> None:
    assert document_consents(VerificationStatusPayload.from_dict({})) == []
    assert read([]) == []


@pytest.mark.parametrize(
    "item",
    [
        7,
        None,
        ["Y"],
        {"document_type": "AADHAAR"},
        {"consent": 1},
        {"consent": "Y", "document_type": 2},
    ],
)
def test_an_item_of_neither_shape_is_a_response_error(item: Any) -> None:
    with pytest.raises(EkoResponseError, match=r"document_consent\[1\] is neither"):
        read(["Y", item])


def test_both_profiles_of_the_real_sandbox(profiled_sandbox: tuple[str, str]) -> None:
    profile, url = profiled_sandbox
    with EkoClient(**UAT_TEST_ACCOUNT, base_url=url, max_retries=0) as eko:
        reference_id = eko.create_digilocker_url("https://yourapp.example/kyc").reference_id
        httpx.post(f"{url}/_sandbox/sessions/{reference_id}/approve", timeout=10)
        details = eko.get_verification_status(reference_id)
    expected = {"eps": "AADHAAR", "legacy": None}[profile]
    assert document_consents(details) == [DocumentConsent(consent="Y", document_type=expected)]
