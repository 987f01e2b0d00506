"""The one retry, deadline and signing loop of both clients, without any I/O.

In the spirit of h11 and of httpx's `auth_flow`: a call is a generator that yields
what to do next, `Send` (one signed attempt, and the instant its deadline falls) or
`Wait` (seconds to sleep), and is sent back what came of it: the answer with its body
read, or the exception the attempt raised. It returns the call's result. EkoClient and
AsyncEkoClient only carry these steps out (their `_run`), so every rule about retries,
deadlines and signing is written once, here. A flow reads nothing of its client but a
frozen `Config`, and tells time only by the `clock` it is given: tests drive it step by
step with scripted replies (tests/client/test_flow.py).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import attempts, calls, retries
from .calls import M
from .config import ClientConfig, Clock, Config
from .errors import EkoApiError, EkoResponseError
from .raw import RawResponse

if TYPE_CHECKING:
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        VerificationStatusPayload,
    )

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


def send(config: Config, call: calls.Call[M], clock: Clock) -> Flow[RawResponse[M]]:
    """Attempts until an answer is final, the retries are spent or the deadline passes;
    each attempt signed afresh (a new timestamp) when it is about to leave."""
    until = config.until
    attempt = 0
    while True:
        timestamp, catch_up = config.client.signer.timestamp_and_wait()
        if catch_up:  # a burst ran the timestamps ahead: let the clock catch up first
            if until is not None and clock() + catch_up >= until:
                raise attempts.out_of_time(call, attempt, "waiting for the clock")
            yield Wait(catch_up)
        try:
            request = attempts.request(config, call, timestamp, clock)
        except httpx.TimeoutException as exc:
            raise attempts.transport_error(config, exc, call, attempt, clock) from exc
        reply = yield Send(request, until)
        if isinstance(reply, httpx.Response):
            delay = retries.after_answer(config.policy, until, call, reply, attempt, clock)
            if delay is None:
                return RawResponse(
                    reply, call.client_ref_id, attempt + 1, attempts.read(call, reply)
                )
        elif isinstance(reply, Exception):
            delay = retries.after_failure(config.policy, until, call, reply, attempt, clock)
            if delay is None:
                raise attempts.failure(config, call, reply, attempt, clock)
        else:
            raise AssertionError(f"a Send step was answered with {reply!r}")
        yield Wait(delay)
        attempt += 1


def document(
    config: Config, ids: calls.DocumentIds, clock: Clock
) -> Flow[RawResponse[DigilockerDocumentPayload]]:
    """get_document: without `document_type`, a status call first asks which documents
    the session requested; both steps share the call's one deadline and its name."""
    asked = ids.document_type
    documents = calls.default_documents() if asked is None else asked
    call = document_call(config.client, ids, documents, ids.client_ref_id)
    if asked is None:  # the input is valid: ask which documents it requested
        status = calls.get_verification_status(
            config.client.settings,
            reference_id=ids.reference_id,
            client_ref_id=None,
            user_code=ids.user_code,
            name=call.name,
        )
        try:
            answer = yield from send(config, status, clock)
        except (EkoApiError, EkoResponseError):
            pass  # the document call itself will say what is wrong
        else:
            requested = _requested(answer.parse())
            call = document_call(config.client, ids, requested, call.client_ref_id)
    return (yield from send(config, call, clock))


def document_call(
    client: ClientConfig,
    ids: calls.DocumentIds,
    documents: Iterable[str],
    client_ref_id: str | None,
) -> calls.Call[DigilockerDocumentPayload]:
    """The document call of `ids` for `documents` (a second one keeps the first's
    `client_ref_id`)."""
    if client_ref_id is None and client.auto_client_ref_id:
        client_ref_id = calls.new_client_ref_id()
    return calls.get_document(
        client.settings,
        reference_id=ids.reference_id,
        verification_id=ids.verification_id,
        document_type=documents,
        client_ref_id=client_ref_id,
        user_code=ids.user_code,
    )


def _requested(status: VerificationStatusPayload) -> list[str]:
    """The documents a session asked for, from its status answer (the spec's default if
    the answer leaves them out)."""
    documents = getattr(status, "document_requested", None)
    if isinstance(documents, list) and documents:
        return [str(getattr(d, "value", d)) for d in documents]
    return list(calls.default_documents())
