"""When to retry a request, and how long to wait first.

Rules: a failure to connect (nothing was sent) is always retried. A timeout, a dropped
connection, 429, 500 (which Eko documents: its gateway could not reach its servers),
502, 503 or 504 is retried for calls that are safe to repeat: the status GET, and POSTs
that carry a `client_ref_id` (Eko can recognise the repeat). A business error is never
retried. Waits use exponential backoff with full jitter, or `Retry-After`.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

import httpx

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
# Raised before any byte of the request reached the server.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request may have reached the server: only safe calls are repeated.
MAYBE_SENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def retry_on_exception(self, exc: Exception, attempt: int, idempotent: bool) -> bool:
        if attempt >= self.max_retries:
            return False
        if isinstance(exc, NOT_SENT):
            return True
        return idempotent and isinstance(exc, MAYBE_SENT)

    def retry_on_status(self, status_code: int, attempt: int, idempotent: bool) -> bool:
        return attempt < self.max_retries and idempotent and status_code in RETRYABLE_STATUS

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before retry number `attempt + 1`."""
        if response is not None:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None and 0 <= retry_after <= self.max_retry_after:
                return retry_after
        ceiling = min(self.max_delay, self.initial_delay * 2**attempt)
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
