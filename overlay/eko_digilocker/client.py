"""`EkoClient`: the calls, carried out with blocking I/O.

What each call sends, retries, waits for and raises is decided in `flow` (the same for
`AsyncEkoClient`); this shell only sends, reads and sleeps as told.
"""

from __future__ import annotations

import time
from collections.abc import Coroutine, Iterable
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, overload

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

    from .async_client import AsyncEkoClient
    from .consent import ConsentResult

T = TypeVar("T")


class EkoClient(ClientBase):
    """Signed, validating, retrying client for Eko's DigiLocker API (see `ClientBase`)."""

    _sleep = staticmethod(time.sleep)

    def _open(self) -> None:
        self._http = httpx.Client(**deadline.client_options(self._httpx_options, False))

    @cached_property
    def with_raw_response(self) -> RawCalls:
        return RawCalls(self)

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

    def _run(self, steps: flow.Flow[T]) -> T:
        """Carry a call's steps out."""
        run = flow.Steps(steps)
        for step in run:
            if isinstance(step, flow.Send):
                run.reply = self._exchange(step)
            else:
                self._sleep(step.seconds)
        result: T = run.result
        return result

    def _exchange(self, step: flow.Send) -> httpx.Response | Exception:
        try:
            response = self._http.send(step.request, auth=None, stream=True)
            body.read(response, self.max_response_bytes, step.until)
        except Exception as exc:  # the flow judges it
            return exc
        return response

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
        call = self.create_call(redirect_url, document_requested, client_ref_id, user_code)
        return self._run(flow.call(self, call, timeout, max_retries)).parse()

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
        call = self.status_call(reference_id, client_ref_id, user_code)
        return self._run(flow.call(self, call, timeout, max_retries)).parse()

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
        answer that is not an envelope); pass it to save that call. `timeout` covers both.
        """
        ids = (reference_id, verification_id, document_type, client_ref_id, user_code)
        documents = flow.document(self, *ids, timeout=timeout, max_retries=max_retries)
        return self._run(documents).parse()

    def wait_for_consent(
        self,
        reference_id: int | str,
        *,
        timeout: float = DEFAULTS.consent_timeout,
        interval: float = DEFAULTS.consent_interval,
        client_ref_id: str | None = None,
        user_code: str | None = None,
    ) -> ConsentResult:
        """Poll the status until the session is authenticated, denied or expired, or
        `timeout` seconds pass (then the result's state is TIMED_OUT). It polls at least
        once; each poll's deadline is what is left of `timeout`, but at least 1 s.
        Raises what waiting cannot change (e.g. EkoNotFoundError for an unknown
        reference)."""
        from . import consent  # it loads the generated models: when first waited

        return self._run(
            consent.wait(self, reference_id, timeout, interval, client_ref_id, user_code)
        )

    def close(self) -> None:
        self.closed = True
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
        call = eko.create_call(redirect_url, document_requested, client_ref_id, user_code)
        return eko._run(flow.call(eko, call, timeout, max_retries))

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
        call = eko.status_call(reference_id, client_ref_id, user_code)
        return eko._run(flow.call(eko, call, timeout, max_retries))

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
        ids = (reference_id, verification_id, document_type, client_ref_id, user_code)
        return eko._run(flow.document(eko, *ids, timeout=timeout, max_retries=max_retries))


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
