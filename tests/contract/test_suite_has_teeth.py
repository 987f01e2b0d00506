"""The contract suite has teeth: it catches an authentication regression, it fails
against every broken variant of the sandbox and passes against every harmless one
(tests/contract/variants.py), and `st run` with the same settings (schemathesis.toml +
hooks) works from the command line with sanitized reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY, answers, eko_rules
from tests.contract import variants
from tests.contract.journeys import STATUS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_a_broken_signer_makes_the_contract_suite_fail(sandbox: str, tmp_path: Path) -> None:
    result = run(
        [
            str(BIN / "pytest"),
            "tests/contract/test_schemathesis.py",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={tmp_path / 'junit.xml'}",
        ],
        EKO_CONTRACT_BASE_URL=sandbox,
        EKO_CONTRACT_BREAK_SIGNER="1",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    assert "Schema-valid request rejected" in output
    assert "403" in output
    # The failure reports reproduce the request, with the signing headers filtered out.
    assert "secret-key: [Filtered]" in output
    for report in (output, (tmp_path / "junit.xml").read_text()):
        assert UAT_DEVELOPER_KEY not in report


def test_st_run_uses_the_same_settings_and_sanitizes_reports(sandbox: str, tmp_path: Path) -> None:
    result = run(
        [
            str(BIN / "st"),
            "run",
            "openapi/eko-digilocker.yaml",
            "--url",
            sandbox,
            "--max-examples",
            "5",
            "--generation-deterministic",
            "--report",
            "har,junit",
            "--report-dir",
            str(tmp_path),
        ],
        SCHEMATHESIS_HOOKS="tests.contract.hooks",
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    (har_file,) = tmp_path.glob("har-*.json")
    har = har_file.read_text()
    assert UAT_DEVELOPER_KEY not in har
    headers = [
        header
        for entry in json.loads(har)["log"]["entries"]
        for header in entry["request"]["headers"]
        if header["name"].lower() in ("developer_key", "secret-key", "secret-key-timestamp")
    ]
    assert headers, "no signed request in the HAR"
    assert {header["value"] for header in headers} == {"[Filtered]"}


def test_a_success_without_its_data_fails_the_eko_check() -> None:
    from tests.contract.hooks import eko_success_carries_its_data

    def answer(body: Any) -> Any:
        return SimpleNamespace(status_code=200, json=lambda: body)

    create = SimpleNamespace(
        operation=SimpleNamespace(
            definition=SimpleNamespace(raw={"operationId": "createDigilockerUrl"})
        )
    )
    lacking = {"status": 0, "data": {"reference_id": 1}}
    with pytest.raises(AssertionError, match="url"):
        eko_success_carries_its_data(None, answer(lacking), create)
    complete = {"status": 0, "data": {"reference_id": 1, "url": "https://x.example/"}}
    assert eko_success_carries_its_data(None, answer(complete), create) is None
    assert eko_success_carries_its_data(None, answer({"status": 463, "data": {}}), create) is None


def test_a_status_that_is_not_an_integer_fails_the_eko_check() -> None:
    from tests.contract.hooks import eko_status_is_an_integer

    def answer(body: Any) -> Any:
        return SimpleNamespace(status_code=200, json=lambda: body)

    for status in (None, "0", True, False, 1.0):
        with pytest.raises(AssertionError, match="not an Eko answer"):
            eko_status_is_an_integer(None, answer({"status": status}), None)
    assert eko_status_is_an_integer(None, answer({"status": 463}), None) is None
    assert eko_status_is_an_integer(None, answer({"status": 0, "data": {}}), None) is None


# --- the suite against broken and harmless servers (tests/contract/variants.py) -------

# The suite as the variants meet it: every journey property, the stateful phase, and
# schemathesis's examples phase (its coverage phase has a fixed size, and fuzzing a few
# random cases adds seconds per run, too much to run for every variant).
VARIANT_SUITE = [  # the quickest first: a broken variant stops at its first failure
    "tests/contract/test_journeys.py",
    "tests/contract/test_stateful.py",
    "tests/contract/test_schemathesis.py",
    "-q",
    "-p",
    "no:cacheprovider",
]
VARIANT_BUDGET = {"EKO_CONTRACT_PHASES": "examples", "EKO_CONTRACT_MAX_EXAMPLES": "3"}
PARALLEL_RUNS = 4  # the machine has two cores; each run also waits on its servers


def _suite_against(name: str, report_dir: Path) -> subprocess.CompletedProcess[str]:
    """The contract suite against variant `name`, in a process of its own that also
    serves a sandbox and the variant in front of it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKO_CONTRACT_")}
    report_dir.mkdir()
    env.update(VARIANT_BUDGET, EKO_CONTRACT_REPORT_DIR=str(report_dir))
    # A broken variant only has to fail once; a harmless one runs the whole suite.
    stop_early = ["-x"] if name in variants.BROKEN else []
    return subprocess.run(
        [sys.executable, "-m", "tests.contract.variants", name, *VARIANT_SUITE, *stop_early],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


# 28 suite runs, four at a time: about a minute here, three on two busy cores.
@pytest.mark.timeout(600)
def test_the_suite_fails_every_broken_server_and_passes_every_harmless_one(
    tmp_path: Path,
) -> None:
    names = [*variants.BROKEN, *variants.HARMLESS]
    report_dirs = [tmp_path / f"variant-{index}" for index in range(len(names))]
    with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
        runs = dict(zip(names, pool.map(_suite_against, names, report_dirs), strict=True))
    outcome = {name: run.returncode for name, run in runs.items()}
    caught = [name for name in variants.BROKEN if outcome[name] == pytest.ExitCode.TESTS_FAILED]
    passed = [name for name in variants.HARMLESS if outcome[name] == pytest.ExitCode.OK]
    score = (
        f"broken caught {len(caught)}/{len(variants.BROKEN)}, "
        f"harmless passed {len(passed)}/{len(variants.HARMLESS)}"
    )
    print(score)
    for name in variants.BROKEN:  # what caught each: the first failed test
        first = next((line for line in runs[name].stdout.splitlines() if "FAILED" in line), "")
        print(f"  {name}: {first}")
    wrong = {
        name: runs[name].stdout[-2500:]
        for name in names
        if name not in caught and name not in passed
    }
    assert not wrong, f"{score}; wrong verdicts: {wrong}"
    for name in variants.BROKEN:
        output = runs[name].stdout + runs[name].stderr
        for key in (UAT_DEVELOPER_KEY, UAT_ACCESS_KEY):
            assert key not in output, f"{name}: a key leaked into the failure output"
    # A journey breakage is named by its property, with the calls that show it.
    for name, prop in JOURNEY_BREAKAGES.items():
        assert f"property {prop!r} failed" in runs[name].stdout, runs[name].stdout[-2500:]
        assert "calls:" in runs[name].stdout
        assert "secret-key-timestamp" in runs[name].stdout  # listed, value filtered
        assert "[Filtered]" in runs[name].stdout


JOURNEY_BREAKAGES = {
    "reports authenticated before consent": "a new session is pending",
    "hands out documents before consent": "a new session is pending",
    "forgets a repeated client_ref_id": "a repeated create is the same session",
    "forgets sessions after 2 s": "a session stays readable for 3 s",
    "accepts the raw access key": "only signed requests are served (createDigilockerUrl)",
    "accepts an unknown developer_key": "only signed requests are served (createDigilockerUrl)",
    "ignores document_requested": "document_requested is echoed as requested",
    # caught by the success-code check every journey call makes, at the first create
    "answers status 0 with response_status_id 1": "a new session is pending",
    "approving one session approves every pending one": (
        "deciding one session leaves another as it was (approve)"
    ),
    "ignores a wrong verification_id": "the document call refuses a wrong verification_id",
    "answers a reference never created as pending": (
        "a reference never created is refused, never pending"
    ),
    "drops the callback's own query": "the customer's redirect keeps the callback's own query",
    "never expires a pending session": (
        f"a pending session expires with the target's {variants.VARIANT_TTL_S:g} s TTL"
    ),
    "expires approved sessions at the TTL": (
        f"a pending session expires with the target's {variants.VARIANT_TTL_S:g} s TTL"
    ),
}


def test_each_documented_form_means_its_outcome() -> None:
    """The forms the harmless "documented form" variants answer in are what they claim
    (so those variants put every documented form of each outcome through the suite)."""
    for (operation_id, meaning), forms in variants.FORMS.items():
        for form in forms:
            assert eko_rules.outcome(operation_id, form) == meaning, (operation_id, form)


def test_a_documented_form_variant_rewrites_the_answer() -> None:
    pending = answers.pending(answers.EPS, STATUS)
    seen = []
    for index in range(variants.FORM_COUNT):
        exchange = variants.Exchange(
            "GET", variants.STATUS_PATH, {}, b"", status=200, answer=dict(pending)
        )
        variants.in_documented_form(index, exchange)
        assert eko_rules.outcome(STATUS, exchange.answer) == eko_rules.PENDING
        seen.append(exchange.answer)
    assert seen == variants.FORMS[(STATUS, eko_rules.PENDING)]
