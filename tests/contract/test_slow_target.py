"""The contract suite against a correct target that answers every API call 1 s late
(Eko's UAT's usual speed): it passes within its time budget and says how much it sent.

A reduced budget keeps this test short; `make contract` against such a target with the
default budget is measured in docs/contract-tests.md ("Slow targets").
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.contract import variants

ROOT = Path(__file__).resolve().parents[2]
BUDGET_S = 6  # each generated test's budget here (the default is 45)
SUITE = [
    "tests/contract/test_schemathesis.py",
    "tests/contract/test_stateful.py",
    # two journey properties: they make a fixed number of calls, budget or not
    "tests/contract/test_journeys.py::test_a_new_session_is_pending",
    "tests/contract/test_journeys.py::test_a_never_created_reference_is_refused",
    "-q",
    "-p",
    "no:cacheprovider",
]


def test_a_slow_target_passes_within_the_budget(tmp_path: Path) -> None:
    (name,) = variants.SLOW
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKO_CONTRACT_")}
    env.update(EKO_CONTRACT_TIME_BUDGET_S=str(BUDGET_S), EKO_CONTRACT_REPORT_DIR=str(tmp_path))
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "tests.contract.variants", name, *SUITE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-3000:]
    summary = re.search(r"contract budget: (\d+) generated cases sent, (\d+) not sent", run.stdout)
    assert summary, run.stdout[-3000:]
    sent, unsent = map(int, summary.groups())
    # Every answer took at least a second, so the budget bounds how many were sent: four
    # budgets (three operations' shares and the stateful phase's) of BUDGET_S seconds.
    assert 0 < sent <= 2 * BUDGET_S + 4, run.stdout[-3000:]
    assert unsent > 0  # the rest was generated, counted and not sent
    # Each scope says what it sent.
    assert run.stdout.count(" sent, ") >= 4, run.stdout[-3000:]
    print(f"slow target: {sent} cases sent, {unsent} not sent, {elapsed:.0f} s")
