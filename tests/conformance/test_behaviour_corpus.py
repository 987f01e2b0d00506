"""The behaviour and redirects corpora themselves: their shape, and that they cover
what the spec's client policy decides (tests/vectors/behaviour.json, redirects.json;
format: docs/conformance.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eko_digilocker.spec import load_spec

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
BEHAVIOUR = json.loads((VECTORS / "behaviour.json").read_text(encoding="utf-8"))
REDIRECTS = json.loads((VECTORS / "redirects.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = BEHAVIOUR["cases"]
OUTCOMES = {
    "success",
    "business_error",
    "pending",
    "malformed",
    "http_error",
    "timeout",
    "connection_error",
    "too_large",
    "invalid_input",
}
BODIES = {"json", "text", "bytes", "gzip_bomb", "body_text"}
STEP_KEYS = BODIES | {
    "status",
    "headers",
    "gzip",
    "delay_ms",
    "drip_ms",
    "hang",
    "close",
    "pad_to",
    "retry_after_date_s",
}
OPERATIONS = {op["operationId"] for item in load_spec()["paths"].values() for op in item.values()}
POLICY = load_spec()["x-eko-client"]


def test_the_corpus_is_large_and_its_names_unique() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) >= 60
    assert len(set(names)) == len(names)
    assert set(BEHAVIOUR["keys"]) == {"developer_key", "access_key", "initiator_id", "user_code"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["name"])
def test_every_case_has_the_shape_the_harness_reads(case: dict[str, Any]) -> None:
    call, expect = case["call"], case["expect"]
    assert call["operation"] in OPERATIONS | {"waitForConsent"}
    assert set(call.get("options", {})) <= {
        "timeout_ms",
        "max_retries",
        "max_response_bytes",
        "interval_ms",
    }
    assert expect["outcome"] in OUTCOMES
    assert isinstance(expect["values"], dict)
    assert "code" in expect
    assert ("attempts" in expect) != ("min_attempts" in expect)
    assert expect["max_elapsed_ms"] > expect.get("min_elapsed_ms", 0)
    for step in case["server"]:
        assert set(step) <= STEP_KEYS, set(step) - STEP_KEYS
        assert len(BODIES & set(step)) <= 1
        assert step.get("close") in (None, "before_answer", "mid_body")
    if expect["outcome"] == "invalid_input":
        assert case["server"] == []
        assert expect["attempts"] == 0


def retried(operation: str, status: int) -> bool:
    return any(
        case["call"]["operation"] == operation
        and case["server"][0].get("status") == status
        and case["expect"].get("attempts", 0) >= 2
        for case in CASES
        if case["server"]
    )


def test_each_retryable_status_is_retried_on_each_operation() -> None:
    missing = [
        (operation, status)
        for operation in sorted(OPERATIONS)
        for status in POLICY["retry"]["statuses"]
        if not retried(operation, status)
    ]
    assert not missing


def test_each_operation_has_non_retryable_statuses_sent_once() -> None:
    for operation in OPERATIONS:
        once = {
            case["server"][0].get("status", 200)
            for case in CASES
            if case["call"]["operation"] == operation
            and case["expect"]["outcome"] == "http_error"
            and case["expect"].get("attempts") == 1
        }
        assert len(once - set(POLICY["retry"]["statuses"])) >= 3, (operation, once)


@pytest.mark.parametrize(
    "needle",
    [
        {"close": "before_answer"},
        {"close": "mid_body"},
        {"hang": True},
        {"gzip": True},
        {"status": 301},
        {"status": 302},
    ],
    ids=str,
)
def test_the_issue_s_hostile_servers_are_each_played(needle: dict[str, Any]) -> None:
    assert any(needle.items() <= step.items() for case in CASES for step in case["server"])


def test_deadlines_caps_and_waits_are_each_covered() -> None:
    steps = [step for case in CASES for step in case["server"]]
    assert any("drip_ms" in s for s in steps)
    assert any(s.get("delay_ms", 0) >= 1000 for s in steps)
    assert any("gzip_bomb" in s for s in steps)
    assert any("retry_after_date_s" in s for s in steps)
    outcomes = {case["expect"]["outcome"] for case in CASES}
    assert outcomes == OUTCOMES
    states = {
        case["expect"]["values"].get("state")
        for case in CASES
        if case["call"]["operation"] == "waitForConsent"
    }
    assert {"AUTHENTICATED", "CONSENT_DENIED", "EXPIRED", "TIMED_OUT"} <= states
    # The policy's defaults, exercised by cases that set no options at all.
    assert sum("options" not in case["call"] for case in CASES) >= 3


def test_the_redirects_corpus() -> None:
    cases = REDIRECTS["cases"]
    assert len(cases) >= 25
    assert len({c["name"] for c in cases}) == len(cases)
    for case in cases:
        assert case["expect"]["outcome"] in ("ok", "invalid_input")
        if case["expect"]["outcome"] == "ok":
            values = case["expect"]["values"]
            assert set(values) == {"reference_id", "verification_id", "denied", "error"}
    assert {c["expect"]["outcome"] for c in cases} == {"ok", "invalid_input"}
