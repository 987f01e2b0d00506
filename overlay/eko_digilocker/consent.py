"""The outcome of waiting for a customer's DigiLocker consent."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from eko_digilocker_client.models import VerificationStatusData

from .errors import (
    EkoApiError,
    EkoAuthenticationError,
    EkoInvalidParamsError,
    EkoNotFoundError,
)


class ConsentState(enum.StrEnum):
    AUTHENTICATED = "AUTHENTICATED"
    CONSENT_DENIED = "CONSENT_DENIED"
    EXPIRED = "EXPIRED"
    TIMED_OUT = "TIMED_OUT"  # we stopped waiting; the session may still complete


@dataclass(frozen=True)
class ConsentResult:
    state: ConsentState
    details: VerificationStatusData | None = None
    error: EkoApiError | None = None

    @property
    def authenticated(self) -> bool:
        return self.state is ConsentState.AUTHENTICATED


# Answers no amount of waiting changes: bad credentials or input, an unknown reference,
# and Eko's documented set-up errors (invalid redirect URL, initiator or user_code).
_FINAL_ERRORS = (EkoAuthenticationError, EkoInvalidParamsError, EkoNotFoundError)
_SETUP_STATUS_IDS = frozenset({301, 319, 346})


def outcome(answer: VerificationStatusData | EkoApiError) -> ConsentResult | None:
    """The final result a status answer gives, or None while the session may be pending.

    Denied and expired sessions are recognised by `data.session_status`, which Eko does
    not document (see the spec). Eko says only that a pending session answers `status`
    1 with a message, so any other error answer counts as pending, except those that
    waiting cannot change, which are raised.
    """
    if isinstance(answer, VerificationStatusData):
        return ConsentResult(ConsentState.AUTHENTICATED, details=answer)
    state = _session_status(answer.data)
    if state in (ConsentState.CONSENT_DENIED, ConsentState.EXPIRED):
        return ConsentResult(ConsentState(state), error=answer)
    if isinstance(answer, _FINAL_ERRORS) or answer.response_status_id in _SETUP_STATUS_IDS:
        raise answer
    return None


def _session_status(data: Any) -> str | None:
    value = data.get("session_status") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def timed_out(last: VerificationStatusData | EkoApiError) -> ConsentResult:
    return ConsentResult(
        ConsentState.TIMED_OUT, error=last if isinstance(last, EkoApiError) else None
    )
