"""Fixtures of the sandbox tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.helpers import Api


def _checked_api(url: str) -> Iterator[Api]:
    client = Api(url)
    try:
        yield client
        state = client.state()
        assert state["internal_errors"] == 0, state
        assert state["self_check_failures"] == 0, state
    finally:
        client.close()


@pytest.fixture
def profiled_api(profiled_sandbox: tuple[str, str]) -> Iterator[Api]:
    """Like `api`, once for each answer profile; `api.profile` says which."""
    profile, url = profiled_sandbox
    for client in _checked_api(url):
        client.profile = profile
        yield client


@pytest.fixture
def api(sandbox: str) -> Iterator[Api]:
    """A spec-checking client of the freshly reset shared sandbox.

    After the test, the sandbox itself must report that it never needed its catch-all
    and that every answer it sent matched the spec (its self-check)."""
    client = Api(sandbox)
    try:
        yield client
        state = client.state()
        assert state["internal_errors"] == 0, state
        assert state["self_check_failures"] == 0, state
    finally:
        client.close()
