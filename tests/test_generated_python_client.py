"""Evidence from another generator: the client openapi-generator's `python` target writes
from the spec (pydantic models) decodes every documented answer, keeps fields it has never
seen at every level, reads a reference_id past 2^31, and keeps `status: null` apart from 0,
from fixtures and from live servers (the local sandbox issuing ids from 3,000,000,001, and
`future_eko`, which adds fields at every level)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from eko_digilocker.signing import sign_secret_key
from eko_digilocker.spec import example_values, load_spec
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT, SandboxConfig, running_sandbox

from .conformance.future_eko import future_eko

ROOT = Path(__file__).resolve().parent.parent
PAST_2_31 = 3_000_000_001
ANSWER_MODEL = {
    "createDigilockerUrl": "DigilockerUrlEnvelope",
    "getDigilockerVerificationStatus": "VerificationStatusEnvelope",
    "getDigilockerDocument": "DigilockerDocumentEnvelope",
}


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("matrix")
    script = str(ROOT / "scripts" / "generator_matrix.py")
    subprocess.run(
        [sys.executable, script, "--keep", str(out), "--only", "python"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(out / "python"))
    try:
        yield importlib.import_module("openapi_client.models")
    finally:
        sys.path.remove(str(out / "python"))
        for name in [m for m in sys.modules if m.split(".")[0] == "openapi_client"]:
            del sys.modules[name]


def carries(actual: Any, expected: Any, where: str = "answer") -> list[str]:
    """Where `actual` lacks a field of `expected` or holds another value, at any level."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: {actual!r}"]
        return [p for k, v in expected.items() for p in carries(actual.get(k), v, f"{where}.{k}")]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: {actual!r}"]
        return [
            p
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for p in carries(a, e, f"{where}[{i}]")
        ]
    return [] if actual == expected else [f"{where}: {actual!r} != {expected!r}"]


def documented() -> list[tuple[str, str, Any]]:
    found = []
    for item in load_spec()["paths"].values():
        for op in item.values():
            for status in op["responses"]:
                found += [
                    (op["operationId"], status, value)
                    for value in example_values(op["operationId"], status)
                ]
    return found


@pytest.mark.timeout(300)
def test_every_documented_answer_decodes_and_keeps_every_field(models: ModuleType) -> None:
    for operation_id, status, value in documented():
        name = ANSWER_MODEL[operation_id] if status == "200" else "Envelope"
        decoded = getattr(models, name).from_dict(value)
        assert not carries(decoded.to_dict(), value), (operation_id, status, value)


@pytest.mark.timeout(300)
def test_unknown_fields_at_every_level_and_a_reference_id_past_2_31(models: ModuleType) -> None:
    create = {
        "status": 0,
        "message": "ok",
        "added": {"any": [1]},
        "data": {"reference_id": 3_000_000_001, "url": "https://digilocker.gov.in/a", "added": 1},
    }
    decoded = models.DigilockerUrlEnvelope.from_dict(create)
    assert decoded.data.reference_id == 3_000_000_001
    assert decoded.data.additional_properties == {"added": 1}
    assert not carries(decoded.to_dict(), create)
    document = {
        "status": 0,
        "added": None,
        "data": {
            "verification_status": "SUCCESS",
            "added": 2,
            "documents": [
                {"document_type": "AADHAAR", "added": "x", "address": {"pincode": "1", "added": 3}}
            ],
        },
    }
    read = models.DigilockerDocumentEnvelope.from_dict(document)
    assert read.data.documents[0].address.additional_properties == {"added": 3}
    assert not carries(read.to_dict(), document)
    status = {
        "status": 0,
        "data": {"document_consent": [{"document_type": "AADHAAR", "consent": "Y", "at": 1}, "Y"]},
    }
    assert not carries(models.VerificationStatusEnvelope.from_dict(status).to_dict(), status)


@pytest.mark.timeout(300)
def test_status_null_is_not_read_as_0(models: ModuleType) -> None:
    decoded = models.Envelope.from_dict({"status": None, "message": "?"})
    assert decoded.status is None


def signed() -> dict[str, str]:
    """The three headers Eko checks, for one call (openapi-generator's python client has
    no hook that signs each request)."""
    timestamp = str(int(time.time() * 1000))
    return {
        "developer_key": UAT_TEST_ACCOUNT["developer_key"],
        "secret-key-timestamp": timestamp,
        "secret-key": sign_secret_key(UAT_TEST_ACCOUNT["access_key"], timestamp),
    }


def digilocker(url: str) -> Any:
    package = importlib.import_module("openapi_client")
    return package.DigilockerApi(package.ApiClient(package.Configuration(host=url)))


def create(models: ModuleType, url: str) -> Any:
    request = models.CreateDigilockerUrlRequest(
        initiator_id=UAT_TEST_ACCOUNT["initiator_id"],
        document_requested=[models.DocumentType.AADHAAR],
        redirect_url="https://yourapp.example/kyc/callback",
    )
    return digilocker(url).create_digilocker_url(request, _headers=signed())


@pytest.mark.timeout(300)
def test_a_live_sandbox_id_past_2_31_decodes(models: ModuleType) -> None:
    config = SandboxConfig(first_reference_id=PAST_2_31)
    with running_sandbox(config) as url:
        answer = create(models, url)
    assert answer.status == 0
    assert answer.data.reference_id == PAST_2_31


@pytest.mark.timeout(300)
def test_a_live_answer_with_unknown_fields_at_every_level_decodes(models: ModuleType) -> None:
    with future_eko() as url:
        created = create(models, url)
        request = models.GetDigilockerDocumentRequest(
            initiator_id=UAT_TEST_ACCOUNT["initiator_id"],
            document_type=[models.DocumentType.AADHAAR],
            verification_id="VER-1",
            reference_id=str(created.data.reference_id),
        )
        document = digilocker(url).get_digilocker_document(request, _headers=signed())
    assert created.data.reference_id == PAST_2_31
    assert created.additional_properties["trace_id"] == "future-1"
    assert created.data.additional_properties["expires_in"] == 600
    assert document.data.additional_properties["fetched_from"] == "x"
    item = document.data.documents[0]
    assert item.additional_properties["qr_signature"] == "c2ln"
    assert item.address.additional_properties["geo"] == {"lat": 1.5}
