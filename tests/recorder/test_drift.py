"""The checker's rules agree with the spec; a finding is one line, whatever the peer sent."""

from __future__ import annotations

import json

import pytest

from eko_digilocker.spec import example_values, operations
from eko_digilocker_sandbox.drift import DriftChecker, Finding


def test_a_finding_is_one_line_with_control_characters_escaped() -> None:
    finding = Finding(
        "createDigilockerUrl", "/request/body/a\nb", "bad\r\nvalue \x1b[31m" + "x" * 400
    )
    line = str(finding)
    assert line.splitlines() == [line]
    assert line.startswith(
        "violation: createDigilockerUrl /request/body/a\\x0ab: bad\\x0d\\x0avalue \\x1b[31m"
    )
    assert line.endswith("x...")


@pytest.mark.parametrize("operation_id", sorted(operations()))
def test_every_documented_answer_of_the_spec_passes(operation_id: str) -> None:
    """No false alarms: each example answer the spec documents, in each variant, is clean."""
    op = operations()[operation_id]
    for status in op.responses:
        for envelope in example_values(operation_id, status):
            checker = DriftChecker()
            body = json.dumps(envelope).encode()
            found = checker.answer(op, {}, "dev", int(status), "application/json", body)
            assert found == [], (status, envelope)


def test_an_answer_nested_too_deep_to_validate_is_a_finding_not_a_crash() -> None:
    op = operations()["createDigilockerUrl"]
    nested = b"[" * 500 + b"]" * 500
    deep = b'{"status": 0, "message": "", "response_status_id": 0, "response_type_id": 1, '
    deep += b'"data": {"reference_id": ' + nested + b"}}"
    found = DriftChecker().answer(op, {}, "dev", 200, "application/json", deep)
    assert [str(f) for f in found] == [
        "violation: createDigilockerUrl /response/body: could not be validated "
        "(Recursion limit reached)"
    ]


@pytest.mark.parametrize(
    "envelope",
    [
        {"status": 1, "message": "bad key"},
        {"status": 0, "message": "", "data": {"reference_id": 7, "url": "https://x.example"}},
        {"response_status_id": 1, "message": "bad key"},
    ],
    ids=["error-without-response_status_id", "success-without-it", "without-status"],
)
def test_an_envelope_missing_a_code_field_is_judged_not_a_crash(envelope: dict) -> None:
    # Before: KeyError('response_status_id'), which the proxy reported as its own bug.
    op = operations()["createDigilockerUrl"]
    body = json.dumps(envelope).encode()
    found = DriftChecker().answer(op, {}, "dev", 200, "application/json", body)
    assert all(isinstance(f, Finding) for f in found)


@pytest.mark.parametrize(
    "operation_id", ["getDigilockerVerificationStatus", "getDigilockerDocument"]
)
def test_a_reference_id_of_4301_digits_is_judged_not_a_crash(operation_id: str) -> None:
    # Before: int() of it raised ValueError, reported as the proxy's internal error.
    op = operations()[operation_id]
    huge = "9" * 4301
    query = {"initiator_id": "9962981729", "reference_id": huge}
    body = json.dumps({"verification_id": "V", "reference_id": huge}).encode()
    found, params = DriftChecker().request(op, {}, query, body)
    assert any(f.pointer.endswith("/reference_id") for f in found)
    pending = {"status": 1, "message": "Invalid parameters", "response_status_id": 1, "data": {}}
    answer = json.dumps(pending).encode()
    assert isinstance(DriftChecker().answer(op, params, "d", 200, "application/json", answer), list)
