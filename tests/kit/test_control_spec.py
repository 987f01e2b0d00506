"""The control surface's document: bundled into the sandbox package by `make generate`,
and caught by the drift check when the YAML changes without regenerating."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from eko_digilocker.spec import load_spec
from eko_digilocker_sandbox.control_client import control_spec

ROOT = Path(__file__).resolve().parents[2]
YAML = ROOT / "openapi" / "sandbox-control.yaml"
BUNDLED = ROOT / "sandbox" / "eko_digilocker_sandbox" / "control-openapi.json"


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_shared_rules_are_referenced_not_copied() -> None:
    # The YAML points at Eko's spec for the session states; the bundle carries that very
    # schema, so the two cannot drift apart.
    source = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    status = source["components"]["schemas"]["Session"]["properties"]["session_status"]
    assert status["$ref"].startswith("eko-digilocker.yaml#/components/schemas/")
    name = status["$ref"].rsplit("/", 1)[1]
    assert (
        control_spec()["components"]["schemas"][name] == load_spec()["components"]["schemas"][name]
    )


def test_an_edit_without_regenerating_is_caught(tmp_path: Path) -> None:
    edited = tmp_path / "openapi" / "sandbox-control.yaml"
    edited.parent.mkdir()
    # Next to a copy of Eko's spec, as in the repository, so its $ref resolves.
    shutil.copy(ROOT / "openapi" / "eko-digilocker.yaml", edited.parent)
    edited.write_text(YAML.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1"))
    bundled = tmp_path / "control-openapi.json"
    shutil.copy(BUNDLED, bundled)
    args = ("--control-spec", str(edited), "--control-target", str(bundled))

    stale = generate("--check", *args)
    assert stale.returncode == 1
    assert "control-openapi.json" in stale.stdout

    target = tmp_path / "client"
    shutil.copytree(ROOT / "generated" / "eko_digilocker_client", target)
    assert generate("--target", str(target), *args).returncode == 0
    assert json.loads(bundled.read_text())["info"]["version"] == "1.0.1"
    assert generate("--check", *args).returncode == 0
