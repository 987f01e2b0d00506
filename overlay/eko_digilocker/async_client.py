"""`AsyncEkoClient`: the calls of `EkoClient`, carried out with async I/O (asyncio or
trio, through anyio).

What each call sends, retries, waits for and raises is decided in `flow`; this shell
only sends, reads and sleeps as told, without ever blocking the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Self, TypeVar

import httpx

from . import body, deadline, flow
from .base import ClientBase, WrongKind
from .policy import DEFAULTS
from .raw import RawResponse

if TYPE_CHECKING:
    from eko_digilocker_client.client import AuthenticatedClient
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        DigilockerUrlSuccess,
        VerificationStatusPayload,
    )

    from .consent import ConsentResult

T = TypeVar("T")
# httpx's own default limits, made explicit so the in-flight gate can size itself to them.
HTTPX_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
UNBOUNDED = 2**31


def _event_loop() -> object:
    """The running event loop, which a pool's connections and locks belong to."""
    import asyncio  # not at import: it costs more than the whole package

    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # trio: anyio's token for it
        import anyio.lowlevel

        return anyio.lowlevel.current_token()


class AsyncEkoClient(ClientBase):
    """The async twin of `EkoClient`: same settings, calls, retries and errors.

    Its connections belong to one event loop; used under another (a second
    `asyncio.run`, or trio after asyncio), it opens new ones there.
    """

    def _open(self) -> None:
        import anyio  # only async users pay for it

        options = self._httpx_options
        limits = options.get("limits") or HTTPX_DEFAULT_LIMITS
        self._http = httpx.AsyncClient(
            **deadline.client_options({**options, "limits": limits}, True)
        )
        # httpcore re-scans every waiting request each time a connection frees up, so a
        # wide fan-out (gather of 1,000 calls) spends its time queueing inside the pool.
        # Waiting here instead, one request per pooled connection, was 3x faster (bench/).
        self._in_flight = anyio.Semaphore(limits.max_connections or UNBOUNDED)
        self._loop: object = None  # the event loop of the first call

    async def _sleep(self, seconds: float) -> None:
        import anyio

        await anyio.sleep(seconds)

    @cached_property
    def with_raw_response(self) -> AsyncRawCalls:
        return AsyncRawCalls(self)

    def _wire(self, generated: AuthenticatedClient) -> None:
        generated.set_async_httpx_client(self._http)
        generated.set_httpx_client(
            httpx.Client(transport=WrongKind("the sync generated functions need EkoClient"))
        )

    @property
    def _http_client(self) -> httpx.AsyncClient:
        return self._http

    async def _run(self, steps: flow.Flow[T]) -> T:
        """Carry a call's steps out, in the event loop the pool belongs to."""
        loop = _event_loop()
        if loop != self._loop:
            if self._loop is not None:  # another loop than the first call's
                self._reopen()
            self._loop = loop
        run = flow.Steps(steps)
        for step in run:
            if isinstance(step, flow.Send):
                run.reply = await self._exchange(step)
            else:
                await self._sleep(step.seconds)
        result: T = run.result
        return result

    async def _exchange(self, step: flow.Send) -> httpx.Response | Exception:
        """Send when a pooled connection is free and read the answer on it."""
        try:
            await self._acquire(step.request)
            try:
                response = await self._http.send(step.request, auth=None, stream=True)
                await body.aread(response, self.max_response_bytes, step.until)
            finally:
                self._in_flight.release()
        except Exception as exc:  # the flow judges it
            return exc
        return response

    async def _acquire(self, request: httpx.Request) -> None:
        """A place in the in-flight gate; waiting for it counts against the pool
        timeout, as waiting in the pool would."""
        import anyio

        try:
            self._in_flight.acquire_nowait()  # the common case, without a cancel scope
        except anyio.WouldBlock:
            pool_timeout = request.extensions.get("timeout", {}).get("pool")
            try:
                with anyio.fail_after(pool_timeout):
                    await self._in_flight.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("no free connection in time", request=request) from None

    async def create_digilocker_url(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> DigilockerUrlSuccess:
        """`EkoClient.create_digilocker_url`, awaited."""
        call = self.create_call(redirect_url, document_requested, client_ref_id, user_code)
        return (await self._run(flow.call(self, call, timeout, max_retries))).parse()

    async def get_verification_status(
        self,
        reference_id: int | str,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> VerificationStatusPayload:
        """`EkoClient.get_verification_status`, awaited."""
        call = self.status_call(reference_id, client_ref_id, user_code)
        return (await self._run(flow.call(self, call, timeout, max_retries))).parse()

    async def get_document(
        self,
        reference_id: int | str,
        verification_id: str,
        document_type: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> DigilockerDocumentPayload:
        """`EkoClient.get_document`, awaited."""
        ids = (reference_id, verification_id, document_type, client_ref_id, user_code)
        documents = flow.document(self, *ids, timeout=timeout, max_retries=max_retries)
        return (await self._run(documents)).parse()

    async def wait_for_consent(
        self,
        reference_id: int | str,
        *,
        timeout: float = DEFAULTS.consent_timeout,
        interval: float = DEFAULTS.consent_interval,
        client_ref_id: str | None = None,
        user_code: str | None = None,
    ) -> ConsentResult:
        """`EkoClient.wait_for_consent`, awaited."""
        from . import consent  # it loads the generated models: when first waited

        return await self._run(
            consent.wait(self, reference_id, timeout, interval, client_ref_id, user_code)
        )

    async def aclose(self) -> None:
        self.closed = True
        if self._loop is None or self._loop == _event_loop():
            await self._http.aclose()
        # else its connections belong to another event loop, which alone can close them

    async def close(self) -> None:
        """`aclose()` under the name httpx's AsyncClient users also reach for."""
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncRawCalls:
    """`AsyncEkoClient.with_raw_response`: the same calls, returning `RawResponse`."""

    def __init__(self, client: AsyncEkoClient) -> None:
        self._client = client

    async def create_digilocker_url(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[DigilockerUrlSuccess]:
        eko = self._client
        call = eko.create_call(redirect_url, document_requested, client_ref_id, user_code)
        return await eko._run(flow.call(eko, call, timeout, max_retries))

    async def get_verification_status(
        self,
        reference_id: int | str,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[VerificationStatusPayload]:
        eko = self._client
        call = eko.status_call(reference_id, client_ref_id, user_code)
        return await eko._run(flow.call(eko, call, timeout, max_retries))

    async def get_document(
        self,
        reference_id: int | str,
        verification_id: str,
        document_type: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[DigilockerDocumentPayload]:
        eko = self._client
        ids = (reference_id, verification_id, document_type, client_ref_id, user_code)
        return await eko._run(flow.document(eko, *ids, timeout=timeout, max_retries=max_retries))
