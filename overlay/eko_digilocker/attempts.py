"""One attempt of a call: its request, signed, and what its answer or failure means
(the answer, a retry after a wait, or the EkoError to raise)."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import httpx

from . import body, options
from .calls import M
from .deadline import UNTIL
from .errors import (
    EkoConfigurationError,
    EkoConnectionError,
    EkoError,
    EkoResponseError,
    EkoResponseTooLargeError,
    EkoTimeoutError,
)
from .retries import RetryPolicy
from .signing import SIGNING_HEADERS, mask

if TYPE_CHECKING:
    from . import calls
    from .base import ClientBase

logger = logging.getLogger("eko_digilocker")

# What an attempt may raise that the retry rules judge; anything else is raised as is.
FAILURES = (httpx.HTTPError, httpx.InvalidURL, body.BodyTooLarge, body.UnsupportedEncoding)


def request(
    eko: ClientBase, call: calls.Call[Any], until: float | None, timestamp: int
) -> httpx.Request:
    """The request of one attempt, signed with `timestamp`, its phase timeouts capped by
    the deadline.

    Signed here rather than by httpx's auth hook (which the generated client uses):
    the same headers, given to httpx once instead of set one by one afterwards.
    """
    prepared = call.request
    headers = {**eko.default_headers, **prepared["headers"], **eko.auth.headers(timestamp)}
    timeout = eko.phase_timeout
    if until is not None:
        remaining = until - time.monotonic()
        if remaining <= 0:
            raise httpx.TimeoutException("the call's deadline passed")
        if remaining < eko.longest_phase:
            connect, read, write, pool = (
                remaining if p is None else min(p, remaining) for p in options.phases(timeout)
            )
            timeout = httpx.Timeout(connect=connect, read=read, write=write, pool=pool)
    # Made directly rather than by client.build_request, which parses and merges the
    # URL and headers again on every call (a tenth of a call's cost): the URL of each
    # path is parsed once, the client's headers merged once. The client keeps no
    # cookies for Eko's API, so none are sent.
    return httpx.Request(
        prepared["method"],
        eko.url(prepared["url"]),
        headers=headers,
        content=prepared.get("content"),
        extensions={"timeout": timeout.as_dict(), UNTIL: until},
    )


def after_answer(
    policy: RetryPolicy,
    call: calls.Call[Any],
    response: httpx.Response,
    attempt: int,
    until: float | None,
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
    if until is not None and time.monotonic() + delay >= until:
        return None  # no time left to try again: this answer is the result
    _log_retry(call, f"HTTP {response.status_code}", delay, attempt)
    return delay


def after_failure(
    eko: ClientBase,
    policy: RetryPolicy,
    call: calls.Call[Any],
    exc: Exception,
    attempt: int,
    until: float | None,
) -> float:
    """Seconds to wait before trying again, or raise the EkoError for `exc`."""
    if not isinstance(exc, FAILURES):
        raise exc
    if isinstance(exc, body.BodyTooLarge):
        raise EkoResponseTooLargeError(
            f"{call.name}: the answer is larger than max_response_bytes "
            f"({eko.max_response_bytes} bytes decoded); reading stopped there",
            http_status=None,
        ) from None
    if isinstance(exc, body.UnsupportedEncoding):
        raise EkoResponseError(
            f"{call.name}: the answer uses Content-Encoding {exc}, which was not asked for",
            http_status=None,
        ) from None
    if not certificate_refused(exc) and policy.retry_on_exception(exc, attempt, call.idempotent):
        delay = policy.delay(attempt)
        if until is None or time.monotonic() + delay < until:
            _log_retry(call, type(exc).__name__, delay, attempt)
            return delay
    raise transport_error(eko, exc, call, attempt, until) from exc


def certificate_refused(exc: BaseException) -> bool:
    """Whether the server's TLS certificate failed verification: trying again meets the
    same certificate, so it is never retried."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def transport_error(
    eko: ClientBase, exc: Exception, call: calls.Call[Any], attempt: int, until: float | None
) -> EkoError:
    """The EkoError for an httpx failure: what, where and how often, but no secret."""
    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
    if isinstance(exc, httpx.InvalidURL):
        return EkoConfigurationError(f"{call.name}: invalid URL: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        out_of_time = until is not None and time.monotonic() >= until
        why = "the call's deadline passed" if out_of_time else "a phase timeout expired"
        return EkoTimeoutError(
            f"{call.name}: no complete answer from {eko.host}: {why} "
            f"({tries}; last: {type(exc).__name__})"
        )
    if isinstance(exc, httpx.DecodingError):
        return EkoResponseError(
            f"{call.name}: the answer from {eko.host} could not be decoded", http_status=None
        )
    if certificate_refused(exc):
        return EkoConnectionError(
            f"{call.name}: {eko.host}'s TLS certificate failed verification (not retried): "
            f"{_first_line(exc)}"
        )
    return EkoConnectionError(
        f"{call.name}: request to {eko.host} failed ({tries}; last: {type(exc).__name__}: "
        f"{_first_line(exc)})"
    )


def out_of_time(call: calls.Call[Any], attempt: int, doing: str) -> EkoError:
    return EkoTimeoutError(
        f"{call.name}: the call's deadline would pass {doing} ({attempt} attempts sent)"
    )


def read(call: calls.Call[M], response: httpx.Response) -> M:
    """The success answer's data, or the EkoError the answer stands for."""
    data: M = _read_answer()(call.operation, response, call.success)
    return data


@cache
def _read_answer() -> Callable[..., Any]:
    # responses loads the generated models: on the first answer, not with the package.
    from .responses import read_answer

    return read_answer


def redacted(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: signing headers hidden, developer_key masked."""
    shown = {}
    for name, value in headers.items():
        if name.lower() == "developer_key":
            value = mask(value)
        elif name.lower() in SIGNING_HEADERS:
            value = "***"
        shown[name] = value
    return shown


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""


def _log_retry(call: calls.Call[Any], why: str, delay: float, attempt: int) -> None:
    logger.info("%s: %s; retry %d in %.2f s", call.name, why, attempt + 1, delay)
