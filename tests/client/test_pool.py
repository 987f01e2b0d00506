"""Every answer read hands its connection back to the pool: more calls than the pool
has connections, one after another, over real loopback sockets."""

from __future__ import annotations

import asyncio

import httpx

from eko_digilocker import AsyncEkoClient, EkoClient

from .fakes import CREATED, CREDENTIALS
from .loopback import JsonServer

REDIRECT = "https://merchant.example/back"
# two connections, none kept alive: a connection not handed back stops the third call
LIMITS = httpx.Limits(max_connections=2, max_keepalive_connections=0)


def test_the_sync_client_returns_each_connection() -> None:
    with JsonServer(lambda path: CREATED) as server:
        options = {"limits": LIMITS}
        with EkoClient(**CREDENTIALS, base_url=server.url, timeout=5, httpx_args=options) as eko:
            for _ in range(6):
                eko.create_digilocker_url(REDIRECT)
        assert len(server.requests) == 6


def test_the_async_client_returns_each_connection() -> None:
    async def six(url: str) -> None:
        options = {"limits": LIMITS}
        async with AsyncEkoClient(
            **CREDENTIALS, base_url=url, timeout=5, httpx_args=options
        ) as eko:
            for _ in range(6):
                await eko.create_digilocker_url(REDIRECT)

    with JsonServer(lambda path: CREATED) as server:
        asyncio.run(six(server.url))
        assert len(server.requests) == 6
