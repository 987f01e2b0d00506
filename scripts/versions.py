"""The spec's `info.version` is the version of every package built from it.

`make generate` (scripts/generate.py) writes it into the files below and
`make check-generated` fails when one of them differs: the Python package's `_version.py`
(which hatch reads for the wheel, and `__version__`, the CLI and the User-Agent use) and
the npm package's `package.json` / `package-lock.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSION_FILE = ROOT / "overlay" / "eko_digilocker" / "_version.py"
PACKAGE_JSON = ROOT / "package.json"
PACKAGE_LOCK = ROOT / "package-lock.json"

VERSION_MODULE = '''\
"""The package version: written by `make generate` from the spec's info.version
(openapi/eko-digilocker.yaml), the one place it is set. pyproject.toml reads it here."""

__version__ = "{version}"
'''


def spec_version(spec_path: Path) -> str:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    version = spec["info"]["version"]
    if not isinstance(version, str):
        raise SystemExit(f"{spec_path}: info.version must be a string, not {version!r}")
    return version


def _json_text(document: Any) -> str:
    # npm's own layout, so `npm install` leaves these files as written
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def versioned_files(version: str) -> dict[Path, str]:
    """Each file that carries the version, as it must read for `version`."""
    package = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    package["version"] = version
    lock = json.loads(PACKAGE_LOCK.read_text(encoding="utf-8"))
    lock["version"] = version
    lock["packages"][""]["version"] = version
    return {
        PYTHON_VERSION_FILE: VERSION_MODULE.format(version=version),
        PACKAGE_JSON: _json_text(package),
        PACKAGE_LOCK: _json_text(lock),
    }


def stale_version_files(version: str) -> list[str]:
    stale = [
        path.relative_to(ROOT).as_posix()
        for path, text in versioned_files(version).items()
        if path.read_text(encoding="utf-8") != text
    ]
    if not stale:
        return []
    return [
        f"These files do not carry the spec's info.version {version}: run `make generate`.",
        *(f"  {name}" for name in stale),
    ]


def write_version_files(version: str) -> None:
    for path, text in versioned_files(version).items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)} (version {version})")
