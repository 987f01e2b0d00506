"""Schemathesis against a live server: examples, coverage and fuzzing for every operation,
valid and invalid data, all default checks plus Eko-aware ones (tests/contract/hooks.py).

Target: the embedded sandbox on a loopback socket, or any server named by
EKO_CONTRACT_BASE_URL (with EKO_DEVELOPER_KEY / EKO_ACCESS_KEY for its credentials).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis

import tests.contract.hooks  # noqa: F401 -- registers the signer and the Eko checks

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "eko-digilocker.yaml"


@pytest.fixture(scope="session")
def contract_url(request: pytest.FixtureRequest) -> str:
    external = os.environ.get("EKO_CONTRACT_BASE_URL")
    if external:
        return external.rstrip("/")
    url: str = request.getfixturevalue("sandbox_url")
    return url


@pytest.fixture
def api_schema(contract_url: str) -> Any:
    if not os.environ.get("EKO_CONTRACT_BASE_URL"):
        # A stateful server replays differently once sessions pile up: start clean.
        httpx.post(f"{contract_url}/_sandbox/reset", timeout=10).raise_for_status()
    loaded = schemathesis.openapi.from_path(SPEC)
    loaded.config.update(base_url=contract_url)
    # Follow the Hypothesis profile (conftest.py): derandomized in CI, random for `make fuzz`.
    loaded.config.generation.update(deterministic=hypothesis.settings.default.derandomize)
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_contract(case: Any) -> None:
    case.call_and_validate()
