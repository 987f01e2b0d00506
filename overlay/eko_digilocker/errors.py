"""Every error the client raises, in one tree under `EkoError`.

EkoError
  EkoConfigurationError        missing or bad settings (no request was made)
  (EkoConfigurationWarning, a UserWarning: a setting that is probably a mistake)
  EkoValidationError           input rejected by the spec's schema (nothing was sent)
  EkoApiError                  Eko answered with an envelope whose status is not 0
    EkoAuthenticationError     HTTP 403: bad signature, timestamp or developer_key
    EkoInvalidParamsError      Eko's own validation error (461 or `invalid_params`)
    EkoVerificationPendingError  327 (or a PENDING session state): not consented yet
    EkoConsentDeniedError      a CONSENT_DENIED session state: the customer refused
    EkoNotFoundError           463: unknown reference
      EkoSessionExpiredError   an EXPIRED session state: the session is over
  (codes in `status` or `response_status_id`: see `responses.ERROR_CODES`)
  EkoResponseError             the answer is not a valid envelope (HTML, empty, bad JSON,
                               wrong shape, an unexpected HTTP status)
    EkoResponseTooLargeError   it is over max_response_bytes (decoded); not read further
  EkoConnectionError           the request could not be completed
    EkoTimeoutError            it took longer than the timeout
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spec import FieldError

BODY_EXCERPT = 200  # characters of a body shown in a message
KEPT_BODY = 2000  # characters of an unreadable body kept on EkoResponseError


class EkoError(Exception):
    """Base of every error raised by `eko_digilocker`."""


class EkoConfigurationError(EkoError):
    """A required setting is missing or invalid; no request was made."""


class EkoConfigurationWarning(UserWarning):
    """A setting that works but is probably not what was meant (e.g. an explicit
    environment while EKO_BASE_URL points elsewhere); no request is affected otherwise."""


class EkoValidationError(EkoError, ValueError):
    """The input does not match the spec; no request left the process."""

    def __init__(self, operation: str, errors: Sequence[FieldError]) -> None:
        self.operation = operation
        self.errors = list(errors)
        listed = "; ".join(f"{error.field} {error.message}" for error in self.errors)
        super().__init__(f"{operation}: {listed}")

    @property
    def fields(self) -> list[str]:
        """The names of the invalid fields, in the order reported."""
        return list(dict.fromkeys(error.field for error in self.errors))


class EkoApiError(EkoError):
    """Eko answered with an envelope whose `status` is not 0 (or HTTP 403).

    Carries the envelope's fields and the raw body, so nothing Eko said is lost, and
    `code`: Eko's error code, from `status` or `response_status_id` wherever Eko put it.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int,
        status: int | None,
        response_status_id: int | None = None,
        response_type_id: int | None = None,
        invalid_params: Mapping[str, str] | None = None,
        data: Any = None,
        body: str = "",
        code: int | None = None,
    ) -> None:
        self.message = message
        self.http_status = http_status
        self.status = status
        self.response_status_id = response_status_id
        self.response_type_id = response_type_id
        self.invalid_params = dict(invalid_params or {})
        self.data = data
        self.body = body
        self.code = code
        detail = f"HTTP {http_status}, status {status}, response_status_id {response_status_id}"
        super().__init__(f"{message} ({detail})")


class EkoAuthenticationError(EkoApiError):
    """HTTP 403: Eko rejected the signature, the timestamp or the developer_key."""


class EkoInvalidParamsError(EkoApiError):
    """Eko's own validation error: `invalid_params` names each field it rejected."""

    def __str__(self) -> str:
        named = "; ".join(f"{field}: {why}" for field, why in self.invalid_params.items())
        shown = named[:BODY_EXCERPT] + ("..." if len(named) > BODY_EXCERPT else "")
        return f"{super().__str__()}: {shown}" if shown else super().__str__()


class EkoVerificationPendingError(EkoApiError):
    """Code 327, or a PENDING session state: the customer has not completed the journey."""


class EkoConsentDeniedError(EkoApiError):
    """The session's state is CONSENT_DENIED: the customer refused to share the documents.
    Final: a new session (create_digilocker_url) is the only way on."""


class EkoNotFoundError(EkoApiError):
    """Code 463: no session for this reference."""


class EkoSessionExpiredError(EkoNotFoundError):
    """The session's state is EXPIRED: the reference no longer names a live session (an
    EkoNotFoundError, as an unknown reference is). Final: start a new session."""


class EkoResponseError(EkoError):
    """The answer is not a valid Eko envelope, or has an HTTP status the spec does not list."""

    def __init__(self, reason: str, *, http_status: int | None, body: str = "") -> None:
        self.reason = reason
        self.http_status = http_status
        # Only an excerpt: the body may be anything up to the client's read limit.
        self.body = body[:KEPT_BODY]
        excerpt = body[:BODY_EXCERPT] + ("..." if len(body) > BODY_EXCERPT else "")
        where = f"HTTP {http_status}, " if http_status is not None else ""
        super().__init__(f"{reason} ({where}body {excerpt!r})")


class EkoResponseTooLargeError(EkoResponseError):
    """The answer is larger than `max_response_bytes` (counted decoded); reading stopped
    there, so a huge or gzip-bomb answer costs at most that much memory."""


class EkoConnectionError(EkoError):
    """The request could not be completed (refused, reset, dropped)."""


class EkoTimeoutError(EkoConnectionError):
    """The request took longer than the timeout."""
