"""The public calls, each declared once: its parameters, defaults, docstring and the
flow it starts.

`EkoClient`, `AsyncEkoClient` and their `with_raw_response` derive their methods from
these functions (each shell's `_call`), as openai-python derives `with_raw_response`:
the shells only carry the flow out. Everything after a call's identifying arguments (`redirect_url`;
`reference_id`; `reference_id, verification_id`) is keyword-only. The older positional
form (`document_requested` / `document_type`, `client_ref_id`, `user_code` by position)
still works and warns (`DeprecationWarning`); it goes in the next major version.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from . import flow, options
from .calls import DocumentIds, M
from .policy import DEFAULTS

if TYPE_CHECKING:
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        DigilockerUrlSuccess,
        VerificationStatusPayload,
    )

    from .base import ClientBase
    from .consent import ConsentResult
    from .raw import RawResponse

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


def _formerly_positional(*names: str) -> Callable[[F], F]:
    """The parameters a call once also took by position, after its identifying ones."""

    def mark(op: F) -> F:
        op.formerly_positional = names  # type: ignore[attr-defined]
        return op

    return mark


def start(op: Callable[..., flow.Flow[R]], eko: ClientBase, args: tuple[Any, ...],
          kwargs: dict[str, Any]) -> flow.Flow[R]:  # fmt: skip
    """The flow of `op` called as a method of `eko`; the older positional form mapped
    to keywords, with a DeprecationWarning."""
    old: tuple[str, ...] = getattr(op, "formerly_positional", ())
    given = len(args) - (op.__code__.co_argcount - 1)
    if old and given > 0:
        extra = args[-given:]
        warnings.warn(
            f"{op.__name__}: pass {', '.join(old[: len(extra)])} by keyword; the positional "
            "form goes in the next major version",
            DeprecationWarning,
            stacklevel=3,
        )
        if len(extra) > len(old):
            raise TypeError(f"{op.__name__}() takes at most {len(old)} extra arguments")
        for name, value in zip(old, extra, strict=False):
            if name in kwargs:
                raise TypeError(f"{op.__name__}() got multiple values for argument {name!r}")
            kwargs[name] = value
        args = args[:-given]
    return op(eko, *args, **kwargs)


@_formerly_positional("document_requested", "client_ref_id", "user_code")
def create_digilocker_url(
    eko: ClientBase,
    redirect_url: str,
    *,
    document_requested: Iterable[str] | None = None,
    client_ref_id: str | None = None,
    user_code: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> flow.Flow[RawResponse[DigilockerUrlSuccess]]:
    """Start a DigiLocker session; returns `reference_id` and the customer's `url`.

    `document_requested` defaults to the spec's default (`["AADHAAR"]`).
    """
    call = eko.create_call(redirect_url, document_requested, client_ref_id, user_code)
    return flow.send(eko.configure(call.name, timeout, max_retries), call, eko.clock)


@_formerly_positional("client_ref_id", "user_code")
def get_verification_status(
    eko: ClientBase,
    reference_id: int | str,
    *,
    client_ref_id: str | None = None,
    user_code: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> flow.Flow[RawResponse[VerificationStatusPayload]]:
    """The customer's details once they consented; raises EkoVerificationPendingError before."""
    call = eko.status_call(reference_id, client_ref_id, user_code)
    return flow.send(eko.configure(call.name, timeout, max_retries), call, eko.clock)


@_formerly_positional("document_type", "client_ref_id", "user_code")
def get_document(
    eko: ClientBase,
    reference_id: int | str,
    verification_id: str,
    *,
    document_type: Iterable[str] | None = None,
    client_ref_id: str | None = None,
    user_code: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
) -> flow.Flow[RawResponse[DigilockerDocumentPayload]]:
    """The verified document(s) after consent.

    `document_type` defaults to the documents the session requested, read with one
    status call first (the spec's default if Eko answers that call with an error or an
    answer that is not an envelope); pass it to save that call. `timeout` covers both.
    """
    ids = DocumentIds(reference_id, verification_id, document_type, client_ref_id, user_code)
    config = eko.configure("get_document", timeout, max_retries)
    return flow.document(config, ids, eko.clock)


def wait_for_consent(
    eko: ClientBase,
    reference_id: int | str,
    *,
    timeout: float = DEFAULTS.consent_timeout,
    interval: float = DEFAULTS.consent_interval,
    client_ref_id: str | None = None,
    user_code: str | None = None,
) -> flow.Flow[ConsentResult]:
    """Poll the status until the session is authenticated, denied or expired, or
    `timeout` seconds pass (then the result's state is TIMED_OUT). It polls at least
    once; each poll's deadline is what is left of `timeout`, but at least 1 s.
    Raises what waiting cannot change (e.g. EkoNotFoundError for an unknown
    reference)."""
    from . import consent  # it loads the generated models: when first waited

    waited, every = options.wait_limits(timeout, interval)
    # validated once, its errors named after the public call
    call = eko.status_call(reference_id, client_ref_id, user_code, name="wait_for_consent")
    return consent.wait(eko.configure(call.name, None, None), call, waited, every, eko.clock)


# How the shells finish a flow's result and find the client a method belongs to.


def parse(answer: RawResponse[M]) -> M:
    return answer.parse()


def as_is(answer: R) -> R:
    return answer


class RawCalls:
    """A client's `with_raw_response`: its calls, answering the whole `RawResponse`."""

    def __init__(self, client: ClientBase) -> None:
        self._client = client
