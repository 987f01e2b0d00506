"""Fixtures of the kit's own tests: the shared sandbox of tests/conftest.py (reset before
each test), a control client and an Eko client pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from eko_digilocker import EkoClient
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT, SandboxControl


@pytest.fixture
def control(sandbox: str) -> Iterator[SandboxControl]:
    with SandboxControl(sandbox) as client:
        yield client


@pytest.fixture
def eko(sandbox: str) -> Iterator[EkoClient]:
    with EkoClient(**UAT_TEST_ACCOUNT, base_url=sandbox, max_retries=0) as client:
        yield client


@pytest.fixture
def new_session(eko: EkoClient) -> Callable[..., int]:
    """Creates a session; returns its reference_id."""

    def create(client_ref_id: str | None = None) -> int:
        created = eko.create_digilocker_url("https://app.example/cb", client_ref_id=client_ref_id)
        return created.reference_id

    return create
