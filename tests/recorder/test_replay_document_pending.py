"""A document answer whose `verification_status` is PENDING, served by a real sandbox
process (`--replay`) over a socket: the Python client must not hand it over as a
success (docs/answer-rule.md, step 4). The sandbox's own document answer is always
SUCCESS (Eko documents no way to ask for PENDING), so the answer comes from a recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eko_digilocker import EkoClient, EkoVerificationPendingError
from eko_digilocker_sandbox import UAT_DEVELOPER_KEY, UAT_TEST_ACCOUNT
from tests.recorder.helpers import cli_process
from tests.sandbox.helpers import DOCUMENT

# Eko documents verification_status as SUCCESS or PENDING (eps.eko.in, api-specs.ts).
PENDING_DOCUMENT = {
    "status": 0,
    "response_status_id": 0,
    "message": "Documents retrieved successfully",
    "response_type_id": 1388,
    "data": {"verification_status": "PENDING", "documents": []},
}


def _recording(har: Path, request: dict[str, object]) -> None:
    entry = {
        "request": {
            "method": "POST",
            "url": "https://staging.eko.in/ekoapi/v3" + DOCUMENT,
            # as a HAR from another tool holds it: replay serves it to this key only
            "headers": [{"name": "developer_key", "value": UAT_DEVELOPER_KEY}],
            "postData": {"mimeType": "application/json", "text": json.dumps(request)},
        },
        "response": {
            "status": 200,
            "content": {"mimeType": "application/json", "text": json.dumps(PENDING_DOCUMENT)},
        },
    }
    har.write_text(json.dumps({"log": {"entries": [entry]}}))


def test_a_pending_document_from_the_sandbox_raises_pending(tmp_path: Path) -> None:
    har = tmp_path / "uat.har"
    _recording(
        har,
        {
            "initiator_id": UAT_TEST_ACCOUNT["initiator_id"],
            "user_code": UAT_TEST_ACCOUNT["user_code"],
            "document_type": ["AADHAAR"],
            "verification_id": "VER-PENDING-1",
            "reference_id": "7483920",
        },
    )
    with (
        cli_process("sandbox", "--port", "0", "--replay", str(har)) as sandbox,
        EkoClient(base_url=sandbox.url, **UAT_TEST_ACCOUNT) as eko,
        pytest.raises(EkoVerificationPendingError) as caught,
    ):
        eko.get_document(7483920, "VER-PENDING-1", ["AADHAAR"], max_retries=0)
    assert caught.value.data == PENDING_DOCUMENT["data"]
    assert caught.value.code is None
