"""Every answer variant Eko's sources document, through MockTransport.

Eko puts an error's code in `status` (corrected answers: `status: 463,
response_status_id: 1`) or in `response_status_id` (older DigiLocker answers:
`status: 1, response_status_id: 463`); the status call answers pending as `status` 1,
`response_status_id` -1 (eps.eko.in), or, upstream, as a success whose `data.status` is
PENDING; the legacy README 7.2 status answer has its own values. See the spec.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from eko_digilocker import (
    ConsentState,
    EkoApiError,
    EkoAuthenticationError,
    EkoClient,
    EkoConsentDeniedError,
    EkoError,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoResponseError,
    EkoSessionExpiredError,
    EkoVerificationPendingError,
)
from eko_digilocker.responses import error_code, read_success
from eko_digilocker.settings import Settings
from eko_digilocker.spec import example, load_spec, operation, resolve
from eko_digilocker_client.models import (
    DigilockerDocumentPayload,
    DigilockerUrlSuccess,
    VerificationStatusPayload,
)
from tests.client.fakes import CREDENTIALS, Server, envelope, make_async_client, make_client

UNKNOWN = 999
# What each code means to a caller, written here independently of responses.ERROR_CODES.
ERRORS: dict[int, type[EkoApiError]] = {
    301: EkoApiError,
    319: EkoApiError,
    327: EkoVerificationPendingError,
    346: EkoApiError,
    461: EkoInvalidParamsError,
    463: EkoNotFoundError,
    UNKNOWN: EkoApiError,
}
FINAL = (301, 319, 346, 461, 463)


def in_status(code: int, **extra: Any) -> dict[str, Any]:
    """The corrected placement: the code in `status`."""
    return envelope(code, 1, f"error {code}", **extra)


def in_response_status_id(code: int, **extra: Any) -> dict[str, Any]:
    """The older placement: `status` 1, the code in `response_status_id`."""
    return envelope(1, code, f"error {code}", **extra)


PLACEMENTS = [in_status, in_response_status_id]
AUTHENTICATED = example("getDigilockerVerificationStatus", "authenticated", status="200")
LEGACY_AUTHENTICATED = example(
    "getDigilockerVerificationStatus", "authenticated_legacy", status="200"
)
EPS_PENDING = example("getDigilockerVerificationStatus", "pending", status="200")
UPSTREAM_PENDING = example("getDigilockerVerificationStatus", "pending_upstream", status="200")


def ok(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


@pytest.mark.parametrize("place", PLACEMENTS)
@pytest.mark.parametrize("code", sorted(ERRORS))
def test_every_code_in_either_place_gives_the_same_error(
    server: Server, client: EkoClient, code: int, place: Any
) -> None:
    server.answers = [ok(place(code))]
    for call in (
        lambda: client.create_digilocker_url("https://a.example/cb"),
        lambda: client.get_verification_status(7),
        lambda: client.get_document(7, "VER-1"),
    ):
        with pytest.raises(EkoApiError) as caught:
            call()
        assert type(caught.value) is ERRORS[code]
        assert caught.value.code == code
        assert caught.value.message == f"error {code}"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": 463, "response_status_id": 1}, 463),
        ({"status": 1, "response_status_id": 463}, 463),
        ({"status": 319, "response_status_id": 1, "response_type_id": -1}, 319),
        ({"status": 346, "response_status_id": 1, "response_type_id": 346}, 346),
        ({"status": 1, "response_status_id": -1}, None),  # eps.eko.in's pending
        ({"status": 1, "response_status_id": 1}, None),
        ({"status": 1, "response_status_id": 5}, None),  # "on hold": not a code
        ({"status": 1, "response_status_id": -2}, None),
        ({"status": 1}, None),
        ({"status": 0, "response_status_id": 0}, None),
        ({"status": True, "response_status_id": 463}, 463),
        ({"status": 1, "response_status_id": "463"}, None),
        ([], None),
    ],
)
def test_error_code_reads_either_place(body: Any, expected: int | None) -> None:
    assert error_code(body) == expected


@pytest.mark.parametrize("place", PLACEMENTS)
@pytest.mark.parametrize("code", [463, 319, 346])
def test_wait_for_consent_ends_at_once_on_a_final_code(
    server: Server, sleeps: list, code: int, place: Any
) -> None:
    server.answers = [ok(place(code)), ok(AUTHENTICATED)]
    with make_client(server, sleeps) as eko, pytest.raises(ERRORS[code]) as caught:
        eko.wait_for_consent(7, timeout=600, interval=3)
    assert caught.value.code == code
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.anyio
@pytest.mark.parametrize("place", PLACEMENTS)
async def test_async_wait_for_consent_ends_at_once_on_463(
    server: Server, sleeps: list, place: Any
) -> None:
    server.answers = [ok(place(463))]
    async with make_async_client(server, sleeps) as eko:
        with pytest.raises(EkoNotFoundError):
            await eko.wait_for_consent(7, timeout=600)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "pending",
    [in_status(327), in_response_status_id(327), EPS_PENDING, UPSTREAM_PENDING],
    ids=["327-in-status", "327-in-response_status_id", "eps-minus-1", "upstream-data-status"],
)
def test_every_pending_answer_is_waited_for(server: Server, sleeps: list, pending: Any) -> None:
    server.answers = [ok(pending), ok(pending), ok(AUTHENTICATED)]
    with make_client(server, sleeps) as eko:
        result = eko.wait_for_consent(7, timeout=60, interval=2)
    assert result.state is ConsentState.AUTHENTICATED
    assert sleeps == [2, 2]


def test_an_upstream_pending_success_is_not_a_success(server: Server, client: EkoClient) -> None:
    server.answers = [ok(UPSTREAM_PENDING)]
    with pytest.raises(EkoVerificationPendingError) as caught:
        client.get_verification_status(7)
    assert caught.value.status == 0
    assert caught.value.data == {"status": "PENDING"}


@pytest.mark.parametrize("field", ["status", "session_status"])
@pytest.mark.parametrize("state", ["EXPIRED", "CONSENT_DENIED"])
def test_a_closed_state_in_a_success_envelope_ends_the_wait(
    server: Server, sleeps: list, field: str, state: str
) -> None:
    body = {"status": 0, "message": "ok", "response_status_id": 0, "data": {field: state}}
    server.answers = [ok(body)]
    with make_client(server, sleeps) as eko:
        result = eko.wait_for_consent(7, timeout=60)
    assert result.state == state
    assert result.error is not None
    assert not result.authenticated


def test_the_legacy_status_answer_is_read_with_its_values_as_sent(
    server: Server, client: EkoClient, sleeps: list
) -> None:
    assert LEGACY_AUTHENTICATED["response_type_id"] == 1628
    server.answers = [ok(LEGACY_AUTHENTICATED)]
    data = client.get_verification_status(7)
    assert isinstance(data, VerificationStatusPayload)
    assert data.user_details
    details = data.user_details
    assert (details.name, details.dob, details.gender) == ("John Doe", "1990-05-15", "Male")
    assert (details.eaadhaar, details.mobile) == ("Available", "9876543210")
    assert data.document_consent == ["Y"]
    assert data.to_dict() == LEGACY_AUTHENTICATED["data"]
    result = client.wait_for_consent(7, timeout=60)
    assert result.state is ConsentState.AUTHENTICATED
    assert result.details == data


# What each documented 200 example must decode as, written out by hand.
EXAMPLES: dict[tuple[str, str], Any] = {
    ("createDigilockerUrl", "success"): DigilockerUrlSuccess,
    ("createDigilockerUrl", "success_legacy"): DigilockerUrlSuccess,
    ("createDigilockerUrl", "invalid_redirect_url"): EkoApiError,
    ("createDigilockerUrl", "invalid_redirect_url_legacy"): EkoApiError,
    ("createDigilockerUrl", "user_not_onboarded"): EkoApiError,
    ("createDigilockerUrl", "invalid_initiator"): EkoApiError,
    ("createDigilockerUrl", "client_ref_id_reused"): EkoApiError,
    ("createDigilockerUrl", "validation_error"): EkoInvalidParamsError,
    ("getDigilockerVerificationStatus", "authenticated"): VerificationStatusPayload,
    ("getDigilockerVerificationStatus", "authenticated_legacy"): VerificationStatusPayload,
    ("getDigilockerVerificationStatus", "pending"): EkoApiError,
    ("getDigilockerVerificationStatus", "invalid_reference"): EkoNotFoundError,  # by message
    ("getDigilockerVerificationStatus", "pending_upstream"): EkoVerificationPendingError,
    ("getDigilockerVerificationStatus", "pending_327"): EkoVerificationPendingError,
    ("getDigilockerVerificationStatus", "not_found_463"): EkoNotFoundError,
    ("getDigilockerVerificationStatus", "consent_denied"): EkoConsentDeniedError,
    ("getDigilockerVerificationStatus", "expired"): EkoSessionExpiredError,
    ("getDigilockerVerificationStatus", "validation_error"): EkoInvalidParamsError,
    ("getDigilockerDocument", "success"): DigilockerDocumentPayload,
    ("getDigilockerDocument", "pending"): EkoVerificationPendingError,
    ("getDigilockerDocument", "pending_legacy"): EkoVerificationPendingError,
    ("getDigilockerDocument", "not_found"): EkoNotFoundError,
    ("getDigilockerDocument", "not_found_legacy"): EkoNotFoundError,
    ("getDigilockerDocument", "consent_denied"): EkoConsentDeniedError,
    ("getDigilockerDocument", "expired"): EkoSessionExpiredError,
    ("getDigilockerDocument", "validation_error"): EkoInvalidParamsError,
}


def test_the_example_table_covers_every_documented_example() -> None:
    from eko_digilocker.spec import load_spec

    documented = {
        (op["operationId"], name)
        for item in load_spec()["paths"].values()
        for op in item.values()
        for name in op["responses"]["200"]["content"]["application/json"]["examples"]
    }
    assert documented == set(EXAMPLES)


@pytest.mark.parametrize(("operation_id", "name"), sorted(EXAMPLES))
def test_every_documented_example_decodes_as_intended(
    server: Server, client: EkoClient, operation_id: str, name: str
) -> None:
    body = example(operation_id, name, status="200")
    server.answers = [ok(body)]
    call = {
        "createDigilockerUrl": lambda: client.create_digilocker_url("https://a.example/cb"),
        "getDigilockerVerificationStatus": lambda: client.get_verification_status(7),
        "getDigilockerDocument": lambda: client.get_document(7, "VER-1", ["AADHAAR"]),
    }[operation_id]
    expected = EXAMPLES[(operation_id, name)]
    if issubclass(expected, Exception):
        with pytest.raises(EkoApiError) as caught:
            call()
        assert type(caught.value) is expected
        assert caught.value.message == body["message"]
    else:
        data = call()
        assert type(data) is expected
        assert data.to_dict() == body["data"]
    assert len(server.requests) == 1


# What each documented non-200 answer (the same shared responses on every operation) must
# raise, written out by hand.
HTTP_ERRORS: dict[str, type[Exception]] = {
    "403": EkoAuthenticationError,
    "404": EkoApiError,
    "405": EkoApiError,
    "413": EkoApiError,
    "415": EkoApiError,
    "500": EkoResponseError,
}
HTTP_EXAMPLES = [
    (op["operationId"], status, name)
    for item in load_spec()["paths"].values()
    for op in item.values()
    for status, response in op["responses"].items()
    if status != "200"
    for name in resolve(response)["content"]["application/json"]["examples"]
]


def test_every_non_200_example_is_listed() -> None:
    assert {status for _, status, _ in HTTP_EXAMPLES} == set(HTTP_ERRORS)
    assert ("getDigilockerDocument", "403", "bad_signature") in HTTP_EXAMPLES


@pytest.mark.parametrize(("operation_id", "status", "name"), HTTP_EXAMPLES)
def test_every_documented_http_error_example_raises_its_type(
    server: Server, client: EkoClient, operation_id: str, status: str, name: str
) -> None:
    body = example(operation_id, name, status=status)
    server.answers = [httpx.Response(int(status), json=body)]
    call = {
        "createDigilockerUrl": lambda: client.create_digilocker_url("https://a.example/cb"),
        "getDigilockerVerificationStatus": lambda: client.get_verification_status(7),
        "getDigilockerDocument": lambda: client.get_document(7, "VER-1", ["AADHAAR"]),
    }[operation_id]
    with pytest.raises(EkoError) as caught:
        call()
    assert type(caught.value) is HTTP_ERRORS[status]
    assert caught.value.http_status == int(status)  # type: ignore[attr-defined]
    if isinstance(caught.value, EkoApiError):
        assert caught.value.message == body["message"]
        assert caught.value.status == body["status"]
    assert len(server.requests) == (3 if status == "500" else 1)  # a 5xx is retried


def test_a_success_without_what_success_requires_is_refused(
    server: Server, client: EkoClient
) -> None:
    body = {"status": 0, "message": "ok", "response_status_id": 0, "data": {"url": "https://x.y"}}
    server.answers = [ok(body)]
    with pytest.raises(EkoResponseError, match="reference_id"):
        client.create_digilocker_url("https://a.example/cb")


def test_the_status_call_sends_a_json_content_type_and_no_user_code_unless_given(
    server: Server, sleeps: list
) -> None:
    server.answers = [ok(AUTHENTICATED)]
    options = {k: v for k, v in CREDENTIALS.items() if k != "user_code"}
    with EkoClient(
        **options,
        base_url="https://eko.test/v3",
        httpx_args={"transport": httpx.MockTransport(server)},
    ) as eko:
        eko.get_verification_status(7)
        eko.get_verification_status(7, user_code="20810200")
    first, second = server.requests
    assert first.headers["content-type"] == "application/json"
    assert "user_code" not in first.url.params
    assert first.url.params["reference_id"] == "7"
    assert second.url.params["user_code"] == "20810200"
    assert second.headers["content-type"] == "application/json"


def test_create_and_document_send_no_user_code_unless_given(server: Server, sleeps: list) -> None:
    # The legacy README 7.1/7.3 and eps-platform since b065763 list no user_code on these.
    server.answers = [ok(example("createDigilockerUrl", "success", status="200"))]
    options = {k: v for k, v in CREDENTIALS.items() if k != "user_code"}
    with EkoClient(
        **options,
        base_url="https://eko.test/v3",
        httpx_args={"transport": httpx.MockTransport(server)},
    ) as eko:
        eko.create_digilocker_url("https://a.example/cb")
        server.answers = [ok(example("getDigilockerDocument", "success", status="200"))]
        eko.get_document(7, "VER-1", ["AADHAAR"])
        eko.get_document(7, "VER-1", ["AADHAAR"], user_code="20810200")
    assert "user_code" not in server.body(0)
    assert "user_code" not in server.body(1)
    assert server.body(2)["user_code"] == "20810200"


def test_read_success_keeps_the_whole_envelope(server: Server, client: EkoClient) -> None:
    response = httpx.Response(200, json=LEGACY_AUTHENTICATED)
    answer = read_success(operation("getDigilockerVerificationStatus"), response)
    assert answer["message"] == "DigiLocker Verification Status Retrieved"
    assert answer["response_type_id"] == 1628
    assert answer == LEGACY_AUTHENTICATED


def test_a_500_is_retried_like_other_5xx_then_a_response_error(
    server: Server, sleeps: list
) -> None:
    server.answers = [httpx.Response(500, json=envelope(500, 1, "Internal Server Error"))]
    with make_client(server, sleeps, max_retries=2) as eko, pytest.raises(EkoResponseError) as e:
        eko.get_verification_status(7)
    assert e.value.http_status == 500
    assert len(server.requests) == 3


def test_production_with_the_legacy_port_can_be_chosen() -> None:
    settings = Settings.resolve(**CREDENTIALS, environment="production-25002", env={})
    assert settings.base_url == "https://api.eko.in:25002/ekoicici/v3"
    by_env = Settings.resolve(**CREDENTIALS, env={"EKO_ENVIRONMENT": "production-25002"})
    assert by_env.base_url == settings.base_url
    assert Settings.resolve(**CREDENTIALS, environment="production", env={}).base_url == (
        "https://api.eko.in/ekoicici/v3"
    )
