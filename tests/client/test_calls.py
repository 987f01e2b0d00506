"""What the client sends, and what it returns, for each call."""

from urllib.parse import parse_qs

import httpx
import pytest

from eko_digilocker import EkoClient, EkoValidationError
from eko_digilocker_client.api.digilocker import (
    create_digilocker_url,
    get_digilocker_verification_status,
)
from eko_digilocker_client.models import (
    CreateDigilockerUrlRequest,
    DigilockerUrlEnvelope,
    DigilockerUrlSuccess,
    DocumentType,
)
from tests.client.fakes import BASE_URL, CREATED, CREDENTIALS, Server, envelope
from tests.client.test_signing import verify

STATUS = {
    "status": 0,
    "message": "ok",
    "response_status_id": 0,
    "response_type_id": 1389,
    "data": {
        "session_status": "AUTHENTICATED",
        "user_details": {"name": "A", "dob": "01-01-1990", "gender": "F"},
        "document_requested": ["AADHAAR"],
        "document_consent": [{"document_type": "AADHAAR", "consent": "Y"}],
        "extra_field_from_the_future": {"kept": True},
    },
}
DOCUMENT = {
    "status": 0,
    "message": "ok",
    "response_status_id": 0,
    "response_type_id": 1388,
    "data": {
        "verification_status": "SUCCESS",
        "documents": [{"document_type": "AADHAAR", "masked_aadhaar": "XXXX-XXXX-2345"}],
    },
}


def test_create_sends_the_spec_request_and_returns_the_data(
    client: EkoClient, server: Server
) -> None:
    data = client.create_digilocker_url("https://yourapp.com/kyc/callback", client_ref_id="R-1")
    assert isinstance(data, DigilockerUrlSuccess)
    assert data.reference_id == 7483920
    assert data.url == "https://digilocker.gov.in/auth?session_id=abc123xyz"
    request = server.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/tools/kyc/digilocker"
    assert request.headers["content-type"] == "application/json"
    assert server.body() == {
        "initiator_id": "9962981729",
        "user_code": "20810200",
        "client_ref_id": "R-1",
        "document_requested": ["AADHAAR"],
        "redirect_url": "https://yourapp.com/kyc/callback",
    }
    assert verify(
        "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
        request.headers["secret-key-timestamp"],
        request.headers["secret-key"],
    )


def test_per_call_user_code_and_documents(client: EkoClient, server: Server) -> None:
    client.create_digilocker_url("https://a.example/cb", ["AADHAAR", "PAN"], user_code="999")
    body = server.body()
    assert body["user_code"] == "999"
    assert body["document_requested"] == ["AADHAAR", "PAN"]


def test_status_sends_query_parameters(client: EkoClient, server: Server) -> None:
    server.answers = [httpx.Response(200, json=STATUS)]
    data = client.get_verification_status(7483920)
    request = server.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/v3/tools/kyc/digilocker/status"
    assert parse_qs(request.url.query.decode()) == {
        "initiator_id": ["9962981729"],
        "user_code": ["20810200"],
        "reference_id": ["7483920"],
    }
    assert data.session_status == "AUTHENTICATED"
    assert data.user_details
    assert data.user_details.name == "A"
    assert data.additional_properties["extra_field_from_the_future"] == {"kept": True}


def test_document_sends_reference_id_as_the_string_the_spec_asks_for(
    client: EkoClient, server: Server
) -> None:
    server.answers = [httpx.Response(200, json=DOCUMENT)]
    data = client.get_document(7483920, "VER-1")
    assert server.body()["reference_id"] == "7483920"
    assert server.body()["document_type"] == ["AADHAAR"]
    assert data.documents
    assert data.documents[0].masked_aadhaar == "XXXX-XXXX-2345"


def test_generated_functions_are_reachable_and_signed(client: EkoClient, server: Server) -> None:
    body = CreateDigilockerUrlRequest(
        initiator_id="9962981729",
        user_code="20810200",
        document_requested=[DocumentType.AADHAAR],
        redirect_url="https://a.example/cb",
    )
    answer = create_digilocker_url.sync(client=client.generated, body=body)
    assert isinstance(answer, DigilockerUrlEnvelope)
    headers = server.requests[0].headers
    assert verify(
        "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
        headers["secret-key-timestamp"],
        headers["secret-key"],
    )


def test_invalid_input_lists_every_field_and_sends_nothing(
    client: EkoClient, server: Server
) -> None:
    with pytest.raises(EkoValidationError) as caught:
        client.create_digilocker_url("not a url", [], client_ref_id="X" * 21)
    assert set(caught.value.fields) == {"redirect_url", "document_requested", "client_ref_id"}
    assert "client_ref_id" in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda c: c.create_digilocker_url("https://a.example", ["PASSPORT"]),
            "document_requested.0",
        ),
        (lambda c: c.create_digilocker_url(123), "redirect_url"),
        (lambda c: c.create_digilocker_url("https://a.example", "AADHAAR"), "document_requested"),
        (lambda c: c.get_verification_status("7483920x"), "reference_id"),
        (lambda c: c.get_verification_status(" "), "reference_id"),
        (lambda c: c.get_document("", "V", ["AADHAAR"]), "reference_id"),
        (lambda c: c.get_verification_status(0), "reference_id"),
        (lambda c: c.get_verification_status(True), "reference_id"),
        (lambda c: c.get_document(1, ""), "verification_id"),
        (lambda c: c.get_document(1, "V", []), "document_type"),
    ],
)
def test_each_invalid_field_is_named(client: EkoClient, server: Server, call, field) -> None:
    with pytest.raises(EkoValidationError) as caught:
        call(client)
    assert field in caught.value.fields
    assert server.requests == []


def test_an_empty_user_code_is_a_validation_error(server: Server) -> None:
    # user_code is optional (the spec says why), but one that is sent must not be empty.
    options = {k: v for k, v in CREDENTIALS.items() if k != "user_code"}
    with (
        EkoClient(
            **options, base_url=BASE_URL, httpx_args={"transport": httpx.MockTransport(server)}
        ) as eko,
        pytest.raises(EkoValidationError) as caught,
    ):
        eko.create_digilocker_url("https://a.example", user_code="")
    assert caught.value.fields == ["user_code"]
    assert server.requests == []


def test_business_error_is_not_the_data(client: EkoClient, server: Server) -> None:
    server.answers = [httpx.Response(200, json=envelope(1, 301, "Invalid redirect URL provided."))]
    with pytest.raises(Exception, match="Invalid redirect URL provided"):
        client.create_digilocker_url("https://a.example")
    assert len(server.requests) == 1


def test_created_example_round_trips() -> None:
    model = DigilockerUrlEnvelope.from_dict(CREATED)
    assert model.to_dict() == CREATED


def test_any_iterable_of_documents_is_a_list_on_the_wire(client: EkoClient, server: Server) -> None:
    client.create_digilocker_url("https://a.example/cb", (d for d in ["AADHAAR"]))
    assert server.body()["document_requested"] == ["AADHAAR"]
    client.create_digilocker_url("https://a.example/cb", {"PAN"})
    assert server.body()["document_requested"] == ["PAN"]


def test_values_json_cannot_carry_are_named(client: EkoClient, server: Server) -> None:
    with pytest.raises(EkoValidationError) as caught:
        client.get_document(b"7483920", "VER-1")
    assert caught.value.fields == ["reference_id"]
    with pytest.raises(EkoValidationError) as caught:
        client.create_digilocker_url("https://a.example/cb", [object()])
    assert caught.value.fields == ["document_requested"]
    assert server.requests == []


def test_an_integral_float_reference_id_is_sent_as_an_integer(
    client: EkoClient, server: Server
) -> None:
    server.answers = [httpx.Response(200, json=STATUS)]
    client.get_verification_status(7483920.0)
    assert parse_qs(server.requests[0].url.query.decode())["reference_id"] == ["7483920"]
    server.answers = [httpx.Response(200, json=DOCUMENT)]
    client.get_document(7483920.0, "VER-1")
    assert server.body()["reference_id"] == "7483920"


def test_generated_functions_of_the_other_kind_fail_clearly(client: EkoClient) -> None:
    import asyncio

    from eko_digilocker import EkoConfigurationError

    call = get_digilocker_verification_status.asyncio(
        client=client.generated, initiator_id="1", user_code="2", reference_id=3
    )
    with pytest.raises(EkoConfigurationError, match="AsyncEkoClient"):
        asyncio.run(call)
