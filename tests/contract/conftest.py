"""The server under test, and the coverage report of the run.

`contract_target` is (profile, base URL): the embedded sandbox once per answer profile,
or the server named by EKO_CONTRACT_BASE_URL (profile "external"). With
EKO_CONTRACT_COVERAGE=PATH (what `make contract` sets) the session writes the coverage
report there (JSON, and an HTML page beside it), and fails when the embedded sandbox
was tested and a documented cell that is not excluded was missed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from eko_digilocker_sandbox.config import DEFAULT_PROFILE, PROFILES
from tests.contract import coverage
from tests.contract.budget import Budget

EXTERNAL_URL = os.environ.get("EKO_CONTRACT_BASE_URL")
COVERAGE_FILE = os.environ.get("EKO_CONTRACT_COVERAGE")
# A smaller example budget for schemathesis's generated phases and the stateful phase
# (the teeth test runs the suite against many variants at once); unset: the defaults.
MAX_EXAMPLES = int(os.environ.get("EKO_CONTRACT_MAX_EXAMPLES") or 0) or None
# How long the journey property "a session stays readable" waits after a create: a few
# seconds of the session's consent window (Eko publishes none; the sandbox's is 600 s).
SESSION_WAIT_S = float(os.environ.get("EKO_CONTRACT_SESSION_WAIT_S") or 3.0)
# The target's session TTL (its consent window), in seconds, for the journey property "a
# pending session expires with its TTL". Eko publishes no TTL for a pending session, so
# against a target named by EKO_CONTRACT_BASE_URL the property is opt-in: it is skipped
# unless this is set. The embedded run starts a sandbox of its own with this TTL (default
# 2 s: the property waits it once, plus EXPIRY_MARGIN_S).
SESSION_TTL_S = float(os.environ.get("EKO_CONTRACT_SESSION_TTL_S") or 0) or None
EMBEDDED_SESSION_TTL_S = SESSION_TTL_S or 2.0
# How long past the TTL the expiry property reads the session again (clocks, latency).
EXPIRY_MARGIN_S = 0.5
# The wall time each generated test (schemathesis's phases against one target, an equal
# share per operation; the stateful phase against one target) may spend sending cases
# (budget.py). The cases generated after it are not sent, and the run's report says how
# many were sent and how many not. Against a target answering in 1 s (Eko's UAT), the
# default keeps each test well inside pytest's 120 s per-test timeout.
TIME_BUDGET_S = float(os.environ.get("EKO_CONTRACT_TIME_BUDGET_S") or 45.0)
BUDGET = Budget(TIME_BUDGET_S)
# schemathesis's generated phases to run (e.g. "examples,fuzzing"); unset: test_schemathesis
# chooses per profile.
PHASES = [p for p in os.environ.get("EKO_CONTRACT_PHASES", "").split(",") if p] or None
# Where schemathesis writes its JUnit report, instead of schemathesis.toml's (runs in
# parallel must not write one file).
REPORT_DIR = os.environ.get("EKO_CONTRACT_REPORT_DIR")


@pytest.fixture(params=[coverage.EXTERNAL] if EXTERNAL_URL else list(PROFILES))
def contract_target(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(profile, base URL) of the server under test."""
    if EXTERNAL_URL:
        url = EXTERNAL_URL.rstrip("/")
        profile = coverage.EXTERNAL
    else:
        profile = request.param
        name = "sandbox_url" if profile == DEFAULT_PROFILE else f"{profile}_sandbox_url"
        url = request.getfixturevalue(name)
    coverage.register_target(url, profile)
    return profile, url


@pytest.fixture(scope="session")
def short_ttl_sandbox_url() -> Iterator[str]:
    """An embedded sandbox whose sessions' consent window is EMBEDDED_SESSION_TTL_S (the
    other embedded sandboxes keep the default 600 s, which no journey waits out)."""
    config = SandboxConfig(self_check=True, session_ttl_seconds=EMBEDDED_SESSION_TTL_S)
    with running_sandbox(config) as url:
        yield url


@pytest.fixture
def ttl_target(request: pytest.FixtureRequest) -> tuple[str, float]:
    """(base URL, session TTL in seconds) of a target whose TTL is known: the embedded
    short-TTL sandbox, or EKO_CONTRACT_BASE_URL when EKO_CONTRACT_SESSION_TTL_S is set."""
    if not EXTERNAL_URL:
        url: str = request.getfixturevalue("short_ttl_sandbox_url")
        return url, EMBEDDED_SESSION_TTL_S
    if SESSION_TTL_S is None:
        pytest.skip(
            "EKO_CONTRACT_SESSION_TTL_S is not set: Eko publishes no lifetime for a pending "
            "session, so the expiry property runs only against a target whose TTL is given"
        )
    return EXTERNAL_URL.rstrip("/"), SESSION_TTL_S


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in BUDGET.lines():
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not COVERAGE_FILE or not coverage.COVERAGE.profiles:
        return
    report = coverage.COVERAGE.report()
    report["budget"] = BUDGET.summary()
    page = coverage.write(report, Path(COVERAGE_FILE))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"contract coverage: {report['covered']}/{report['total']} cells ({page})"]
    missed = coverage.COVERAGE.missed()
    if missed and not EXTERNAL_URL:
        lines += [f"  missed: {coverage.describe(entry)} ({entry['profile']})" for entry in missed]
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if reporter is not None:
        for line in lines:
            reporter.write_line(line)
