"""Turn Eko's answers into the generated models or typed errors.

Eko puts an error's code in one of two places (see the spec's description): corrected
answers in `status` (`status: 463, response_status_id: 1`), older DigiLocker answers in
`response_status_id` (`status: 1, response_status_id: 463`). `error_code` reads either,
and `ERROR_CODES` is the one table that says what each code means to the client.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple, Protocol, Self, TypeVar

import httpx

from eko_digilocker_client.models import SessionState

from . import answer_json
from .errors import (
    EkoApiError,
    EkoAuthenticationError,
    EkoConsentDeniedError,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoResponseError,
    EkoSessionExpiredError,
    EkoVerificationPendingError,
)
from .spec import Operation, SchemaValidator

# Anything a parser can raise on data it did not expect; none of it may reach the caller.
_PARSE_FAILURES = (KeyError, TypeError, ValueError, AttributeError, RecursionError)

# `status` values that are not a code: 0 success, 1 failure (the code is then elsewhere).
_GENERIC_STATUS = frozenset({0, 1})
# `response_status_id` values that are not a code (legacy README section 4: -2..5).
_GENERIC_STATUS_IDS = frozenset(range(-2, 6))
# Every integer of an answer is 64-bit signed (docs/answer-rule.md); the spec's schemas
# bound the fields of a success, this bounds `status` before any schema is consulted.
_INT64 = range(-(2**63), 2**63)


class ErrorCode(NamedTuple):
    """What one of Eko's error codes means: the error raised, and whether waiting for
    consent can still change the answer (False) or not (True)."""

    error: type[EkoApiError]
    final: bool
    meaning: str


ERROR_CODES: dict[int, ErrorCode] = {
    301: ErrorCode(EkoApiError, True, "invalid redirect URL"),
    319: ErrorCode(EkoApiError, True, "invalid initiator (Invalid Sender/Initiator)"),
    327: ErrorCode(EkoVerificationPendingError, False, "verification pending"),
    346: ErrorCode(EkoApiError, True, "user not onboarded or wrong user_code"),
    461: ErrorCode(EkoInvalidParamsError, True, "invalid parameters"),
    463: ErrorCode(EkoNotFoundError, True, "not found / invalid reference"),
}


# eps.eko.in answers the status call for an unknown or expired reference as it answers a
# pending session (`status` 1, `response_status_id` -1, `data: {}`): the message is the
# only tell. Eko's api-specs.ts names the scenario "Invalid or expired reference_id" and
# gives the message "Invalid reference_id"; both wordings are read, in any case, with or
# without a final full stop. Without this, wait_for_consent polled such a reference
# until its timeout.
UNKNOWN_REFERENCE_MESSAGES = frozenset({"invalid reference_id", "invalid or expired reference_id"})

# Eko's document answer says in `data.verification_status` whether verification is done:
# SUCCESS or PENDING (eps.eko.in, api-specs.ts `digilocker-get-document`). With PENDING
# its documents are empty or partial, so it is not a success (docs/answer-rule.md, step 4).
DOCUMENT_OPERATION = "getDigilockerDocument"
DOCUMENT_PENDING = "PENDING"


def documents_pending(operation: Operation, data: Any) -> bool:
    return (
        operation.operation_id == DOCUMENT_OPERATION
        and isinstance(data, dict)
        and data.get("verification_status") == DOCUMENT_PENDING
    )


def names_unknown_reference(body: dict[str, Any]) -> bool:
    message = body.get("message")
    return isinstance(message, str) and (
        message.strip().rstrip(".").casefold() in UNKNOWN_REFERENCE_MESSAGES
    )


def error_code(body: Any) -> int | None:
    """Eko's code of an error answer, from `status` or `response_status_id`, or None
    when neither holds one (e.g. `status: 1, response_status_id: -1`)."""
    if not isinstance(body, dict):
        return None
    status = body.get("status")
    if type(status) is int and status not in _GENERIC_STATUS:
        return status
    status_id = body.get("response_status_id")
    if type(status_id) is int and status_id not in _GENERIC_STATUS_IDS:
        return status_id
    return None


def is_final(error: EkoApiError) -> bool:
    """Whether polling again can change this answer (bad credentials, input, reference or
    set-up do not; a pending or an unrecognised answer might)."""
    final = (
        EkoAuthenticationError | EkoInvalidParamsError | EkoNotFoundError | EkoConsentDeniedError
    )
    if isinstance(error, final):
        return True
    known = ERROR_CODES.get(error.code) if error.code is not None else None
    return known is not None and known.final


def session_state(operation: Operation, data: Any) -> SessionState | None:
    """The session state an answer's `data` reports, in whichever field the spec types as
    a SessionState (`status` for the upstream provider, `session_status` for the sandbox)."""
    if not isinstance(data, dict):
        return None
    for name in operation.state_fields:
        value = data.get(name)
        if isinstance(value, str) and value in SessionState.__members__:
            return SessionState(value)
    return None


class SuccessModel(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Any) -> Self: ...


M = TypeVar("M", bound=SuccessModel)


@cache  # compiled on first use, not at import, to keep `import eko_digilocker` fast
def envelope_validator() -> SchemaValidator:
    return SchemaValidator({"$ref": "#/components/schemas/Envelope"})


def read_answer(operation: Operation, response: httpx.Response, success: type[M]) -> M:
    """The `data` of a success answer as the generated model `success`, or the EkoError."""
    envelope = read_success(operation, response)
    try:
        return success.from_dict(envelope["data"])
    except _PARSE_FAILURES as exc:
        reason = f"success answer could not be read ({type(exc).__name__})"
        raise EkoResponseError(
            reason, http_status=response.status_code, body=response.text
        ) from None


def read_success(operation: Operation, response: httpx.Response) -> dict[str, Any]:
    """The whole envelope of a success answer (`message`, `response_type_id`... kept as
    sent), checked against the spec, or the EkoError the answer stands for."""
    code = response.status_code
    try:
        body, fractional = answer_json.parse(response.content)
    except _PARSE_FAILURES:
        body, fractional = None, False
    # An HTTP 200 object whose `status` is a non-zero integer is an error answer, whatever
    # the shape of the rest (`data: []`, `null` or missing): its code is what matters
    # (docs/answer-rule.md). The spec admits `status: null` only so that generated
    # decoders can tell it from 0; it is not an Eko answer, nor is `0.0` or 2^64.
    status = body.get("status") if isinstance(body, dict) else None
    if type(status) is not int or status not in _INT64:
        status = None
    if code == 200 and status is not None and status != 0:
        raise api_error(error_class(operation, body), response, body)
    typed = body
    try:
        # The common case costs one validation: a documented HTTP 200 answer.
        documented_200 = code == 200 and status == 0 and operation.responses["200"].is_valid(body)
        if documented_200 and fractional:
            # an integer written `1.0` or `1e0` passes a schema's `integer` as a float
            typed = answer_json.typed_numbers(response.content)
            documented_200 = operation.responses["200"].is_valid(typed)
    except _PARSE_FAILURES:
        documented_200 = False
    if not documented_200:
        raise _unexpected(operation, response, typed)
    data = body.get("data")
    problems = operation.success_data.errors(data)
    if not problems and typed is not body:
        problems = operation.success_data.errors(typed.get("data"))
    if problems:
        listed = "; ".join(map(str, problems[:3]))
        reason = f"success answer lacks what the spec requires of its data ({listed})"
        raise EkoResponseError(reason, http_status=code, body=response.text)
    state = session_state(operation, data)
    if state is not None and state is not SessionState.AUTHENTICATED:
        # A success envelope that says the session is not (yet) authenticated, as the
        # upstream provider answers a pending session: not a success for the caller.
        raise api_error(error_class(operation, body), response, body)
    if documents_pending(operation, data):
        raise api_error(EkoVerificationPendingError, response, body)
    result: dict[str, Any] = body
    return result


def _unexpected(operation: Operation, response: httpx.Response, body: Any) -> Exception:
    """The error for any answer that is not a documented HTTP 200 answer."""
    code = response.status_code
    try:
        is_envelope = (
            body is not None and envelope_validator().is_valid(body) and type(body["status"]) is int
        )
    except _PARSE_FAILURES:
        is_envelope = False
    if code == 403:
        return api_error(EkoAuthenticationError, response, body if is_envelope else None)
    if code >= 500:
        # Eko documents 500 (its gateway could not reach its servers); like any other 5xx
        # it says nothing about the request itself.
        return EkoResponseError(f"server error (HTTP {code})", http_status=code, body=response.text)
    if not is_envelope:
        reason = "empty answer" if not response.content else "answer is not an Eko JSON envelope"
        return EkoResponseError(reason, http_status=code, body=response.text)
    if str(code) not in operation.responses:
        return EkoResponseError(
            f"unexpected HTTP status {code}", http_status=code, body=response.text
        )
    if body["status"] != 0:
        return api_error(error_class(operation, body), response, body)
    problems = "; ".join(map(str, operation.responses["200"].errors(body)[:3]))
    reason = f"success answer does not match the spec ({problems or f'HTTP {code}'})"
    return EkoResponseError(reason, http_status=code, body=response.text)


# What a session state in an answer's data means when the answer is not a success.
# Eko documents none of these states; the sandbox sends them (see the spec's SessionState).
STATE_ERRORS: dict[SessionState, type[EkoApiError]] = {
    SessionState.PENDING: EkoVerificationPendingError,
    SessionState.CONSENT_DENIED: EkoConsentDeniedError,
    SessionState.EXPIRED: EkoSessionExpiredError,
}


def error_class(operation: Operation, body: dict[str, Any]) -> type[EkoApiError]:
    """The EkoApiError subclass for an answer that is not a success: by its code first,
    then by the unknown-reference message, then by `invalid_params`, then by the session
    state in its data (PENDING, CONSENT_DENIED, EXPIRED)."""
    code = error_code(body)
    if code in ERROR_CODES:
        return ERROR_CODES[code].error
    if names_unknown_reference(body):
        return EkoNotFoundError
    if body.get("invalid_params"):
        return EkoInvalidParamsError
    state = session_state(operation, body.get("data"))
    return STATE_ERRORS.get(state, EkoApiError) if state is not None else EkoApiError


def api_error(
    cls: type[EkoApiError], response: httpx.Response, body: dict[str, Any] | None
) -> EkoApiError:
    envelope = body or {}
    default = "authentication failed" if cls is EkoAuthenticationError else "Eko returned an error"
    message = envelope.get("message")
    invalid_params = envelope.get("invalid_params")
    return cls(
        message if isinstance(message, str) and message else default,
        http_status=response.status_code,
        status=envelope.get("status"),
        response_status_id=envelope.get("response_status_id"),
        response_type_id=envelope.get("response_type_id"),
        invalid_params=invalid_params if isinstance(invalid_params, dict) else None,
        data=envelope.get("data"),
        body=response.text,
        code=error_code(envelope),
    )
