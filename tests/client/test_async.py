"""AsyncEkoClient: the same surface and rules as EkoClient."""

import asyncio

import anyio
import httpx
import pytest

from eko_digilocker import (
    AsyncEkoClient,
    ConsentState,
    EkoResponseError,
    EkoValidationError,
    EkoVerificationPendingError,
    wait_for_consent,
)
from tests.client.fakes import CREATED, CREDENTIALS, Server, envelope, make_async_client
from tests.client.test_consent import AUTHENTICATED, PENDING, answers
from tests.client.test_signing import verify

pytestmark = pytest.mark.anyio


async def test_create_returns_the_data(server: Server, sleeps: list) -> None:
    async with make_async_client(server, sleeps) as eko:
        data = await eko.create_digilocker_url("https://a.example/cb", client_ref_id="R-2")
    assert data.reference_id == CREATED["data"]["reference_id"]
    headers = server.requests[0].headers
    assert verify(
        "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
        headers["secret-key-timestamp"],
        headers["secret-key"],
    )


async def test_validation_happens_before_sending(server: Server, sleeps: list) -> None:
    async with make_async_client(server, sleeps) as eko:
        with pytest.raises(EkoValidationError):
            await eko.create_digilocker_url("https://a.example/cb", [])
    assert server.requests == []


async def test_retries_and_errors(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(503), httpx.Response(200, json=envelope(1, 327))]
    async with make_async_client(server, sleeps) as eko:
        with pytest.raises(EkoVerificationPendingError):
            await eko.get_verification_status(1)
        assert len(server.requests) == 2
        server.answers = [httpx.Response(200, text="<html>")]
        with pytest.raises(EkoResponseError):
            await eko.get_document(1, "V")


async def test_wait_for_consent(server: Server, sleeps: list) -> None:
    server.answers = answers(PENDING, AUTHENTICATED)
    async with make_async_client(server, sleeps) as eko:
        result = await eko.wait_for_consent(7, timeout=30, interval=0.5)
    assert result.state is ConsentState.AUTHENTICATED
    assert sleeps == [0.5]


async def test_generated_async_functions_are_signed(server: Server, sleeps: list) -> None:
    from eko_digilocker_client.api.digilocker import get_digilocker_verification_status

    server.answers = answers(AUTHENTICATED)
    async with make_async_client(server, sleeps) as eko:
        await get_digilocker_verification_status.asyncio(
            client=eko.generated, initiator_id="1", user_code="2", reference_id=3
        )
    assert "secret-key" in server.requests[0].headers


async def test_in_flight_requests_never_exceed_the_connection_limit(sleeps: list) -> None:
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.001)
        in_flight -= 1
        return httpx.Response(200, json=CREATED)

    async with AsyncEkoClient(
        **CREDENTIALS,
        base_url="https://eko.test",
        httpx_args={
            "transport": httpx.MockTransport(handler),
            "limits": httpx.Limits(max_connections=3),
        },
    ) as eko:
        results = await asyncio.gather(
            *(eko.create_digilocker_url("https://a.example/cb") for _ in range(20))
        )
    assert len(results) == 20
    assert peak == 3


async def test_the_connection_gate_honours_the_pool_timeout(sleeps: list) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.5)
        return httpx.Response(200, json=CREATED)

    async with AsyncEkoClient(
        **CREDENTIALS,
        base_url="https://eko.test",
        phase_timeout=httpx.Timeout(5.0, pool=0.05),
        max_retries=0,
        httpx_args={
            "transport": httpx.MockTransport(slow),
            "limits": httpx.Limits(max_connections=1),
        },
    ) as eko:
        outcomes = await asyncio.gather(
            eko.create_digilocker_url("https://a.example/cb"),
            eko.create_digilocker_url("https://a.example/cb"),
            return_exceptions=True,
        )
    assert sorted(type(o).__name__ for o in outcomes) == [
        "DigilockerUrlSuccess",
        "EkoTimeoutError",
    ]


async def test_module_level_wait_for_consent_serves_the_async_client(
    server: Server, sleeps: list
) -> None:
    server.answers = answers(AUTHENTICATED)
    async with make_async_client(server, sleeps) as eko:
        result = await wait_for_consent(eko, 7, timeout=5)
    assert result.state is ConsentState.AUTHENTICATED


# --- issue 23, item 17: `await eko.close()`, as httpx users write it, closes the client


async def test_close_is_awaitable_as_well_as_aclose(server: Server, sleeps: list) -> None:
    eko = make_async_client(server, sleeps)
    await eko.close()
    assert eko.closed
    other = make_async_client(server, sleeps)
    await other.aclose()
    assert other.closed
