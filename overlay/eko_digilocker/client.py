"""`EkoClient` and `AsyncEkoClient`: the same calls, signing, retries and errors, sync and async."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import replace
from types import TracebackType
from typing import Any, Self, overload

import anyio
import httpx

from eko_digilocker_client.client import AuthenticatedClient
from eko_digilocker_client.models import (
    DigilockerDocumentPayload,
    DigilockerUrlSuccess,
    VerificationStatusPayload,
)

from . import calls
from .consent import ConsentResult, outcome, timed_out
from .errors import (
    EkoApiError,
    EkoConfigurationError,
    EkoConnectionError,
    EkoResponseError,
    EkoTimeoutError,
)
from .responses import M, read_answer
from .retries import RetryPolicy
from .settings import Settings
from .signing import SIGNING_HEADERS, EkoAuth, mask

logger = logging.getLogger("eko_digilocker")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# httpx's own default limits, made explicit so the in-flight gate can size itself to them.
HTTPX_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
UNBOUNDED = 2**31
TimeoutArg = float | httpx.Timeout | None


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


TRANSPORT_ERRORS = (httpx.HTTPError, httpx.InvalidURL)


class WrongKind(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Stands in for the generated client's other httpx client (sync on AsyncEkoClient,
    async on EkoClient), so a call of the wrong kind fails clearly, not unsigned."""

    def __init__(self, hint: str) -> None:
        self.hint = hint

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise EkoConfigurationError(self.hint)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise EkoConfigurationError(self.hint)


def transport_error(exc: Exception) -> Exception:
    """The EkoError for an httpx failure, with a message that holds no secrets."""
    if isinstance(exc, httpx.InvalidURL):
        return EkoConfigurationError(f"invalid URL: {exc}")
    if isinstance(exc, httpx.TimeoutException):
        return EkoTimeoutError(f"request timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.DecodingError):
        return EkoResponseError(f"body could not be decoded: {exc}", http_status=None)
    return EkoConnectionError(f"request failed ({type(exc).__name__}: {exc})")


class _ClientBase:
    """Settings, signing and call preparation shared by the sync and async clients.

    Settings come from the arguments or from `EKO_DEVELOPER_KEY`, `EKO_ACCESS_KEY`,
    `EKO_INITIATOR_ID`, `EKO_USER_CODE`, `EKO_BASE_URL` / `EKO_ENVIRONMENT`
    (`uat`, the default, or `production`). `base_url` may point at the local sandbox.
    `httpx_args` (transport, proxy, verify, limits...) go to the httpx client.
    `client.generated` is the generated client, signing applied, for direct calls.
    """

    def __init__(
        self,
        *,
        developer_key: str | None = None,
        access_key: str | None = None,
        initiator_id: str | None = None,
        user_code: str | None = None,
        base_url: str | None = None,
        environment: str | None = None,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        httpx_args: Mapping[str, Any] | None = None,
    ) -> None:
        self.settings = Settings.resolve(
            developer_key=developer_key,
            access_key=access_key,
            initiator_id=initiator_id,
            user_code=user_code,
            base_url=base_url,
            environment=environment,
        )
        self.auth = EkoAuth(self.settings.developer_key, self.settings.access_key)
        self.retry_policy = RetryPolicy(max_retries=max_retries)
        options = dict(httpx_args or {})
        taken = {"auth", "base_url", "timeout"} & options.keys()
        if taken:
            raise EkoConfigurationError(
                f"httpx_args may not set {', '.join(sorted(taken))}: the client sets "
                "auth (signing) itself, and takes base_url and timeout as its own arguments"
            )
        self.generated = AuthenticatedClient(base_url=self.settings.base_url, token="")
        self._connect(
            dict(base_url=self.settings.base_url, auth=self.auth, timeout=timeout, **options)
        )

    def _connect(self, httpx_options: dict[str, Any]) -> None:
        """Open the httpx client and hand it to `self.generated`, so its calls are signed."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.settings.base_url!r}, "
            f"developer_key={mask(self.settings.developer_key)!r}, access_key='***')"
        )

    def _policy(self, max_retries: int | None) -> RetryPolicy:
        if max_retries is None:
            return self.retry_policy
        return replace(self.retry_policy, max_retries=max_retries)

    def _create(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None,
        client_ref_id: str | None,
        user_code: str | None,
    ) -> calls.Call[DigilockerUrlSuccess]:
        return calls.create_digilocker_url(
            self.settings,
            redirect_url=redirect_url,
            document_requested=document_requested,
            client_ref_id=client_ref_id,
            user_code=user_code,
        )

    def _status(
        self, reference_id: int, client_ref_id: str | None, user_code: str | None
    ) -> calls.Call[VerificationStatusPayload]:
        return calls.get_verification_status(
            self.settings,
            reference_id=reference_id,
            client_ref_id=client_ref_id,
            user_code=user_code,
        )

    def _document(
        self,
        reference_id: int | str,
        verification_id: str,
        document_type: Iterable[str] | None,
        client_ref_id: str | None,
        user_code: str | None,
    ) -> calls.Call[DigilockerDocumentPayload]:
        return calls.get_document(
            self.settings,
            reference_id=reference_id,
            verification_id=verification_id,
            document_type=document_type,
            client_ref_id=client_ref_id,
            user_code=user_code,
        )

    @staticmethod
    def _delay_after_failure(
        policy: RetryPolicy, call: calls.Call[Any], exc: Exception, attempt: int
    ) -> float:
        """Seconds to wait before trying again, or raise the EkoError for `exc`."""
        if not policy.retry_on_exception(exc, attempt, call.idempotent):
            raise transport_error(exc) from exc
        delay = policy.delay(attempt)
        _log_retry(call, type(exc).__name__, delay, attempt)
        return delay

    @staticmethod
    def _delay_after_answer(
        policy: RetryPolicy, call: calls.Call[Any], response: httpx.Response, attempt: int
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
        _log_retry(call, f"HTTP {response.status_code}", delay, attempt)
        return delay


def _log_retry(call: calls.Call[Any], why: str, delay: float, attempt: int) -> None:
    logger.info("%s: %s; retry %d in %.2f s", call.operation.operation_id, why, attempt + 1, delay)


class EkoClient(_ClientBase):
    """Signed, validating, retrying client for Eko's DigiLocker API (see `_ClientBase`)."""

    def _connect(self, httpx_options: dict[str, Any]) -> None:
        self._http = httpx.Client(**httpx_options)
        self.generated.set_httpx_client(self._http)
        self.generated.set_async_httpx_client(
            httpx.AsyncClient(
                transport=WrongKind("the async generated functions need AsyncEkoClient")
            )
        )
        self._sleep = time.sleep

    def create_digilocker_url(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
    ) -> DigilockerUrlSuccess:
        """Start a DigiLocker session; returns `reference_id` and the customer's `url`.

        `document_requested` defaults to the spec's default (`["AADHAAR"]`).
        """
        call = self._create(redirect_url, document_requested, client_ref_id, user_code)
        return self._send(call, timeout, max_retries)

    def get_verification_status(
        self,
        reference_id: int,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
    ) -> VerificationStatusPayload:
        """The customer's details once they consented; raises EkoVerificationPendingError before."""
        call = self._status(reference_id, client_ref_id, user_code)
        return self._send(call, timeout, max_retries)

    def get_document(
        self,
        reference_id: int | str,
        verification_id: str,
        document_type: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
    ) -> DigilockerDocumentPayload:
        """The verified document(s) after consent."""
        call = self._document(
            reference_id, verification_id, document_type, client_ref_id, user_code
        )
        return self._send(call, timeout, max_retries)

    def wait_for_consent(
        self,
        reference_id: int,
        *,
        timeout: float = 600.0,
        interval: float = 3.0,
        client_ref_id: str | None = None,
        user_code: str | None = None,
    ) -> ConsentResult:
        """Poll the status until the session is authenticated, denied or expired, or
        `timeout` seconds pass (then the result's state is TIMED_OUT)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer: VerificationStatusPayload | EkoApiError = self.get_verification_status(
                    reference_id, client_ref_id, user_code
                )
            except EkoApiError as exc:
                answer = exc
            result = outcome(answer)
            if result is not None:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return timed_out(answer)
            self._sleep(min(interval, remaining))

    def _send(self, call: calls.Call[M], timeout: TimeoutArg, max_retries: int | None) -> M:
        policy = self._policy(max_retries)
        request_timeout = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        for attempt in itertools.count():
            try:
                # Built anew each attempt; EkoAuth signs it with a fresh timestamp on send.
                request = self._http.build_request(**call.request, timeout=request_timeout)
                response = self._http.send(request)
            except TRANSPORT_ERRORS as exc:
                self._sleep(self._delay_after_failure(policy, call, exc, attempt))
                continue
            delay = self._delay_after_answer(policy, call, response, attempt)
            if delay is None:
                return read_answer(call.operation, response, call.success)
            self._sleep(delay)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEkoClient(_ClientBase):
    """The async twin of `EkoClient`: same settings, calls, retries and errors."""

    def _connect(self, httpx_options: dict[str, Any]) -> None:
        limits = httpx_options.setdefault("limits", HTTPX_DEFAULT_LIMITS)
        # httpcore re-scans every waiting request each time a connection frees up, so a
        # wide fan-out (gather of 1,000 calls) spends its time queueing inside the pool.
        # Waiting here instead, one request per pooled connection, was 3x faster (bench/).
        self._in_flight = anyio.Semaphore(limits.max_connections or UNBOUNDED)
        self._http = httpx.AsyncClient(**httpx_options)
        self.generated.set_async_httpx_client(self._http)
        self.generated.set_httpx_client(
            httpx.Client(transport=WrongKind("the sync generated functions need EkoClient"))
        )
        self._sleep = anyio.sleep

    async def create_digilocker_url(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
    ) -> DigilockerUrlSuccess:
        """Start a DigiLocker session; returns `reference_id` and the customer's `url`.

        `document_requested` defaults to the spec's default (`["AADHAAR"]`).
        """
        call = self._create(redirect_url, document_requested, client_ref_id, user_code)
        return await self._send(call, timeout, max_retries)

    async def get_verification_status(
        self,
        reference_id: int,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
    ) -> VerificationStatusPayload:
        """The customer's details once they consented; raises EkoVerificationPendingError before."""
        call = self._status(reference_id, client_ref_id, user_code)
        return await self._send(call, timeout, max_retries)

    async def get_document(
        self,
        reference_id: int | str,
        verification_id: str,
        document_type: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: TimeoutArg = None,
        max_retries: int | None = None,
    ) -> DigilockerDocumentPayload:
        """The verified document(s) after consent."""
        call = self._document(
            reference_id, verification_id, document_type, client_ref_id, user_code
        )
        return await self._send(call, timeout, max_retries)

    async def wait_for_consent(
        self,
        reference_id: int,
        *,
        timeout: float = 600.0,
        interval: float = 3.0,
        client_ref_id: str | None = None,
        user_code: str | None = None,
    ) -> ConsentResult:
        """Poll the status until the session is authenticated, denied or expired, or
        `timeout` seconds pass (then the result's state is TIMED_OUT)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer: (
                    VerificationStatusPayload | EkoApiError
                ) = await self.get_verification_status(reference_id, client_ref_id, user_code)
            except EkoApiError as exc:
                answer = exc
            result = outcome(answer)
            if result is not None:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return timed_out(answer)
            await self._sleep(min(interval, remaining))

    async def _send(self, call: calls.Call[M], timeout: TimeoutArg, max_retries: int | None) -> M:
        policy = self._policy(max_retries)
        request_timeout = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        for attempt in itertools.count():
            try:
                # Built anew each attempt; EkoAuth signs it with a fresh timestamp on send.
                request = self._http.build_request(**call.request, timeout=request_timeout)
                response = await self._send_when_a_connection_is_free(request)
            except TRANSPORT_ERRORS as exc:
                await self._sleep(self._delay_after_failure(policy, call, exc, attempt))
                continue
            delay = self._delay_after_answer(policy, call, response, attempt)
            if delay is None:
                return read_answer(call.operation, response, call.success)
            await self._sleep(delay)
        raise AssertionError("unreachable")

    async def _send_when_a_connection_is_free(self, request: httpx.Request) -> httpx.Response:
        # Waiting for the gate counts against the pool timeout, as waiting in the pool would.
        try:
            self._in_flight.acquire_nowait()  # the common case, without a cancel scope
        except anyio.WouldBlock:
            pool_timeout = request.extensions.get("timeout", {}).get("pool")
            try:
                with anyio.fail_after(pool_timeout):
                    await self._in_flight.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("no free connection in time", request=request) from None
        try:
            return await self._http.send(request)
        finally:
            self._in_flight.release()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


@overload
def wait_for_consent(client: EkoClient, reference_id: int, **options: Any) -> ConsentResult: ...
@overload
def wait_for_consent(
    client: AsyncEkoClient, reference_id: int, **options: Any
) -> Coroutine[Any, Any, ConsentResult]: ...
def wait_for_consent(
    client: EkoClient | AsyncEkoClient, reference_id: int, **options: Any
) -> ConsentResult | Coroutine[Any, Any, ConsentResult]:
    """`client.wait_for_consent(reference_id, timeout=..., interval=...)`; with an
    AsyncEkoClient, await the result."""
    return client.wait_for_consent(reference_id, **options)
