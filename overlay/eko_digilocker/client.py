"""`EkoClient` and `AsyncEkoClient`: the same calls, signing, retries and errors, sync and async.

Timeouts come in two kinds:
- `timeout` (seconds, default 60) is the whole call's deadline: every attempt, every
  backoff wait and the reading of the answer. It holds against a server that sends one
  byte a second, in the headers or the body.
- `phase_timeout` (an `httpx.Timeout`, default connect 5 s, others 30 s) limits each
  phase of one attempt: connecting, waiting for a pooled connection, each write, and
  each read (which restarts with every byte received).
A call ends at whichever comes first. With your own `transport` (or a `proxy`) in
`httpx_args`, the deadline is checked between the body's chunks, not inside a read.
"""

from __future__ import annotations

import itertools
import logging
import math
import sys
import time
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import replace
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, overload

import httpx

from . import body, calls, deadline
from ._version import __version__
from .calls import M
from .errors import (
    EkoApiError,
    EkoConfigurationError,
    EkoConnectionError,
    EkoResponseError,
    EkoTimeoutError,
)
from .raw import RawResponse
from .retries import RetryPolicy
from .settings import Settings
from .signing import SIGNING_HEADERS, EkoAuth, mask

if TYPE_CHECKING:
    from eko_digilocker_client.client import AuthenticatedClient
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        DigilockerUrlSuccess,
        VerificationStatusPayload,
    )

    from .consent import ConsentResult

logger = logging.getLogger("eko_digilocker")

DEFAULT_TIMEOUT = 60.0
DEFAULT_PHASE_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
# The least a wait_for_consent poll gets, so a nearly spent wait still polls once.
MIN_POLL_DEADLINE = 1.0
MAX_RETRIES_LIMIT = 100
# httpx's own default limits, made explicit so the in-flight gate can size itself to them.
HTTPX_DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
UNBOUNDED = 2**31
USER_AGENT = (
    f"eko-digilocker-python/{__version__} httpx/{httpx.__version__} "
    f"Python/{'.'.join(map(str, sys.version_info[:3]))}"
)
# httpx_args that configure the connection pool: they go to the client's own transport.
TRANSPORT_OPTIONS = ("verify", "cert", "trust_env", "http1", "http2", "limits")
TRANSPORT_ERRORS = (httpx.HTTPError, httpx.InvalidURL)


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


class WrongKind(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Stands in for the generated client's other httpx client (sync on AsyncEkoClient,
    async on EkoClient), so a call of the wrong kind fails clearly, not unsigned."""

    def __init__(self, hint: str) -> None:
        self.hint = hint

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise EkoConfigurationError(self.hint)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise EkoConfigurationError(self.hint)


def _total_timeout(value: Any, name: str = "timeout") -> float | None:
    if value is None:
        return None
    if isinstance(value, httpx.Timeout):
        raise EkoConfigurationError(
            f"{name} is the whole call's deadline in seconds; give per-phase limits as "
            "phase_timeout=httpx.Timeout(...)"
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EkoConfigurationError(f"{name} must be a number of seconds, not {value!r}")
    if not (value > 0 and math.isfinite(value)):
        raise EkoConfigurationError(f"{name} must be a positive number of seconds, not {value}")
    return float(value)


def _phase_timeout(value: Any) -> httpx.Timeout:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and value > 0 and math.isfinite(value):
        return httpx.Timeout(value)
    if isinstance(value, httpx.Timeout) and all(
        p is None or (p > 0 and math.isfinite(p)) for p in _phases(value)
    ):
        return value
    raise EkoConfigurationError(
        "phase_timeout must be a positive number of seconds or an httpx.Timeout whose "
        f"phases are positive numbers or None, not {value!r}"
    )


def _max_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EkoConfigurationError(f"max_retries must be a whole number, not {value!r}")
    if not 0 <= value <= MAX_RETRIES_LIMIT:
        raise EkoConfigurationError(
            f"max_retries must be between 0 and {MAX_RETRIES_LIMIT}, not {value}"
        )
    return value


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise EkoConfigurationError(f"{name} must be a positive whole number, not {value!r}")
    return value


class _ClientBase:
    """Settings, signing and call preparation shared by the sync and async clients.

    Settings come from the arguments or from `EKO_DEVELOPER_KEY`, `EKO_ACCESS_KEY`,
    `EKO_INITIATOR_ID`, `EKO_USER_CODE`, `EKO_BASE_URL` / `EKO_ENVIRONMENT`
    (`uat`, the default, or `production`). `base_url` may point at the local sandbox.
    `timeout` / `phase_timeout`: see the module's docstring. `max_response_bytes`
    bounds each answer's decoded body (1 MiB by default). Without a `client_ref_id`,
    each POST gets a fresh one (`auto_client_ref_id=False` to send none), which also
    lets it be retried safely. `user_agent` replaces the default User-Agent.
    `httpx_args` (transport, proxy, verify, limits, headers...) go to the httpx client.
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
        timeout: float | None = DEFAULT_TIMEOUT,
        phase_timeout: httpx.Timeout | float = DEFAULT_PHASE_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int = body.DEFAULT_MAX_RESPONSE_BYTES,
        auto_client_ref_id: bool = True,
        user_agent: str | None = None,
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
        self.timeout = _total_timeout(timeout)
        self.phase_timeout = _phase_timeout(phase_timeout)
        self._longest_phase = max(math.inf if p is None else p for p in _phases(self.phase_timeout))
        self.retry_policy = RetryPolicy(max_retries=_max_retries(max_retries))
        self.max_response_bytes = _positive_int("max_response_bytes", max_response_bytes)
        self.auto_client_ref_id = bool(auto_client_ref_id)
        self.auth = EkoAuth(self.settings.developer_key, self.settings.access_key)
        options = dict(httpx_args or {})
        taken = {"auth", "base_url", "timeout", "params", "cookies"} & options.keys()
        if taken:
            raise EkoConfigurationError(
                f"httpx_args may not set {', '.join(sorted(taken))}: the client sets "
                "auth (signing) itself, takes base_url and timeout as its own arguments, "
                "and sends only the spec's parameters and no cookies"
            )
        if user_agent is not None and not (
            isinstance(user_agent, str) and user_agent.isascii() and user_agent.isprintable()
        ):
            raise EkoConfigurationError("user_agent must be a string of printable ASCII")
        headers = {
            "User-Agent": USER_AGENT,
            "Accept-Encoding": body.ACCEPT_ENCODING,
            **dict(options.pop("headers", None) or {}),
        }
        if user_agent is not None:
            headers["User-Agent"] = user_agent
        self._generated: AuthenticatedClient | None = None
        self._urls: dict[str, httpx.URL] = {}
        self._connect(
            dict(
                base_url=self.settings.base_url,
                auth=self.auth,
                timeout=self.phase_timeout,
                headers=headers,
                **options,
            )
        )
        self._base_url = str(self._http_client.base_url).rstrip("/")
        self._default_headers = dict(self._http_client.headers)

    def _connect(self, httpx_options: dict[str, Any]) -> None:
        """Open the httpx client, over a deadline-aware transport unless one is given."""
        raise NotImplementedError

    @staticmethod
    def _transport_options(httpx_options: dict[str, Any]) -> dict[str, Any]:
        transport_options = {
            name: httpx_options.pop(name) for name in TRANSPORT_OPTIONS if name in httpx_options
        }
        if "trust_env" in transport_options:  # it also decides on proxies and .netrc
            httpx_options["trust_env"] = transport_options["trust_env"]
        return transport_options

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.settings.base_url!r}, "
            f"developer_key={mask(self.settings.developer_key)!r}, access_key='***')"
        )

    @property
    def generated(self) -> AuthenticatedClient:
        """The generated client, sending through this client's httpx client (signed)."""
        if self._generated is None:
            from eko_digilocker_client.client import AuthenticatedClient

            self._generated = AuthenticatedClient(base_url=self.settings.base_url, token="")
            self._wire(self._generated)
        return self._generated

    def _wire(self, generated: AuthenticatedClient) -> None:
        raise NotImplementedError

    # --- preparing calls ---

    def _policy(self, max_retries: int) -> RetryPolicy:
        return replace(self.retry_policy, max_retries=_max_retries(max_retries))

    def _ref(self, client_ref_id: str | None) -> str | None:
        if client_ref_id is None and self.auto_client_ref_id:
            return calls.new_client_ref_id()
        return client_ref_id

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
            client_ref_id=self._ref(client_ref_id),
            user_code=user_code,
        )

    def _status(
        self, reference_id: int | str, client_ref_id: str | None, user_code: str | None
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
        document_type: Iterable[str],
        client_ref_id: str | None,
        user_code: str | None,
    ) -> calls.Call[DigilockerDocumentPayload]:
        return calls.get_document(
            self.settings,
            reference_id=reference_id,
            verification_id=verification_id,
            document_type=document_type,
            client_ref_id=self._ref(client_ref_id),
            user_code=user_code,
        )

    # --- sending ---

    def _request(self, call: calls.Call[Any], until: float | None) -> httpx.Request:
        """The request of one attempt, signed now, its phase timeouts capped by the deadline.

        Signed here rather than by httpx's auth hook (which the generated client uses):
        the same headers, given to httpx once instead of set one by one afterwards.
        """
        request = call.request
        headers = {**self._default_headers, **request["headers"], **self.auth.headers()}
        timeout = self.phase_timeout
        if until is not None:
            remaining = until - time.monotonic()
            if remaining <= 0:
                raise httpx.TimeoutException("the call's deadline passed")
            if remaining < self._longest_phase:
                connect, read, write, pool = (
                    remaining if p is None else min(p, remaining)
                    for p in _phases(self.phase_timeout)
                )
                timeout = httpx.Timeout(connect=connect, read=read, write=write, pool=pool)
        # Made directly rather than by client.build_request, which parses and merges the
        # URL and headers again on every call (a tenth of a call's cost): the URL of each
        # path is parsed once, the client's headers merged once. The client keeps no
        # cookies for Eko's API, so none are sent.
        return httpx.Request(
            request["method"],
            self._url(request["url"]),
            headers=headers,
            content=request.get("content"),
            extensions={"timeout": timeout.as_dict()},
        )

    def _url(self, path: str) -> httpx.URL:
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self._base_url + path)
            if "?" not in path:  # a query differs per call: only fixed paths are kept
                self._urls[path] = url
        return url

    @property
    def _http_client(self) -> httpx.Client | httpx.AsyncClient:
        raise NotImplementedError

    def _after_failure(
        self,
        policy: RetryPolicy,
        call: calls.Call[Any],
        exc: Exception,
        attempt: int,
        until: float | None,
    ) -> float:
        """Seconds to wait before trying again, or raise the EkoError for `exc`."""
        if isinstance(exc, body.BodyTooLarge):
            raise EkoResponseError(
                f"{call.name}: the answer is larger than max_response_bytes "
                f"({self.max_response_bytes} bytes decoded); reading stopped there",
                http_status=None,
            ) from None
        if isinstance(exc, body.UnsupportedEncoding):
            raise EkoResponseError(
                f"{call.name}: the answer uses Content-Encoding {exc}, which was not asked for",
                http_status=None,
            ) from None
        delay = 0.0
        if policy.retry_on_exception(exc, attempt, call.idempotent):
            delay = policy.delay(attempt)
            if until is None or time.monotonic() + delay < until:
                _log_retry(call, type(exc).__name__, delay, attempt)
                return delay
        raise self._transport_error(exc, call, attempt + 1, until) from exc

    def _transport_error(
        self, exc: Exception, call: calls.Call[Any], attempts: int, until: float | None
    ) -> Exception:
        """The EkoError for an httpx failure: what, where and how often, but no secret."""
        host = self._http_client.base_url.host
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        if isinstance(exc, httpx.InvalidURL):
            return EkoConfigurationError(f"{call.name}: invalid URL: {exc}")
        if isinstance(exc, httpx.TimeoutException):
            out_of_time = until is not None and time.monotonic() >= until
            why = "the call's deadline passed" if out_of_time else "a phase timeout expired"
            return EkoTimeoutError(
                f"{call.name}: no complete answer from {host}: {why} "
                f"({tries}; last: {type(exc).__name__})"
            )
        if isinstance(exc, httpx.DecodingError):
            return EkoResponseError(
                f"{call.name}: the answer from {host} could not be decoded", http_status=None
            )
        return EkoConnectionError(
            f"{call.name}: request to {host} failed ({tries}; last: {type(exc).__name__}: "
            f"{_first_line(exc)})"
        )

    def _after_answer(
        self,
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

    @staticmethod
    def _result(call: calls.Call[M], response: httpx.Response, attempt: int) -> RawResponse[M]:
        data = _read_answer()(call.operation, response, call.success)
        return RawResponse(response, call.client_ref_id, attempt + 1, data)

    def _start(
        self, call: calls.Call[Any], timeout: float | None, max_retries: int | None
    ) -> tuple[RetryPolicy, float | None]:
        """Before sending: the client still open, the retry policy and the deadline."""
        if self._http_client.is_closed:
            raise EkoConfigurationError(f"{call.name}: the client is closed")
        policy = self.retry_policy if max_retries is None else self._policy(max_retries)
        total = self.timeout if timeout is None else _total_timeout(timeout)
        return policy, None if total is None else time.monotonic() + total


@cache
def _read_answer() -> Callable[..., Any]:
    # responses loads the generated models: on the first answer, not with the package.
    from .responses import read_answer

    return read_answer


def _phases(phases: httpx.Timeout) -> tuple[float | None, ...]:
    return (phases.connect, phases.read, phases.write, phases.pool)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else ""


def _log_retry(call: calls.Call[Any], why: str, delay: float, attempt: int) -> None:
    logger.info("%s: %s; retry %d in %.2f s", call.name, why, attempt + 1, delay)


def _requested(status: VerificationStatusPayload) -> list[str]:
    """The documents a session asked for, from its status answer (the spec's default if
    the answer leaves them out)."""
    documents = getattr(status, "document_requested", None)
    if isinstance(documents, list) and documents:
        return [str(getattr(d, "value", d)) for d in documents]
    return list(calls.default_documents())


def _timed_out(last: VerificationStatusPayload | EkoApiError | None) -> ConsentResult:
    from .consent import ConsentResult, ConsentState, timed_out

    return ConsentResult(ConsentState.TIMED_OUT) if last is None else timed_out(last)


def _wait_limits(timeout: Any, interval: Any) -> tuple[float, float]:
    """wait_for_consent's timeout (0: poll once) and interval, checked before any poll."""
    limits = []
    for name, value in (("timeout", timeout), ("interval", interval)):
        if name == "timeout" and value == 0:
            limits.append(0.0)
            continue
        seconds = _total_timeout(value, f"wait_for_consent's {name}")
        if seconds is None:
            raise EkoConfigurationError(f"wait_for_consent's {name} must be a number of seconds")
        limits.append(seconds)
    return limits[0], limits[1]


class EkoClient(_ClientBase):
    """Signed, validating, retrying client for Eko's DigiLocker API (see `_ClientBase`)."""

    with_raw_response: RawCalls

    def _connect(self, httpx_options: dict[str, Any]) -> None:
        if "transport" not in httpx_options:
            httpx_options["transport"] = deadline.transport(
                **self._transport_options(httpx_options)
            )
        self._http = httpx.Client(**httpx_options)
        self._sleep = time.sleep
        self.with_raw_response = RawCalls(self)

    def _wire(self, generated: AuthenticatedClient) -> None:
        generated.set_httpx_client(self._http)
        generated.set_async_httpx_client(
            httpx.AsyncClient(
                transport=WrongKind("the async generated functions need AsyncEkoClient")
            )
        )

    @property
    def _http_client(self) -> httpx.Client:
        return self._http

    def create_digilocker_url(
        self,
        redirect_url: str,
        document_requested: Iterable[str] | None = None,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> DigilockerUrlSuccess:
        """Start a DigiLocker session; returns `reference_id` and the customer's `url`.

        `document_requested` defaults to the spec's default (`["AADHAAR"]`).
        """
        call = self._create(redirect_url, document_requested, client_ref_id, user_code)
        return self._send(call, timeout, max_retries).parse()

    def get_verification_status(
        self,
        reference_id: int | str,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> VerificationStatusPayload:
        """The customer's details once they consented; raises EkoVerificationPendingError before."""
        call = self._status(reference_id, client_ref_id, user_code)
        return self._send(call, timeout, max_retries).parse()

    def get_document(
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
        """The verified document(s) after consent.

        `document_type` defaults to the documents the session requested, read with one
        status call first (the spec's default if Eko answers that call with an error or an
        answer that is not an envelope); pass it to save that
        call.
        """
        return self.with_raw_response.get_document(
            reference_id,
            verification_id,
            document_type,
            client_ref_id,
            user_code,
            timeout=timeout,
            max_retries=max_retries,
        ).parse()

    def wait_for_consent(
        self,
        reference_id: int | str,
        *,
        timeout: float = 600.0,
        interval: float = 3.0,
        client_ref_id: str | None = None,
        user_code: str | None = None,
    ) -> ConsentResult:
        """Poll the status until the session is authenticated, denied or expired, or
        `timeout` seconds pass (then the result's state is TIMED_OUT). It polls at least
        once; each poll's deadline is what is left of `timeout`, but at least 1 s."""
        from .consent import outcome, timed_out

        waited, interval = _wait_limits(timeout, interval)
        until = time.monotonic() + waited
        call = self._status(reference_id, client_ref_id, user_code)  # validated once
        answer: VerificationStatusPayload | EkoApiError | None = None
        while True:
            poll_deadline = max(until - time.monotonic(), MIN_POLL_DEADLINE)
            try:
                answer = self._send(call, poll_deadline, None).parse()
            except EkoApiError as exc:
                answer = exc
            except EkoTimeoutError:
                if time.monotonic() < until:
                    raise
                return _timed_out(answer)
            result = outcome(answer)
            if result is not None:
                return result
            remaining = until - time.monotonic()
            if remaining <= 0:
                return timed_out(answer)
            self._sleep(min(interval, remaining))

    def _send(
        self, call: calls.Call[M], timeout: float | None, max_retries: int | None
    ) -> RawResponse[M]:
        policy, until = self._start(call, timeout, max_retries)
        token = deadline.DEADLINE.set(until)
        try:
            for attempt in itertools.count():
                try:
                    # Built anew each attempt, so each carries a fresh timestamp and signature.
                    response = self._http.send(self._request(call, until), auth=None, stream=True)
                    body.read(response, self.max_response_bytes, until)
                except (*TRANSPORT_ERRORS, body.BodyTooLarge, body.UnsupportedEncoding) as exc:
                    self._sleep(self._after_failure(policy, call, exc, attempt, until))
                    continue
                delay = self._after_answer(policy, call, response, attempt, until)
                if delay is None:
                    return self._result(call, response, attempt)
                self._sleep(delay)
        finally:
            deadline.DEADLINE.reset(token)
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


class RawCalls:
    """`EkoClient.with_raw_response`: the same calls, returning `RawResponse`."""

    def __init__(self, client: EkoClient) -> None:
        self._client = client

    def create_digilocker_url(
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
        call = eko._create(redirect_url, document_requested, client_ref_id, user_code)
        return eko._send(call, timeout, max_retries)

    def get_verification_status(
        self,
        reference_id: int | str,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> RawResponse[VerificationStatusPayload]:
        eko = self._client
        return eko._send(eko._status(reference_id, client_ref_id, user_code), timeout, max_retries)

    def get_document(
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
        documents = calls.default_documents() if document_type is None else document_type
        call = eko._document(reference_id, verification_id, documents, client_ref_id, user_code)
        if document_type is None:  # the input is valid: ask which documents it requested
            try:
                status = eko.get_verification_status(
                    reference_id, user_code=user_code, timeout=timeout, max_retries=max_retries
                )
            except (EkoApiError, EkoResponseError):
                pass  # the document call itself will say what is wrong
            else:
                requested = _requested(status)
                call = eko._document(
                    reference_id, verification_id, requested, call.client_ref_id, user_code
                )
        return eko._send(call, timeout, max_retries)


class AsyncEkoClient(_ClientBase):
    """The async twin of `EkoClient`: same settings, calls, retries and errors."""

    with_raw_response: AsyncRawCalls

    def _connect(self, httpx_options: dict[str, Any]) -> None:
        import anyio  # only async users pay for it

        limits = httpx_options.setdefault("limits", HTTPX_DEFAULT_LIMITS)
        if "transport" not in httpx_options:
            httpx_options["transport"] = deadline.async_transport(
                **self._transport_options(httpx_options)
            )
        # httpcore re-scans every waiting request each time a connection frees up, so a
        # wide fan-out (gather of 1,000 calls) spends its time queueing inside the pool.
        # Waiting here instead, one request per pooled connection, was 3x faster (bench/).
        self._in_flight = anyio.Semaphore(limits.max_connections or UNBOUNDED)
        self._http = httpx.AsyncClient(**httpx_options)
        self._sleep = anyio.sleep
        self.with_raw_response = AsyncRawCalls(self)

    def _wire(self, generated: AuthenticatedClient) -> None:
        generated.set_async_httpx_client(self._http)
        generated.set_httpx_client(
            httpx.Client(transport=WrongKind("the sync generated functions need EkoClient"))
        )

    @property
    def _http_client(self) -> httpx.AsyncClient:
        return self._http

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
        """Start a DigiLocker session; returns `reference_id` and the customer's `url`.

        `document_requested` defaults to the spec's default (`["AADHAAR"]`).
        """
        call = self._create(redirect_url, document_requested, client_ref_id, user_code)
        return (await self._send(call, timeout, max_retries)).parse()

    async def get_verification_status(
        self,
        reference_id: int | str,
        client_ref_id: str | None = None,
        user_code: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
    ) -> VerificationStatusPayload:
        """The customer's details once they consented; raises EkoVerificationPendingError before."""
        call = self._status(reference_id, client_ref_id, user_code)
        return (await self._send(call, timeout, max_retries)).parse()

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
        """The verified document(s) after consent.

        `document_type` defaults to the documents the session requested, read with one
        status call first (the spec's default if Eko answers that call with an error or an
        answer that is not an envelope); pass it to save that
        call.
        """
        raw = await self.with_raw_response.get_document(
            reference_id,
            verification_id,
            document_type,
            client_ref_id,
            user_code,
            timeout=timeout,
            max_retries=max_retries,
        )
        return raw.parse()

    async def wait_for_consent(
        self,
        reference_id: int | str,
        *,
        timeout: float = 600.0,
        interval: float = 3.0,
        client_ref_id: str | None = None,
        user_code: str | None = None,
    ) -> ConsentResult:
        """Poll the status until the session is authenticated, denied or expired, or
        `timeout` seconds pass (then the result's state is TIMED_OUT). It polls at least
        once; each poll's deadline is what is left of `timeout`, but at least 1 s."""
        from .consent import outcome, timed_out

        waited, interval = _wait_limits(timeout, interval)
        until = time.monotonic() + waited
        call = self._status(reference_id, client_ref_id, user_code)  # validated once
        answer: VerificationStatusPayload | EkoApiError | None = None
        while True:
            poll_deadline = max(until - time.monotonic(), MIN_POLL_DEADLINE)
            try:
                answer = (await self._send(call, poll_deadline, None)).parse()
            except EkoApiError as exc:
                answer = exc
            except EkoTimeoutError:
                if time.monotonic() < until:
                    raise
                return _timed_out(answer)
            result = outcome(answer)
            if result is not None:
                return result
            remaining = until - time.monotonic()
            if remaining <= 0:
                return timed_out(answer)
            await self._sleep(min(interval, remaining))

    async def _send(
        self, call: calls.Call[M], timeout: float | None, max_retries: int | None
    ) -> RawResponse[M]:
        policy, until = self._start(call, timeout, max_retries)
        token = deadline.DEADLINE.set(until)
        try:
            for attempt in itertools.count():
                try:
                    response = await self._exchange(self._request(call, until), until)
                except (*TRANSPORT_ERRORS, body.BodyTooLarge, body.UnsupportedEncoding) as exc:
                    await self._sleep(self._after_failure(policy, call, exc, attempt, until))
                    continue
                delay = self._after_answer(policy, call, response, attempt, until)
                if delay is None:
                    return self._result(call, response, attempt)
                await self._sleep(delay)
        finally:
            deadline.DEADLINE.reset(token)
        raise AssertionError("unreachable")

    async def _exchange(self, request: httpx.Request, until: float | None) -> httpx.Response:
        """Send when a pooled connection is free and read the answer on it."""
        import anyio

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
            response = await self._http.send(request, auth=None, stream=True)
            await body.aread(response, self.max_response_bytes, until)
            return response
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
        call = eko._create(redirect_url, document_requested, client_ref_id, user_code)
        return await eko._send(call, timeout, max_retries)

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
        call = eko._status(reference_id, client_ref_id, user_code)
        return await eko._send(call, timeout, max_retries)

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
        documents = calls.default_documents() if document_type is None else document_type
        call = eko._document(reference_id, verification_id, documents, client_ref_id, user_code)
        if document_type is None:  # the input is valid: ask which documents it requested
            try:
                status = await eko.get_verification_status(
                    reference_id, user_code=user_code, timeout=timeout, max_retries=max_retries
                )
            except (EkoApiError, EkoResponseError):
                pass  # the document call itself will say what is wrong
            else:
                requested = _requested(status)
                call = eko._document(
                    reference_id, verification_id, requested, call.client_ref_id, user_code
                )
        return await eko._send(call, timeout, max_retries)


@overload
def wait_for_consent(
    client: EkoClient, reference_id: int | str, **options: Any
) -> ConsentResult: ...
@overload
def wait_for_consent(
    client: AsyncEkoClient, reference_id: int | str, **options: Any
) -> Coroutine[Any, Any, ConsentResult]: ...
def wait_for_consent(
    client: EkoClient | AsyncEkoClient, reference_id: int | str, **options: Any
) -> ConsentResult | Coroutine[Any, Any, ConsentResult]:
    """`client.wait_for_consent(reference_id, timeout=..., interval=...)`; with an
    AsyncEkoClient, await the result."""
    return client.wait_for_consent(reference_id, **options)
