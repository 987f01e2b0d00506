"""pytest fixtures for testing an integration against the local sandbox. Opt in with

    pytest -p eko_digilocker_sandbox.pytest_plugin
    # or, in your top-level conftest.py:  pytest_plugins = ["eko_digilocker_sandbox.pytest_plugin"]

Fixtures (nothing starts until a test asks for one):

- `eko_sandbox`: a running sandbox (`.base_url`, `.control`), reset before the test. One
  server is shared by the session; a test marked `@pytest.mark.eko_sandbox(**config)` gets
  its own, started with `SandboxConfig(**config)` (e.g. `session_ttl_seconds=1`); any
  other keyword, or a value SandboxConfig refuses, is a pytest usage error.
- `eko_control`: its `SandboxControl` (approve, deny, expire, force, fail_next, faults,
  sessions...).
- `eko_client` / `eko_async_client`: `EkoClient` / `AsyncEkoClient` pointed at it, with
  Eko's public UAT test account (which the sandbox accepts).
- `eko_customer`: a `Customer` who answers consent pages over HTTP.
- `eko_sandbox_config` (session): the shared sandbox's `SandboxConfig`; override it in a
  conftest.py to change it. `eko_sandbox_url` (session): the shared sandbox's base URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

# Imported inside the fixtures: loading the plugin costs nothing a run does not use.
if TYPE_CHECKING:
    from eko_digilocker import AsyncEkoClient, EkoClient
    from eko_digilocker_sandbox.config import SandboxConfig
    from eko_digilocker_sandbox.control_client import SandboxControl
    from eko_digilocker_sandbox.customer import Customer

MARKER = "eko_sandbox"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**config): run the test against its own sandbox, started with "
        "SandboxConfig(**config), instead of the shared one",
    )


@dataclass(frozen=True)
class Sandbox:
    """A running sandbox: its base URL, and the control client that drives it."""

    base_url: str
    control: SandboxControl


@pytest.fixture(scope="session")
def eko_sandbox_config() -> SandboxConfig:
    """The shared sandbox's settings; override this fixture to change them."""
    from eko_digilocker_sandbox.config import SandboxConfig

    return SandboxConfig()


@pytest.fixture(scope="session")
def eko_sandbox_url(eko_sandbox_config: SandboxConfig) -> Iterator[str]:
    """The base URL of the sandbox shared by the whole session (started on first use)."""
    from eko_digilocker_sandbox.server import running_sandbox

    with running_sandbox(eko_sandbox_config) as url:
        yield url


@pytest.fixture
def eko_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """A sandbox in a clean state: the shared one reset, or the test's own (marker)."""
    from eko_digilocker_sandbox.control_client import SandboxControl
    from eko_digilocker_sandbox.server import running_sandbox

    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        with running_sandbox(_marked_config(marker)) as url, SandboxControl(url) as ctl:
            yield Sandbox(url, ctl)
        return
    url = request.getfixturevalue("eko_sandbox_url")
    with SandboxControl(url) as control:
        control.reset()
        yield Sandbox(url, control)


def _marked_config(marker: pytest.Mark) -> SandboxConfig:
    """The `SandboxConfig` a `@pytest.mark.eko_sandbox(...)` asks for, or a usage error
    naming what it takes."""
    from dataclasses import fields

    from eko_digilocker_sandbox.config import SandboxConfig

    allowed = sorted(f.name for f in fields(SandboxConfig))
    takes = f"@pytest.mark.{MARKER} takes SandboxConfig keywords only: {', '.join(allowed)}"
    unknown = sorted(set(marker.kwargs) - set(allowed))
    if marker.args or unknown:
        given = f"; not {', '.join(unknown)}" if unknown else ""
        raise pytest.UsageError(takes + given)
    try:
        return SandboxConfig(**marker.kwargs)
    except ValueError as exc:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: {exc}") from None


@pytest.fixture
def eko_control(eko_sandbox: Sandbox) -> SandboxControl:
    return eko_sandbox.control


def _client_options(sandbox: Sandbox) -> dict[str, Any]:
    from eko_digilocker_sandbox.config import UAT_TEST_ACCOUNT

    return {**UAT_TEST_ACCOUNT, "base_url": sandbox.base_url}


@pytest.fixture
def eko_client(eko_sandbox: Sandbox) -> Iterator[EkoClient]:
    from eko_digilocker import EkoClient

    with EkoClient(**_client_options(eko_sandbox)) as client:
        yield client


@pytest.fixture
def eko_async_client(eko_sandbox: Sandbox) -> AsyncEkoClient:
    """An `AsyncEkoClient` usable from any event loop (asyncio, trio, anyio, a thread's).

    It keeps no connection open between requests, so nothing outlives the test's loop
    and the fixture needs no async teardown (which would tie it to one async plugin)."""
    import httpx

    from eko_digilocker import AsyncEkoClient

    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    return AsyncEkoClient(**_client_options(eko_sandbox), httpx_args={"limits": limits})


@pytest.fixture
def eko_customer() -> Iterator[Customer]:
    from eko_digilocker_sandbox.customer import Customer

    with Customer() as customer:
        yield customer
