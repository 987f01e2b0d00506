"""The control surface after issue 12: paginated listing, forced scenarios, profile,
one JSON parser for every body, JSON errors everywhere, IPv4-mapped loopback."""

from __future__ import annotations

import logging
import socket
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eko_digilocker.responses import error_code
from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from eko_digilocker_sandbox.control import is_loopback
from tests.sandbox.helpers import CREATE, Api, create_body, signed_headers

DEEP_JSON = b"[" * 5000 + b"]" * 5000


def _all_pages(api: Api, limit: int) -> list[list[int]]:
    pages: list[list[int]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        answer = api.control("GET", "sessions", params=params).json()
        pages.append([s["reference_id"] for s in answer["sessions"]])
        if answer["next_cursor"] is None:
            return pages
        params["cursor"] = answer["next_cursor"]


# --- GET /_sandbox/sessions -----------------------------------------------------------


def test_the_listing_pages_by_reference_id_with_an_opaque_cursor(api: Api) -> None:
    ids = [api.new_session(client_ref_id=f"PAGE-{i}")["reference_id"] for i in range(5)]
    assert _all_pages(api, 2) == [ids[0:2], ids[2:4], ids[4:5]]
    assert _all_pages(api, 5) == [ids]
    first = api.control("GET", "sessions").json()  # default limit 100: all five
    assert [s["reference_id"] for s in first["sessions"]] == ids
    assert first["next_cursor"] is None
    assert set(first["sessions"][0]) == {
        "reference_id",
        "client_ref_id",
        "session_status",
        "verification_id",
        "document_requested",
        "redirect_url",
        "redirect_location",
        "created_at",
        "expires_at",
    }


def test_an_empty_store_lists_nothing(api: Api) -> None:
    assert api.control("GET", "sessions").json() == {"sessions": [], "next_cursor": None}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": "ten"},
        {"limit": "-1"},
        {"cursor": "7000001"},
        {"cursor": "!!!"},
        {"cursor": "é"},
        {"cursor": "YWZ0ZXI6"},  # base64 of "after:" without digits
    ],
)
def test_a_bad_limit_or_cursor_is_a_json_400(api: Api, params: dict[str, str]) -> None:
    response = api.control("GET", "sessions", params=params)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


def test_a_page_body_stays_bounded_with_many_large_sessions(api: Api) -> None:
    long_url = "https://yourapp.example/" + "a" * 1900
    for i in range(30):
        api.new_session(client_ref_id=f"BIG-{i}", redirect_url=long_url)
    response = api.control("GET", "sessions", params={"limit": 10})
    assert len(response.json()["sessions"]) == 10
    assert len(response.content) < 10 * 5000


# --- no 500 on any path: one JSON parser -----------------------------------------------


def test_a_lone_surrogate_in_client_ref_id_is_refused_and_breaks_nothing(api: Api) -> None:
    body = create_body(client_ref_id="PLACEHOLDER")
    raw = httpx.Request("POST", "/", json=body).content.replace(b"PLACEHOLDER", b"\\udfff")
    response = api.request(
        "POST", CREATE, content=raw, headers={"content-type": "application/json"}
    )
    answer = response.json()
    assert answer["status"] == 461
    assert "surrogate" in answer["invalid_params"]["(body)"]
    assert api.state()["sessions"] == 0
    session = api.new_session()
    listing = api.control("GET", "sessions")
    assert listing.status_code == 200
    assert api.control("GET", f"sessions/{session['reference_id']}").status_code == 200
    assert api.control("POST", f"sessions/{session['reference_id']}/approve").status_code == 200


def test_a_valid_surrogate_pair_is_accepted(api: Api) -> None:
    body = create_body(client_ref_id="PLACEHOLDER")
    raw = httpx.Request("POST", "/", json=body).content.replace(b"PLACEHOLDER", b"\\ud83d\\ude00")
    response = api.request(
        "POST", CREATE, content=raw, headers={"content-type": "application/json"}
    )
    assert response.json()["status"] == 0
    assert api.control("GET", "sessions").json()["sessions"][0]["client_ref_id"] == "\U0001f600"


@pytest.mark.parametrize("path", ["faults", "profile", "scenarios"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (DEEP_JSON, "nested too deeply"),
        (b'{"profile": "\\udfff"}', "surrogate"),
        (b'{"\\ud800": 1}', "surrogate"),
        (b"{not json", "malformed JSON"),
        (b'{"a": NaN}', "malformed JSON"),
        (b"\xff\xfe", "UTF-8"),
        (b'{"a": "' + b"x" * 20000 + b'"}', "too large"),
        (b"[1, 2]", "JSON object"),
    ],
)
def test_every_control_body_goes_through_the_one_parser(
    api: Api, path: str, body: bytes, reason: str
) -> None:
    method = "POST" if path == "scenarios" else "PUT"
    response = api.control(method, path, content=body)
    assert response.status_code == 400, response.text
    assert reason in response.json()["error"]


def test_a_5000_deep_api_body_is_a_validation_envelope(api: Api) -> None:
    response = api.request(
        "POST", CREATE, content=DEEP_JSON, headers={"content-type": "application/json"}
    )
    assert response.json()["status"] == 461
    assert "nested too deeply" in response.json()["invalid_params"]["(body)"]


def test_a_method_a_control_route_lacks_is_a_json_405(api: Api) -> None:
    response = api.control("DELETE", "state")
    assert response.status_code == 405
    assert "error" in response.json()


# --- PUT /_sandbox/profile ---------------------------------------------------------------


def test_the_profile_switches_and_reset_restores_the_runs(api: Api) -> None:
    assert api.control("GET", "profile").json() == {"profile": "eps"}
    assert api.state()["profile"] == "eps"
    switched = api.control("PUT", "profile", json={"profile": "legacy"})
    assert switched.status_code == 200
    assert switched.json() == {"profile": "legacy"}
    assert api.state()["profile"] == "legacy"
    api.control("POST", "reset")
    assert api.control("GET", "profile").json() == {"profile": "eps"}


@pytest.mark.parametrize(
    "body", [{"profile": "prod"}, {"profile": 1}, {}, {"profile": "eps", "extra": 1}]
)
def test_an_unknown_profile_is_a_400(api: Api, body: dict[str, Any]) -> None:
    response = api.control("PUT", "profile", json=body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert api.control("GET", "profile").json() == {"profile": "eps"}


# --- POST /_sandbox/scenarios -------------------------------------------------------------


def test_a_queued_scenario_forces_the_next_matching_calls_only(api: Api) -> None:
    queued = api.control(
        "POST", "scenarios", json={"scenario": 346, "operation": "createDigilockerUrl", "times": 2}
    )
    assert queued.status_code == 201
    entry = queued.json()
    assert entry["scenario"] == 346
    assert entry["operation"] == "createDigilockerUrl"
    assert entry["client_ref_id"] is None
    assert entry["remaining"] == 2
    assert isinstance(entry["id"], str)
    assert error_code(api.status(7_000_001).json()) != 346  # another operation: not forced
    for _ in range(2):
        assert error_code(api.create().json()) == 346
    assert api.control("GET", "scenarios").json() == {"scenarios": []}
    assert api.create().json()["status"] == 0
    assert api.state()["sessions"] == 1


def test_a_queued_scenario_matches_on_client_ref_id_and_the_oldest_answers_first(
    api: Api,
) -> None:
    api.control("POST", "scenarios", json={"scenario": 319, "client_ref_id": "ONLY-ME"})
    api.control("POST", "scenarios", json={"scenario": 403})
    listed = api.control("GET", "scenarios").json()["scenarios"]
    assert [e["scenario"] for e in listed] == [319, 403]
    assert error_code(api.create(client_ref_id="ONLY-ME").json()) == 319
    assert api.create(client_ref_id="OTHER").status_code == 403
    assert api.create(client_ref_id="OTHER").json()["status"] == 0


def test_forced_scenarios_need_a_signed_valid_request_and_can_be_cleared(api: Api) -> None:
    api.control("POST", "scenarios", json={"scenario": 301, "times": 5})
    unsigned = api.request("POST", CREATE, signed=False, json=create_body())
    assert unsigned.status_code == 403
    invalid = api.create(document_requested=[])
    assert invalid.json()["status"] == 461
    assert api.control("GET", "scenarios").json()["scenarios"][0]["remaining"] == 5
    assert api.control("DELETE", "scenarios").json() == {"scenarios": []}
    assert api.create().json()["status"] == 0
    api.control("POST", "scenarios", json={"scenario": 301})
    api.control("POST", "reset")
    assert api.control("GET", "scenarios").json() == {"scenarios": []}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"scenario": 999},
        {"scenario": True},
        {"scenario": "463"},
        {"scenario": 463, "operation": "noSuchOperation"},
        {"scenario": 463, "times": 0},
        {"scenario": 463, "times": 1.5},
        {"scenario": 463, "client_ref_id": ""},
        {"scenario": 463, "colour": "red"},
    ],
)
def test_a_bad_forced_scenario_is_a_400(api: Api, body: dict[str, Any]) -> None:
    response = api.control("POST", "scenarios", json=body)
    assert response.status_code == 400
    assert "error" in response.json()
    assert api.control("GET", "scenarios").json() == {"scenarios": []}


# --- loopback -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a file:// page
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
    ],
)
def test_a_form_posted_by_another_site_s_page_is_refused(api: Api, headers: dict[str, str]) -> None:
    """What a web page in the developer's browser can send to localhost without a CORS
    preflight: a form POST with a text/plain body."""
    posted = api.control(
        "POST",
        "faults",
        content=b'{"drop_probability": 1}',
        headers={"content-type": "text/plain", **headers},
    )
    assert posted.status_code == 403
    assert "other sites" in posted.json()["error"]
    assert api.control("GET", "faults").json()["enabled"] is False


def test_the_sandbox_s_own_origin_and_a_typed_navigation_are_answered(api: Api) -> None:
    own = {"origin": api.base_url, "sec-fetch-site": "same-origin"}
    assert api.control("GET", "state", headers=own).status_code == 200
    assert api.control("GET", "state", headers={"sec-fetch-site": "none"}).status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", False),
        ("10.0.0.1", False),
        ("::ffff:7f00:1", True),
        ("", False),
        ("testclient", False),
    ],
)
def test_loopback_includes_ipv4_mapped_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- issue 19, item 18: DNS rebinding ------------------------------------------------

REBOUND = {"host": "rebind.example:8080", "origin": "http://rebind.example:8080",
           "sec-fetch-site": "same-origin"}  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "state", None),
        ("GET", "sessions", None),
        ("PUT", "faults", {"drop_probability": 1}),
        ("POST", "reset", None),
        ("POST", "scenarios", {"scenario": 463}),
        ("POST", "sessions/{reference_id}/approve", None),
        ("POST", "sessions/{reference_id}/expire", None),
    ],
)
def test_a_page_reached_through_dns_rebinding_cannot_drive_the_control_surface(
    api: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    """A page at rebind.example whose name now resolves to 127.0.0.1: a loopback peer,
    and same-origin by every header a browser sends; only `Host` names it."""
    reference_id = api.new_session()["reference_id"]
    answer = api.control(method, path.format(reference_id=reference_id), json=body, headers=REBOUND)
    assert answer.status_code == 403
    assert set(answer.json()) == {"error"}
    assert "rebind.example" in answer.json()["error"]
    state = api.state()  # nothing changed
    assert state["sessions"] == 1
    assert state["faults"]["enabled"] is False
    assert api.control("GET", "scenarios").json()["scenarios"] == []
    session = api.control("GET", f"sessions/{reference_id}").json()
    assert session["session_status"] == "PENDING"


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:1", "127.0.0.1", "127.1.2.3:9", "[::1]:80"]
)
def test_the_control_surface_answers_loopback_host_names(api: Api, host: str) -> None:
    assert api.control("GET", "state", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["sandbox.test.evil", "127.0.0.1.nip.io", "x@127.0.0.1", "[::2]", "localhost:99999999", ""],
)
def test_the_control_surface_refuses_other_host_names(api: Api, host: str) -> None:
    assert api.control("GET", "state", headers={"host": host}).status_code == 403


def test_the_public_base_url_s_host_is_answered_too() -> None:
    config = SandboxConfig(public_base_url="https://Sandbox.Test:8443/base")
    with running_sandbox(config) as url:
        for host, status in (
            ("sandbox.test:8443", 200),
            ("sandbox.test", 200),
            ("other.test", 403),
        ):
            answer = httpx.get(f"{url}/_sandbox/state", headers={"host": host}, timeout=10)
            assert answer.status_code == status, host


def test_a_dual_stack_sandbox_answers_an_ipv4_loopback_control_client() -> None:
    if not socket.has_ipv6:
        pytest.fail("this machine has no IPv6 socket support; the dual-stack test needs it")
    with running_sandbox(SandboxConfig(), host="::") as url:
        port = url.rsplit(":", 1)[1]
        response = httpx.get(f"http://127.0.0.1:{port}/_sandbox/state", timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["internal_errors"] == 0
        signed = httpx.post(
            f"http://127.0.0.1:{port}{CREATE}", json=create_body(), headers=signed_headers()
        )
        assert signed.json()["status"] == 0


# --- a bug anywhere is an envelope, counted ---------------------------------------------


def _broken(*args: object) -> object:
    raise RuntimeError("a sandbox bug")


def test_an_exception_outside_the_api_is_an_envelope_and_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eko_digilocker_sandbox import consent, control

    with running_sandbox(SandboxConfig()) as url:
        api = Api(url)
        try:
            api.new_session()
            api.new_session()
            monkeypatch.setattr(control, "encode_cursor", _broken)
            monkeypatch.setattr(consent, "_not_found", _broken)
            for response in (
                api.control("GET", "sessions", params={"limit": 1}),
                api.http.get("/consent/1", params={"token": "x"}),
            ):
                assert response.status_code == 200
                answer = response.json()
                assert answer["status"] == 500
                assert "internal error" in answer["message"]
            assert api.state()["internal_errors"] == 2
        finally:
            api.close()


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "PATCH"])
def test_an_unknown_control_route_is_a_json_404(api: Api, method: str) -> None:
    response = api.control(method, "no/such/route")
    assert response.status_code == 404
    assert response.json() == {"error": "no such control route"}


# --- a hostile control client -------------------------------------------------------------

_ROUTES = [("PUT", "faults"), ("POST", "faults"), ("POST", "scenarios"), ("PUT", "profile")]
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
_FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(route=st.sampled_from(_ROUTES), body=_JSON)
def test_random_json_on_the_control_surface_is_answered_in_json(
    api: Api, route: tuple[str, str], body: object
) -> None:
    response = api.control(route[0], route[1], json=body)
    assert response.status_code in (200, 201, 400), response.text
    assert isinstance(response.json(), dict)


@_FUZZ
@given(route=st.sampled_from(_ROUTES), body=st.binary(max_size=200))
def test_random_bytes_on_the_control_surface_are_answered_in_json(
    api: Api, route: tuple[str, str], body: bytes
) -> None:
    response = api.control(route[0], route[1], content=body)
    assert response.status_code in (200, 201, 400), response.text
    assert isinstance(response.json(), dict)


# --- issue 19, item 19: digit strings int() refuses -------------------------------------

LONG_ID = "9" * 4301


@pytest.mark.parametrize(
    ("method", "path", "reference_id"),
    [
        ("GET", "sessions/{}", LONG_ID),
        ("POST", "sessions/{}/approve", LONG_ID),
        ("POST", "sessions/{}/deny", LONG_ID),
        ("POST", "sessions/{}/expire", LONG_ID),
        ("GET", "sessions/{}", "1" * 19),
    ],
    ids=["get", "approve", "deny", "expire", "19-digits"],
)
def test_a_reference_id_too_long_to_be_one_is_no_such_session(
    api: Api, method: str, path: str, reference_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = api.control(method, path.format(reference_id))
    assert (answer.status_code, answer.json()) == (404, {"error": "no such session"})
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    # `api` asserts afterwards that the sandbox counted no internal error


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_consent_link_with_a_reference_id_too_long_to_be_one_is_unknown(
    api: Api, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = api.http.request(method, f"/consent/{LONG_ID}", params={"token": "t"})
    assert answer.status_code == 404
    assert "This consent link is unknown." in answer.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
