"""The conformance harness (tests/conformance/harness.py): a language joins by adding a
runner file; failures are judged against expected-failures.json both ways; every
runner's `policy` is the spec's `x-eko-client`; and the harness's own request checks
catch what they claim to."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from . import harness
from .harness import (
    Result,
    check_policy,
    load_runners,
    request_problems,
    spec_policy,
    violations,
    wait_problems,
)
from .scenario_server import Seen

ROOT = harness.ROOT
COPIED = (
    "openapi/eko-digilocker.yaml",
    "tests/vectors/answers.json",
    "tests/vectors/redirects.json",
)
# A few behaviour cases for the temporary copy (the full corpus runs in make conformance).
SAMPLE = (
    "create: 503 then success is retried",
    "status: a server that never answers meets the deadline",
    "create: redirect_url missing: invalid input, nothing sent",
)


def copy_of_the_repository(tmp: Path) -> Path:
    """The files the harness reads, in a temporary root with no runner files; the
    repository's .venv and Python sources reached through symlinks."""
    root = tmp / "repo"
    for name in COPIED:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, root / name)
    corpus = json.loads((ROOT / harness.BEHAVIOUR).read_text(encoding="utf-8"))
    corpus["cases"] = [case for case in corpus["cases"] if case["name"] in SAMPLE]
    assert len(corpus["cases"]) == len(SAMPLE)
    (root / harness.BEHAVIOUR).write_text(json.dumps(corpus), encoding="utf-8")
    (root / harness.RUNNERS).mkdir(parents=True)
    for link in (".venv", "tests/__init__.py", "tests/conformance/__init__.py"):
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        if not (root / link).exists():
            (root / link).symlink_to(ROOT / link)
    for module in ("python_runner.py",):
        (root / "tests/conformance" / module).symlink_to(ROOT / "tests/conformance" / module)
    return root


def run_harness(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.conformance.harness", "--root", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


# A language no one wrote into the project: a shell script, run through the protocol.
# It hands every command to the Python client's runner, except that it reads every
# redirect as "ok" with nothing in it (a reader that has not been written yet).
FAKE = """#!/bin/sh
if [ "$1" = redirects ]; then
  "$PYTHON" -c 'import json, sys
for case in json.load(open(sys.argv[1]))["cases"]:
    print(json.dumps({"name": case["name"], "outcome": "ok", "code": None, "values": {}}))' "$2"
  exit 0
fi
exec "$PYTHON" -m tests.conformance.python_runner "$@"
"""


def test_a_language_joins_by_adding_a_runner_file(tmp_path: Path) -> None:
    root = copy_of_the_repository(tmp_path)
    script = root / "tests/conformance/fake/run.sh"
    script.parent.mkdir(parents=True)
    script.write_text(FAKE.replace("$PYTHON", str(ROOT / ".venv/bin/python")), encoding="utf-8")
    runner = {"language": "shellfake", "build": ["true"], "run": ["sh", str(script)]}
    (root / harness.RUNNERS / "shellfake.json").write_text(json.dumps(runner), encoding="utf-8")

    first = run_harness(root)
    redirects = len(json.loads((root / harness.REDIRECTS).read_text())["cases"])
    answers = len(json.loads((root / harness.ANSWERS).read_text())["cases"])
    # Only the redirects the fake does not read as expected fail (those expecting ok
    # with no values pass), and the run fails because expected-failures.json lists none.
    assert f"conformance shellfake: {answers}/{answers}" in first.stdout, first.stderr
    assert f"behaviour shellfake: {len(SAMPLE)}/{len(SAMPLE)}" in first.stdout, first.stderr
    assert "journey shellfake: ok" in first.stdout
    assert "policy shellfake: ok" in first.stdout
    assert f"redirects shellfake: 0/{redirects}" in first.stdout
    assert first.returncode == 1
    assert "shellfake redirects: FAIL" in first.stderr

    # Listed, its failures are expected: the run passes.
    recorded = run_harness(root, "--kinds", "redirects", "--update-expected-failures")
    assert recorded.returncode == 0, recorded.stderr
    listed = json.loads((root / harness.EXPECTED_FAILURES).read_text())
    assert sorted(listed) == ["shellfake"]
    assert sorted(listed["shellfake"]) == ["redirects"]
    assert run_harness(root, "--kinds", "redirects").returncode == 0

    # A listed case that passes fails the run: the list can only shrink.
    listed["shellfake"]["answers"] = [
        json.loads((root / harness.ANSWERS).read_text())["cases"][0]["name"]
    ]
    (root / harness.EXPECTED_FAILURES).write_text(json.dumps(listed), encoding="utf-8")
    again = run_harness(root, "--kinds", "answers")
    assert again.returncode == 1
    assert "listed in tests/conformance/expected-failures.json but passes" in again.stderr


def test_a_failing_build_fails_the_run_whatever_is_listed(tmp_path: Path) -> None:
    root = copy_of_the_repository(tmp_path)
    runner = {"language": "broken", "build": ["false"], "run": ["true"]}
    (root / harness.RUNNERS / "broken.json").write_text(json.dumps(runner), encoding="utf-8")
    policy_keys = sorted(spec_policy(ROOT / harness.SPEC))
    (root / harness.EXPECTED_FAILURES).write_text(json.dumps({"broken": {"policy": policy_keys}}))
    done = run_harness(root, "--kinds", "policy")
    assert "policy broken: FAIL" in done.stdout
    assert done.returncode == 1
    assert "broken: its build failed" in done.stderr


def test_a_runner_file_must_name_its_language_and_run(tmp_path: Path) -> None:
    (tmp_path / harness.RUNNERS).mkdir(parents=True)
    (tmp_path / harness.RUNNERS / "rust.json").write_text('{"language": "rust"}')
    with pytest.raises(SystemExit, match="needs language and run"):
        load_runners(tmp_path)
    (tmp_path / harness.RUNNERS / "rust.json").write_text('{"language": "go", "run": ["x"]}')
    with pytest.raises(SystemExit, match="differs from the file's name"):
        load_runners(tmp_path)


# --- policy ----------------------------------------------------------------------------


def expected_policy_failures(language: str) -> list[str]:
    listed: dict[str, Any] = json.loads((ROOT / harness.EXPECTED_FAILURES).read_text())
    return list(listed.get(language, {}).get("policy", []))


@pytest.mark.parametrize("runner", load_runners(ROOT), ids=lambda r: r.language)
def test_every_runners_default_policy_is_the_specs(runner: harness.Runner) -> None:
    """`run policy` against the spec's root x-eko-client: equal, except what
    expected-failures.json lists for a runner that does not print it yet."""
    if runner.build:
        built = subprocess.run(runner.build, cwd=ROOT, capture_output=True, text=True, check=False)
        assert built.returncode == 0, built.stdout + built.stderr
    result = Result(runner.language)
    check_policy(ROOT, runner, result)
    assert not violations(result, {"policy": expected_policy_failures(runner.language)})


def test_a_default_that_differs_from_the_spec_is_caught(tmp_path: Path) -> None:
    """The Python client against a spec whose timeout and retry defaults were changed."""
    spec = (ROOT / harness.SPEC).read_text(encoding="utf-8")
    changed = spec.replace("  timeout_ms: 60000\n", "  timeout_ms: 59000\n", 1)
    changed = changed.replace("    max_retries: 2\n", "    max_retries: 3\n", 1)
    assert changed.count("59000") == spec.count("59000") + 1
    (tmp_path / harness.SPEC).parent.mkdir(parents=True)
    (tmp_path / harness.SPEC).write_text(changed, encoding="utf-8")
    python = next(r for r in load_runners(ROOT) if r.language == "python")
    result = Result("python")
    check_policy(ROOT, python, result, spec=tmp_path / harness.SPEC)
    assert sorted(result.failed["policy"]) == ["retry", "timeout_ms"]
    assert spec_policy(ROOT / harness.SPEC)["timeout_ms"] == 60000


# --- the checks on every behaviour case's requests -----------------------------------

KEYS = json.loads((ROOT / harness.BEHAVIOUR).read_text())["keys"]


def signed(at: float, stamp: int, body: bytes = b'{"client_ref_id": "R1"}') -> Seen:
    import base64
    import hashlib
    import hmac

    key = base64.b64encode(KEYS["access_key"].encode())
    secret = base64.b64encode(hmac.digest(key, str(stamp).encode(), hashlib.sha256)).decode()
    headers = [
        ("developer_key", KEYS["developer_key"]),
        ("secret-key-timestamp", str(stamp)),
        ("secret-key", secret),
    ]
    return Seen("POST", "/tools/kyc/digilocker", headers, body, at)


CASE = {"call": {"operation": "createDigilockerUrl", "input": {}}, "expect": {"outcome": "success"}}


def test_retries_signed_afresh_with_the_same_body_pass() -> None:
    assert request_problems(CASE, [signed(1000.0, 1000000), signed(1001.0, 1001000)], KEYS) == []


@pytest.mark.parametrize(
    ("second", "problem"),
    [
        (signed(1001.0, 1000000), "is not later than the last attempt's"),
        (signed(1001.0, 1001000, b'{"client_ref_id": "R2"}'), "client_ref_id"),
        (signed(1001.0, 1001000, b'{"client_ref_id": "R1", "x": 1}'), "same method and body"),
        (signed(2001.0, 1001000), "is not the time it was sent"),
    ],
)
def test_a_retry_that_breaks_a_rule_is_caught(second: Seen, problem: str) -> None:
    found = request_problems(CASE, [signed(1000.0, 1000000), second], KEYS)
    assert any(problem in line for line in found), found


def test_a_bad_signature_and_a_missing_client_ref_id_are_caught() -> None:
    forged = signed(1000.0, 1000000, b"{}")
    forged.headers[2] = ("secret-key", "forged")
    found = request_problems(CASE, [forged], KEYS)
    assert any("not the signature" in line for line in found), found
    assert any("no automatic client_ref_id" in line for line in found), found


def test_anything_sent_for_invalid_input_is_caught() -> None:
    case = {**CASE, "expect": {"outcome": "invalid_input"}}
    assert request_problems(case, [signed(1000.0, 1000000)], KEYS) == [
        "invalid input, yet 1 request(s) were sent"
    ]


@pytest.mark.parametrize(
    ("retry_after", "gap", "problem"),
    [
        ("1", 0.2, "came 200 ms later: Retry-After 1"),  # not honoured
        ("3600", 30.0, "past 500 ms"),  # honoured though past the cap: backoff instead
        (None, 9.0, "past 500 ms"),  # the first backoff is at most 500 ms
        ("1", 1.05, None),
        ("3600", 0.3, None),
    ],
)
def test_the_wait_before_a_retry_is_judged_where_the_server_sees_it(
    retry_after: str | None, gap: float, problem: str | None
) -> None:
    headers = {} if retry_after is None else {"retry-after": retry_after}
    case = {**CASE, "server": [{"status": 503, "headers": headers}, {"json": {}}]}
    seen = [signed(1000.0, 1000000), signed(1000.0 + gap, 1000000 + round(gap * 1000))]
    found = wait_problems(case, seen, spec_policy(ROOT / harness.SPEC))
    if problem is None:
        assert found == []
    else:
        assert any(problem in line for line in found), found
