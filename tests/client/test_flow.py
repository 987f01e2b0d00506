"""The flow driven directly, as h11's tests feed bytes to a Connection: each test sends
scripted replies into the generator and reads the steps it yields. No socket, no httpx
transport, no client object: a frozen Config, a fake clock and the scripted answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from eko_digilocker import attempts, calls, flow
from eko_digilocker.config import ClientConfig, Config
from eko_digilocker.deadline import UNTIL
from eko_digilocker.errors import EkoConnectionError, EkoTimeoutError
from eko_digilocker.retries import RetryPolicy
from eko_digilocker.settings import Settings
from eko_digilocker.signing import MAX_AHEAD_MS, TIMESTAMP_HEADER, EkoAuth

from .fakes import CREATED

BASE_URL = "https://eko.test/v3"
SETTINGS = Settings("dev-key", "access-key", "9962981729", "20810200", BASE_URL)


class Clock:
    """Seconds that move only when a test (or a Wait it carries out) moves them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def config(clock: Clock, timeout: float | None = 60.0, signer: EkoAuth | None = None,
           **policy: Any) -> Config:  # fmt: skip
    client = ClientConfig(
        settings=SETTINGS,
        auto_client_ref_id=True,
        signer=signer or EkoAuth("dev-key", "access-key"),
        fixed_headers=attempts.fixed_headers({"User-Agent": "test"}, BASE_URL, "dev-key"),
        base_url=BASE_URL,
        host="eko.test",
        phase_timeout=httpx.Timeout(30.0, connect=5.0),
        longest_phase=30.0,
        max_response_bytes=1 << 20,
        policy=RetryPolicy(),
    )
    until = None if timeout is None else clock() + timeout
    return Config(client, RetryPolicy(**policy), until)


def create(client_ref_id: str | None = "REF-1") -> calls.Call[Any]:
    """A create call: with a client_ref_id Eko can recognise a repeat (idempotent)."""
    return calls.create_digilocker_url(
        SETTINGS,
        redirect_url="https://merchant.example/back",
        document_requested=None,
        client_ref_id=client_ref_id,
        user_code=None,
    )


def answer(status: int, body: Any = CREATED, **headers: str) -> Callable[[flow.Send], Any]:
    return lambda step: httpx.Response(status, json=body, headers=headers, request=step.request)


def failure(exc: Exception) -> Callable[[flow.Send], Any]:
    return lambda step: exc


def drive(steps: flow.Flow[Any], clock: Clock, replies: list[Callable[[flow.Send], Any]]
          ) -> tuple[list[flow.Step], Any]:  # fmt: skip
    """Carry the steps out: a Send gets the next scripted reply, a Wait moves the clock.
    Returns the steps seen and the result (or the exception the flow raised)."""
    seen: list[flow.Step] = []
    reply: Any = None
    while True:
        try:
            step = steps.send(reply)
        except StopIteration as done:
            return seen, done.value
        except Exception as exc:  # the flow's verdict
            return seen, exc
        seen.append(step)
        if isinstance(step, flow.Send):
            reply = replies.pop(0)(step)
        else:
            clock.now += step.seconds
            reply = None


def sends(seen: list[flow.Step]) -> list[flow.Send]:
    return [s for s in seen if isinstance(s, flow.Send)]


def waits(seen: list[flow.Step]) -> list[float]:
    return [s.seconds for s in seen if isinstance(s, flow.Wait)]


def test_a_retried_status_is_sent_again_signed_afresh_after_a_backoff() -> None:
    clock = Clock()
    seen, result = drive(
        flow.send(config(clock), create(), clock), clock, [answer(503, {}), answer(200)]
    )
    first, second = sends(seen)
    assert [type(s) for s in seen] == [flow.Send, flow.Wait, flow.Send]
    assert 0 <= waits(seen)[0] <= 0.5  # full jitter under initial_ms
    stamps = [int(s.request.headers[TIMESTAMP_HEADER]) for s in (first, second)]
    assert stamps[1] > stamps[0]
    assert first.request.content == second.request.content
    assert result.attempts == 2
    assert result.parse().reference_id == CREATED["data"]["reference_id"]


def test_retry_after_is_honoured_within_its_cap_and_backoff_used_beyond() -> None:
    clock = Clock()
    replies = [answer(429, {}, **{"Retry-After": "2"}), answer(200)]
    seen, _ = drive(flow.send(config(clock), create(), clock), clock, replies)
    assert waits(seen) == [2.0]
    replies = [answer(429, {}, **{"Retry-After": "3"}), answer(200)]
    seen, _ = drive(flow.send(config(clock, max_retry_after=1.0), create(), clock), clock, replies)
    assert 0 <= waits(seen)[0] <= 0.5


def test_no_wait_reaches_past_the_deadline_so_the_last_answer_stands() -> None:
    clock = Clock()
    replies = [answer(503, {}, **{"Retry-After": "5"})]
    seen, result = drive(flow.send(config(clock, timeout=4.0), create(), clock), clock, replies)
    assert len(sends(seen)) == 1
    assert waits(seen) == []
    assert "503" in str(result)


def test_each_request_carries_the_deadline_and_phases_capped_by_what_is_left() -> None:
    clock = Clock()
    steps = flow.send(config(clock, timeout=2.0), create(), clock)
    step = steps.send(None)
    assert isinstance(step, flow.Send)
    assert step.until == step.request.extensions[UNTIL] == 1002.0
    timeout = step.request.extensions["timeout"]
    assert timeout == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}
    clock.now += 2.0  # the attempt timed out with the deadline: no retry can fit
    with pytest.raises(EkoTimeoutError, match="deadline passed"):
        steps.send(httpx.ReadTimeout("slow"))


def test_a_request_never_leaves_once_the_deadline_passed() -> None:
    clock = Clock()
    steps = flow.send(config(clock, timeout=1.0), create(), clock)
    steps.send(None)
    wait = steps.send(httpx.ConnectError("refused"))  # not sent: always retried
    assert isinstance(wait, flow.Wait)
    clock.now += 5.0  # the wait overran (a suspended process)
    with pytest.raises(EkoTimeoutError, match="deadline passed"):
        steps.send(None)


def test_what_may_have_been_sent_is_retried_only_for_a_call_safe_to_repeat() -> None:
    clock = Clock()
    unsafe = create(client_ref_id=None)
    assert not unsafe.idempotent
    seen, result = drive(
        flow.send(config(clock), unsafe, clock), clock, [failure(httpx.ReadTimeout("lost"))]
    )
    assert len(sends(seen)) == 1
    assert isinstance(result, EkoTimeoutError)
    seen, result = drive(
        flow.send(config(clock, max_retries=1), unsafe, clock),
        clock,
        [failure(httpx.ConnectError("refused"))] * 2,
    )
    assert len(sends(seen)) == 2  # a refused connection sent nothing: retried
    assert isinstance(result, EkoConnectionError)
    assert "2 attempts" in str(result)


def burst_signer() -> tuple[EkoAuth, int]:
    """A signer whose stamps ran MAX_AHEAD_MS + 250 ms ahead of its stopped clock."""
    now = 1_700_000_000_000
    signer = EkoAuth("dev-key", "access-key", clock=lambda: now)
    for _ in range(MAX_AHEAD_MS + 250):
        signer.timestamp()
    return signer, now


def test_the_signers_catch_up_wait_comes_before_the_send_within_the_deadline() -> None:
    clock = Clock()
    signer, _ = burst_signer()
    seen, result = drive(
        flow.send(config(clock, signer=signer), create(), clock), clock, [answer(200)]
    )
    assert [type(s) for s in seen] == [flow.Wait, flow.Send]
    assert waits(seen) == [pytest.approx(0.25)]
    assert result.attempts == 1


def test_a_catch_up_wait_past_the_deadline_ends_the_call_unsent() -> None:
    clock = Clock()
    signer, _ = burst_signer()
    seen, result = drive(
        flow.send(config(clock, timeout=0.1, signer=signer), create(), clock), clock, []
    )
    assert seen == []
    assert isinstance(result, EkoTimeoutError)
    assert "waiting for the clock" in str(result)


def test_get_document_asks_the_status_for_the_requested_documents_first() -> None:
    clock = Clock()
    ids = calls.DocumentIds(7, "VER-1", None, "REF-2", None)
    status = {"status": 0, "response_status_id": 0, "data": {"document_requested": ["PAN"]}}
    document = {"status": 0, "response_status_id": 0, "data": {}}
    seen, result = drive(
        flow.document(config(clock), ids, clock),
        clock,
        [answer(200, status), answer(200, document)],
    )
    first, second = sends(seen)
    assert first.request.method == "GET"
    assert b'"document_type":["PAN"]' in second.request.content
    assert b'"client_ref_id":"REF-2"' in second.request.content
    assert first.until == second.until  # one deadline for both
    assert result.attempts == 1
