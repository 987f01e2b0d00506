"""`EkoClient`: the calls, carried out with blocking I/O.

What each call sends, retries, waits for and raises is decided in `flow` (the same for
`AsyncEkoClient`); this shell only sends, reads and sleeps as told.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Coroutine
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Self, TypeVar, overload

import httpx

from . import deadline, flow, operations, sending
from .base import ClientBase, WrongKind

if TYPE_CHECKING:
    from eko_digilocker_client.client import AuthenticatedClient

    from .async_client import AsyncEkoClient
    from .calls import M
    from .consent import ConsentResult
    from .raw import RawResponse

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


def _call(
    op: Callable[Concatenate[ClientBase, P], flow.Flow[R]],
    finish: Callable[[R], T],
    raw: bool = False,
) -> Callable[Concatenate[Any, P], T]:
    """The blocking method of a call declared in `operations` (same signature)."""

    def method(self: Any, *args: P.args, **kwargs: P.kwargs) -> T:
        eko = self._client if raw else self
        return finish(eko._run(operations.start(op, eko, args, kwargs)))

    return functools.wraps(op)(method)  # type: ignore[return-value]


def _parsed(
    op: Callable[Concatenate[ClientBase, P], flow.Flow[RawResponse[M]]],
) -> Callable[Concatenate[Any, P], M]:
    """The method of a call: its answer's `data` model."""
    return _call(op, operations.parse)


def _raw(
    op: Callable[Concatenate[ClientBase, P], flow.Flow[R]],
) -> Callable[Concatenate[Any, P], R]:
    """The `with_raw_response` method of a call: its whole RawResponse."""
    return _call(op, operations.as_is, raw=True)


class EkoClient(ClientBase):
    """Signed, validating, retrying client for Eko's DigiLocker API (see `ClientBase`)."""

    _sleep = staticmethod(time.sleep)

    def _open(self) -> None:
        options = deadline.client_options(self._httpx_options, False)
        self._http = httpx.Client(**options)
        self._direct = sending.direct(options)

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
            return sending.exchange(
                self._http, self._direct, step.request, self.max_response_bytes, step.until
            )
        except Exception as exc:  # the flow judges it
            return exc

    create_digilocker_url = _parsed(operations.create_digilocker_url)
    get_verification_status = _parsed(operations.get_verification_status)
    get_document = _parsed(operations.get_document)
    wait_for_consent = _call(operations.wait_for_consent, finish=operations.as_is)

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


class RawCalls(operations.RawCalls):
    """`EkoClient.with_raw_response`: the same calls, returning `RawResponse`."""

    create_digilocker_url = _raw(operations.create_digilocker_url)
    get_verification_status = _raw(operations.get_verification_status)
    get_document = _raw(operations.get_document)


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
