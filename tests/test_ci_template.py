"""The CI template (.github/workflows/ci.yml) runs `make test` on every Python and Node.js
the packages declare, from the oldest they accept, with Go, Java and PHP, and keeps dist/
and the reports."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW: dict[str, Any] = yaml.safe_load(
    (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
)
JOB: dict[str, Any] = WORKFLOW["jobs"]["test"]


def uses(action: str) -> list[dict[str, Any]]:
    return [step for step in JOB["steps"] if step.get("uses", "").startswith(f"{action}@")]


def test_the_matrix_starts_at_the_oldest_version_each_package_accepts() -> None:
    matrix = JOB["strategy"]["matrix"]
    assert matrix["python"] == ["3.11", "3.12", "3.13"]
    assert matrix["node"] == ["20", "22"]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == f">={matrix['python'][0]}"
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["engines"]["node"] == f">={matrix['node'][0]}"


def test_each_cell_sets_up_its_versions_and_the_go_and_java_toolchains() -> None:
    assert uses("actions/setup-python")[0]["with"]["python-version"] == "${{ matrix.python }}"
    assert uses("actions/setup-node")[0]["with"]["node-version"] == "${{ matrix.node }}"
    assert uses("actions/setup-java")[0]["with"]["java-version"] == "17"
    assert re.fullmatch(r"1\.\d+", uses("actions/setup-go")[0]["with"]["go-version"])


def test_it_runs_make_test_and_keeps_dist_and_the_reports() -> None:
    assert {"run": "make test"} in JOB["steps"]
    kept = {step["with"]["path"] for step in uses("actions/upload-artifact")}
    assert kept == {"dist/", "reports/"}


def test_each_cell_sets_up_php_8_2_with_composer_phpunit_and_guzzle() -> None:
    php = uses("shivammathur/setup-php")[0]["with"]
    assert php["php-version"] == "8.2"  # Debian 12's, which the project is tested with
    assert {"curl", "mbstring"} <= {e.strip() for e in php["extensions"].split(",")}
    assert {"composer", "phpunit:9.6"} <= {t.strip() for t in php["tools"].split(",")}
    composer = json.loads((ROOT / "overlay" / "php" / "composer.json").read_text("utf-8"))
    assert composer["require"]["php"] == ">=8.1"
    installs = " ".join(step.get("run", "") for step in JOB["steps"])
    assert "php-guzzlehttp-guzzle" in installs
