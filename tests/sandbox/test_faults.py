"""Fault injection: off by default, each kind observable, before or after the work, seeded."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from eko_digilocker_sandbox import FaultSettings, SandboxConfig
from eko_digilocker_sandbox.server import build_parser, config_from_args
from tests.sandbox.helpers import CREATE, Api, create_body, signed_headers, spec_errors


def set_faults(api: Api, **settings: Any) -> dict[str, Any]:
    response = api.control("PUT", "faults", json=settings)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def raw_create(api: Api, **overrides: Any) -> httpx.Response:
    """A create call that is not checked against the spec (faults break answers on purpose)."""
    return api.http.post(CREATE, json=create_body(**overrides), headers=signed_headers())


def sessions(api: Api) -> int:
    count: int = api.state()["sessions"]
    return count


def test_faults_are_off_by_default(api: Api) -> None:
    assert SandboxConfig().faults == FaultSettings()
    assert FaultSettings().enabled is False
    assert api.control("GET", "faults").json()["enabled"] is False
    for i in range(30):
        assert api.create(client_ref_id=f"OFF-{i}").json()["status"] == 0
    assert sessions(api) == 30


def observe(api: Api) -> str:
    """What the client sees of one create call under a certain fault."""
    try:
        response = raw_create(api)
    except httpx.RemoteProtocolError as exc:
        return (
            "truncated" if "incomplete" in str(exc) or "complete message" in str(exc) else "dropped"
        )
    if response.status_code in (502, 503):
        assert response.headers["retry-after"] == "0"
        return "5xx"
    if response.headers["content-type"].startswith("text/html"):
        assert response.status_code == 200
        assert response.text.startswith("<!DOCTYPE html>")
        return "html"
    return f"answer {response.status_code}"


@pytest.mark.parametrize(
    ("kind", "seen"),
    [("http_5xx", "5xx"), ("drop", "dropped"), ("truncate", "truncated"), ("html", "html")],
)
@pytest.mark.parametrize(("timing", "created"), [("before", 0), ("after", 1)])
def test_each_fault_is_observable_before_and_after_the_work(
    api: Api, kind: str, seen: str, timing: str, created: int
) -> None:
    set_faults(api, **{f"{kind}_probability": 1.0, "timing": timing})
    assert observe(api) == seen
    # "after": the session exists although the client never got its answer
    assert sessions(api) == created


def test_latency_delays_the_answer(api: Api) -> None:
    # A long delay, so that the answer without it stays far below even on a busy machine.
    set_faults(api, latency_probability=1.0, latency_ms=1000)
    started = time.perf_counter()
    assert api.create().json()["status"] == 0
    assert time.perf_counter() - started >= 1.0
    api.control("DELETE", "faults")
    started = time.perf_counter()
    assert api.create().json()["status"] == 0
    assert time.perf_counter() - started < 1.0


def test_faults_never_touch_the_control_surface_consent_pages_or_unknown_paths(api: Api) -> None:
    set_faults(api, drop_probability=1.0, timing="after")
    with pytest.raises(httpx.RemoteProtocolError):
        raw_create(api)
    (session,) = api.control("GET", "sessions").json()["sessions"]
    assert api.control("GET", "state").json()["faults"]["drop_probability"] == 1.0
    assert api.control("GET", "bare").status_code == 200
    assert api.control("GET", f"sessions/{session['reference_id']}").status_code == 200
    assert api.request("GET", "/not-an-api-path").status_code == 404


def test_reset_restores_the_runs_fault_settings(api: Api) -> None:
    set_faults(api, http_5xx_probability=1.0)
    api.control("POST", "reset")
    assert api.control("GET", "faults").json()["enabled"] is False
    assert api.create().json()["status"] == 0


def test_delete_switches_every_fault_off(api: Api) -> None:
    set_faults(api, html_probability=0.5, latency_probability=0.5, latency_ms=1)
    assert api.control("DELETE", "faults").json()["enabled"] is False


def _outcomes(api: Api, count: int) -> list[int]:
    return [raw_create(api).status_code for _ in range(count)]


def test_a_seed_makes_the_faults_repeatable(api: Api) -> None:
    set_faults(api, http_5xx_probability=0.5, timing="before", seed=1234)
    first = _outcomes(api, 30)
    set_faults(api, seed=1234)  # setting the seed again restarts the sequence
    second = _outcomes(api, 30)
    assert first == second
    assert set(first) == {200, 502, 503}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"drop_probability": 1.5}, "drop_probability must be between 0 and 1"),
        ({"drop_probability": "often"}, "drop_probability must be a number"),
        ({"drop_probability": 0.6, "html_probability": 0.6}, "sum to at most 1"),
        ({"timing": "sometimes"}, "timing must be one of"),
        ({"explode": True}, "unknown fault setting(s): explode"),
        ({"latency_ms": -1}, "latency_ms must be between"),
        ({"html_status": 99}, "html_status"),
        ({"seed": "x"}, "seed must be an integer"),
    ],
)
def test_bad_fault_settings_are_refused(api: Api, settings: dict[str, Any], message: str) -> None:
    response = api.control("PUT", "faults", json=settings)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert api.control("GET", "faults").json()["enabled"] is False


def test_a_non_object_fault_body_is_refused(api: Api) -> None:
    assert api.control("PUT", "faults", json=[1]).status_code == 400
    assert api.control("PUT", "faults", content=b"{not json").status_code == 400


def test_the_command_line_sets_faults() -> None:
    args = build_parser().parse_args(
        [
            "--fault-5xx", "0.1", "--fault-drop", "0.2", "--fault-truncate", "0.3",
            "--fault-html", "0.05", "--fault-latency", "0.5", "--fault-latency-ms", "20",
            "--fault-timing", "after", "--fault-seed", "9",
        ]
    )  # fmt: skip
    assert config_from_args(args).faults == FaultSettings(
        http_5xx_probability=0.1,
        drop_probability=0.2,
        truncate_probability=0.3,
        html_probability=0.05,
        latency_probability=0.5,
        latency_ms=20,
        timing="after",
        seed=9,
    )
    assert config_from_args(build_parser().parse_args([])).faults.enabled is False
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--fault-drop", "2"])


def test_a_retrying_client_creates_each_session_exactly_once(api: Api) -> None:
    """N creates with distinct client_ref_ids, retried on any failure with the same body:
    exactly N sessions, none lost, none duplicated -- though answers were lost both
    before and after the sessions were created."""
    set_faults(
        api,
        http_5xx_probability=0.15,
        drop_probability=0.15,
        truncate_probability=0.15,
        html_probability=0.15,
        timing="either",
        seed=42,
    )
    failures = 0
    reference_ids: dict[str, int] = {}
    for i in range(30):
        client_ref_id = f"RETRY-{i}"
        for _attempt in range(60):
            try:
                response = raw_create(api, client_ref_id=client_ref_id)
            except httpx.TransportError:
                failures += 1
                continue
            if response.status_code != 200 or not response.headers["content-type"].startswith(
                "application/json"
            ):
                failures += 1
                continue
            assert not spec_errors(CREATE, "POST", response)
            reference_ids[client_ref_id] = response.json()["data"]["reference_id"]
            break
    assert len(reference_ids) == 30
    assert failures > 10  # the faults did strike
    listed = api.control("GET", "sessions").json()
    assert len(listed["sessions"]) == 30
    assert {s["reference_id"] for s in listed["sessions"]} == set(reference_ids.values())
