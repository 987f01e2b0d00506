"""One attempt of a call: its request, signed, and what its answer or failure means
(the answer, a retry after a wait, or the EkoError to raise)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import httpx

from . import body, options, retries
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
from .signing import DEVELOPER_KEY_HEADER, SECRET_KEY_HEADER, SIGNING_HEADERS, TIMESTAMP_HEADER

if TYPE_CHECKING:
    from . import calls
    from .config import Clock, Config

# What an attempt may raise that the retry rules judge; anything else is raised as is.
FAILURES = (httpx.HTTPError, httpx.InvalidURL, body.BodyTooLarge, body.UnsupportedEncoding)


def request(config: Config, call: calls.Call[Any], timestamp: int, clock: Clock) -> httpx.Request:
    """The request of one attempt, signed with `timestamp`, its phase timeouts capped by
    the deadline, which rides along for the transport (`deadline.UNTIL`).

    Signed here rather than by httpx's auth hook (which the generated client uses), and
    made from headers already in wire form: the client's fixed ones merged once
    (`fixed_headers`), the route's, the signature and the length. httpx's own
    `build_request` parses and merges the URL and every header again on each call,
    which cost as much as all of our layers together.
    """
    client, until = config.client, config.until
    prepared = call.request
    timeout = client.phase_timeout
    if until is not None:
        remaining = until - clock()
        if remaining <= 0:
            raise httpx.TimeoutException("the call's deadline passed")
        if remaining < client.longest_phase:
            connect, read, write, pool = (
                remaining if p is None else min(p, remaining) for p in options.phases(timeout)
            )
            timeout = httpx.Timeout(connect=connect, read=read, write=write, pool=pool)
    stamp = str(timestamp).encode()
    headers = [
        *client.fixed_headers,
        *prepared["headers"],
        (_SECRET_KEY, client.signer.signature(stamp)),
        (_TIMESTAMP, stamp),
    ]
    content = prepared.get("content")
    if content is not None:
        headers.append((b"Content-Length", str(len(content)).encode()))
    request = httpx.Request(
        prepared["method"],
        url(client.base_url, prepared["url"]),
        headers=headers,
        stream=httpx.ByteStream(content or b""),
        extensions={"timeout": timeout.as_dict(), UNTIL: until},
    )
    request.read()  # `request.content` readable, as with httpx's own requests
    return request


_SECRET_KEY, _TIMESTAMP = SECRET_KEY_HEADER.encode(), TIMESTAMP_HEADER.encode()
# Set per call, so never taken from the client's default headers.
_PER_CALL = {"host", "content-type", "content-length", *SIGNING_HEADERS}


def fixed_headers(
    defaults: Mapping[str, str], base_url: str, developer_key: str
) -> tuple[tuple[bytes, bytes], ...]:
    """What every request of a client carries, in wire form: the Host, Basic
    credentials when the base URL has a user (as httpx would send), the client's
    default headers (User-Agent, Accept-Encoding, `httpx_args` headers) but for those
    set per call, and the developer key."""
    base = httpx.URL(base_url)
    kept = [
        (k.lower().encode(), v.encode()) for k, v in defaults.items() if k.lower() not in _PER_CALL
    ]
    if (base.username or base.password) and not any(k == b"authorization" for k, _ in kept):
        credentials = httpx.Request("GET", base)  # httpx's own Basic scheme writes it
        next(httpx.BasicAuth(base.username, base.password).sync_auth_flow(credentials))
        kept.insert(0, (b"Authorization", credentials.headers["authorization"].encode()))
    return ((b"Host", base.netloc), *kept, (DEVELOPER_KEY_HEADER.encode(), developer_key.encode()))


def url(base_url: str, path: str) -> httpx.URL:
    """The URL of a path under the base URL (fixed paths parsed once)."""
    if "?" in path:  # a query differs per call: only fixed paths are kept
        return httpx.URL(base_url + path)
    return _fixed_url(base_url, path)


@functools.lru_cache(maxsize=64)
def _fixed_url(base_url: str, path: str) -> httpx.URL:
    return httpx.URL(base_url + path)


def failure(
    config: Config, call: calls.Call[Any], exc: Exception, attempt: int, clock: Clock
) -> Exception:
    """What a call raises for an attempt's failure that is not retried: an EkoError
    (caused by `exc`), or `exc` itself when it is none of the attempt's FAILURES."""
    if not isinstance(exc, FAILURES):
        return exc
    if isinstance(exc, body.BodyTooLarge):
        return EkoResponseTooLargeError(
            f"{call.name}: the answer is larger than max_response_bytes "
            f"({config.client.max_response_bytes} bytes decoded); reading stopped there",
            http_status=None,
        )
    if isinstance(exc, body.UnsupportedEncoding):
        return EkoResponseError(
            f"{call.name}: the answer uses Content-Encoding {exc}, which was not asked for",
            http_status=None,
        )
    error = transport_error(config, exc, call, attempt, clock)
    error.__cause__ = exc
    return error


def transport_error(
    config: Config, exc: Exception, call: calls.Call[Any], attempt: int, clock: Clock
) -> EkoError:
    """The EkoError for an httpx failure: what, where and how often, but no secret."""
    host, until = config.client.host, config.until
    tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
    if isinstance(exc, httpx.InvalidURL):
        return EkoConfigurationError(f"{call.name}: invalid URL: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        out_of_time = until is not None and clock() >= until
        why = "the call's deadline passed" if out_of_time else "a phase timeout expired"
        return EkoTimeoutError(
            f"{call.name}: no complete answer from {host}: {why} "
            f"({tries}; last: {type(exc).__name__})"
        )
    if isinstance(exc, httpx.DecodingError):
        return EkoResponseError(
            f"{call.name}: the answer from {host} could not be decoded", http_status=None
        )
    if retries.certificate_refused(exc):
        return EkoConnectionError(
            f"{call.name}: {host}'s TLS certificate failed verification (not retried): "
            f"{_first_line(exc)}"
        )
    return EkoConnectionError(
        f"{call.name}: request to {host} failed ({tries}; last: {type(exc).__name__}: "
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


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""
