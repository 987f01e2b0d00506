"""When to retry a request, and how long to wait first: the spec's `x-eko-client`
`retry` (every default here is read from it, `policy.py`), and what an attempt's answer
or failure means for its call (`after_answer`, `after_failure`).

Rules: a failure to connect (nothing was sent) is always retried (`not_sent: all`). A
timeout, a dropped connection or a status of `retry.statuses` (429, 500: Eko's gateway
could not reach its servers, 502, 503, 504) is retried for calls that are safe to repeat
(`maybe_sent: idempotent`): operations whose `x-eko-client` says `idempotent`, a POST
only when it carries a `client_ref_id` (Eko can recognise the repeat). A business error
is never retried. Waits use exponential backoff with full jitter, or `Retry-After`.
"""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from .policy import DEFAULTS
from .signing import redacted

if TYPE_CHECKING:
    from . import calls

logger = logging.getLogger("eko_digilocker")

# Raised before any byte of the request reached the server.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached the server: only safe calls are repeated.
MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = DEFAULTS.max_retries
    initial_delay: float = DEFAULTS.initial_delay
    max_delay: float = DEFAULTS.max_delay
    max_retry_after: float = DEFAULTS.max_retry_after
    multiplier: float = DEFAULTS.multiplier
    statuses: frozenset[int] = DEFAULTS.retry_statuses

    def retry_on_exception(self, exc: Exception, attempt: int, idempotent: bool) -> bool:
        if attempt >= self.max_retries:
            return False
        if isinstance(exc, NOT_SENT):
            return True
        return idempotent and isinstance(exc, MAYBE_SENT)

    def retry_on_status(self, status_code: int, attempt: int, idempotent: bool) -> bool:
        return attempt < self.max_retries and idempotent and status_code in self.statuses

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before retry number `attempt + 1`."""
        if response is not None:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None and 0 <= retry_after <= self.max_retry_after:
                return retry_after
        ceiling = min(self.max_delay, self.initial_delay * self.multiplier**attempt)
        return random.uniform(0, ceiling)  # noqa: S311 -- jitter, not cryptography


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date), if it has one."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def after_answer(
    policy: RetryPolicy,
    until: float | None,
    call: calls.Call[Any],
    response: httpx.Response,
    attempt: int,
    clock: Callable[[], float],
) -> float | None:
    """Seconds to wait before trying again, or None when this answer is final."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> HTTP %s (attempt %d) headers=%s",
            response.request.method,
            response.request.url.path,
            response.status_code,
            attempt + 1,
            redacted(response.request.headers),
        )
    if not policy.retry_on_status(response.status_code, attempt, call.idempotent):
        return None
    delay = policy.delay(attempt, response)
    if until is not None and clock() + delay >= until:
        return None  # no time left to try again: this answer is the result
    _log_retry(call, f"HTTP {response.status_code}", delay, attempt)
    return delay


def after_failure(
    policy: RetryPolicy,
    until: float | None,
    call: calls.Call[Any],
    exc: Exception,
    attempt: int,
    clock: Callable[[], float],
) -> float | None:
    """Seconds to wait before trying again, or None when `exc` ends the call
    (`attempts.failure` says with which error)."""
    if certificate_refused(exc) or not policy.retry_on_exception(exc, attempt, call.idempotent):
        return None
    delay = policy.delay(attempt)
    if until is not None and clock() + delay >= until:
        return None
    _log_retry(call, type(exc).__name__, delay, attempt)
    return delay


def certificate_refused(exc: BaseException) -> bool:
    """Whether the server's TLS certificate failed verification: trying again meets the
    same certificate, so it is never retried."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _log_retry(call: calls.Call[Any], why: str, delay: float, attempt: int) -> None:
    logger.info("%s: %s; retry %d in %.2f s", call.name, why, attempt + 1, delay)
