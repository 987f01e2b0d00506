"""The coverage matrix: cells from the spec, answers counted per target and profile,
exclusions with reasons, and `make contract`'s failure when a cell is missed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from eko_digilocker.spec import example
from tests.contract.coverage import Answer, Coverage, eko_code, exclusion, write

ROOT = Path(__file__).resolve().parents[2]
STATUS = "getDigilockerVerificationStatus"
DOCUMENT = "getDigilockerDocument"


def test_the_code_is_read_from_either_placement() -> None:
    assert eko_code(example(DOCUMENT, "pending", status="200")) == 327
    assert eko_code(example(DOCUMENT, "pending_legacy", status="200")) == 327
    assert eko_code(example(STATUS, "pending", status="200")) == -1
    assert eko_code(example(STATUS, "authenticated", status="200")) == 0
    assert eko_code("<html>") is None


def test_answers_count_for_their_target_s_profile_only() -> None:
    cov = Coverage()
    cov.register_target("http://127.0.0.1:1", "eps")
    pending = example(DOCUMENT, "pending", status="200")
    cov.record_answer(DOCUMENT, 200, pending, "http://127.0.0.1:1/tools/kyc/digilocker/document")
    cov.record_answer(DOCUMENT, 200, pending, "http://127.0.0.1:2/tools/kyc/digilocker/document")
    # response_status_id 2 ("initiated", legacy README section 4): no DigiLocker answer has it
    cov.record_answer(DOCUMENT, 200, {"status": 1, "response_status_id": 2}, "http://127.0.0.1:1/")
    report = cov.report()
    covered = [c for c in report["cells"] if c["covered"]]
    assert covered == [
        {
            "kind": "answer",
            "operation": DOCUMENT,
            "http_status": "200",
            "eko_code": 327,
            "profile": "eps",
            "covered": True,
        }
    ]
    assert report["covered"] == 1
    assert report["total"] == len(cov.missed()) + 1
    assert report["undocumented"] == [Answer(DOCUMENT, "200", 2, "eps").to_json()]


def test_excluded_cells_carry_their_reason_and_do_not_count() -> None:
    cov = Coverage()
    cov.register_target("http://127.0.0.1:1", "legacy")
    report = cov.report()
    excluded = [c for c in report["cells"] if "excluded" in c]
    assert excluded
    assert all(c["excluded"] for c in excluded)
    assert report["total"] == len(report["cells"]) - len(excluded)
    assert exclusion(Answer(STATUS, "200", -1, "legacy")) is not None
    assert exclusion(Answer(STATUS, "200", -1, "eps")) is None


def test_the_report_is_written_as_json_and_html(tmp_path: Path) -> None:
    cov = Coverage()
    cov.register_target("http://127.0.0.1:1", "eps")
    page = write(cov.report(), tmp_path / "coverage.json")
    assert json.loads((tmp_path / "coverage.json").read_text())["total"] > 0
    assert "Contract coverage: 0 of" in page.read_text()


def test_a_partial_run_against_the_sandbox_fails_and_names_the_missed_cells(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKO_CONTRACT_")}
    env["EKO_CONTRACT_COVERAGE"] = str(tmp_path / "coverage.json")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/contract/test_journeys.py",
            "-k",
            "new_session_is_pending",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "2 passed" in result.stdout  # the tests passed; the coverage failed the run
    assert "missed: createDigilockerUrl HTTP 200 code 301 (eps)" in result.stdout
    report = json.loads((tmp_path / "coverage.json").read_text())
    assert 0 < report["covered"] < report["total"]
