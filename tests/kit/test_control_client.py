"""SandboxControl / AsyncSandboxControl against the real sandbox over a socket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from eko_digilocker import (
    EkoApiError,
    EkoClient,
    EkoNotFoundError,
    EkoResponseError,
    EkoVerificationPendingError,
)
from eko_digilocker_sandbox import (
    UAT_TEST_ACCOUNT,
    AsyncSandboxControl,
    FaultSettings,
    ForcedScenario,
    SandboxControl,
    SandboxControlError,
    SandboxSession,
    ScheduledFailure,
)
from eko_digilocker_sandbox.control_client import (
    SandboxControlInputError,
    SandboxControlResponseError,
    control_operations,
    control_spec,
)

NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers there


def test_decisions_return_typed_sessions(
    control: SandboxControl, new_session: Callable[..., int]
) -> None:
    approved = control.approve(new_session("K-1"))
    assert isinstance(approved, SandboxSession)
    assert approved.session_status == "AUTHENTICATED"
    assert approved.client_ref_id == "K-1"
    assert approved.verification_id is not None
    assert approved.redirect_location is not None
    assert approved.verification_id in approved.redirect_location
    assert approved.document_requested == ("AADHAAR",)
    assert approved.expires_at > approved.created_at

    denied = control.deny(new_session())
    assert (denied.session_status, denied.verification_id) == ("CONSENT_DENIED", None)
    assert control.expire(new_session()).session_status == "EXPIRED"
    assert control.session(approved.reference_id) == approved


def test_refusals_are_typed(control: SandboxControl, new_session: Callable[..., int]) -> None:
    reference_id = new_session()
    control.approve(reference_id)
    with pytest.raises(SandboxControlError) as conflict:
        control.deny(reference_id)
    assert (conflict.value.status_code, conflict.value.operation_id) == (409, "denySession")
    with pytest.raises(SandboxControlError) as missing:
        control.approve(reference_id + 1000)
    assert missing.value.status_code == 404
    assert missing.value.message == "no such session"


def test_sessions_follow_the_cursor(
    control: SandboxControl, new_session: Callable[..., int]
) -> None:
    created = [new_session() for _ in range(5)]
    first = control.sessions_page(limit=2)
    assert [s.reference_id for s in first.sessions] == created[:2]
    assert first.next_cursor is not None

    assert [s.reference_id for s in control.sessions(page_size=2)] == created
    assert [s.reference_id for s in control.sessions()] == created
    assert control.sessions_page(limit=5).next_cursor is None


def test_sessions_asks_one_page_at_a_time(
    control: SandboxControl, new_session: Callable[..., int]
) -> None:
    for _ in range(3):
        new_session()
    pages: list[httpx.URL] = []
    control._http.event_hooks["request"].append(lambda request: pages.append(request.url))
    iterator = control.sessions(page_size=1)
    next(iterator)
    assert len(pages) == 1  # lazily: the second page is fetched only when reached
    assert len(list(iterator)) == 2
    assert [url.params.get("limit") for url in pages] == ["1", "1", "1"]
    assert "cursor" not in pages[0].params
    assert pages[1].params["cursor"] != pages[2].params["cursor"]


def test_bad_input_is_refused_before_sending() -> None:
    # Nothing listens at NOWHERE: an error other than SandboxControlInputError would
    # mean a request was attempted.
    with SandboxControl(NOWHERE) as control:
        for call in (
            lambda: control.sessions_page(limit=0),
            lambda: control.sessions_page(limit=1001),
            lambda: control.sessions_page(cursor=""),
            lambda: control.set_faults(http_5xx_probability=1.5),
            lambda: control.set_faults(no_such_setting=1),
            lambda: control.set_faults(timing="sometimes"),
            lambda: control.set_profile("staging"),
            lambda: control.force(463, times=0),
            lambda: control.force("463"),  # type: ignore[arg-type]
            lambda: control.force(463, client_ref_id=""),
            lambda: control.approve("1/../../reset"),  # type: ignore[arg-type]
            lambda: control.approve(True),
        ):
            with pytest.raises(SandboxControlInputError) as refused:
                call()
            assert refused.value.errors, refused.value
        with pytest.raises(httpx.ConnectError):
            control.state()  # the same client does send when the input is good


def test_the_server_refuses_what_the_spec_cannot_say(control: SandboxControl) -> None:
    with pytest.raises(SandboxControlError) as refused:
        control.force(999)  # not a forcible code: the sandbox's list, not the spec's
    assert refused.value.status_code == 400
    assert "forcible" in refused.value.message
    with pytest.raises(SandboxControlError):
        control.set_faults(http_5xx_probability=0.6, drop_probability=0.6)


def test_answers_are_checked_against_the_spec(sandbox: str) -> None:
    # /consent/... answers Eko-style HTML and JSON envelopes, never the control shapes.
    with (
        SandboxControl(f"{sandbox}/consent") as wrong,
        pytest.raises(SandboxControlResponseError) as caught,
    ):
        wrong.state()
    assert caught.value.response.status_code == 404
    assert "getState" in str(caught.value)


def test_forced_scenarios(
    control: SandboxControl, eko: EkoClient, new_session: Callable[..., int]
) -> None:
    reference_id = new_session()
    entry = control.force(463, operation="getDigilockerVerificationStatus", times=2)
    assert isinstance(entry, ForcedScenario)
    assert (entry.scenario, entry.remaining, entry.client_ref_id) == (463, 2, None)
    assert control.forced() == [entry]

    with pytest.raises(EkoNotFoundError):
        eko.get_verification_status(reference_id)
    assert control.forced()[0].remaining == 1
    control.clear_forced()
    assert control.forced() == []
    with pytest.raises(EkoVerificationPendingError):  # the queue no longer interferes
        eko.get_verification_status(reference_id)


def test_a_forced_scenario_can_wait_for_its_client_ref_id(
    control: SandboxControl, new_session: Callable[..., int]
) -> None:
    control.force(301, client_ref_id="ONLY-THIS")
    new_session("OTHER")  # not matched: created
    with pytest.raises(Exception, match="Invalid redirect URL"):
        new_session("ONLY-THIS")
    assert control.forced() == []


def test_faults(control: SandboxControl, eko: EkoClient) -> None:
    assert control.faults() == FaultSettings()
    settings = control.set_faults(http_5xx_probability=1.0, timing="before", seed=1)
    assert settings.http_5xx_probability == 1.0
    assert settings.enabled
    assert control.faults() == settings
    assert control.state().faults == settings
    with pytest.raises(EkoResponseError) as failed:
        eko.create_digilocker_url("https://app.example/cb")
    assert failed.value.http_status in (502, 503)
    assert control.clear_faults() == FaultSettings()
    eko.create_digilocker_url("https://app.example/cb")


def test_profile_and_reset(control: SandboxControl, new_session: Callable[..., int]) -> None:
    assert control.profile() == "eps"
    assert control.set_profile("legacy") == "legacy"
    assert control.state().profile == "legacy"
    new_session()
    control.force(463)
    control.set_faults(latency_probability=0.1)

    state = control.reset()

    assert (state.sessions, state.api_requests, state.profile) == (0, 0, "eps")
    assert state.faults == FaultSettings()
    assert control.forced() == []
    assert list(control.sessions()) == []


def test_every_operation_of_the_document_is_reachable() -> None:
    # The client is built on the document: each operation it calls exists there, and
    # every $ref in the bundled document resolves (a dangling one fails only when used).
    assert {
        "getState",
        "listSessions",
        "getSession",
        "approveSession",
        "denySession",
        "expireSession",
        "resetSandbox",
        "getFaults",
        "setFaults",
        "clearFaults",
        "getProfile",
        "setProfile",
        "forceScenario",
        "listScenarios",
        "clearScenarios",
        "failNext",
        "listScheduledFailures",
    } <= set(control_operations())

    spec = control_spec()

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in refs(value)]
        return []

    for ref in refs(spec):
        assert ref.startswith("#/"), ref
        target: object = spec
        for part in ref[2:].split("/"):
            assert isinstance(target, dict), ref
            assert part in target, ref
            target = target[part]


@pytest.mark.anyio
async def test_async_control(sandbox: str, new_session: Callable[..., int]) -> None:
    created = [new_session() for _ in range(3)]
    async with AsyncSandboxControl(sandbox) as control:
        assert [s.reference_id async for s in control.sessions(page_size=2)] == created
        assert (await control.approve(created[0])).session_status == "AUTHENTICATED"
        with pytest.raises(SandboxControlError):
            await control.deny(created[0])
        entry = await control.force(463, operation="getDigilockerDocument")
        assert await control.forced() == [entry]
        assert (await control.set_faults(seed=5)).seed == 5
        assert (await control.state()).sessions == 3
        assert (await control.reset()).sessions == 0
        assert await control.forced() == []


# --- issue 19, item 23: fail_next, deterministic failures ---------------------------


def test_fail_next_fails_exactly_the_next_count_matching_requests(
    control: SandboxControl, eko: EkoClient
) -> None:
    entry = control.fail_next(2, operation="createDigilockerUrl")
    assert entry == ScheduledFailure(entry.id, 503, "createDigilockerUrl", 2)
    assert control.scheduled_failures() == [entry]
    with pytest.raises(EkoResponseError) as first:
        eko.create_digilocker_url("https://app.example/cb")
    assert first.value.http_status == 503
    # Another operation in between is not counted: it gets its own answer.
    with pytest.raises(EkoApiError, match="Invalid reference_id"):
        eko.get_verification_status(7_999_999)
    assert control.scheduled_failures()[0].remaining == 1
    with pytest.raises(EkoResponseError):
        eko.create_digilocker_url("https://app.example/cb")
    eko.create_digilocker_url("https://app.example/cb")  # the third one goes through
    assert control.scheduled_failures() == []
    assert control.state().sessions == 1  # the failures struck before the operation ran


def test_fail_next_is_what_a_retrying_client_gets_past(
    control: SandboxControl, sandbox: str
) -> None:
    control.fail_next(2, http_status=502)
    with EkoClient(**UAT_TEST_ACCOUNT, base_url=sandbox, max_retries=2) as eko:
        eko.create_digilocker_url("https://app.example/cb")
        assert control.state().api_requests == 3
        control.fail_next(3)
        with pytest.raises(EkoResponseError) as failed:
            eko.create_digilocker_url("https://app.example/cb")
        assert failed.value.http_status == 503
    assert control.state().api_requests == 6  # 1 + 2 retries each time
    assert control.scheduled_failures() == []


def test_fail_next_ignores_the_fault_probabilities_and_takes_no_draw(
    control: SandboxControl, eko: EkoClient
) -> None:
    def outcomes() -> list[bool]:
        control.set_faults(http_5xx_probability=0.5, timing="before", seed=4)
        seen = []
        for _ in range(8):
            try:
                eko.get_verification_status(7_999_999)
            except EkoResponseError:
                seen.append(False)
            except EkoApiError:
                seen.append(True)
        return seen

    alone = outcomes()
    control.fail_next(1, operation="createDigilockerUrl")
    with pytest.raises(EkoResponseError):
        eko.create_digilocker_url("https://app.example/cb")
    assert outcomes() == alone  # the same seed, the same draws: fail_next took none


def test_fail_next_is_cleared_with_the_faults_and_by_a_reset(control: SandboxControl) -> None:
    control.fail_next(5)
    control.clear_faults()
    assert control.scheduled_failures() == []
    control.fail_next(5)
    control.reset()
    assert control.scheduled_failures() == []


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"count": 0}, "count"),
        ({"count": 1, "http_status": 404}, "http_status"),
        ({"count": 1, "http_status": 600}, "http_status"),
        ({"count": 1, "operation": ""}, "operation"),
    ],
)
def test_fail_next_input_the_document_refuses_is_not_sent(
    control: SandboxControl, arguments: dict[str, Any], said: str
) -> None:
    with pytest.raises(SandboxControlInputError, match=said):
        control.fail_next(**arguments)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({}, "count"),
        ({"count": 1, "operation": "noSuchOperation"}, "operation must be one of"),
        ({"count": 1, "retry": True}, "retry"),
        ({"count": "2"}, "count"),
        ([], "JSON object"),
    ],
)
def test_the_sandbox_refuses_a_bad_fail_next_body(sandbox: str, body: Any, said: str) -> None:
    answer = httpx.post(f"{sandbox}/_sandbox/fail-next", json=body, timeout=10)
    assert answer.status_code == 400
    assert said in answer.json()["error"]


def test_an_unknown_operation_is_refused_by_the_sandbox(control: SandboxControl) -> None:
    with pytest.raises(SandboxControlError) as refused:
        control.fail_next(1, operation="createDigilockerURL")
    assert refused.value.status_code == 400


@pytest.mark.anyio
async def test_async_fail_next(sandbox: str) -> None:
    async with AsyncSandboxControl(sandbox) as control:
        entry = await control.fail_next(1, http_status=599, operation="getDigilockerDocument")
        assert await control.scheduled_failures() == [entry]
        answer = httpx.get(f"{sandbox}/_sandbox/fail-next", timeout=10).json()
        assert answer == {"failures": [{**answer["failures"][0], "remaining": 1}]}
        await control.reset()
        assert await control.scheduled_failures() == []
