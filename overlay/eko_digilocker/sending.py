"""How the shells hand one attempt's request to httpx and read its answer.

A client has one transport for every call (`deadline.Transport`, or the caller's own
`transport`) unless mounts choose among several (proxies). Then each request goes
straight to that transport, as `httpx.Client.send` would send it, without the work
`send` does that these requests never need: merging the client's auth, cookies and
redirects into them, and reading `Set-Cookie` into a jar they never send. That work
cost more than all of our layers together (bench/, the floor). What `send` does that
a caller can see is kept: the client's event hooks, httpx's "HTTP Request" log line,
the answer's `request`, `elapsed` and `default_encoding`, and errors that carry
their request. With mounts, requests go through `send`, which picks the transport.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, NamedTuple

import httpx

from . import body

# httpx's own logger and line, so that logging set up for httpx sees our calls too
_HTTPX_LOG = logging.getLogger("httpx")
_LINE = 'HTTP Request: %s %s "%s %d %s"'


class Direct(NamedTuple):
    """The one transport of a client, and what its answers decode text with."""

    transport: Any  # httpx.BaseTransport or httpx.AsyncBaseTransport
    default_encoding: str | Callable[[bytes], str]


def direct(options: Mapping[str, Any]) -> Direct | None:
    """How an httpx client made with `options` sends every request, or None when its
    mounts choose a transport per URL."""
    if any(mounted is not None for mounted in (options.get("mounts") or {}).values()):
        return None  # a mount of None means "the client's transport": no choice
    return Direct(options["transport"], options.get("default_encoding", "utf-8"))


def exchange(
    http: httpx.Client,
    direct: Direct | None,
    request: httpx.Request,
    limit: int,
    until: float | None,
) -> httpx.Response:
    """Send `request` and read its body (at most `limit` bytes, before `until`)."""
    if direct is None:
        chosen = http.send(request, auth=None, stream=True)
        body.read(chosen, limit, until)
        return chosen
    started = time.perf_counter()
    for hook in http.event_hooks["request"]:
        hook(request)
    try:
        response: httpx.Response = direct.transport.handle_request(request)
    except httpx.RequestError as exc:
        exc.request = request
        raise
    _received(direct, request, response)
    for hook in http.event_hooks["response"]:
        hook(response)
    body.read(response, limit, until)
    response.elapsed = timedelta(seconds=time.perf_counter() - started)
    return response


async def aexchange(
    http: httpx.AsyncClient,
    direct: Direct | None,
    request: httpx.Request,
    limit: int,
    until: float | None,
) -> httpx.Response:
    """`exchange` for the async client (its event hooks are awaited, as httpx does)."""
    if direct is None:
        chosen = await http.send(request, auth=None, stream=True)
        await body.aread(chosen, limit, until)
        return chosen
    started = time.perf_counter()
    for hook in http.event_hooks["request"]:
        await hook(request)
    try:
        response: httpx.Response = await direct.transport.handle_async_request(request)
    except httpx.RequestError as exc:
        exc.request = request
        raise
    _received(direct, request, response)
    for hook in http.event_hooks["response"]:
        await hook(response)
    await body.aread(response, limit, until)
    response.elapsed = timedelta(seconds=time.perf_counter() - started)
    return response


def _received(direct: Direct, request: httpx.Request, response: httpx.Response) -> None:
    response.request = request
    response.default_encoding = direct.default_encoding
    if _HTTPX_LOG.isEnabledFor(logging.INFO):
        _HTTPX_LOG.info(
            _LINE,
            request.method,
            request.url,
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )
