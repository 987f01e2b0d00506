"""One version: the spec's info.version is the version of every package built from it
(`make generate` writes it: scripts/versions.py for Python, npm and the PHP package's
composer.json, openapi-generator's packageVersion for Go, Java and PHP). The built
artifacts and the installed CLI are checked in tests/install."""

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


def test_the_php_package_carries_the_spec_version() -> None:
    composer = json.loads((ROOT / "overlay" / "php" / "composer.json").read_text("utf-8"))
    assert composer["name"] == "eko/digilocker"
    # a path repository's package is installed at the version its composer.json states
    assert composer["version"] == SPEC_VERSION


# Where each client built by openapi-generator carries its version, and the version the Go
# overlay requires of the generated module (they are tagged together).
GENERATED_VERSIONS = {
    "generated/go/configuration.go": r'"OpenAPI-Generator/([^/"]+)/go"',
    "overlay/go/go.mod": r"^require \S+/generated/go(?:/v\d+)? v(\S+)$",
    "generated/java/pom.xml": r"<artifactId>eko-digilocker-client</artifactId>\s*"
    r"<packaging>jar</packaging>\s*<name>[^<]*</name>\s*<version>([^<]+)</version>",
    "generated/php/lib/Configuration.php": (
        r"protected \$userAgent = 'OpenAPI-Generator/([^/']+)/PHP'"
    ),
}


def test_the_go_java_and_php_clients_carry_the_spec_version() -> None:
    for path, pattern in GENERATED_VERSIONS.items():
        found = re.search(pattern, (ROOT / path).read_text(encoding="utf-8"), re.MULTILINE)
        assert found is not None, f"no version in {path}"
        assert found[1] == SPEC_VERSION, path


def test_the_go_module_paths_follow_the_major_version() -> None:
    # Go's rule: from v2 on a module's path ends in /vN, or `go get` refuses the tag.
    major = int(SPEC_VERSION.split(".")[0])
    suffix = f"/v{major}" if major >= 2 else ""
    for folder in ("generated/go", "overlay/go"):
        module = (ROOT / folder / "go.mod").read_text(encoding="utf-8").splitlines()[0]
        assert module == f"module github.com/eko-digilocker/eko-digilocker/{folder}{suffix}"
