"""schemathesis's stateful phase: sequences of calls that follow the spec's links (Create's
answer -> the status and document calls, with its `reference_id`), every check on every
answer. The links each sequence followed are counted for the coverage report.

Target: `contract_target` (conftest.py), the embedded sandbox per profile or the server
named by EKO_CONTRACT_BASE_URL.
"""

from __future__ import annotations

from pathlib import Path

import hypothesis
import schemathesis
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

import tests.contract.hooks  # noqa: F401 -- registers the signer, the Eko checks and hooks
from tests.contract import coverage
from tests.contract.conftest import BUDGET, MAX_EXAMPLES

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "eko-digilocker.yaml"

# Scenarios and steps per scenario: each scenario starts with a Create, so a handful of
# steps is enough to follow both links; more only repeats them.
SCENARIOS = 15
STEPS = 6


def test_stateful(contract_target: tuple[str, str]) -> None:
    profile, base_url = contract_target
    loaded = schemathesis.openapi.from_path(SPEC)
    loaded.config.update(base_url=base_url)
    loaded.config.generation.update(deterministic=hypothesis.settings.default.derandomize)
    machine = loaded.as_state_machine()
    accepted: set[str] = set()  # links followed whose value the target took

    class LinkCountingMachine(machine):  # type: ignore[misc, valid-type]
        def step(self, input: StepInput) -> StepOutput:
            # Past the time budget (conftest.py) a scenario is dropped as invalid at its
            # next step, counted, not sent: hypothesis then ends the phase quietly.
            hypothesis.assume(BUDGET.allows(f"stateful phase at {base_url}"))
            output = super().step(input)
            transition = input.transition
            # Followed: the link put a value into the request (`is_applied` also holds for
            # a link that passes nothing), and the target did not refuse it as invalid.
            carried = transition is not None and bool(input.applied_parameters)
            if carried and not _refused_as_invalid(output):
                # "<source> -> [<status>] <link name> -> <target>"
                _, followed, _ = input.transition.id.split(" -> ")
                name = followed.split("] ", 1)[1]
                accepted.add(name)
                coverage.record_link(name, base_url)
            return output

    LinkCountingMachine.run(
        settings=hypothesis.settings(
            hypothesis.settings.default,
            max_examples=MAX_EXAMPLES or SCENARIOS,
            stateful_step_count=STEPS,
            # the scenarios dropped once the budget is spent are not a health problem
            suppress_health_check=[
                *hypothesis.settings.default.suppress_health_check,
                hypothesis.HealthCheck.filter_too_much,
            ],
        )
    )
    if profile != coverage.EXTERNAL:
        # Every link of the spec carried its value into a request the sandbox took (a
        # number sent where the document call wants a string would be refused).
        spec_links = {link.name for link in coverage.documented_links(profile)}
        assert spec_links <= accepted, f"links never followed with success: {spec_links - accepted}"


def _refused_as_invalid(output: StepOutput) -> bool:
    try:
        body = output.response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("invalid_params"))
