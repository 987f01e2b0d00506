"""Scenario forcing: magic inputs that make any operation give a documented error.

Like Eko's own mock server (`eps_scenario=<response_status_id>`), but on a signed,
schema-valid request: send `client_ref_id` = `SCENARIO-<id>` (body, or query for the
status call) or add the query parameter `eps_scenario=<id>` to any API call.
"""

from __future__ import annotations

from typing import Any

from eko_digilocker_sandbox import answers

CLIENT_REF_PREFIX = "SCENARIO-"
QUERY_PARAMETER = "eps_scenario"


class UnknownScenario(ValueError):
    pass


def _forced_auth_failure() -> tuple[int, dict[str, Any]]:
    return 403, answers.http_error(
        403, "Authentication failed: forced by scenario 403 (secret-key rejected)."
    )


def _business(response_status_id: int) -> tuple[int, dict[str, Any]]:
    if response_status_id == answers.PENDING_ID:
        return 200, answers.pending()
    return 200, answers.business_error(response_status_id)


#: response_status_id (or HTTP status for 403) -> what the forced answer is
SCENARIOS: dict[int, str] = {
    answers.INVALID_REDIRECT_ID: "invalid redirect URL (HTTP 200, status 1)",
    answers.INVALID_INITIATOR_ID: "invalid initiator (HTTP 200, status 1)",
    answers.PENDING_ID: "verification pending (HTTP 200, status 1)",
    answers.USER_NOT_ONBOARDED_ID: "user not onboarded / wrong user_code (HTTP 200, status 1)",
    answers.NOT_FOUND_ID: "reference not found (HTTP 200, status 1)",
    403: "signature rejected (HTTP 403)",
}


def requested(client_ref_id: Any, eps_scenario: str | None) -> tuple[str, int] | None:
    """The (field, code) of a forced scenario in this request, or None.

    Raises `UnknownScenario` for a magic input that names no known scenario.
    """
    if isinstance(client_ref_id, str) and client_ref_id.startswith(CLIENT_REF_PREFIX):
        return "client_ref_id", _code(client_ref_id.removeprefix(CLIENT_REF_PREFIX))
    if eps_scenario is not None:
        return QUERY_PARAMETER, _code(eps_scenario)
    return None


def _code(text: str) -> int:
    known = ", ".join(str(code) for code in SCENARIOS)
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or int(text) not in SCENARIOS:
        raise UnknownScenario(f"unknown scenario {text[:20]!r}; known scenarios: {known}")
    return int(text)


def answer(code: int) -> tuple[int, dict[str, Any]]:
    """The HTTP status and envelope a forced scenario answers with."""
    if code == 403:
        return _forced_auth_failure()
    return _business(code)
