import base64
import hashlib
import hmac
import json
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from eko_digilocker import EkoAuth, sign_secret_key
from tests.client.fakes import Server, make_client

VECTORS = json.loads((Path(__file__).parent.parent / "vectors" / "signing.json").read_text())[
    "vectors"
]
keys = st.text(min_size=1, max_size=64)
timestamps = st.integers(min_value=0, max_value=10**13)


def verify(access_key: str, timestamp: str, signature: str) -> bool:
    """An independent check of Eko's formula, as a server would run it."""
    key = base64.b64encode(access_key.encode("utf-8"))
    expected = hmac.new(key, timestamp.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(expected).decode(), signature)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_known_answers(vector: dict[str, str]) -> None:
    assert sign_secret_key(vector["access_key"], vector["timestamp"]) == vector["secret_key"]
    assert sign_secret_key(vector["access_key"], int(vector["timestamp"])) == vector["secret_key"]


def test_vectors_include_ekos_published_golden_vector() -> None:
    assert {
        "access_key": "TEST_ACCESS_KEY_DO_NOT_USE",
        "timestamp": "1700000000000",
        "secret_key": "u30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk=",
    }.items() <= next(v for v in VECTORS if v["access_key"].startswith("TEST_")).items()


@given(keys, timestamps)
def test_signature_verifies_for_its_own_timestamp(access_key: str, ts: int) -> None:
    assert verify(access_key, str(ts), sign_secret_key(access_key, ts))


@given(keys, timestamps, timestamps)
def test_signature_fails_for_any_other_timestamp(access_key: str, ts: int, other: int) -> None:
    if other != ts:
        assert not verify(access_key, str(other), sign_secret_key(access_key, ts))


@given(keys, keys, timestamps)
def test_signature_fails_for_any_other_key(access_key: str, other: str, ts: int) -> None:
    if other != access_key:
        assert not verify(other, str(ts), sign_secret_key(access_key, ts))


def test_auth_sets_three_headers_with_a_fresh_timestamp_per_request() -> None:
    ticks = iter([1700000000000, 1700000000001])
    auth = EkoAuth("dev-key", "TEST_ACCESS_KEY_DO_NOT_USE", clock=lambda: next(ticks))
    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200)

    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as http:
        http.get("https://eko.test/a")
        http.get("https://eko.test/b")
    assert seen[0]["developer_key"] == "dev-key"
    assert seen[0]["secret-key-timestamp"] == "1700000000000"
    assert seen[0]["secret-key"] == "u30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk="
    assert seen[1]["secret-key-timestamp"] == "1700000000001"
    assert verify("TEST_ACCESS_KEY_DO_NOT_USE", "1700000000001", seen[1]["secret-key"])


@pytest.mark.anyio
async def test_one_auth_instance_serves_the_async_client_too() -> None:
    auth = EkoAuth("dev-key", "TEST_ACCESS_KEY_DO_NOT_USE", clock=lambda: 1700000000000)

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=request.headers["secret-key"])

    async with httpx.AsyncClient(auth=auth, transport=httpx.MockTransport(handler)) as http:
        answer = await http.get("https://eko.test/")
    assert answer.text == "u30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk="


def test_default_clock_is_milliseconds_since_epoch() -> None:
    timestamp = EkoAuth("d", "a").headers()["secret-key-timestamp"]
    assert timestamp.isdigit()
    assert len(timestamp) == 13


def test_timestamps_strictly_increase_when_the_clock_stands_still() -> None:
    auth = EkoAuth("dev", "key", clock=lambda: 1_700_000_000_000)
    stamps = [int(auth.headers()["secret-key-timestamp"]) for _ in range(50)]
    assert stamps == list(range(1_700_000_000_000, 1_700_000_000_050))


def test_timestamps_follow_the_clock_when_it_moves_on() -> None:
    ticks = iter([1000, 1000, 5000, 4000])
    auth = EkoAuth("dev", "key", clock=lambda: next(ticks))
    assert [auth.timestamp() for _ in range(4)] == [1000, 1001, 5000, 5001]


def test_threads_never_share_a_timestamp() -> None:
    from concurrent.futures import ThreadPoolExecutor

    auth = EkoAuth("dev", "key")
    with ThreadPoolExecutor(8) as pool:
        stamps = list(pool.map(lambda _: auth.timestamp(), range(4000)))
    assert len(set(stamps)) == len(stamps)


def test_300_concurrent_async_creates_carry_300_distinct_signatures() -> None:
    # Before: 300 concurrent creates carried only 55 distinct timestamps.
    import asyncio
    import time

    from eko_digilocker import AsyncEkoClient
    from tests.client.fakes import BASE_URL, CREATED, CREDENTIALS

    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        await asyncio.sleep(0)
        return httpx.Response(200, json=CREATED)

    async def run() -> None:
        async with AsyncEkoClient(
            **CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": httpx.MockTransport(handler)}
        ) as eko:
            await asyncio.gather(
                *(eko.create_digilocker_url("https://a.example/cb") for _ in range(300))
            )

    asyncio.run(run())
    stamps = [int(r.headers["secret-key-timestamp"]) for r in seen]
    assert len(seen) == 300
    assert len(set(stamps)) == 300
    assert len({r.headers["secret-key"] for r in seen}) == 300
    # Still inside the window: never ahead of the clock by more than the burst itself.
    assert max(stamps) - time.time() * 1000 < 1000
    for request in seen[:20]:
        assert verify(
            CREDENTIALS["access_key"],
            request.headers["secret-key-timestamp"],
            request.headers["secret-key"],
        )


def test_timestamps_never_run_further_ahead_of_the_clock_than_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eko_digilocker import signing

    monkeypatch.setattr(signing, "MAX_AHEAD_MS", 5)
    monkeypatch.setattr(signing.time, "sleep", lambda seconds: pytest.fail("EkoAuth slept"))
    auth = EkoAuth("dev", "key", clock=lambda: 1000)
    handed = [auth.timestamp_and_wait() for _ in range(8)]
    assert [stamp for stamp, _ in handed] == list(range(1000, 1008))
    # the 7th and 8th are to wait for the clock to catch up: the client waits, not EkoAuth
    assert [wait for _, wait in handed] == [0, 0, 0, 0, 0, 0, 0.001, 0.002]


def test_the_client_waits_for_the_clock_after_a_burst(
    server: Server, sleeps: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eko_digilocker import signing

    monkeypatch.setattr(signing, "MAX_AHEAD_MS", 5)
    with make_client(server, sleeps) as eko:
        eko.auth._clock = lambda: 1000
        for _ in range(7):
            eko.create_digilocker_url("https://a.example/cb")
    assert sleeps == [0.001]  # the 7th create waited for the clock, through the client


def test_a_clock_stepped_back_is_followed_not_waited_for() -> None:
    ticks = iter([1_000_000, 1_000_000, 960_000, 960_000])
    auth = EkoAuth("dev", "key", clock=lambda: next(ticks))
    handed = [auth.timestamp_and_wait() for _ in range(4)]
    # Eko judges the stamp by its own clock: after a 40 s step back the stamps follow
    # the clock again, rather than staying 40 s ahead of it (or waiting 10 s for it).
    assert handed == [(1_000_000, 0), (1_000_001, 0), (960_000, 0), (960_001, 0)]
