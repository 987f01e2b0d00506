"""Scenario forcing: SCENARIO-<id> in client_ref_id, or eps_scenario=<id>, on any operation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.helpers import CREATE, DOCUMENT, STATUS, Api, create_body, document_body

EXPECTED: dict[int, tuple[int, dict[str, Any]]] = {
    301: (
        200,
        {"status": 1, "response_status_id": 301, "message": "Invalid redirect URL provided."},
    ),
    319: (200, {"status": 1, "response_status_id": 319, "message": "Invalid initiator."}),
    346: (
        200,
        {
            "status": 1,
            "response_status_id": 346,
            "message": "User not onboarded for this service or wrong user_code.",
        },
    ),
    327: (200, {"status": 1, "response_status_id": 327, "data": {"session_status": "PENDING"}}),
    463: (200, {"status": 1, "response_status_id": 463, "data": {}}),
    403: (403, {"status": 403, "response_status_id": 1}),
}


def call(api: Api, operation: str, client_ref_id: str | None, query: str = "") -> Any:
    if operation == "create":
        return api.request("POST", CREATE + query, json=create_body(client_ref_id=client_ref_id))
    if operation == "document":
        body = document_body(7000001, "VER-1")
        if client_ref_id is not None:
            body["client_ref_id"] = client_ref_id
        return api.request("POST", DOCUMENT + query, json=body)
    params = "initiator_id=1&user_code=2&reference_id=7000001"
    if client_ref_id is not None:
        params += f"&client_ref_id={client_ref_id}"
    separator = "&" if query else ""
    return api.request("GET", f"{STATUS}?{params}{separator}{query.removeprefix('?')}")


def assert_forced(response: Any, code: int) -> None:
    http_status, fields = EXPECTED[code]
    assert response.status_code == http_status
    answer = response.json()
    for key, value in fields.items():
        assert answer[key] == value, (code, answer)
    assert answer["response_type_id"] == -1


@pytest.mark.parametrize("operation", ["create", "status", "document"])
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_client_ref_id_forces_a_scenario(api: Api, operation: str, code: int) -> None:
    assert_forced(call(api, operation, f"SCENARIO-{code}"), code)
    assert api.state()["sessions"] == 0


@pytest.mark.parametrize("operation", ["create", "status", "document"])
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_eps_scenario_query_parameter_forces_a_scenario(
    api: Api, operation: str, code: int
) -> None:
    assert_forced(call(api, operation, None, f"?eps_scenario={code}"), code)


@pytest.mark.parametrize("operation", ["create", "status", "document"])
def test_an_unknown_scenario_is_a_validation_error(api: Api, operation: str) -> None:
    answer = call(api, operation, "SCENARIO-999").json()
    assert answer["status"] == 461
    message = answer["invalid_params"]["client_ref_id"]
    assert "unknown scenario '999'" in message
    assert "301" in message


def test_an_unknown_eps_scenario_is_a_validation_error(api: Api) -> None:
    answer = call(api, "create", None, "?eps_scenario=abc").json()
    assert "eps_scenario" in answer["invalid_params"]


def test_scenarios_need_a_signed_valid_request(api: Api) -> None:
    unsigned = api.request(
        "POST", CREATE, signed=False, json=create_body(client_ref_id="SCENARIO-301")
    )
    assert unsigned.status_code == 403
    assert "missing header" in unsigned.json()["message"]
    invalid = api.request("POST", CREATE, json={"client_ref_id": "SCENARIO-301"}).json()
    assert invalid["status"] == 461
