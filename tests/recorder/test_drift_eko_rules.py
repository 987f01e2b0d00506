"""The recorder judges what the contract suite judges (issue 25): each rule that can be
told from one exchange, or from the journey so far, is a `violation:` of DriftChecker,
read from the same module as the journey properties (eko_rules)."""

from __future__ import annotations

import json
from typing import Any

from eko_digilocker.spec import example, operations
from eko_digilocker_sandbox import answers, eko_rules
from eko_digilocker_sandbox.drift import DriftChecker, Finding

CREATE, STATUS, DOCUMENT = eko_rules.CREATE, eko_rules.STATUS, eko_rules.DOCUMENT
NOW_S = 1_800_000_000.0


def checker(clock: list[float] | None = None) -> DriftChecker:
    at = clock or [NOW_S]
    return DriftChecker(clock=lambda: at[0])


def exchange(
    drift: DriftChecker,
    operation_id: str,
    params: dict[str, Any],
    answer: dict[str, Any],
    *,
    http_status: int = 200,
    content_type: str = "application/json",
    signed_at: str | None = None,
) -> list[str]:
    op = operations()[operation_id]
    headers = {"secret-key-timestamp": signed_at or str(int(NOW_S * 1000))}
    if op.body is not None:
        headers["content-type"] = "application/json"
        query: dict[str, str] = {}
        body = json.dumps(params).encode()
    else:
        query, body = {k: str(v) for k, v in params.items()}, b""
    _, parsed = drift.request(op, headers, query, body)
    encoded = json.dumps(answer).encode()
    found = drift.answer(op, parsed, "dev", http_status, content_type, encoded)
    return [str(finding) for finding in found if isinstance(finding, Finding)]


def create_body(**changes: Any) -> dict[str, Any]:
    return {**example(CREATE), **changes}


def created(reference_id: int, requested: list[str] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = example(CREATE, "success", status="200")
    answer["data"] = {**answer["data"], "reference_id": reference_id}
    answer["data"]["document_requested"] = requested or ["AADHAAR"]
    return answer


def status_query(reference_id: int) -> dict[str, Any]:
    return {"initiator_id": "9962981729", "reference_id": reference_id}


def document_body(reference_id: int, verification_id: str, types: list[str]) -> dict[str, Any]:
    return {
        **example(DOCUMENT),
        "reference_id": str(reference_id),
        "verification_id": verification_id,
        "document_type": types,
    }


def documents(types: list[str]) -> dict[str, Any]:
    answer: dict[str, Any] = example(DOCUMENT, "success", status="200")
    doc = answer["data"]["documents"][0]
    answer["data"]["documents"] = [{**doc, "document_type": t} for t in types]
    return answer


def test_json_sent_as_text_plain_is_a_violation() -> None:
    found = exchange(checker(), CREATE, create_body(), created(1), content_type="text/plain")
    assert found == [
        "violation: createDigilockerUrl /response/headers/content-type: content-type "
        "text/plain; every answer is application/json"
    ]
    clean = "application/json; charset=utf-8"
    assert exchange(checker(), CREATE, create_body(), created(1), content_type=clean) == []


def test_a_success_with_a_failure_status_id_is_a_violation() -> None:
    answer = {**created(1), "response_status_id": 1}
    (found,) = exchange(checker(), CREATE, create_body(), answer)
    assert "/response/body/response_status_id: 1 on a success" in found


def test_a_status_that_is_not_an_integer_is_a_violation() -> None:
    answer = {**answers.not_found(answers.EPS, DOCUMENT), "status": None}
    (found,) = exchange(checker(), DOCUMENT, document_body(1, "V", ["AADHAAR"]), answer)
    assert found.endswith("/response/body/status: not an Eko answer: status is None")


def test_a_stale_signature_served_is_a_violation_and_refused_is_not() -> None:
    stale = str(int(NOW_S * 1000) - eko_rules.STALE_SIGNATURE_MS - 60_000)
    (found,) = exchange(checker(), CREATE, create_body(), created(1), signed_at=stale)
    assert found.startswith("violation: createDigilockerUrl /request/headers/secret-key-timestamp")
    refused = answers.http_error(403, "Authentication failed")
    assert (
        exchange(checker(), CREATE, create_body(), refused, http_status=403, signed_at=stale) == []
    )


def test_an_unknown_reference_later_pending_is_a_violation() -> None:
    drift = checker()
    unknown = answers.not_found(answers.EPS, DOCUMENT)
    pending = answers.pending(answers.EPS, DOCUMENT)
    body = document_body(9, "V", ["AADHAAR"])
    assert exchange(drift, DOCUMENT, body, unknown) == []
    (found,) = exchange(drift, DOCUMENT, body, pending)
    assert "answered as unknown, and now as pending" in found


def test_a_session_forgotten_before_its_lifetime_is_a_violation() -> None:
    clock = [NOW_S]
    drift = checker(clock)
    assert exchange(drift, CREATE, create_body(), created(7)) == []
    clock[0] += 2
    unknown = answers.not_found(answers.EPS, STATUS)
    (found,) = exchange(drift, STATUS, status_query(7), unknown)
    assert "answered as unknown 2 s after its create" in found
    # Past the lifetime, an unknown answer is the session's expiry, not a violation.
    later = checker(clock)
    assert exchange(later, CREATE, create_body(), created(8)) == []
    clock[0] += eko_rules.MIN_SESSION_LIFETIME_S + 1
    assert exchange(later, STATUS, status_query(8), unknown) == []


def test_one_verification_id_opening_two_sessions_is_a_violation() -> None:
    drift = checker()
    assert (
        exchange(drift, DOCUMENT, document_body(1, "VER-A", ["AADHAAR"]), documents(["AADHAAR"]))
        == []
    )
    (found,) = exchange(
        drift, DOCUMENT, document_body(2, "VER-A", ["AADHAAR"]), documents(["AADHAAR"])
    )
    assert "verification_id VER-A opened session 2 and, before, session 1" in found


def test_document_requested_not_honoured_is_a_violation() -> None:
    drift = checker()
    (echo,) = exchange(drift, CREATE, create_body(document_requested=["PAN"]), created(3))
    assert "/response/body/data/document_requested: document_requested ['PAN']" in echo
    handed = document_body(4, "V", ["AADHAAR", "PAN"])  # a session this checker never saw
    (docs,) = exchange(drift, DOCUMENT, handed, documents(["AADHAAR"]))
    assert "/response/body/data/documents: document_type ['AADHAAR', 'PAN']" in docs


def test_every_documented_form_of_an_outcome_is_clean() -> None:
    """No false alarms: the forms the contract suite's harmless variants answer in."""
    from tests.contract.variants import FORMS

    for (operation_id, meaning), forms in FORMS.items():
        for form in forms:
            drift = checker()
            params = (
                create_body()
                if operation_id == CREATE
                else status_query(5)
                if operation_id == STATUS
                else document_body(5, "V", ["AADHAAR"])
            )
            answer = form
            if meaning == eko_rules.SUCCESS and operation_id == CREATE:
                answer = {**form, "data": {**form["data"], "document_requested": ["AADHAAR"]}}
            assert exchange(drift, operation_id, params, answer) == [], (operation_id, form)
