"""Valid input always yields a spec-valid, correctly signed wire request; invalid input
never leaves the process."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from eko_digilocker import EkoClient, EkoError, EkoValidationError
from eko_digilocker.spec import load_spec
from tests.client.fakes import CREDENTIALS, Server, make_client
from tests.client.test_signing import verify
from tests.contract.shapes import query_parameters, reference_validator, request_bodies

CREATE = ("/tools/kyc/digilocker", "POST")
STATUS = ("/tools/kyc/digilocker/status", "GET")
DOCUMENT = ("/tools/kyc/digilocker/document", "POST")
# Fields the client fills in when not given (settings, the spec's default, the session's).
DEFAULTED = ("user_code", "document_requested", "document_type")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def client_for(server: Server, initiator_id: str) -> EkoClient:
    eko = make_client(server, [])
    object.__setattr__(eko.settings, "initiator_id", initiator_id)
    return eko


def send(path_method: tuple[str, str], values: dict[str, Any], server: Server) -> None:
    """Call the client method for an operation with the given wire-level field values."""
    with client_for(server, values.get("initiator_id", CREDENTIALS["initiator_id"])) as eko:
        if path_method == CREATE:
            eko.create_digilocker_url(
                values.get("redirect_url"),
                values.get("document_requested"),
                values.get("client_ref_id"),
                values.get("user_code"),
            )
        elif path_method == STATUS:
            eko.get_verification_status(
                values.get("reference_id"),
                values.get("client_ref_id"),
                values.get("user_code"),
            )
        else:
            eko.get_document(
                values.get("reference_id"),
                values.get("verification_id"),
                values.get("document_type"),
                values.get("client_ref_id"),
                values.get("user_code"),
            )


def spec_operation(path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = load_spec()["paths"][path][method.lower()]
    return op


def assert_wire_request_matches_spec(server: Server, path: str, method: str) -> None:
    (request,) = server.requests
    op = spec_operation(path, method)
    assert request.method == method
    assert request.url.path.endswith(path)
    if "requestBody" in op:
        media = op["requestBody"]["content"]["application/json"]
        assert request.headers["content-type"] == "application/json"
        errors = list(reference_validator(media["schema"]).iter_errors(json.loads(request.content)))
        assert not errors, errors
    else:
        params = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        for parameter in op["parameters"]:
            if parameter.get("required"):
                assert parameter["name"] in params
        assert int(params["reference_id"]) >= 1
    assert request.headers["developer_key"] == CREDENTIALS["developer_key"]
    assert verify(
        CREDENTIALS["access_key"],
        request.headers["secret-key-timestamp"],
        request.headers["secret-key"],
    )


def assert_valid_input_is_sent_as_the_spec_says(path_method: tuple[str, str], values: Any) -> None:
    server = Server()
    try:
        send(path_method, values, server)
    except EkoValidationError as exc:  # pragma: no cover - a failure to report
        raise AssertionError(f"valid input rejected: {exc}") from exc
    except EkoError:  # the fake's canned answer may not suit the call; the request matters
        pass
    assert_wire_request_matches_spec(server, *path_method)


@pytest.mark.parametrize("path_method", [CREATE, DOCUMENT])
def test_valid_bodies_make_valid_signed_requests(path_method: tuple[str, str]) -> None:
    given(body=request_bodies(*path_method))(
        lambda body: assert_valid_input_is_sent_as_the_spec_says(path_method, body)
    )()


def test_valid_status_queries_make_valid_signed_requests() -> None:
    given(query=query_parameters(*STATUS))(
        lambda query: assert_valid_input_is_sent_as_the_spec_says(STATUS, query)
    )()


FIELDS = {
    CREATE: ["user_code", "client_ref_id", "document_requested", "redirect_url"],
    DOCUMENT: ["user_code", "client_ref_id", "document_type", "verification_id", "reference_id"],
}


@pytest.mark.parametrize("path_method", [CREATE, DOCUMENT])
def test_invalid_bodies_raise_before_sending(path_method: tuple[str, str]) -> None:
    op = spec_operation(*path_method)
    validator = reference_validator(op["requestBody"]["content"]["application/json"]["schema"])

    @given(
        body=request_bodies(*path_method),
        field=st.sampled_from(FIELDS[path_method]),
        value=json_values,
    )
    def check(body: dict[str, Any], field: str, value: Any) -> None:
        # None means "not given": these then fall back to the client's defaults.
        assume(not (value is None and field in DEFAULTED))
        broken = {**body, field: value}
        if value is None:
            del broken[field]
        if field == "reference_id" and type(value) is int:
            broken[field] = str(value)  # the client sends an int reference_id as a string
        assume(not validator.is_valid(broken))
        server = Server()
        with pytest.raises(EkoValidationError):
            send(path_method, {**body, field: value}, server)
        assert server.requests == []

    check()


def test_invalid_status_queries_raise_before_sending() -> None:
    @given(
        query=query_parameters(*STATUS),
        field=st.sampled_from(["user_code", "client_ref_id", "reference_id"]),
        value=json_values,
    )
    def check(query: dict[str, Any], field: str, value: Any) -> None:
        schema = {p["name"]: p["schema"] for p in spec_operation(*STATUS)["parameters"]}
        if value is None:  # not given: only the required reference_id has no default
            assume(field == "reference_id")
        else:
            assume(not reference_validator(schema[field]).is_valid(value))
        server = Server()
        with pytest.raises(EkoValidationError):
            send(STATUS, {**query, field: value}, server)
        assert server.requests == []

    check()
