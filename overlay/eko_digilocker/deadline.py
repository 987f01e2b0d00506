"""A whole-call deadline that every network read, write and connect obeys.

httpx's timeouts are per phase: a read timeout restarts with every byte, so a server
sending one byte a second (in the headers or the body) holds a call forever. The client
sets the call's deadline (a `time.monotonic()` instant) in a context variable; the
network streams of its own transport cap each operation's timeout with what is left
and raise httpcore's timeout errors once it has passed, which httpx reports as its own.
Threads and asyncio tasks each see their own deadline.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:  # httpx imports httpcore only when a transport is made; so do we
    import httpcore

DEADLINE: ContextVar[float | None] = ContextVar("eko_digilocker_deadline", default=None)


def left(timeout: float | None, phase: str) -> float | None:
    """`timeout` capped by what is left of the current deadline; once it passed,
    httpcore's timeout error for `phase` (read, write or connect)."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        import httpcore

        expired = {"read": httpcore.ReadTimeout, "write": httpcore.WriteTimeout}
        raise expired.get(phase, httpcore.ConnectTimeout)("the call's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _Stream:  # an httpcore.NetworkStream
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, left(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, left(timeout, "write"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> _Stream:  # fmt: skip
        capped = left(timeout, "connect")
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncStream:  # an httpcore.AsyncNetworkStream
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, left(timeout, "read"))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, left(timeout, "write"))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: float | None = None) -> _AsyncStream:  # fmt: skip
        capped = left(timeout, "connect")
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend:  # an httpcore.NetworkBackend
    def __init__(self) -> None:
        import httpcore

        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None,
                    ) -> _Stream:  # fmt: skip
        capped = left(timeout, "connect")
        stream = self._backend.connect_tcp(host, port, capped, local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> _Stream:  # fmt: skip
        capped = left(timeout, "connect")
        return _Stream(self._backend.connect_unix_socket(path, capped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncBackend:  # an httpcore.AsyncNetworkBackend
    def __init__(self) -> None:
        import httpcore

        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options: Any = None,
                          ) -> _AsyncStream:  # fmt: skip
        capped = left(timeout, "connect")
        stream = await self._backend.connect_tcp(host, port, capped, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Any = None,
                                  ) -> _AsyncStream:  # fmt: skip
        capped = left(timeout, "connect")
        return _AsyncStream(await self._backend.connect_unix_socket(path, capped, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def arm(client: httpx.Client | httpx.AsyncClient, options: dict[str, Any]) -> None:
    """Make the connections of every transport httpx built for `client` (its default
    one and those of its proxies, `HTTP(S)_PROXY` included) through deadline-aware
    streams. A transport or mounts the caller gave in `options` are left as they are."""
    given = {id(t) for t in (options.get("transport"), *dict(options.get("mounts") or {}).values())}
    for transport in (client._transport, *client._mounts.values()):
        if id(transport) in given:
            continue
        # httpx offers no way to pass a backend; duck-typed, like httpcore's own
        if isinstance(transport, httpx.HTTPTransport):
            transport._pool._network_backend = cast("httpcore.NetworkBackend", _Backend())
        elif isinstance(transport, httpx.AsyncHTTPTransport):
            backend = cast("httpcore.AsyncNetworkBackend", _AsyncBackend())
            transport._pool._network_backend = backend
