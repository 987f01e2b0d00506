"""The drift check: a spec edit without `make generate` fails and names the files, in the
Python, TypeScript, Go and Java clients; regenerating makes it pass again, changing only
what the edit implies."""

from __future__ import annotations

import difflib
import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "eko-digilocker.yaml"
COMMITTED = ROOT / "generated" / "eko_digilocker_client"
TS_COMMITTED = ROOT / "generated" / "typescript"
OLD = "Photo, base64-encoded."  # the description of one field, DigilockerDocument.photo
NEW = "Photo of the holder, base64-encoded."


def generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_committed_client_matches_the_spec() -> None:
    result = generate("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_spec_edit_is_caught_then_regenerated(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = SPEC.read_text()
    assert text.count(OLD) == 1
    spec.write_text(text.replace(OLD, NEW))
    client = tmp_path / "eko_digilocker_client"
    shutil.copytree(COMMITTED, client, ignore=shutil.ignore_patterns("__pycache__"))

    targets = ("--client", "python", "--spec", str(spec), "--target", str(client))
    stale = generate("--check", *targets)
    assert stale.returncode == 1
    assert "eko_digilocker_client/models/digilocker_document.py" in stale.stdout
    assert "eko_digilocker_client/openapi.json" in stale.stdout

    assert generate(*targets).returncode == 0
    assert generate("--check", *targets).returncode == 0

    changed = _changed_files(COMMITTED, client)
    assert changed == ["models/digilocker_document.py", "openapi.json"]
    for name in changed:
        before = (COMMITTED / name).read_text().splitlines()
        after = (client / name).read_text().splitlines()
        edits = [
            line
            for line in difflib.unified_diff(before, after, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        assert [line[0] for line in edits] == ["-", "+"], edits
        assert OLD in edits[0]
        assert NEW in edits[1]


def test_a_spec_edit_is_caught_in_the_typescript_client(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text().replace(OLD, NEW))
    typescript = tmp_path / "typescript"
    shutil.copytree(TS_COMMITTED, typescript)
    targets = ("--client", "typescript", "--spec", str(spec), "--ts-target", str(typescript))

    stale = generate("--check", *targets)
    assert stale.returncode == 1
    assert "typescript/eko-digilocker.ts" in stale.stdout

    assert generate(*targets).returncode == 0
    assert generate("--check", *targets).returncode == 0
    assert _changed_files(TS_COMMITTED, typescript) == ["eko-digilocker.ts"]
    before = (TS_COMMITTED / "eko-digilocker.ts").read_text().splitlines()
    after = (typescript / "eko-digilocker.ts").read_text().splitlines()
    edits = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert [line[0] for line in edits] == ["-", "+"], edits
    assert OLD in edits[0]
    assert NEW in edits[1]


# One description, as each of openapi-generator's clients writes it.
GO_JAVA_CHANGED = {
    "go": ["api/openapi.yaml", "docs/DigilockerDocument.md", "model_digilocker_document.go"],
    "java": [
        "api/openapi.yaml",
        "docs/DigilockerDocument.md",
        "src/main/java/eko/digilocker/client/model/DigilockerDocument.java",
    ],
}


def test_a_spec_edit_is_caught_in_the_go_and_java_clients(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text().replace(OLD, NEW))
    targets = ["--spec", str(spec)]
    for language in GO_JAVA_CHANGED:
        shutil.copytree(ROOT / "generated" / language, tmp_path / language)
        targets += ["--client", language, f"--{language}-target", str(tmp_path / language)]

    stale = generate("--check", *targets)
    assert stale.returncode == 1
    for language, changed in GO_JAVA_CHANGED.items():
        assert f"{language}/{changed[-1]}" in stale.stdout

    assert generate(*targets).returncode == 0
    assert generate("--check", *targets).returncode == 0
    for language, changed in GO_JAVA_CHANGED.items():
        assert _changed_files(ROOT / "generated" / language, tmp_path / language) == changed


def _changed_files(left: Path, right: Path) -> list[str]:
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.diff_files + cmp.left_only + cmp.right_only)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right, ignore=["__pycache__"]), "")
    return sorted(found)
