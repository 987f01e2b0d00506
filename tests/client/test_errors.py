"""Every answer a server can give maps to the data or to one typed EkoError."""

import httpx
import pytest

from eko_digilocker import (
    EkoApiError,
    EkoAuthenticationError,
    EkoClient,
    EkoConnectionError,
    EkoError,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoResponseError,
    EkoTimeoutError,
    EkoVerificationPendingError,
)
from tests.client.fakes import Server, envelope

GOOD_URL = "https://a.example/cb"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (httpx.Response(200, json=envelope(1, 327)), EkoVerificationPendingError),
        (httpx.Response(200, json=envelope(1, 463)), EkoNotFoundError),
        (httpx.Response(200, json=envelope(1, 301)), EkoApiError),
        (httpx.Response(200, json=envelope(1, 346)), EkoApiError),
        (
            httpx.Response(200, json=envelope(461, 1, invalid_params={"redirect_url": "bad"})),
            EkoInvalidParamsError,
        ),
        (httpx.Response(403, json=envelope(403, 1, "bad signature")), EkoAuthenticationError),
        (httpx.Response(403, text="<html>Forbidden</html>"), EkoAuthenticationError),
        (httpx.Response(404, json=envelope(404, 1)), EkoApiError),
        (httpx.Response(415, json=envelope(415, 1)), EkoApiError),
        (httpx.Response(200, text="<html>gateway</html>"), EkoResponseError),
        (httpx.Response(200, content=b""), EkoResponseError),
        (httpx.Response(200, content=b'{"status": 0, "data": {"refer'), EkoResponseError),
        (httpx.Response(200, content=b"\xff\xfe\x00garbage"), EkoResponseError),
        (httpx.Response(200, json=[1, 2, 3]), EkoResponseError),
        (httpx.Response(200, json={"status": "0"}), EkoResponseError),
        (httpx.Response(200, json={"message": "no status"}), EkoResponseError),
        (httpx.Response(200, json={"status": 0, "data": {}}), EkoResponseError),
        (
            httpx.Response(200, json={"status": 0, "data": {"reference_id": "x", "url": "u"}}),
            EkoResponseError,
        ),
        (httpx.Response(200, json={"status": 0, "data": []}), EkoResponseError),
        (httpx.Response(201, json={"status": 0, "data": {}}), EkoResponseError),
        (httpx.Response(520, text="origin error"), EkoResponseError),
        (httpx.Response(500, json=envelope(500, 1)), EkoResponseError),
        (httpx.Response(302, headers={"location": "/elsewhere"}), EkoResponseError),
        (httpx.Response(200, content=b"[" * 100_000), EkoResponseError),
        (httpx.ConnectError("refused"), EkoConnectionError),
        (httpx.ReadTimeout("slow"), EkoTimeoutError),
        (httpx.RemoteProtocolError("dropped"), EkoConnectionError),
    ],
)
def test_answer_maps_to_a_typed_error(
    client: EkoClient, server: Server, answer: object, error: type[EkoError]
) -> None:
    server.answers = [answer]
    with pytest.raises(error) as caught:
        client.create_digilocker_url(GOOD_URL, max_retries=0)
    assert type(caught.value) is error


def test_api_error_keeps_everything_eko_said(client: EkoClient, server: Server) -> None:
    body = envelope(461, 1, "Invalid parameters", invalid_params={"user_code": "unknown"})
    server.answers = [httpx.Response(200, json=body)]
    with pytest.raises(EkoInvalidParamsError) as caught:
        client.create_digilocker_url(GOOD_URL)
    error = caught.value
    assert (error.http_status, error.status, error.response_status_id) == (200, 461, 1)
    assert error.response_type_id == -1
    assert error.message == "Invalid parameters"
    assert error.invalid_params == {"user_code": "unknown"}
    assert error.data == {}
    assert '"invalid_params"' in error.body


def test_response_error_keeps_status_and_an_excerpt(client: EkoClient, server: Server) -> None:
    page = "<html>" + "x" * 5000 + "</html>"
    server.answers = [httpx.Response(520, text=page)]
    with pytest.raises(EkoResponseError) as caught:
        client.create_digilocker_url(GOOD_URL)
    assert caught.value.http_status == 520
    assert caught.value.body == page[:2000]  # an excerpt: bodies can be up to the read limit
    assert len(str(caught.value)) < 400


def test_every_error_is_an_eko_error() -> None:
    for cls in (
        EkoApiError,
        EkoAuthenticationError,
        EkoInvalidParamsError,
        EkoNotFoundError,
        EkoResponseError,
        EkoTimeoutError,
        EkoVerificationPendingError,
    ):
        assert issubclass(cls, EkoError)
    assert issubclass(EkoTimeoutError, EkoConnectionError)


def test_document_whose_verification_is_pending_is_no_success(
    client: EkoClient, server: Server
) -> None:
    # Eko documents verification_status as SUCCESS or PENDING; with PENDING the documents
    # are empty or partial, so handing them over as a success would be a false KYC pass.
    data = {"verification_status": "PENDING", "documents": []}
    server.answers = [httpx.Response(200, json={"status": 0, "message": "ok", "data": data})]
    with pytest.raises(EkoVerificationPendingError) as caught:
        client.get_document(1, "VER-1", ["AADHAAR"], max_retries=0)
    assert (caught.value.code, caught.value.status, caught.value.data) == (None, 0, data)
