"""The answers the sandbox can force instead of an operation's own, and how a request asks.

- `eps_scenario=<code>` in the query, as Eko's own mock server takes it
  (eps-platform `packages/eps-mock-server/src/match.ts`): the operation's documented
  error whose code is `<code>`; any other value is ignored and the request is served as
  usual (the mock then falls back to its success answer). An operation's documented
  errors are the error examples of its 200 answer in the spec.
- A queued `ForcedScenario` (steering.py): any code of `SCENARIOS` on any operation.
- `client_ref_id` = `SCENARIO-<code>` (body, or query for the status call): deprecated,
  Eko documents no such convention; an alias of a one-time forced answer. An unknown
  code is refused as a validation error.

The forced answer has the shape of the sandbox's current profile (see answers.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from eko_digilocker.responses import error_code
from eko_digilocker.spec import example_values
from eko_digilocker_sandbox import answers

CLIENT_REF_PREFIX = "SCENARIO-"
QUERY_PARAMETER = "eps_scenario"


class UnknownScenario(ValueError):
    pass


#: code -> what the forced answer is (403 is an HTTP status; -1 is the status call's
#: eps.eko.in "pending" answer)
SCENARIOS: dict[int, str] = {
    answers.INVALID_REDIRECT_ID: "invalid redirect URL (HTTP 200)",
    answers.INVALID_INITIATOR_ID: "invalid initiator (HTTP 200)",
    answers.PENDING_ID: "verification pending (HTTP 200)",
    answers.USER_NOT_ONBOARDED_ID: "user not onboarded / wrong user_code (HTTP 200)",
    answers.NOT_FOUND_ID: "reference not found (HTTP 200)",
    answers.VALIDATION_STATUS: "invalid parameters (HTTP 200, invalid_params)",
    answers.STATUS_CALL_NOT_SUCCESS: "status call: pending (HTTP 200, status 1, id -1)",
    403: "signature rejected (HTTP 403)",
}


@cache
def documented(operation_id: str) -> frozenset[int]:
    """The codes of the operation's documented errors that the sandbox can force: from
    `status` or `response_status_id`, as `error_code` reads them, or the status call's
    `response_status_id` -1."""
    codes = set()
    for value in example_values(operation_id, "200"):
        if value.get("status") == 0:
            continue
        code = error_code(value)
        codes.add(code if code is not None else value.get("response_status_id"))
    return frozenset(code for code in codes if code in SCENARIOS)


def alias(client_ref_id: Any) -> int | None:
    """The code a deprecated `SCENARIO-<code>` client_ref_id asks for, or None.

    Raises `UnknownScenario` for one that names no known code."""
    if isinstance(client_ref_id, str) and client_ref_id.startswith(CLIENT_REF_PREFIX):
        return _code(client_ref_id.removeprefix(CLIENT_REF_PREFIX))
    return None


def eps(operation_id: str, eps_scenario: str | None) -> int | None:
    """The documented error Eko's `eps_scenario` asks of this operation; None for no
    value or one the operation does not document (served as usual, as Eko's mock does)."""
    if eps_scenario is None:
        return None
    code = _number(eps_scenario)
    return code if code is not None and code in documented(operation_id) else None


def _number(text: str) -> int | None:
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 4):
        return None
    return int(text)


def _code(text: str) -> int:
    code = _number(text)
    if code is None or code not in SCENARIOS:
        known = ", ".join(str(code) for code in SCENARIOS)
        raise UnknownScenario(f"unknown scenario {text[:20]!r}; known scenarios: {known}")
    return code


def answer(code: int, profile: str, operation_id: str) -> tuple[int, dict[str, Any]]:
    """The HTTP status and envelope a forced scenario answers with."""
    if code == 403:
        return 403, answers.http_error(
            403, "Authentication failed: forced by scenario 403 (secret-key rejected)."
        )
    if code == answers.STATUS_CALL_NOT_SUCCESS:
        return 200, answers.pending(profile, answers.STATUS)
    if code == answers.PENDING_ID:
        return 200, answers.business_error(profile, code, data=answers.pending_data())
    if code == answers.VALIDATION_STATUS:
        forced = answers.business_error(profile, code, "Invalid parameters")
        forced["invalid_params"] = {"client_ref_id": "forced by scenario 461"}
        return 200, forced
    return 200, answers.business_error(profile, code)
