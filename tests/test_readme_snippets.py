"""The README's Java signing snippet, compiled and run on the JVM the generator matrix
uses, gives the known answers of tests/vectors/signing.json; its table of where Eko's
sources disagree names a default and a switch that exist."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from eko_digilocker_sandbox.config import PROFILES

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "vectors" / "signing.json").read_text())["vectors"]

HARNESS = """\
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class ReadmeSigning {
%s
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            System.out.println(secretKey(args[i], args[i + 1]));
        }
    }
}
"""


def java_secret_key_method() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```java\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README has no Java snippet"
    method = re.search(r"static String secretKey\(.*?\n}\n", block[1], re.DOTALL)
    assert method is not None, "the Java snippet has no secretKey method"
    return method[0]


@pytest.mark.timeout(120)
def test_the_readme_java_snippet_signs_every_vector(tmp_path: Path) -> None:
    java = shutil.which("java")
    assert java is not None, "java is missing: apt-get install openjdk-17-jdk-headless"
    modules = subprocess.run([java, "--list-modules"], capture_output=True, text=True, check=False)
    # running a source file needs the compiler module, which only a JDK has
    assert "jdk.compiler" in modules.stdout, "no JDK: apt-get install openjdk-17-jdk-headless"
    source = tmp_path / "ReadmeSigning.java"
    source.write_text(HARNESS % java_secret_key_method(), encoding="utf-8")
    args = [item for v in VECTORS for item in (v["access_key"], v["timestamp"])]
    result = subprocess.run(
        [java, str(source), *args], capture_output=True, text=True, check=False, timeout=100
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [v["secret_key"] for v in VECTORS]


def test_the_readme_says_where_eko_s_sources_disagree_and_how_to_switch() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Where Eko's sources disagree\n(.*?)^## ", readme, re.DOTALL | re.M)
    assert section is not None, "README lost its 'Where Eko's sources disagree' section"
    rows = [line for line in section[1].splitlines() if line.startswith("| ")]
    assert rows[0].split("|")[4:6] == [" Default follows ", " To switch "]
    assert len(rows) > 5
    for row in rows[1:]:
        default, switch = (cell.strip() for cell in row.split("|")[4:6])
        assert default, row
        assert switch, row
    switches = " ".join(row.split("|")[5] for row in rows[1:])
    for profile in re.findall(r"--profile (\w+)", switches):
        assert profile in PROFILES
    spec = yaml.safe_load((ROOT / "openapi" / "eko-digilocker.yaml").read_text(encoding="utf-8"))
    environments = {server.get("x-eko-environment") for server in spec["servers"]}
    for environment in re.findall(r"EKO_ENVIRONMENT=([\w-]+)", switches):
        assert environment in environments
