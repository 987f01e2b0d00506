"""A whole-call deadline that every connect, write and read obeys: the clients' transport.

httpx's timeouts are per phase: a read timeout restarts with every byte, so a server
sending one byte a second (in the headers or the body) holds a call forever. A call's
deadline (a `time.monotonic()` instant) rides on each request as
`request.extensions[UNTIL]`. `Transport` / `AsyncTransport` (httpcore's connection pool,
as httpx's own transports use it, over network streams of ours) hand httpcore each
phase's timeout as a `Phase` that knows the deadline; our streams wait at most what is
left of it in every connect, write and read, and raise httpcore's timeout error once it
has passed, which the transport reports as httpx's. Only public httpx and httpcore names
are used, so an httpx upgrade cannot silently take the deadline away.

`client_options` gives the httpx client these transports for its direct connections and
for its proxies (`proxy=`, or `HTTP(S)_PROXY` / `ALL_PROXY` / `NO_PROXY` read as httpx
reads them). A `transport` of the caller's own is used as it is.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:  # httpx imports httpcore only when a transport is made; so do we
    import httpcore

UNTIL = "eko_until"
# httpx.HTTPTransport's arguments that httpx.Client also takes: they go to our transport.
TRANSPORT_ARGS = ("verify", "cert", "http1", "http2", "limits", "proxy")


class Phase:
    """One phase's timeout (seconds or None) and the call's deadline."""

    __slots__ = ("seconds", "until")

    def __init__(self, seconds: float | None, until: float) -> None:
        self.seconds = seconds
        self.until = until


def left(timeout: Phase | float | None, phase: str) -> float | None:
    """The seconds one network operation may take; once the deadline passed, httpcore's
    timeout error for `phase` (read, write or connect)."""
    if not isinstance(timeout, Phase):
        return timeout
    remaining = timeout.until - time.monotonic()
    if remaining <= 0:
        import httpcore

        expired = {"read": httpcore.ReadTimeout, "write": httpcore.WriteTimeout}
        raise expired.get(phase, httpcore.ConnectTimeout)("the call's deadline passed")
    return remaining if timeout.seconds is None else min(timeout.seconds, remaining)


def _core_request(request: httpx.Request) -> httpcore.Request:
    import httpcore

    extensions = request.extensions
    until = extensions.get(UNTIL)
    if until is not None:
        # the pool's wait is a lock's, not ours: it stays a number (already capped)
        timeout = {k: v if k == "pool" else Phase(v, until)
                   for k, v in extensions.get("timeout", {}).items()}  # fmt: skip
        extensions = {**extensions, "timeout": timeout}
    url = request.url
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(
            scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
        ),
        headers=request.headers.raw,
        content=request.stream,
        extensions=extensions,
    )


def _httpx_error(exc: Exception) -> httpx.HTTPError | None:
    """httpx's exception for an httpcore one: the most specific of the same name, as
    httpx maps them (httpcore's exception names are httpx's)."""
    for kind in type(exc).__mro__:
        if kind.__module__.startswith("httpcore"):
            mapped = getattr(httpx, kind.__name__, None)
            if isinstance(mapped, type) and issubclass(mapped, httpx.HTTPError):
                return mapped(str(exc))
    return None


def _pool(core: Any, backend: Any, options: Mapping[str, Any]) -> Any:
    """httpcore's pool (or proxy) for httpx.HTTPTransport's arguments, over `backend`."""
    ssl_context = httpx.create_ssl_context(
        verify=options.get("verify", True),
        cert=options.get("cert"),
        trust_env=options.get("trust_env", True),
    )
    limits: httpx.Limits = options.get("limits") or httpx.Limits(
        max_connections=100, max_keepalive_connections=20
    )
    common = {
        "ssl_context": ssl_context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": options.get("http1", True),
        "http2": options.get("http2", False),
        "network_backend": backend,
    }
    proxy = options.get("proxy")
    if proxy is None:
        return core["pool"](**common)
    proxy = httpx.Proxy(url=proxy) if isinstance(proxy, str | httpx.URL) else proxy
    url = proxy.url
    proxy_url = core["URL"](scheme=url.raw_scheme, host=url.raw_host, port=url.port,
                            target=url.raw_path)  # fmt: skip
    if url.scheme in ("http", "https"):
        return core["http_proxy"](
            proxy_url=proxy_url,
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            proxy_ssl_context=proxy.ssl_context,
            **common,
        )
    if url.scheme in ("socks5", "socks5h"):
        return core["socks_proxy"](proxy_url=proxy_url, proxy_auth=proxy.raw_auth, **common)
    raise ValueError(f"proxy scheme must be http, https, socks5 or socks5h, not {url.scheme!r}")


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    def close(self) -> None:
        self._stream.close()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        await self._stream.aclose()


class Transport(httpx.BaseTransport):
    """httpx.HTTPTransport's job (same arguments), every network wait capped by the
    request's deadline."""

    def __init__(self, **options: Any) -> None:
        import httpcore

        core = {"pool": httpcore.ConnectionPool, "http_proxy": httpcore.HTTPProxy,
                "socks_proxy": httpcore.SOCKSProxy, "URL": httpcore.URL}  # fmt: skip
        self._pool = _pool(core, _Backend(), options)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            answer = self._pool.handle_request(_core_request(request))
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class AsyncTransport(httpx.AsyncBaseTransport):
    """`Transport` for the async client."""

    def __init__(self, **options: Any) -> None:
        import httpcore

        core = {"pool": httpcore.AsyncConnectionPool, "http_proxy": httpcore.AsyncHTTPProxy,
                "socks_proxy": httpcore.AsyncSOCKSProxy, "URL": httpcore.URL}  # fmt: skip
        self._pool = _pool(core, _AsyncBackend(), options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            answer = await self._pool.handle_async_request(_core_request(request))
        except Exception as exc:
            mapped = _httpx_error(exc)
            if mapped is None:
                raise
            raise mapped from exc
        return httpx.Response(
            answer.status,
            headers=answer.headers,
            stream=_AsyncBody(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def client_options(options: Mapping[str, Any], asynchronous: bool) -> dict[str, Any]:
    """httpx client options with our transports in place of httpx's: for direct
    connections and for each proxy, as httpx would choose them. A caller's own
    `transport` is left as it is (the deadline then holds between the body's chunks)."""
    if "transport" in options:
        return dict(options)
    make = AsyncTransport if asynchronous else Transport
    chosen = {k: options[k] for k in TRANSPORT_ARGS if k in options}
    rest = {k: v for k, v in options.items() if k not in TRANSPORT_ARGS}
    trust_env = options.get("trust_env", True)
    proxy = chosen.pop("proxy", None)
    mounts: dict[str, Any] = {}
    if proxy is None and trust_env:
        for pattern, env_proxy in environment_proxies().items():
            mounts[pattern] = env_proxy and make(trust_env=trust_env, proxy=env_proxy, **chosen)
    return {
        **rest,
        "transport": make(trust_env=trust_env, proxy=proxy, **chosen),
        "mounts": {**mounts, **dict(options.get("mounts") or {})},
    }


def environment_proxies() -> dict[str, str | None]:
    """`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` as httpx mounts, read as
    httpx reads them (curl's rules for NO_PROXY)."""
    from urllib.request import getproxies

    found = getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if found.get(scheme):
            value = found[scheme]
            mounts[f"{scheme}://"] = value if "://" in value else f"http://{value}"
    for host in (h.strip() for h in found.get("no", "").split(",")):
        if host == "*":
            return {}
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
            continue
        try:
            address = ipaddress.ip_address(host.split("/")[0])
        except ValueError:
            address = None
        if address is not None and address.version == 6:
            mounts[f"all://[{host}]"] = None
        elif address is not None or host.lower() == "localhost":
            mounts[f"all://{host}"] = None
        else:
            mounts[f"all://*{host}"] = None
    return mounts


class _Stream:  # an httpcore.NetworkStream
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: Phase | float | None = None) -> bytes:
        return self._stream.read(max_bytes, left(timeout, "read"))

    def write(self, buffer: bytes, timeout: Phase | float | None = None) -> None:
        self._stream.write(buffer, left(timeout, "write"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: Phase | float | None = None) -> _Stream:  # fmt: skip
        capped = left(timeout, "connect")
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncStream:  # an httpcore.AsyncNetworkStream
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: Phase | float | None = None) -> bytes:
        return await self._stream.read(max_bytes, left(timeout, "read"))

    async def write(self, buffer: bytes, timeout: Phase | float | None = None) -> None:
        await self._stream.write(buffer, left(timeout, "write"))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                        timeout: Phase | float | None = None) -> _AsyncStream:  # fmt: skip
        capped = left(timeout, "connect")
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend:  # an httpcore.NetworkBackend
    def __init__(self) -> None:
        import httpcore

        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: Phase | float | None = None,
                    local_address: str | None = None, socket_options: Any = None,
                    ) -> _Stream:  # fmt: skip
        capped = left(timeout, "connect")
        stream = self._backend.connect_tcp(host, port, capped, local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(self, path: str, timeout: Phase | float | None = None,
                            socket_options: Any = None) -> _Stream:  # fmt: skip
        capped = left(timeout, "connect")
        return _Stream(self._backend.connect_unix_socket(path, capped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncBackend:  # an httpcore.AsyncNetworkBackend
    def __init__(self) -> None:
        import httpcore

        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: Phase | float | None = None,
                          local_address: str | None = None, socket_options: Any = None,
                          ) -> _AsyncStream:  # fmt: skip
        capped = left(timeout, "connect")
        stream = await self._backend.connect_tcp(host, port, capped, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(self, path: str, timeout: Phase | float | None = None,
                                  socket_options: Any = None,
                                  ) -> _AsyncStream:  # fmt: skip
        capped = left(timeout, "connect")
        return _AsyncStream(await self._backend.connect_unix_socket(path, capped, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)
