"""Fixtures for the client's unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eko_digilocker import EkoClient
from tests.client.fakes import Server, make_client


@pytest.fixture
def server() -> Server:
    return Server()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(server: Server, sleeps: list[float]) -> Iterator[EkoClient]:
    with make_client(server, sleeps) as eko:
        yield eko


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
