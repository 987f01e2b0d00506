"""Schemathesis against a live server: examples, coverage and fuzzing for every operation,
valid and invalid data, all default checks plus Eko-aware ones (tests/contract/hooks.py).

Target: `contract_target` (conftest.py): the embedded sandbox on a loopback socket, or
any server named by EKO_CONTRACT_BASE_URL (with EKO_DEVELOPER_KEY / EKO_ACCESS_KEY for
its credentials). The stateful phase, which follows the spec's links, is test_stateful.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.config import ReportFormat

import tests.contract.hooks  # noqa: F401 -- registers the signer and the Eko checks
from eko_digilocker_sandbox import eko_rules
from eko_digilocker_sandbox.config import DEFAULT_PROFILE, PROFILES
from tests.contract.conftest import BUDGET, MAX_EXAMPLES, PHASES, REPORT_DIR
from tests.contract.coverage import EXTERNAL

OPERATIONS = (eko_rules.CREATE, eko_rules.STATUS, eko_rules.DOCUMENT)
SPEC = Path(__file__).resolve().parents[2] / "openapi" / "eko-digilocker.yaml"


# The embedded sandbox is tested in each answer profile; the default one through every
# phase, the others through the examples and coverage phases (fuzzing the same request
# handling twice would only double the run time).
PROFILE_PHASES = {
    profile: None if profile == DEFAULT_PROFILE else ["examples", "coverage"]
    for profile in PROFILES
}


@pytest.fixture
def api_schema(contract_target: tuple[str, str]) -> Any:
    profile, contract_url = contract_target
    if profile != EXTERNAL:
        # A stateful server replays differently once sessions pile up: start clean.
        httpx.post(f"{contract_url}/_sandbox/reset", timeout=10).raise_for_status()
    loaded = schemathesis.openapi.from_path(SPEC)
    loaded.config.update(base_url=contract_url)
    phases = PHASES or PROFILE_PHASES.get(profile)
    if phases is not None:
        loaded.config.phases.update(phases=phases)
    if REPORT_DIR:
        junit = str(Path(REPORT_DIR) / "schemathesis-junit.xml")
        loaded.config.reports.update(formats=[ReportFormat.JUNIT], junit_path=junit)
    # Follow the Hypothesis profile (conftest.py): derandomized in CI, random for `make fuzz`.
    loaded.config.generation.update(
        deterministic=hypothesis.settings.default.derandomize, max_examples=MAX_EXAMPLES
    )
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_contract(case: Any) -> None:
    # Past its time budget (conftest.py) a generated case is counted, not sent.
    target = case.operation.schema.get_base_url()
    if BUDGET.allows(f"{case.operation.label} at {target}", share=1 / len(OPERATIONS)):
        case.call_and_validate()
