"""The outcome of waiting for a customer's DigiLocker consent."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from eko_digilocker_client.models import VerificationStatusData

from .errors import EkoApiError, EkoVerificationPendingError


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


def outcome(answer: VerificationStatusData | EkoApiError) -> ConsentResult | None:
    """The final result a status answer gives, or None while the session is pending.

    Denied and expired sessions are recognised by `data.session_status`, which Eko does
    not document (see the spec); any other error is raised rather than guessed at.
    """
    if isinstance(answer, VerificationStatusData):
        return ConsentResult(ConsentState.AUTHENTICATED, details=answer)
    state = _session_status(answer.data)
    if isinstance(answer, EkoVerificationPendingError) or state == "PENDING":
        return None
    if state in (ConsentState.CONSENT_DENIED, ConsentState.EXPIRED):
        return ConsentResult(ConsentState(state), error=answer)
    raise answer


def _session_status(data: Any) -> str | None:
    value = data.get("session_status") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def timed_out(last: VerificationStatusData | EkoApiError) -> ConsentResult:
    return ConsentResult(
        ConsentState.TIMED_OUT, error=last if isinstance(last, EkoApiError) else None
    )
