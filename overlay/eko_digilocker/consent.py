"""Waiting for a customer's DigiLocker consent, and its outcome."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eko_digilocker_client.models import SessionState, VerificationStatusPayload

from . import flow
from .errors import EkoApiError, EkoTimeoutError
from .responses import is_final, session_state
from .spec import operation

if TYPE_CHECKING:
    from .calls import Call
    from .config import Clock, Config
    from .flow import Flow


class ConsentState(enum.StrEnum):
    """The spec's `SessionState` values, plus TIMED_OUT: the client's own, for a wait
    that ended before the session did (a test checks the two stay in step)."""

    PENDING = SessionState.PENDING.value
    AUTHENTICATED = SessionState.AUTHENTICATED.value
    CONSENT_DENIED = SessionState.CONSENT_DENIED.value
    EXPIRED = SessionState.EXPIRED.value
    TIMED_OUT = "TIMED_OUT"  # we stopped waiting; the session may still complete


@dataclass(frozen=True)
class ConsentResult:
    state: ConsentState
    details: VerificationStatusPayload | None = None
    error: EkoApiError | None = None

    @property
    def authenticated(self) -> bool:
        return self.state is ConsentState.AUTHENTICATED


_CLOSED = (SessionState.CONSENT_DENIED, SessionState.EXPIRED)


def outcome(answer: VerificationStatusPayload | EkoApiError) -> ConsentResult | None:
    """The final result a status answer gives, or None while the session may be pending.

    A success reaches here only when its data reports no other state than AUTHENTICATED
    (`responses.read_success` turns the rest into errors). Denied and expired sessions are
    recognised by the state in `data`, which Eko does not document (see the spec). A
    pending session answers `status` 1 with `response_status_id` -1 or code 327, so an
    unrecognised error counts as pending, except those that waiting cannot change
    (`responses.ERROR_CODES`, in either placement), which are raised.
    """
    if isinstance(answer, VerificationStatusPayload):
        return ConsentResult(ConsentState.AUTHENTICATED, details=answer)
    state = session_state(operation("getDigilockerVerificationStatus"), answer.data)
    if state in _CLOSED:
        return ConsentResult(ConsentState(state), error=answer)
    if is_final(answer):
        raise answer
    return None


def timed_out(last: VerificationStatusPayload | EkoApiError) -> ConsentResult:
    return ConsentResult(
        ConsentState.TIMED_OUT, error=last if isinstance(last, EkoApiError) else None
    )


# The least a poll gets, so a nearly spent wait still polls once.
MIN_POLL_DEADLINE = 1.0


def wait(
    config: Config,
    call: Call[VerificationStatusPayload],
    waited: float,
    interval: float,
    clock: Clock,
) -> Flow[ConsentResult]:
    """wait_for_consent: poll the status (`call`) until the session is authenticated,
    denied or expired, or `waited` seconds pass. Each poll's deadline is what is left of
    `waited`, but at least MIN_POLL_DEADLINE."""
    until = clock() + waited
    answer: VerificationStatusPayload | EkoApiError | None = None
    while True:
        poll = config._replace(until=max(until, clock() + MIN_POLL_DEADLINE))
        try:
            answer = (yield from flow.send(poll, call, clock)).parse()
        except EkoApiError as exc:
            answer = exc
        except EkoTimeoutError:
            if clock() < until:
                raise
            return ConsentResult(ConsentState.TIMED_OUT) if answer is None else timed_out(answer)
        result = outcome(answer)
        if result is not None:
            return result
        remaining = until - clock()
        if remaining <= 0:
            return timed_out(answer)
        yield flow.Wait(min(interval, remaining))
