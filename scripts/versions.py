"""The spec's `info.version` is the version of every package built from it.

`make generate` (scripts/generate.py) writes it into the files below and
`make check-generated` fails when one of them differs: the Python package's `_version.py`
(which hatch reads for the wheel, and `__version__`, the CLI and the User-Agent use),
the npm package's `package.json` / `package-lock.json`, the PHP package's
`overlay/php/composer.json` (whose version the PHP client's User-Agent reads), and the
hand-written Go files that name this repository's Go modules (go.mod requirements carry the
version, and from v2 on every module path ends in /vN; their tags are the spec's version
too; openapi-generator writes the version into generated/go, generated/java and
generated/php itself).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSION_FILE = ROOT / "overlay" / "eko_digilocker" / "_version.py"
PACKAGE_JSON = ROOT / "package.json"
PACKAGE_LOCK = ROOT / "package-lock.json"
COMPOSER_JSON = ROOT / "overlay" / "php" / "composer.json"
# Where the repository is published: the Go module paths derive from it. A fork publishing
# elsewhere changes it here.
GO_REPOSITORY = "github.com/eko-digilocker/eko-digilocker"
# The hand-written Go files that name this repository's Go modules: their module paths
# follow the major version (Go's rule: from v2 on a module path ends in /vN).
GO_FILES = [
    ROOT / "overlay" / "go" / "go.mod",
    *sorted((ROOT / "overlay" / "go").glob("*.go")),
    ROOT / "tests" / "conformance" / "go" / "go.mod",
    *sorted((ROOT / "tests" / "conformance" / "go").glob("*.go")),
]
# this repository's Go client (generated/go) or overlay (overlay/go), any major version
GO_MODULE = re.compile(re.escape(GO_REPOSITORY) + r"/(generated|overlay)/go(?:/v[0-9]+)?(?![\w/])")
# a `require` of one of them
GO_REQUIRE = re.compile(
    r"^(\s*(?:require\s+)?\S+/(?:generated|overlay)/go(?:/v[0-9]+)?) v\S+$", re.M
)

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


def go_module(folder: str, version: str) -> str:
    """The Go module path of `folder` ("generated/go" or "overlay/go") at `version`."""
    major = int(version.split(".")[0])
    return f"{GO_REPOSITORY}/{folder}" + (f"/v{major}" if major >= 2 else "")


def _go_text(path: Path, version: str) -> str:
    text = GO_MODULE.sub(lambda m: go_module(f"{m[1]}/go", version), path.read_text("utf-8"))
    return GO_REQUIRE.sub(rf"\1 v{version}", text) if path.name == "go.mod" else text


def _json_text(document: Any) -> str:
    # npm's own layout, so `npm install` leaves these files as written
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _composer_text(document: Any) -> str:
    # Composer's own layout (`composer config` writes it so)
    return json.dumps(document, indent=4, ensure_ascii=False) + "\n"


def versioned_files(version: str) -> dict[Path, str]:
    """Each file that carries the version, as it must read for `version`."""
    package = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    package["version"] = version
    lock = json.loads(PACKAGE_LOCK.read_text(encoding="utf-8"))
    lock["version"] = version
    lock["packages"][""]["version"] = version
    go_files = {path: _go_text(path, version) for path in GO_FILES}
    composer = json.loads(COMPOSER_JSON.read_text(encoding="utf-8"))
    composer["version"] = version
    return {
        PYTHON_VERSION_FILE: VERSION_MODULE.format(version=version),
        PACKAGE_JSON: _json_text(package),
        PACKAGE_LOCK: _json_text(lock),
        COMPOSER_JSON: _composer_text(composer),
        **go_files,
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
