"""The answer rule's closed points, in the Python client's answer reading
(docs/answer-rule.md): what an integer is on the wire, the int64 range, duplicate keys,
and the typed session endings. The corpus (tests/vectors/answers.json) holds the same
cases for every language; these check the Python presentation and the cost."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from eko_digilocker import (
    EkoApiError,
    EkoConsentDeniedError,
    EkoNotFoundError,
    EkoResponseError,
    EkoSessionExpiredError,
    EkoVerificationPendingError,
    answer_json,
)
from eko_digilocker.calls import _success
from eko_digilocker.responses import read_answer
from eko_digilocker.spec import example, operation

CREATE = "createDigilockerUrl"
STATUS = "getDigilockerVerificationStatus"
DOCUMENT = "getDigilockerDocument"
URL = "https://digilocker.gov.in/auth?session_id=abc123xyz"


def read(operation_id: str, content: str | bytes) -> Any:
    raw = content.encode() if isinstance(content, str) else content
    response = httpx.Response(200, content=raw, request=httpx.Request("POST", "http://eko.test"))
    return read_answer(operation(operation_id), response, _success(operation_id))


def created(status: str = "0", reference_id: str = "7483920", extra: str = "") -> str:
    return (
        f'{{"status": {status}, "message": "ok", "response_status_id": 0, '
        f'"data": {{"reference_id": {reference_id}, "url": "{URL}"{extra}}}}}'
    )


@pytest.mark.parametrize("status", ["0.0", "0e0", "-0.0", "0E+0"])
def test_a_status_zero_written_with_a_fraction_or_exponent_is_not_a_success(status: str) -> None:
    with pytest.raises(EkoResponseError, match="not an Eko JSON envelope"):
        read(CREATE, created(status=status))


@pytest.mark.parametrize("status", ["463.0", "1e0", str(2**63), str(2**64 + 5)])
def test_a_nonzero_status_that_is_not_an_int64_integer_is_not_an_error_answer(
    status: str,
) -> None:
    with pytest.raises(EkoResponseError):
        read(CREATE, created(status=status))


@pytest.mark.parametrize("reference_id", ["1.0", "7483920.0", "7.48392e6", "0", "-5"])
def test_a_reference_id_that_is_not_a_positive_integer_token_is_malformed(
    reference_id: str,
) -> None:
    with pytest.raises(EkoResponseError, match="reference_id"):
        read(CREATE, created(reference_id=reference_id))


@pytest.mark.parametrize("reference_id", [str(2**63), str(2**64 + 5)])
def test_a_reference_id_past_int64_is_malformed(reference_id: str) -> None:
    with pytest.raises(EkoResponseError):
        read(CREATE, created(reference_id=reference_id))


def test_the_largest_reference_id_is_kept_exactly() -> None:
    assert read(CREATE, created(reference_id=str(2**63 - 1))).reference_id == 2**63 - 1


def test_an_envelope_integer_written_as_a_float_is_malformed() -> None:
    text = created().replace('"response_status_id": 0', '"response_status_id": 0.0')
    with pytest.raises(EkoResponseError, match="response_status_id"):
        read(CREATE, text)


def test_a_fraction_in_a_field_eko_adds_is_kept() -> None:
    model = read(CREATE, created(extra=', "score": 0.5, "tiny": 1e-3'))
    assert model.additional_properties == {"score": 0.5, "tiny": 0.001}


@pytest.mark.parametrize(
    "text",
    [
        '{"status": 0, "status": 463, "data": {}}',
        '{"status": 463, "status": 0, "data": {}}',
        created(extra=', "reference_id": 7483921'),
        '{"status": 463, "message": "x", "data": {"a": 1, "a": 1}}',
        created(extra=', "deep": [{"k": 1, "k": 2}]'),
    ],
)
def test_a_key_twice_in_any_object_is_malformed(text: str) -> None:
    with pytest.raises(EkoResponseError, match="not an Eko JSON envelope"):
        read(CREATE, text)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    with pytest.raises(EkoResponseError):
        read(CREATE, created(extra=f', "score": {constant}'))


def test_an_answer_with_no_fraction_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # the second reading is only for answers that have a fractional number
    def never(content: bytes) -> Any:
        raise AssertionError("read again")

    monkeypatch.setattr(answer_json, "typed_numbers", never)
    assert read(CREATE, json.dumps(example(CREATE, "success", status="200"))).reference_id


def test_parse_says_whether_a_fraction_occurred() -> None:
    assert answer_json.parse(b'{"a": [1, 2, {"b": -3}]}') == ({"a": [1, 2, {"b": -3}]}, False)
    assert answer_json.parse(b'{"a": 1.5}') == ({"a": 1.5}, True)
    assert answer_json.typed_numbers(b'{"a": 1.50, "b": 2}') == {"a": "1.50", "b": 2}


@pytest.mark.parametrize("operation_id", [STATUS, DOCUMENT])
@pytest.mark.parametrize(
    ("name", "error", "parent"),
    [
        ("consent_denied", EkoConsentDeniedError, EkoApiError),
        ("expired", EkoSessionExpiredError, EkoNotFoundError),
    ],
)
def test_a_denied_or_expired_session_raises_its_own_error(
    operation_id: str, name: str, error: type[EkoApiError], parent: type[EkoApiError]
) -> None:
    answer = example(operation_id, name, status="200")
    with pytest.raises(error) as caught:
        read(operation_id, json.dumps(answer))
    assert isinstance(caught.value, parent)
    assert caught.value.code is None
    assert caught.value.data == answer["data"]


@pytest.mark.parametrize(
    ("state", "error"),
    [
        ("PENDING", EkoVerificationPendingError),
        ("CONSENT_DENIED", EkoConsentDeniedError),
        ("EXPIRED", EkoSessionExpiredError),
    ],
)
def test_a_session_state_on_a_document_success_is_not_a_success(
    state: str, error: type[EkoApiError]
) -> None:
    answer = {"status": 0, "message": "ok", "data": {"session_status": state, "documents": []}}
    with pytest.raises(error):
        read(DOCUMENT, json.dumps(answer))
