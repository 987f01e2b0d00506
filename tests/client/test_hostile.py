"""The client against a hostile server on a loopback socket: bounded memory and a
deadline that holds (issue 11, items 1 and 2)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eko_digilocker import (
    AsyncEkoClient,
    ConsentState,
    EkoClient,
    EkoResponseError,
    EkoResponseTooLargeError,
    EkoTimeoutError,
)
from tests.client.fakes import CREDENTIALS
from tests.client.hostile import HostileServer

ROOT = Path(__file__).resolve().parents[2]
MiB = 1024 * 1024


def probe(url: str, *args: str) -> dict:
    """One call from a fresh process, so its peak RSS is the call's alone."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.client.rss_probe", url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("mode", ["big", "endless", "bomb"])
def test_reads_stop_at_the_limit_and_memory_stays_flat(mode: str) -> None:
    # Before: 100 MB body -> 343 MB RSS; endless -> 1 GiB read; 1 GiB gzip bomb -> 3.1 GB.
    with HostileServer(mode) as server:
        cost = probe(server.url)
    assert cost["error"] == "EkoResponseTooLargeError"
    assert "max_response_bytes" in cost["message"]
    grown_mib = (cost["after_kb"] - cost["before_kb"]) / 1024
    assert grown_mib < 20, cost
    assert cost["seconds"] < 10, cost
    if mode != "bomb":  # it stopped reading soon after the limit
        assert server.sent < 20 * MiB


def test_an_answer_in_one_byte_chunks_costs_its_size_not_a_hundred_times_it() -> None:
    # Before: 1 MiB in 1-byte chunks raised peak RSS by ~150 MiB (each chunk kept as its
    # own bytes object until the end).
    with HostileServer("byte-chunks") as server:
        cost = probe(server.url)
    assert cost["error"] == "EkoResponseError", cost  # a JSON string, not an envelope
    assert "not an Eko JSON envelope" in cost["message"]
    grown_mib = (cost["after_kb"] - cost["before_kb"]) / 1024
    assert grown_mib < 40, cost


def test_the_limit_is_settable() -> None:
    with HostileServer("big") as server:
        cost = probe(server.url, "1000")
    assert cost["error"] == "EkoResponseTooLargeError"
    assert "(1000 bytes decoded)" in cost["message"]


def test_the_error_keeps_no_more_than_an_excerpt() -> None:
    with (
        HostileServer("big") as server,
        EkoClient(**CREDENTIALS, base_url=server.url, max_retries=0) as eko,
        pytest.raises(EkoResponseTooLargeError) as caught,
    ):
        eko.create_digilocker_url("https://yourapp.com/kyc/callback")
    assert isinstance(caught.value, EkoResponseError)
    assert len(caught.value.body) <= 2000
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize("mode", ["drip-body", "drip-headers", "silent"])
def test_the_deadline_holds_against_a_slow_server(mode: str) -> None:
    # Before: with timeout=2, one byte a second held a call for 60 s.
    with (
        HostileServer(mode, interval=0.1) as server,
        EkoClient(**CREDENTIALS, base_url=server.url, timeout=1.5) as eko,
    ):
        start = time.monotonic()
        with pytest.raises(EkoTimeoutError) as caught:
            # With a client_ref_id the POST may be retried: attempts share the deadline.
            eko.create_digilocker_url("https://yourapp.com/kyc/callback", client_ref_id="R-1")
        took = time.monotonic() - start
    assert 1.4 < took < 2.5
    message = str(caught.value)
    assert "create_digilocker_url" in message
    assert "127.0.0.1" in message
    assert "deadline" in message


@pytest.mark.parametrize("mode", ["drip-body", "drip-headers"])
def test_the_deadline_holds_for_the_async_client(mode: str) -> None:
    async def call(url: str) -> None:
        async with AsyncEkoClient(**CREDENTIALS, base_url=url, timeout=1.0) as eko:
            await eko.get_verification_status(7)

    with HostileServer(mode, interval=0.1) as server:
        start = time.monotonic()
        with pytest.raises(EkoTimeoutError):
            asyncio.run(call(server.url))
        took = time.monotonic() - start
    assert 0.9 < took < 2.5  # includes the event loop's and the client's start


def test_a_per_call_timeout_overrides_the_clients() -> None:
    with (
        HostileServer("drip-body", interval=0.1) as server,
        EkoClient(**CREDENTIALS, base_url=server.url, timeout=30) as eko,
    ):
        start = time.monotonic()
        with pytest.raises(EkoTimeoutError):
            eko.get_verification_status(7, timeout=0.5)
    assert time.monotonic() - start < 1.5


def test_wait_for_consent_returns_at_its_timeout() -> None:
    with (
        HostileServer("drip-headers", interval=0.1) as server,
        EkoClient(**CREDENTIALS, base_url=server.url, timeout=30) as eko,
    ):
        start = time.monotonic()
        result = eko.wait_for_consent(7, timeout=1.5, interval=0.2)
        took = time.monotonic() - start
    assert result.state is ConsentState.TIMED_OUT
    assert 1.4 < took < 2.5
