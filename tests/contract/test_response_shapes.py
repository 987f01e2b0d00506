"""Any response shape the spec allows, and any bytes a gateway sends, give data or an EkoError."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eko_digilocker import EkoError
from eko_digilocker.client import EkoClient
from eko_digilocker.spec import operation
from tests.client.fakes import Server, make_client
from tests.contract.shapes import response_keys, responses, successes

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def call(eko: EkoClient, operation_id: str) -> Any:
    """Each client method, with valid input."""
    if operation_id == "createDigilockerUrl":
        return eko.create_digilocker_url("https://a.example/cb")
    if operation_id == "getDigilockerVerificationStatus":
        return eko.get_verification_status(1)
    return eko.get_document(1, "VER-1")


def success_model(operation_id: str) -> Any:
    from eko_digilocker_client import models

    builders = {
        "createDigilockerUrl": models.DigilockerUrlEnvelope,
        "getDigilockerVerificationStatus": models.VerificationStatusEnvelope,
        "getDigilockerDocument": models.DigilockerDocumentEnvelope,
    }
    return builders[operation_id]


@pytest.mark.parametrize(("operation_id", "status"), response_keys())
def test_every_documented_response_gives_data_or_an_eko_error(
    operation_id: str, status: str
) -> None:
    outcomes: set[str] = set()

    bodies = responses(operation_id, status)
    if status == "200":  # successes too, which random envelopes seldom are
        bodies = st.one_of(bodies, successes(operation_id))

    @FUZZ
    @given(body=bodies)
    def check(body: Any) -> None:
        server = Server([httpx.Response(int(status), json=body)])
        with make_client(server, [], max_retries=0) as eko:
            try:
                data = call(eko, operation_id)
            except EkoError as exc:
                outcomes.add(type(exc).__name__)
                return
        outcomes.add("data")
        # What the client returned is the generated model of the body's own `data`.
        assert body["status"] == 0
        assert data.to_dict() == body["data"]

    check()
    assert outcomes, "hypothesis drew no example"
    if status == "200":
        assert "data" in outcomes, f"no successful answer was generated: {outcomes}"


@pytest.mark.parametrize(("operation_id", "status"), [k for k in response_keys() if k[1] == "200"])
def test_valid_payloads_round_trip_through_the_generated_models(
    operation_id: str, status: str
) -> None:
    model = success_model(operation_id)
    validator = operation(operation_id).responses["200"]

    @FUZZ
    @given(body=responses(operation_id, status))
    def check(body: Any) -> None:
        if body.get("status") != 0 or not validator.is_valid(body):
            return
        assert model.from_dict(body).to_dict() == body

    check()


gateway_bodies = st.one_of(
    st.binary(max_size=2048),
    st.text(max_size=512).map(str.encode),
    st.sampled_from(
        [
            b"",
            b"<html><body>502 Bad Gateway</body></html>",
            b'{"status": 0, "data": {"reference_id": 1, "url": "https://x.y"',
            b"null",
            b"[]",
            b'{"status": 0}',
            b'{"status": 0, "data": null}',
            b"\xef\xbb\xbf{}",
            b"[" * 5000 + b"]" * 5000,
            json.dumps({"status": 10**400}).encode(),
        ]
    ),
)


@FUZZ
@given(
    status=st.sampled_from([200, 201, 204, 301, 400, 403, 404, 429, 500, 502, 503, 520, 599]),
    body=gateway_bodies,
    content_type=st.sampled_from(["application/json", "text/html", "text/plain", ""]),
)
def test_gateway_bytes_never_escape_as_other_exceptions(
    status: int, body: bytes, content_type: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    server = Server([httpx.Response(status, content=body, headers=headers)])
    with make_client(server, [], max_retries=0) as eko:
        for operation_id in ("createDigilockerUrl", "getDigilockerVerificationStatus"):
            with contextlib.suppress(EkoError):
                call(eko, operation_id)
