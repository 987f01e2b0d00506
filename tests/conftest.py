"""Shared fixtures: one real sandbox on a loopback socket for the whole session.

`sandbox_url` is its base URL. `sandbox` (function scope) resets it through the control
surface first -- sessions, counters and fault settings -- and yields the same URL; ask
for it in any test that creates sessions or changes faults. `profiled_sandbox` runs a
test once per answer profile (eps, legacy), each on its own sandbox.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from eko_digilocker_sandbox.config import DEFAULT_PROFILE, PROFILES


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    # self_check: the sandbox also validates each of its own answers against the spec
    # and counts failures (GET /_sandbox/state), which the sandbox tests assert on.
    with running_sandbox(SandboxConfig(self_check=True)) as url:
        yield url


@pytest.fixture(scope="session")
def legacy_sandbox_url() -> Iterator[str]:
    """A second sandbox answering in the `legacy` profile (codes in response_status_id)."""
    with running_sandbox(SandboxConfig(self_check=True, profile="legacy")) as url:
        yield url


@pytest.fixture(params=PROFILES)
def profiled_sandbox(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(profile, base URL) of a freshly reset sandbox, once per profile."""
    profile: str = request.param
    name = "sandbox_url" if profile == DEFAULT_PROFILE else f"{profile}_sandbox_url"
    url: str = request.getfixturevalue(name)
    httpx.post(f"{url}/_sandbox/reset", timeout=10).raise_for_status()
    return profile, url


@pytest.fixture(scope="session")
def _sandbox_control(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def sandbox(sandbox_url: str, _sandbox_control: httpx.Client) -> str:
    _sandbox_control.post("/_sandbox/reset").raise_for_status()
    return sandbox_url
