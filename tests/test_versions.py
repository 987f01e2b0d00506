"""One version: the spec's info.version is the version of every package built from it
(`make generate` writes it; scripts/versions.py). The built artifacts and the installed
CLI are checked in tests/install."""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import yaml

import eko_digilocker

ROOT = Path(__file__).resolve().parent.parent
SPEC_VERSION: str = yaml.safe_load(
    (ROOT / "openapi" / "eko-digilocker.yaml").read_text(encoding="utf-8")
)["info"]["version"]


def test_the_spec_version_is_semver() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", SPEC_VERSION), SPEC_VERSION


def test_the_python_package_carries_the_spec_version() -> None:
    assert eko_digilocker.__version__ == SPEC_VERSION
    # the installed (editable) metadata, which the wheel's is built the same way as
    assert importlib.metadata.version("eko-digilocker") == SPEC_VERSION


def test_the_npm_package_carries_the_spec_version() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert package["version"] == SPEC_VERSION
    assert lock["version"] == lock["packages"][""]["version"] == SPEC_VERSION
