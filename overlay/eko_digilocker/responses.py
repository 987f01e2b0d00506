"""Turn Eko's answers into the generated models or typed errors."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Protocol, Self, TypeVar

import httpx

from .errors import (
    EkoApiError,
    EkoAuthenticationError,
    EkoInvalidParamsError,
    EkoNotFoundError,
    EkoResponseError,
    EkoVerificationPendingError,
)
from .spec import Operation, SchemaValidator

VERIFICATION_PENDING = 327
NOT_FOUND = 463
_API_ERRORS = {VERIFICATION_PENDING: EkoVerificationPendingError, NOT_FOUND: EkoNotFoundError}
# Anything a parser can raise on data it did not expect; none of it may reach the caller.
_PARSE_FAILURES = (KeyError, TypeError, ValueError, AttributeError, RecursionError)


class SuccessModel(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Any) -> Self: ...


M = TypeVar("M", bound=SuccessModel)


@cache  # compiled on first use, not at import, to keep `import eko_digilocker` fast
def envelope_validator() -> SchemaValidator:
    return SchemaValidator({"$ref": "#/components/schemas/Envelope"})


def read_answer(operation: Operation, response: httpx.Response, success: type[M]) -> M:
    """The `data` of a success answer as the generated model `success`, or the EkoError."""
    code = response.status_code
    try:
        body = json.loads(response.content)
        # The common case costs one validation: a documented HTTP 200 answer.
        documented_200 = code == 200 and operation.responses["200"].is_valid(body)
    except _PARSE_FAILURES:
        body, documented_200 = None, False
    if documented_200:
        if body["status"] != 0:
            raise api_error(error_class(body), response, body)
        try:
            return success.from_dict(body["data"])
        except _PARSE_FAILURES as exc:
            reason = f"success answer could not be read ({type(exc).__name__})"
            raise EkoResponseError(reason, http_status=code, body=response.text) from None
    raise _unexpected(operation, response, body)


def _unexpected(operation: Operation, response: httpx.Response, body: Any) -> Exception:
    """The error for any answer that is not a documented HTTP 200 answer."""
    code = response.status_code
    try:
        is_envelope = body is not None and envelope_validator().is_valid(body)
    except _PARSE_FAILURES:
        is_envelope = False
    if code == 403:
        return api_error(EkoAuthenticationError, response, body if is_envelope else None)
    if not is_envelope:
        reason = "empty answer" if not response.content else "answer is not an Eko JSON envelope"
        return EkoResponseError(reason, http_status=code, body=response.text)
    if str(code) not in operation.responses:
        return EkoResponseError(
            f"unexpected HTTP status {code}", http_status=code, body=response.text
        )
    if body["status"] != 0:
        return api_error(error_class(body), response, body)
    problems = "; ".join(map(str, operation.responses["200"].errors(body)[:3]))
    reason = f"success answer does not match the spec ({problems or f'HTTP {code}'})"
    return EkoResponseError(reason, http_status=code, body=response.text)


def error_class(body: dict[str, Any]) -> type[EkoApiError]:
    if body.get("invalid_params"):
        return EkoInvalidParamsError
    status_id = body.get("response_status_id")
    return _API_ERRORS.get(status_id, EkoApiError) if isinstance(status_id, int) else EkoApiError


def api_error(
    cls: type[EkoApiError], response: httpx.Response, body: dict[str, Any] | None
) -> EkoApiError:
    envelope = body or {}
    default = "authentication failed" if cls is EkoAuthenticationError else "Eko returned an error"
    return cls(
        envelope.get("message") or default,
        http_status=response.status_code,
        status=envelope.get("status"),
        response_status_id=envelope.get("response_status_id"),
        response_type_id=envelope.get("response_type_id"),
        invalid_params=envelope.get("invalid_params"),
        data=envelope.get("data"),
        body=response.text,
    )
