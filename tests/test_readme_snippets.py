"""The README stays a newcomer's page (at most 1,500 words, every link it and the docs/
pages hold resolves); the Java signing snippet of docs/other-languages.md, compiled and
run on the JVM the generator matrix uses, gives the known answers of
tests/vectors/signing.json; the table of where Eko's sources disagree names a default and
a switch that exist."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from eko_digilocker_sandbox.config import PROFILES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README_MAX_WORDS = 1500
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
    page = (DOCS / "other-languages.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```java\n(.*?)```", page, re.DOTALL)
    assert blocks, "docs/other-languages.md has no Java snippet"
    # the signing snippet: the Java block that holds the method (the SDK's example comes first)
    methods = [
        m[0]
        for block in blocks
        if (m := re.search(r"static String secretKey\(.*?\n}\n", block, re.DOTALL))
    ]
    assert len(methods) == 1, f"want one Java snippet with a secretKey method, found {len(methods)}"
    return methods[0]


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


def test_the_docs_say_where_eko_s_sources_disagree_and_how_to_switch() -> None:
    page = (DOCS / "sources-disagree.md").read_text(encoding="utf-8")
    assert page.startswith("# Where Eko's sources disagree\n")
    assert "(docs/sources-disagree.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| ")]
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


def markdown_words(text: str) -> int:
    # what a reader reads: code blocks count too, link targets do not
    return len(re.sub(r"\]\([^)]*\)", "]", text).split())


def test_the_readme_is_at_most_1500_words() -> None:
    words = markdown_words((ROOT / "README.md").read_text(encoding="utf-8"))
    assert words <= README_MAX_WORDS, f"README.md has {words} words; move detail to docs/"


def test_the_readme_keeps_the_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make demo", "make test", "make setup"):
        assert f"`{command}" in readme or f"\n{command} " in readme, command


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "page",
    [ROOT / "README.md", ROOT / "sandbox" / "README.md", *sorted(DOCS.glob("*.md"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_every_local_link_resolves(page: Path) -> None:
    targets = LINK.findall(page.read_text(encoding="utf-8"))
    local = [target for target in targets if "://" not in target]
    missing = [target for target in local if not (page.parent / target).exists()]
    assert missing == [], f"{page.relative_to(ROOT)} links to missing files: {missing}"


def test_the_readme_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {Path(target).name for target in LINK.findall(readme) if target.startswith("docs/")}
    pages = {path.name for path in DOCS.glob("*.md")}
    assert pages - linked == set(), "docs/ pages the README does not link"


def test_the_install_section_names_the_spec_version() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme.split("## Install\n", 1)[1].split("\n## ", 1)[0]
    spec = yaml.safe_load((ROOT / "openapi" / "eko-digilocker.yaml").read_text(encoding="utf-8"))
    named = set(re.findall(r"[-v:@](\d+\.\d+\.\d+)\b", install))
    assert named == {spec["info"]["version"]}


# --- issue 23, items 15 and 18: the Quickstart's integration, copied literally, follows
# EKO_BASE_URL (so the recorder docs work) and answers a tampered return without a 500


def quickstart_integration() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    found = [block for block in blocks if "def kyc_callback" in block]
    assert len(found) == 1, "the README has one Quickstart block with kyc_callback"
    return found[0]


def test_the_quickstart_callback_answers_a_tampered_return(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "EKO_DEVELOPER_KEY": "becbbce45f79c6f5109f848acd540567",
        "EKO_ACCESS_KEY": "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
        "EKO_INITIATOR_ID": "9962981729",
        "EKO_BASE_URL": "http://127.0.0.1:9",  # the recorder's address, say
    }.items():
        monkeypatch.setenv(name, value)
    shown: list[tuple[str, int]] = []
    app: dict[str, Any] = {"show": lambda text, status=200: shown.append((text, status))}
    exec(quickstart_integration(), app)  # the README's own code, as a user copies it
    eko = app["eko"]
    try:
        assert eko.settings.base_url == "http://127.0.0.1:9"
        callback = app["kyc_callback"]
        callback("https://yourapp.com/kyc/callback?reference_id=abc&verification_id=V-1")
    finally:
        eko.close()
    assert [status for _, status in shown] == [400]
