"""Which failures are retried, how long the client waits, and that each try is re-signed."""

import itertools

import httpx
import pytest

from eko_digilocker import (
    EkoConnectionError,
    EkoError,
    EkoResponseError,
    EkoTimeoutError,
    RetryPolicy,
)
from eko_digilocker.retries import parse_retry_after
from tests.client.fakes import CREATED, Server, envelope, make_client
from tests.client.test_signing import verify

OK = httpx.Response(200, json=CREATED)
STATUS_OK = httpx.Response(
    200, json={"status": 0, "message": "ok", "response_status_id": 0, "data": {}}
)
URL = "https://a.example/cb"


def test_connect_failure_is_retried_even_for_a_plain_post(server: Server, sleeps: list) -> None:
    server.answers = [httpx.ConnectError("refused"), OK]
    with make_client(server, sleeps) as eko:
        assert eko.create_digilocker_url(URL).reference_id == 7483920
    assert len(server.requests) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("drop")])
def test_post_without_client_ref_id_is_not_repeated_after_it_may_have_arrived(
    server: Server, sleeps: list, failure: Exception
) -> None:
    server.answers = [failure, OK]
    with (
        make_client(server, sleeps, auto_client_ref_id=False) as eko,
        pytest.raises(EkoConnectionError),
    ):
        eko.create_digilocker_url(URL)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("drop"),
        httpx.Response(429),
        httpx.Response(500, json=envelope(500, 1)),  # Eko documents 500: like any 5xx
        httpx.Response(502),
        httpx.Response(503),
        httpx.Response(504),
    ],
)
def test_post_with_client_ref_id_is_retried(server: Server, sleeps: list, failure: object) -> None:
    server.answers = [failure, OK]
    with make_client(server, sleeps) as eko:
        eko.create_digilocker_url(URL, client_ref_id="R-1")
    assert len(server.requests) == 2
    assert server.body(0) == server.body(1)


def test_status_get_is_retried(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(503), httpx.ReadTimeout("slow"), STATUS_OK]
    with make_client(server, sleeps) as eko:
        eko.get_verification_status(1)
    assert len(server.requests) == 3


def test_5xx_on_plain_post_is_not_retried(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(503), OK]
    with (
        make_client(server, sleeps, auto_client_ref_id=False) as eko,
        pytest.raises(EkoResponseError) as caught,
    ):
        eko.create_digilocker_url(URL)
    assert caught.value.http_status == 503
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, json=envelope(1, 327)),
        httpx.Response(403, json=envelope(403, 1)),
        httpx.Response(404, json=envelope(404, 1)),
    ],
)
def test_errors_are_never_retried(server: Server, sleeps: list, answer: httpx.Response) -> None:
    server.answers = [answer, STATUS_OK]
    with make_client(server, sleeps) as eko, pytest.raises(EkoError):
        eko.get_verification_status(1)
    assert len(server.requests) == 1


def test_retries_stop_after_max_retries(server: Server, sleeps: list) -> None:
    server.answers = [httpx.ReadTimeout("slow")]
    with make_client(server, sleeps, max_retries=3) as eko, pytest.raises(EkoTimeoutError):
        eko.get_verification_status(1)
    assert len(server.requests) == 4
    with make_client(server, sleeps) as eko, pytest.raises(EkoTimeoutError):
        eko.get_verification_status(1, max_retries=0)
    assert len(server.requests) == 5


def test_retry_after_is_honoured(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(503, headers={"Retry-After": "1.5"}), STATUS_OK]
    with make_client(server, sleeps) as eko:
        eko.get_verification_status(1)
    assert sleeps == [1.5]


def test_backoff_is_exponential_with_full_jitter(
    server: Server, sleeps: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    monkeypatch.setattr("eko_digilocker.retries.random.uniform", uniform)
    server.answers = [httpx.Response(503)] * 6 + [STATUS_OK]
    with make_client(server, sleeps, max_retries=6) as eko:
        eko.get_verification_status(1)
    # Full jitter: uniform between 0 and a ceiling that doubles up to max_delay (8 s).
    assert drawn == [(0, ceiling) for ceiling in (0.5, 1, 2, 4, 8, 8)]
    assert sleeps == [0.5, 1, 2, 4, 8, 8]


def test_each_attempt_carries_a_new_valid_signature(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(503), httpx.Response(502), STATUS_OK]
    with make_client(server, sleeps) as eko:
        ticks = itertools.count(1700000000000, 250)
        eko.auth._clock = lambda: next(ticks)
        eko.get_verification_status(1)
    stamps = [r.headers["secret-key-timestamp"] for r in server.requests]
    assert stamps == ["1700000000000", "1700000000250", "1700000000500"]
    for request in server.requests:
        assert verify(
            "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
            request.headers["secret-key-timestamp"],
            request.headers["secret-key"],
        )


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        ("0.25", 0.25),
        (None, None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_absurd_retry_after_falls_back_to_backoff(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(503, headers={"Retry-After": "86400"}), STATUS_OK]
    with make_client(server, sleeps) as eko:
        eko.get_verification_status(1)
    assert 0 <= sleeps[0] <= RetryPolicy().initial_delay
