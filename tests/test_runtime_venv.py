"""`make demo`'s venv (scripts/runtime_venv.py) holds the runtime dependencies (the
client's and the sandbox extra's) and no development tool, and the demo runs in it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import runtime_venv  # noqa: E402

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def names(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


@pytest.mark.timeout(300)
def test_the_demo_venv_holds_the_runtime_only_and_runs_the_demo(tmp_path: Path) -> None:
    python = runtime_venv.make(tmp_path / "venv")
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {item["name"].lower().replace("_", "-") for item in json.loads(listed)}
    runtime = names(PROJECT["dependencies"]) | names(PROJECT["optional-dependencies"]["sandbox"])
    assert runtime <= installed
    assert installed & (names(PROJECT["optional-dependencies"]["dev"]) - runtime) == set()
    demo = subprocess.run(
        [python, "examples/demo.py", "--profile", "eps"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stderr
    assert "state: AUTHENTICATED" in demo.stdout
    # made from the same pyproject and constraints, it is kept as it is
    stamp = (tmp_path / "venv" / ".installed").stat().st_mtime_ns
    runtime_venv.make(tmp_path / "venv")
    assert (tmp_path / "venv" / ".installed").stat().st_mtime_ns == stamp
