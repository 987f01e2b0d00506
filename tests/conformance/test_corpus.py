"""The answer corpus itself (tests/vectors/answers.json) and the Python client against it."""

from __future__ import annotations

from typing import Any

import pytest

from eko_digilocker.spec import load_spec, resolve

from .eko_published import PUBLISHED
from .python_runner import load_cases, mismatches
from .sandbox_answers import sandbox_answers

CASES = load_cases()
OUTCOMES = {"success", "business_error", "pending", "malformed", "http_error"}


def spec_examples() -> list[tuple[str, int, Any]]:
    found = []
    for item in load_spec()["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                media = resolve(response)["content"]["application/json"]
                for example in media["examples"].values():
                    found.append((op["operationId"], int(status), resolve(example)["value"]))
    return found


def test_every_spec_example_is_a_case() -> None:
    held = [(c["operation"], c["http_status"], c.get("body")) for c in CASES]
    missing = [example for example in spec_examples() if example not in held]
    assert not missing, missing


def test_every_case_has_the_shape_every_runner_reads() -> None:
    operations = {
        op["operationId"] for item in load_spec()["paths"].values() for op in item.values()
    }
    for case in CASES:
        expect = case["expect"]
        assert case["operation"] in operations, case["name"]
        assert expect["outcome"] in OUTCOMES, case["name"]
        assert expect["code"] is None or expect["outcome"] in ("business_error", "pending")
        assert not expect["values"] or expect["outcome"] == "success", case["name"]
    assert len({case["name"] for case in CASES}) == len(CASES)


def test_every_eko_code_in_both_placements() -> None:
    from eko_digilocker.responses import ERROR_CODES

    for code in ERROR_CODES:
        placed = {
            "status" if c.get("body").get("status") == code else "response_status_id"
            for c in CASES
            if isinstance(c.get("body"), dict)
            and code in (c.get("body").get("status"), c.get("body").get("response_status_id"))
            and c["expect"]["code"] == code
        }
        assert placed == {"status", "response_status_id"}, code


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_python_client_reads_the_case_as_the_corpus_says(case: dict[str, Any]) -> None:
    assert not mismatches(case)


def test_a_wrong_expectation_fails() -> None:
    case = next(c for c in CASES if c["expect"]["outcome"] == "success" and c["expect"]["values"])
    wrong = {**case, "expect": {**case["expect"], "outcome": "pending"}}
    assert mismatches(wrong) == ["outcome: expected 'pending', got 'success'"]
    name = next(iter(case["expect"]["values"]))
    drifted = {**case, "expect": {**case["expect"], "values": {name: "drifted"}}}
    assert len(mismatches(drifted)) == 1


def test_every_answer_the_sandbox_sends_is_a_case() -> None:
    held = [(c["operation"], c["http_status"], c.get("body")) for c in CASES]
    missing = [what for what, op, http, body in sandbox_answers() if (op, http, body) not in held]
    assert not missing, missing


def test_every_answer_eko_publishes_is_a_case() -> None:
    held = [(c["operation"], c["http_status"], c.get("body")) for c in CASES]
    missing = [source for source, op, http, body in PUBLISHED if (op, http, body) not in held]
    assert not missing, missing
