"""The session store's promises at its limits, over a real socket: live sessions are
never dropped, expired ones go first, idempotency holds, the cap refuses with an
envelope, and memory is bounded in bytes."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from eko_digilocker_sandbox.sessions import FIRST_REFERENCE_ID, SessionStore
from tests.sandbox.helpers import Api, FakeClock

TTL = 600.0
RETENTION = 3600.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(time.time())


def _small_sandbox(clock: FakeClock, **limits: int) -> Iterator[Api]:
    config = SandboxConfig(
        session_ttl_seconds=TTL,
        session_retention_seconds=RETENTION,
        timestamp_window_seconds=10 * RETENTION,  # the fake clock moves; signatures stay valid
        clock=clock,
        self_check=True,
        **limits,  # type: ignore[arg-type]
    )
    with running_sandbox(config) as url:
        api = Api(url)
        try:
            yield api
            state = api.state()
            assert state["internal_errors"] == 0, state
            assert state["self_check_failures"] == 0, state
        finally:
            api.close()


@pytest.fixture
def capped(clock: FakeClock) -> Iterator[Api]:
    yield from _small_sandbox(clock, max_sessions=3)


def _forgotten(api: Api, reference_id: int) -> bool:
    return api.control("GET", f"sessions/{reference_id}").status_code == 404


def _full_message(api: Api, **overrides: str) -> str:
    answer = api.create(**overrides).json()
    assert answer["status"] == 1, answer
    assert answer["response_status_id"] == 1
    assert answer["response_type_id"] == -1
    assert answer["data"] == {}
    message: str = answer["message"]
    return message


def test_at_the_cap_a_create_is_refused_and_no_live_session_is_dropped(
    capped: Api, clock: FakeClock
) -> None:
    ids = [capped.new_session(client_ref_id=f"LIVE-{i}")["reference_id"] for i in range(3)]
    clock.advance(TTL - 1)  # all three still inside their consent window
    message = _full_message(capped, client_ref_id="ONE-TOO-MANY")
    assert "session store is full" in message
    assert "--max-sessions" in message
    for reference_id in ids:
        assert capped.status(reference_id).json()["data"]["session_status"] == "PENDING"
    assert capped.state()["sessions"] == 3


def test_at_the_cap_a_repeated_client_ref_id_still_gets_its_session(
    capped: Api, clock: FakeClock
) -> None:
    first = capped.create(client_ref_id="REPEAT")
    for i in range(2):
        capped.new_session(client_ref_id=f"FILL-{i}")
    again = capped.create(client_ref_id="REPEAT")
    assert again.content == first.content  # byte for byte, even at the cap


def test_at_the_cap_expired_sessions_are_forgotten_first_oldest_first(
    capped: Api, clock: FakeClock
) -> None:
    oldest = capped.new_session(client_ref_id="OLD-0")["reference_id"]
    clock.advance(10)
    second = capped.new_session(client_ref_id="OLD-1")["reference_id"]
    third = capped.new_session(client_ref_id="OLD-2")["reference_id"]
    clock.advance(TTL - 5)  # the oldest's window is over, the others' is not
    assert capped.status(oldest).json()["data"]["session_status"] == "EXPIRED"
    newest = capped.new_session(client_ref_id="NEW")["reference_id"]
    assert _forgotten(capped, oldest)
    for reference_id in (second, third, newest):
        assert capped.status(reference_id).json()["data"]["session_status"] == "PENDING"
    assert _full_message(capped).startswith("The sandbox's session store is full")


def test_below_the_cap_expired_sessions_stay_readable_until_the_retention(
    clock: FakeClock,
) -> None:
    for api in _small_sandbox(clock, max_sessions=100):
        reference_id = api.new_session(client_ref_id="KEEP")["reference_id"]
        clock.advance(TTL + 1)
        api.new_session()
        assert api.status(reference_id).json()["data"]["session_status"] == "EXPIRED"
        again = api.create(client_ref_id="KEEP").json()  # idempotent while remembered
        assert again["data"]["reference_id"] == reference_id
        clock.advance(RETENTION - TTL)
        assert _forgotten(api, reference_id)
        assert api.state()["sessions"] == 1


def test_the_store_is_bounded_in_bytes(clock: FakeClock) -> None:
    long_url = "https://yourapp.example/" + "x" * 2000
    for api in _small_sandbox(clock, max_store_bytes=1024 * 1024):
        created = 0
        while api.create(client_ref_id=f"B-{created}", redirect_url=long_url).json()["status"] == 0:
            created += 1
            assert created < 1000, "the byte budget never refused"
        state = api.state()
        assert state["sessions"] == created
        assert state["session_store_bytes"] <= 1024 * 1024
        assert created > 100  # a MiB holds over a hundred sessions with 2 KB URLs
        message = _full_message(api, client_ref_id="B-FULL", redirect_url=long_url)
        assert f"({created} sessions, about 1.0 MiB; limits 100000 sessions, 1.0 MiB)" in message


def test_create_stays_o1_at_the_cap_and_after_many_forgotten_sessions() -> None:
    clock = FakeClock()
    store = SessionStore(
        ttl_seconds=1.0, retention_seconds=1.0, clock=clock, max_sessions=1000, max_bytes=10**9
    )

    def create_many(n: int, tag: str) -> float:
        started = time.perf_counter()
        for i in range(n):
            clock.advance(0.01)  # every create finds the oldest session's window over
            store.create(
                developer_key=b"k",
                client_ref_id=f"{tag}-{i}",
                fingerprint="f",
                initiator_id="1",
                user_code="2",
                document_requested=["AADHAAR"],
                redirect_url="https://x.example/",
                render_answer=lambda session: b"{}",
            )
        return (time.perf_counter() - started) / n

    create_many(1000, "warm")
    early = create_many(2000, "early")
    late = create_many(20000, "late")  # 20,000 sessions forgotten from the front meanwhile
    assert store.count() <= 1000
    assert late < early * 5, (early, late)
    page, _ = store.page(None, 5)
    assert page[0]["reference_id"] > FIRST_REFERENCE_ID + 20000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("redirect_url", "https://yourapp.example/" + "a" * 2030),
        ("initiator_id", "9" * 33),
        ("user_code", "2" * 33),
        ("client_ref_id", "R" * 21),
        ("document_requested", ["AADHAAR"] * 11),
    ],
)
def test_fields_over_the_spec_limits_are_refused_with_an_envelope(
    api: Api, field: str, value: object
) -> None:
    answer = api.create(**{field: value}).json()
    assert answer["status"] == 461
    assert field in answer["invalid_params"]
    assert api.state()["sessions"] == 0


def test_fields_at_the_spec_limits_are_accepted(api: Api) -> None:
    url = "https://yourapp.example/"
    answer = api.create(
        redirect_url=url + "a" * (2048 - len(url)),
        initiator_id="9" * 32,
        user_code="2" * 32,
        client_ref_id="R" * 20,
        document_requested=["AADHAAR"] * 10,
    ).json()
    assert answer["status"] == 0, answer


@pytest.mark.parametrize(
    ("char", "url"),
    [
        ("u", "https://yourapp.example/cb"),
        ("\u0939", "https://yourapp.example/cb"),
        ("\U0001f600", "https://yourapp.example/cb"),
        ("\U0001f600", "https://yourapp.example/" + "u" * 2000),
    ],
    ids=["ascii", "2-byte", "4-byte", "4-byte-long-url"],
)
def test_the_session_memory_estimate_errs_high(api: Api, char: str, url: str) -> None:
    """Measured: what forgetting the sessions frees (tracemalloc, in this process, where
    the sandbox runs) against `session_store_bytes`. CPython stores a string with one
    character past U+FFFF at 4 bytes a character."""
    count = 300
    api.new_session()  # warm: first-use caches are not a session's
    tracemalloc.start()
    try:
        for i in range(count):
            api.new_session(
                client_ref_id=f"{i:04d}" + char * 16,
                initiator_id=char * 32,
                user_code=char * 32,
                redirect_url=url,
            )
        estimate = api.state()["session_store_bytes"] * count // (count + 1)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        api.control("POST", "reset")
        gc.collect()
        freed = held - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert freed > 1000 * count  # the measurement sees the sessions
    assert estimate >= freed, (estimate / count, freed / count)


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_the_process_memory_stays_near_the_byte_budget() -> None:
    """Real RSS, not the estimate: fill a 16 MiB store with the largest sessions allowed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "eko_digilocker_sandbox", "--port", "0", "--max-store-mb", "16"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        api = Api(proc.stdout.readline().strip())
        url = "https://yourapp.example/" + "u" * (2048 - 24)
        api.new_session(client_ref_id="WARM", redirect_url=url)
        before = _rss_bytes(proc.pid)
        created = 0
        while True:
            body = {"client_ref_id": f"M-{created}", "redirect_url": url, "initiator_id": "9" * 32}
            if api.create(user_code="2" * 32, document_requested=["AADHAAR"] * 10, **body).json()[
                "status"
            ]:
                break
            created += 1
            assert created < 10_000, "the byte budget never refused"
        grown = _rss_bytes(proc.pid) - before
        assert created > 500
        assert grown < 32 * 1024 * 1024, (created, grown)
        api.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
