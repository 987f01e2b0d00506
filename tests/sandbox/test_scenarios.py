"""Scenario forcing: SCENARIO-<code> in client_ref_id on any operation, or eps_scenario=<code>
for an operation's documented errors, in each answer profile."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.helpers import CREATE, DOCUMENT, STATUS, Api, code, create_body, document_body

MESSAGES = {
    301: "Invalid redirect URL provided.",
    319: "Invalid Sender/Initiator",
    346: "Agent not allowed to this transaction",
    327: "Verification pending. Customer has not completed DigiLocker consent.",
    463: "Invalid reference ID. Please check and retry.",
}
BUSINESS_CODES = sorted(MESSAGES)


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


def assert_forced(api: Api, response: Any, forced: int) -> None:
    """The forced code, where the sandbox's profile puts it, with Eko's message."""
    answer = response.json()
    if forced == 403:
        assert response.status_code == 403
        assert (answer["status"], answer["response_status_id"]) == (403, 1)
        return
    assert response.status_code == 200
    placed = (forced, 1) if api.profile == "eps" else (1, forced)
    assert (answer["status"], answer["response_status_id"]) == placed, answer
    assert code(answer) == forced
    assert answer["message"] == MESSAGES[forced]
    assert answer["response_type_id"] == -1
    pending = {"session_status": "PENDING"}
    assert answer["data"] == (pending if forced == 327 else {})


@pytest.mark.parametrize("operation", ["create", "status", "document"])
@pytest.mark.parametrize("forced", [*BUSINESS_CODES, 403])
def test_client_ref_id_forces_a_scenario(profiled_api: Api, operation: str, forced: int) -> None:
    api = profiled_api
    assert_forced(api, call(api, operation, f"SCENARIO-{forced}"), forced)
    assert api.state()["sessions"] == 0


# Eko's mock (eps-mock-server match.ts) forces an operation's documented error; here the
# error examples of the operation's 200 answer in the spec.
DOCUMENTED = {"create": (301, 319, 346), "status": (327, 463), "document": (327, 463)}


@pytest.mark.parametrize(
    ("operation", "forced"), [(op, c) for op, codes in DOCUMENTED.items() for c in codes]
)
def test_eps_scenario_forces_a_documented_error(
    profiled_api: Api, operation: str, forced: int
) -> None:
    api = profiled_api
    assert_forced(api, call(api, operation, None, f"?eps_scenario={forced}"), forced)


def test_eps_scenario_minus_one_is_the_status_calls_pending_answer(profiled_api: Api) -> None:
    api = profiled_api
    answer = call(api, "status", None, "?eps_scenario=-1").json()
    if api.profile == "eps":
        assert (answer["status"], answer["response_status_id"]) == (1, -1)
    else:
        assert (answer["status"], answer["response_status_id"]) == (1, 327)
    assert answer["data"] == {"session_status": "PENDING"}


@pytest.mark.parametrize(
    ("operation", "value"),
    [
        ("create", "999"),
        ("create", "abc"),
        ("create", "327"),
        ("create", "403"),
        ("document", "301"),
    ],
)
def test_an_undocumented_eps_scenario_is_served_as_usual(
    api: Api, operation: str, value: str
) -> None:
    # Like Eko's mock: an unknown value falls back to the normal answer.
    answer = call(api, operation, None, f"?eps_scenario={value}").json()
    if operation == "create":
        assert answer["status"] == 0
    else:
        assert code(answer) == 463  # no such session: served by the operation itself
        assert answer["message"] == MESSAGES[463]


@pytest.mark.parametrize("operation", ["create", "status", "document"])
def test_an_unknown_scenario_is_a_validation_error(api: Api, operation: str) -> None:
    answer = call(api, operation, "SCENARIO-999").json()
    assert answer["status"] == 461
    message = answer["invalid_params"]["client_ref_id"]
    assert "unknown scenario '999'" in message
    assert "301" in message


def test_scenarios_need_a_signed_valid_request(api: Api) -> None:
    unsigned = api.request(
        "POST", CREATE, signed=False, json=create_body(client_ref_id="SCENARIO-301")
    )
    assert unsigned.status_code == 403
    assert "missing header" in unsigned.json()["message"]
    invalid = api.request("POST", CREATE, json={"client_ref_id": "SCENARIO-301"}).json()
    assert invalid["status"] == 461
