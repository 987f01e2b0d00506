"""The drift check: a spec edit without `make generate` fails and names the files, in the
Python, TypeScript, Go, Java and PHP clients; regenerating makes it pass again, changing only
what the edit implies."""

from __future__ import annotations

import difflib
import filecmp
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from eko_digilocker.policy import merged as merge_policy

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "eko-digilocker.yaml"
COMMITTED = ROOT / "generated" / "eko_digilocker_client"
TS_COMMITTED = ROOT / "generated" / "typescript"
sys.path.insert(0, str(ROOT / "scripts"))


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
    "php": ["docs/Model/DigilockerDocument.md", "lib/Model/DigilockerDocument.php"],
}


def test_a_spec_edit_is_caught_in_the_openapi_generator_clients(tmp_path: Path) -> None:
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


OPERATIONS = ROOT / "tests" / "vectors" / "operations.json"


def test_a_spec_edit_is_caught_in_operations_json(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.read_text().replace("max_retries: 2", "max_retries: 3"))
    target = tmp_path / "operations.json"
    shutil.copy(OPERATIONS, target)
    targets = ("--client", "operations", "--spec", str(spec), "--operations-target", str(target))

    stale = generate("--check", *targets)
    assert stale.returncode == 1
    assert "operations.json differs" in stale.stdout

    assert generate(*targets).returncode == 0
    assert generate("--check", *targets).returncode == 0
    written = json.loads(target.read_text())
    assert written["policy"]["retry"]["max_retries"] == 3
    assert {op["policy"]["retry"]["max_retries"] for op in written["operations"]} == {3}


def test_operations_json_says_what_the_spec_says() -> None:
    spec = yaml.safe_load(SPEC.read_text())
    written = json.loads(OPERATIONS.read_text())
    root = {k: v for k, v in spec["x-eko-client"].items() if k != "description"}
    assert written["policy"] == root
    by_id = {op["operation_id"]: op for op in written["operations"]}
    in_spec = {
        op["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }
    assert {k: (v["method"], v["path"]) for k, v in by_id.items()} == in_spec
    create = by_id["createDigilockerUrl"]
    assert create["success"]["data_required"] == ["reference_id", "url"]
    assert create["policy"]["idempotent"] is True
    assert create["policy"]["retry"] == root["retry"]  # the root's, merged under the operation's
    params = {
        (p["in"], p["name"]): p for p in by_id["getDigilockerVerificationStatus"]["parameters"]
    }
    assert params["query", "reference_id"] == {
        "name": "reference_id",
        "in": "query",
        "required": True,
        "type": "integer",
        "format": "int64",
        "minimum": 1,
        "maximum": 2**63 - 1,
    }
    verification = {p["name"]: p for p in by_id["getDigilockerDocument"]["parameters"]}
    # a limit beside a $ref (maxLength 64) joins the referenced schema's own (minLength 1)
    assert verification["verification_id"]["minLength"] == 1
    assert verification["verification_id"]["maxLength"] == 64
    # every $ref is resolved, and no prose is left
    assert '"$ref"' not in OPERATIONS.read_text()
    assert '"description"' not in json.dumps(written["operations"])


def test_operations_policy_merges_an_operations_override() -> None:
    root = {"timeout_ms": 1, "retry": {"max_retries": 2, "backoff": {"initial_ms": 5}}}
    merged = merge_policy(root, {"retry": {"backoff": {"initial_ms": 7}}, "idempotent": True})
    assert merged == {
        "timeout_ms": 1,
        "retry": {"max_retries": 2, "backoff": {"initial_ms": 7}},
        "idempotent": True,
    }
    assert root["retry"]["backoff"]["initial_ms"] == 5  # the root is left as it was
