"""Issue 24, item 4: one way to steer the sandbox. One answer queue holds the forced answers
and the scheduled failures of every fault kind; `client_ref_id` is only the idempotency key
(`SCENARIO-` is a deprecated alias that warns); each type and each default is written once."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

import eko_digilocker_sandbox
from eko_digilocker_sandbox import SandboxConfig, control_client, state, steering
from eko_digilocker_sandbox.connections import ConnectionLimits
from eko_digilocker_sandbox.server import build_parser, config_from_args, limits_from_args
from eko_digilocker_sandbox.steering import AnswerQueue, ForcedScenario, QueueFull, ScheduledFailure
from tests.sandbox.helpers import (
    CREATE,
    STATUS,
    Api,
    code,
    create_body,
    signed_headers,
    status_params,
)

# --- the queue itself ---------------------------------------------------------------------


def test_both_kinds_share_one_queue_one_limit_and_one_id_sequence() -> None:
    queue = AnswerQueue(limit=3)
    forced = queue.force(463, None, None, 1)
    failure = queue.fail(1, 503, "createDigilockerUrl", "drop")
    queue.force(301, "createDigilockerUrl", None, 2)
    with pytest.raises(QueueFull, match="forced answers and scheduled failures together"):
        queue.fail(1, 503, None, "http_5xx")
    with pytest.raises(QueueFull):
        queue.force(463, None, None, 1)
    assert (forced.id, failure.id) == ("forced-1", "fail-2")
    assert [e.id for e in queue.entries(ForcedScenario)] == ["forced-1", "forced-3"]
    assert queue.entries(ScheduledFailure) == [failure]


def test_an_entry_counts_down_and_leaves_and_the_oldest_match_answers() -> None:
    queue = AnswerQueue()
    queue.force(301, "createDigilockerUrl", None, 2)
    queue.force(463, None, None, 1)
    assert queue.take(ForcedScenario, "getDigilockerDocument") is not None  # only 463 matches
    assert queue.take(ScheduledFailure, "createDigilockerUrl") is None  # another kind
    assert queue.take(ForcedScenario, "createDigilockerUrl").scenario == 301  # type: ignore[union-attr]
    assert queue.entries(ForcedScenario)[0].remaining == 1
    assert queue.take(ForcedScenario, "createDigilockerUrl") is not None
    assert queue.take(ForcedScenario, "createDigilockerUrl") is None
    assert queue.entries(ForcedScenario) == []


def test_clearing_one_kind_keeps_the_other() -> None:
    queue = AnswerQueue()
    queue.force(463, None, None, 1)
    failure = queue.fail(2, 502, None, "http_5xx")
    queue.clear(ForcedScenario)
    assert queue.entries(ScheduledFailure) == [failure]
    queue.clear()
    assert queue.entries(ScheduledFailure) == []


# --- each type defined once ---------------------------------------------------------------


def test_the_server_and_the_control_client_share_each_type() -> None:
    assert control_client.ForcedScenario is steering.ForcedScenario
    assert control_client.ScheduledFailure is steering.ScheduledFailure
    assert eko_digilocker_sandbox.ForcedScenario is steering.ForcedScenario
    assert eko_digilocker_sandbox.SandboxState is control_client.SandboxState
    assert not hasattr(state, "SandboxState")  # the server's own is ServerState
    entry = ScheduledFailure("fail-1", 503, None, 2, "html")
    assert ScheduledFailure.from_json(entry.to_json()) == entry
    forced = ForcedScenario("forced-1", 463, "getDigilockerDocument", None, 1)
    assert ForcedScenario.from_json(forced.to_json()) == forced


def test_a_failure_from_an_older_sandbox_reads_as_http_5xx() -> None:
    old = {"id": "fail-1", "http_status": 502, "operation": None, "remaining": 1}
    assert ScheduledFailure.from_json(old).fault == "http_5xx"


# --- each default written once ------------------------------------------------------------


def test_the_command_lines_defaults_are_the_dataclasses() -> None:
    args = build_parser().parse_args([])
    assert config_from_args(args) == SandboxConfig()
    assert limits_from_args(args) == ConnectionLimits()


def test_a_field_left_out_takes_the_control_documents_default(api: Api) -> None:
    schemas = control_client.control_spec()["components"]["schemas"]
    forced = api.control("POST", "scenarios", json={"scenario": 463})
    assert (
        forced.json()["remaining"] == schemas["ScenarioRequest"]["properties"]["times"]["default"]
    )
    failed = api.control("POST", "fail-next", json={"count": 1}).json()
    assert (
        failed["http_status"] == schemas["FailNextRequest"]["properties"]["http_status"]["default"]
    )
    assert failed["fault"] == schemas["FailureKind"]["default"]


# --- every fault kind, queued -------------------------------------------------------------


def _raw_create(api: Api) -> httpx.Response:
    return api.http.post(CREATE, json=create_body(), headers=signed_headers())


@pytest.mark.parametrize("fault", ["drop", "truncate"])
def test_a_queued_connection_fault_strikes_once_before_the_work(api: Api, fault: str) -> None:
    queued = api.control("POST", "fail-next", json={"count": 1, "fault": fault})
    assert queued.status_code == 201, queued.text
    assert queued.json()["fault"] == fault
    with pytest.raises(httpx.RemoteProtocolError):
        _raw_create(api)
    assert api.state()["sessions"] == 0  # before the operation: nothing was created
    assert api.create().json()["status"] == 0  # used up: the next one is served
    assert api.control("GET", "fail-next").json() == {"failures": []}


def test_a_queued_html_failure_answers_a_page_with_its_status(api: Api) -> None:
    api.control("POST", "fail-next", json={"count": 1, "fault": "html", "http_status": 502})
    answer = _raw_create(api)
    assert answer.status_code == 502
    assert answer.headers["content-type"].startswith("text/html")
    assert api.state()["sessions"] == 0


def test_an_unknown_fault_kind_is_refused(api: Api) -> None:
    refused = api.control("POST", "fail-next", json={"count": 1, "fault": "fire"})
    assert refused.status_code == 400
    assert "fault" in refused.json()["error"]


# --- client_ref_id is the idempotency key only ------------------------------------------


def test_scenario_prefix_still_forces_and_warns_that_it_is_deprecated(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="eko_digilocker_sandbox"):
        answer = api.create(client_ref_id="SCENARIO-301").json()
    assert answer["status"] == 301
    warned = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(warned) == 1, caplog.text
    assert "SandboxControl.force(301" in warned[0]
    assert api.state()["sessions"] == 0


def test_the_queue_answers_before_the_alias_and_eps_scenario(api: Api) -> None:
    api.control("POST", "scenarios", json={"scenario": 463, "operation": "createDigilockerUrl"})
    params: dict[str, Any] = status_params(7_000_001)
    assert api.create(client_ref_id="SCENARIO-301").json()["status"] == 463
    # Eko's own eps_scenario still asks a status call for its documented 327 (pending),
    # where the operation itself would answer 463 (no such session).
    answer = api.request("GET", STATUS, params={**params, "eps_scenario": "327"}).json()
    assert code(answer) == 327
    assert api.create().json()["status"] == 0  # no entry left, no alias: the operation


def test_a_forced_answer_matched_on_client_ref_id_warns(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="eko_digilocker_sandbox"):
        api.control("POST", "scenarios", json={"scenario": 319, "client_ref_id": "ONLY-ME"})
    assert "only the idempotency key" in caplog.text
    assert api.create(client_ref_id="ONLY-ME").json()["status"] == 319
