"""The one retry, deadline and signing loop of both clients, without any I/O.

In the spirit of h11 and of httpx's `auth_flow`: a call is a generator that yields
what to do next, `Send` (one signed attempt, and the instant its deadline falls) or
`Wait` (seconds to sleep), and is sent back what came of it: the answer with its body
read, or the exception the attempt raised. It returns the call's result. EkoClient and
AsyncEkoClient only carry these steps out (their `_run`), so every rule about retries,
deadlines and signing is written once, here.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import attempts, options
from .calls import M
from .errors import EkoApiError, EkoConfigurationError, EkoResponseError
from .raw import RawResponse
from .retries import RetryPolicy

if TYPE_CHECKING:
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        VerificationStatusPayload,
    )

    from . import calls
    from .base import ClientBase

T = TypeVar("T")


class Send:
    """Send `request` and read its answer, all before `until` (a `time.monotonic()`
    instant, or None for no deadline)."""

    __slots__ = ("request", "until")

    def __init__(self, request: httpx.Request, until: float | None) -> None:
        self.request = request
        self.until = until


class Wait:
    """Sleep this many seconds."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


Step = Send | Wait
# What a step came to: the answer to a Send (its body read), the exception it raised,
# or None after a Wait.
Reply = httpx.Response | Exception | None
Flow = Generator[Step, Reply, T]


class Steps(Iterable[Step]):
    """A flow's steps, for a shell to carry out: iterate, set `reply` after each step,
    and read `result` when the iteration ends."""

    __slots__ = ("_flow", "reply", "result")

    def __init__(self, flow: Flow[Any]) -> None:
        self._flow = flow
        self.reply: Reply = None
        self.result: Any = None

    def __iter__(self) -> Steps:
        return self

    def __next__(self) -> Step:
        reply, self.reply = self.reply, None
        try:
            return self._flow.send(reply)
        except StopIteration as done:
            self.result = done.value
            raise StopIteration from None


def start(
    eko: ClientBase, name: str, timeout: float | None, max_retries: int | None
) -> tuple[RetryPolicy, float | None]:
    """Before a public call sends anything: the client still open, its retry policy
    and its one deadline."""
    if eko.closed:
        raise EkoConfigurationError(f"{name}: the client is closed")
    policy = eko.retry_policy
    if max_retries is not None:
        policy = replace(policy, max_retries=options.max_retries(max_retries))
    total = eko.timeout if timeout is None else options.total_timeout(timeout)
    return policy, None if total is None else time.monotonic() + total


def call(
    eko: ClientBase, call: calls.Call[M], timeout: float | None, max_retries: int | None
) -> Flow[RawResponse[M]]:
    """One public call of one operation."""
    policy, until = start(eko, call.name, timeout, max_retries)
    return send(eko, call, policy, until)


def send(
    eko: ClientBase, call: calls.Call[M], policy: RetryPolicy, until: float | None
) -> Flow[RawResponse[M]]:
    """Attempts until an answer is final, the retries are spent or the deadline passes;
    each attempt signed afresh (a new timestamp) when it is about to leave."""
    attempt = 0
    while True:
        timestamp, catch_up = eko.auth.timestamp_and_wait()
        if catch_up:  # a burst ran the timestamps ahead: let the clock catch up first
            if until is not None and time.monotonic() + catch_up >= until:
                raise attempts.out_of_time(call, attempt, "waiting for the clock")
            yield Wait(catch_up)
        try:
            request = attempts.request(eko, call, until, timestamp)
        except httpx.TimeoutException as exc:
            raise attempts.transport_error(eko, exc, call, attempt, until) from exc
        reply = yield Send(request, until)
        if isinstance(reply, httpx.Response):
            delay = attempts.after_answer(policy, call, reply, attempt, until)
            if delay is None:
                return RawResponse(
                    reply, call.client_ref_id, attempt + 1, attempts.read(call, reply)
                )
        elif isinstance(reply, Exception):
            delay = attempts.after_failure(eko, policy, call, reply, attempt, until)
        else:
            raise AssertionError(f"a Send step was answered with {reply!r}")
        yield Wait(delay)
        attempt += 1


def document(
    eko: ClientBase, ids: calls.DocumentIds, timeout: float | None, max_retries: int | None
) -> Flow[RawResponse[DigilockerDocumentPayload]]:
    """get_document: without `document_type`, a status call first asks which documents
    the session requested; both steps share the call's one deadline and its name."""
    asked = ids.document_type
    documents = eko.default_documents() if asked is None else asked
    call = _document_call(eko, ids, documents, ids.client_ref_id)
    policy, until = start(eko, call.name, timeout, max_retries)
    if asked is None:  # the input is valid: ask which documents it requested
        status = eko.status_call(ids.reference_id, None, ids.user_code, name=call.name)
        try:
            answer = yield from send(eko, status, policy, until)
        except (EkoApiError, EkoResponseError):
            pass  # the document call itself will say what is wrong
        else:
            requested = _requested(answer.parse())
            call = _document_call(eko, ids, requested, call.client_ref_id)
    return (yield from send(eko, call, policy, until))


def _document_call(
    eko: ClientBase, ids: calls.DocumentIds, documents: Iterable[str], client_ref_id: str | None
) -> calls.Call[DigilockerDocumentPayload]:
    return eko.document_call(
        ids.reference_id, ids.verification_id, documents, client_ref_id, ids.user_code
    )


def _requested(status: VerificationStatusPayload) -> list[str]:
    """The documents a session asked for, from its status answer (the spec's default if
    the answer leaves them out)."""
    from .calls import default_documents

    documents = getattr(status, "document_requested", None)
    if isinstance(documents, list) and documents:
        return [str(getattr(d, "value", d)) for d in documents]
    return list(default_documents())
