"""The Go and Java clients carry the spec's info.version like every other package: the
generated Go module (its User-Agent), the generated Java artifact (pom.xml), and the
go.mod requirements of this repository's Go modules (scripts/versions.py writes them)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SPEC_VERSION: str = yaml.safe_load(
    (ROOT / "openapi" / "eko-digilocker.yaml").read_text(encoding="utf-8")
)["info"]["version"]


def test_the_generated_go_client_carries_the_spec_version() -> None:
    configuration = (ROOT / "generated" / "go" / "configuration.go").read_text()
    assert f'"OpenAPI-Generator/{SPEC_VERSION}/go"' in configuration


def test_the_generated_java_artifact_carries_the_spec_version() -> None:
    pom = ET.parse(ROOT / "generated" / "java" / "pom.xml").getroot()
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    assert pom.findtext("m:version", namespaces=namespace) == SPEC_VERSION
    assert pom.findtext("m:artifactId", namespaces=namespace) == "eko-digilocker-client"


def test_go_modules_require_the_spec_version_of_each_other() -> None:
    for go_mod in (ROOT / "overlay/go/go.mod", ROOT / "tests/conformance/go/go.mod"):
        required = re.findall(r"/(?:generated|overlay)/go (v\S+)$", go_mod.read_text(), re.M)
        assert required, go_mod
        assert set(required) == {f"v{SPEC_VERSION}"}, go_mod
