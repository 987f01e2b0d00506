"""When to retry a request, and how long to wait first: the spec's `x-eko-client`
`retry` (every default here is read from it, `policy.py`).

Rules: a failure to connect (nothing was sent) is always retried (`not_sent: all`). A
timeout, a dropped connection or a status of `retry.statuses` (429, 500: Eko's gateway
could not reach its servers, 502, 503, 504) is retried for calls that are safe to repeat
(`maybe_sent: idempotent`): operations whose `x-eko-client` says `idempotent`, a POST
only when it carries a `client_ref_id` (Eko can recognise the repeat). A business error
is never retried. Waits use exponential backoff with full jitter, or `Retry-After`.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

import httpx

from .policy import DEFAULTS

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
