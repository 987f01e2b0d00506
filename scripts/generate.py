"""Regenerate the clients from the spec, or check that the committed clients match it.

    python scripts/generate.py           rewrite generated/eko_digilocker_client (Python),
                                         generated/typescript (TypeScript types),
                                         generated/go, generated/java and generated/php
                                         (openapi-generator's go, java native and php
                                         clients, plus the spec as JSON in overlay/go and
                                         overlay/php/resources) and the control document's
                                         bundled JSON, and tests/vectors/operations.json
                                         (scripts/operations_vector.py)
    python scripts/generate.py --check   regenerate into a temporary folder and fail,
                                         naming the files, if a committed copy differs
    --spec PATH / --target DIR           another spec or Python client folder (used by the
                                         tests); the TypeScript, Go and Java folders are
                                         `typescript`, `go` and `java` beside the Python one
                                         unless --ts-target, --go-target, --java-target say
    --operations-target FILE             where operations.json goes (used by the tests;
                                         beside --target's folder when that is given)
    --client python|typescript|go|java|php|control|operations
                                         only these (repeatable; used by the tests)
    --control-spec PATH / --control-target FILE
                                         the same for the sandbox control surface's
                                         document, bundled as JSON into the sandbox package

With the repository's spec and every client, it also writes the spec's info.version into
each package's version (scripts/versions.py).

Both modes build in a temporary folder outside the repository, so that the generator's
ruff post-hooks never pick up this project's ruff settings and the output is the same
whichever mode made it.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from generator_matrix import java_problem
from openapi_generator_clients import build_go, build_java, build_php
from operations_vector import operations_json
from versions import spec_version, stale_version_files, write_version_files

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "eko-digilocker.yaml"
CONFIG = ROOT / "openapi" / "generator-config.yaml"
# Templates that replace openapi-python-client's own of the same name (types.py: a
# readable repr of UNSET); the rest are the pinned generator's.
TEMPLATES = ROOT / "openapi" / "python-templates"
PACKAGE = "eko_digilocker_client"
TARGET = ROOT / "generated" / PACKAGE
TS_FILE = "eko-digilocker.ts"
# openapi-typescript, pinned by package-lock.json and installed by `make setup` (npm ci)
OPENAPI_TYPESCRIPT = ROOT / "node_modules" / ".bin" / "openapi-typescript"
CONTROL_SPEC = ROOT / "openapi" / "sandbox-control.yaml"
CONTROL_TARGET = ROOT / "sandbox" / "eko_digilocker_sandbox" / "control-openapi.json"
# overlay/go embeds the spec to hold a success to its schemas, as the Python client does
GO_OVERLAY_SPEC = ROOT / "overlay" / "go" / "openapi.json"
# overlay/php reads its operations, schemas and x-eko-client policy from the spec too
PHP_OVERLAY_SPEC = ROOT / "overlay" / "php" / "resources" / "openapi.json"
OVERLAY_SPECS = {"go": GO_OVERLAY_SPEC, "php": PHP_OVERLAY_SPEC}
# per operation, every rule of the spec with its $refs resolved, for any language
OPERATIONS_TARGET = ROOT / "tests" / "vectors" / "operations.json"
CLIENTS = ["python", "typescript", "go", "java", "php", "control", "operations"]


def build(out: Path, spec_path: Path = SPEC) -> None:
    """Write the generated package, plus the spec as JSON and py.typed, into `out`."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(spec_path),
            "--config",
            str(CONFIG),
            "--custom-template-path",
            str(TEMPLATES),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--overwrite",
            "--fail-on-warning",
        ],
        check=True,
        env=env,
        cwd=out.parent,
        stdout=subprocess.DEVNULL,
    )
    # The installed package carries the exact spec it was generated from, so the overlay
    # and the sandbox validate against it without a hand-made copy.
    (out / "openapi.json").write_text(spec_json(spec_path), encoding="utf-8")
    (out / "py.typed").write_text("", encoding="utf-8")
    shutil.rmtree(out / ".ruff_cache", ignore_errors=True)


def spec_json(spec_path: Path) -> str:
    """The spec as JSON, as the Python package and the Go overlay carry it."""
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return json.dumps(spec, indent=1) + "\n"


def build_typescript(out: Path, spec_path: Path = SPEC) -> None:
    """Write the spec's TypeScript types (for openapi-fetch) into `out`."""
    if not OPENAPI_TYPESCRIPT.exists():
        raise SystemExit(f"{OPENAPI_TYPESCRIPT} is missing: run `make setup` (npm ci)")
    out.mkdir(parents=True)
    subprocess.run(
        # --enum-values: each enum's values as an array too, for checks at run time
        [str(OPENAPI_TYPESCRIPT), str(spec_path), "--enum-values", "--output", str(out / TS_FILE)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def bundle(spec_path: Path) -> dict[str, Any]:
    """`spec_path` read as one self-contained document: each `$ref` into another file
    (`eko-digilocker.yaml#/components/schemas/X`) becomes a local `#/components/schemas/X`,
    with X (and whatever it refers to in turn) copied in, so shared rules stay written once."""
    spec: dict[str, Any] = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    own = spec.setdefault("components", {}).setdefault("schemas", {})
    copied: dict[str, Any] = {}
    others: dict[Path, Any] = {}
    imported: dict[str, Path] = {}

    def localise(node: Any, source: Path) -> Any:
        if isinstance(node, list):
            return [localise(item, source) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and (ref.partition("#")[0] or source != spec_path):
            name = import_schema(ref, source)
            return {**node, "$ref": f"#/components/schemas/{name}"}
        return {key: localise(value, source) for key, value in node.items()}

    def import_schema(ref: str, source: Path) -> str:
        file_part, _, pointer = ref.partition("#")
        origin = (source.parent / file_part).resolve() if file_part else source
        prefix = "/components/schemas/"
        if not pointer.startswith(prefix):
            raise ValueError(f"{spec_path.name}: only schemas can be shared, not {ref}")
        name = pointer.removeprefix(prefix)
        if imported.get(name) == origin:
            return name
        if name in own or name in copied:
            raise ValueError(f"{spec_path.name}: schema {name} is defined twice")
        if origin not in others:
            others[origin] = yaml.safe_load(origin.read_text(encoding="utf-8"))
        imported[name] = origin  # before localising: a schema may refer to itself
        copied[name] = localise(others[origin]["components"]["schemas"][name], origin)
        return name

    bundled: dict[str, Any] = localise(spec, spec_path)
    bundled["components"]["schemas"].update(copied)
    return bundled


def control_json(spec_path: Path = CONTROL_SPEC) -> str:
    return json.dumps(bundle(spec_path), indent=1) + "\n"


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that are missing, extra or different in `actual`."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        for name in cmp.left_only:
            found.append(f"{prefix}{name} (not committed)")
        for name in cmp.right_only:
            found.append(f"{prefix}{name} (not generated by the spec)")
        for name in cmp.diff_files + cmp.funny_files:
            found.append(f"{prefix}{name}")
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    # Fresh files never share an mtime with committed ones, so dircmp compares contents.
    walk(filecmp.dircmp(expected, actual, ignore=["__pycache__"]), "")
    return sorted(found)


def stale_files(built: Path, target: Path, spec: Path) -> list[str]:
    """Say what differs between a freshly built folder and the committed one."""
    if not target.is_dir():
        return [f"{target} is missing: run `make generate`."]
    stale = differences(built, target)
    if not stale:
        print(f"{target.name} matches the spec.")
        return []
    return [
        f"The committed {target.name} differs from {spec}.",
        "Run `make generate` and commit the result. Files that differ:",
        *(f"  {target.name}/{name}" for name in stale),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is stale")
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--target", type=Path, default=TARGET)
    parser.add_argument("--ts-target", type=Path)
    parser.add_argument("--go-target", type=Path)
    parser.add_argument("--java-target", type=Path)
    parser.add_argument("--php-target", type=Path)
    parser.add_argument("--control-spec", type=Path, default=CONTROL_SPEC)
    parser.add_argument("--control-target", type=Path, default=CONTROL_TARGET)
    parser.add_argument("--operations-target", type=Path)
    parser.add_argument(
        "--client",
        action="append",
        choices=CLIENTS,
        help="only this one (repeatable)",
    )
    args = parser.parse_args()
    clients: list[str] = args.client or CLIENTS
    target: Path = args.target.resolve()
    ts_target: Path = (args.ts_target or target.parent / "typescript").resolve()
    go_target: Path = (args.go_target or target.parent / "go").resolve()
    java_target: Path = (args.java_target or target.parent / "java").resolve()
    php_target: Path = (args.php_target or target.parent / "php").resolve()
    spec: Path = args.spec.resolve()
    control_target: Path = args.control_target.resolve()
    # tests/vectors/operations.json for the repository's client folder; beside another
    # folder (a test's) otherwise, so that a test never rewrites the repository's
    operations_target: Path = (
        args.operations_target
        or (OPERATIONS_TARGET if target == TARGET else target.parent / "operations.json")
    ).resolve()
    # the packages' versions follow the repository's spec, not a test's
    version = spec_version(spec) if spec == SPEC and args.client is None else None

    with tempfile.TemporaryDirectory(prefix="eko-generate-") as tmp:
        built: dict[Path, Path] = {}
        if "python" in clients:
            built[target] = Path(tmp) / PACKAGE
            build(built[target], spec)
        if "typescript" in clients:
            built[ts_target] = Path(tmp) / "typescript"
            build_typescript(built[ts_target], spec)
        if {"go", "java", "php"} & set(clients) and (problem := java_problem()) is not None:
            raise SystemExit(
                f"the Go, Java and PHP clients are made by openapi-generator: {problem}"
            )
        if "go" in clients:
            built[go_target] = Path(tmp) / "go"
            build_go(built[go_target], spec, Path(tmp))
        if "java" in clients:
            built[java_target] = Path(tmp) / "java"
            build_java(built[java_target], spec, Path(tmp))
        if "php" in clients:
            built[php_target] = Path(tmp) / "php"
            build_php(built[php_target], spec)
        control = control_json(args.control_spec.resolve()) if "control" in clients else None
        overlay_specs = {
            OVERLAY_SPECS[client]: spec_json(spec)
            for client in OVERLAY_SPECS
            if client in clients and spec == SPEC
        }
        operations = operations_json(spec) if "operations" in clients else None
        if args.check:
            problems = [
                line for dest, out in built.items() for line in stale_files(out, dest, spec)
            ]
            if control is not None and (
                not control_target.is_file() or control_target.read_text("utf-8") != control
            ):
                problems += [
                    f"The committed {control_target.name} differs from {args.control_spec}.",
                    f"Run `make generate` and commit the result: {control_target.parent.name}/"
                    f"{control_target.name}",
                ]
            for path, text in overlay_specs.items():
                if not path.is_file() or path.read_text("utf-8") != text:
                    problems += [
                        f"The committed {path.relative_to(ROOT)} differs from {spec}.",
                        "Run `make generate` and commit the result.",
                    ]
            if operations is not None and (
                not operations_target.is_file()
                or operations_target.read_text("utf-8") != operations
            ):
                problems += [
                    f"The committed {operations_target.name} differs from {spec}.",
                    f"Run `make generate` and commit the result: {operations_target}",
                ]
            if version is not None:
                problems += stale_version_files(version)
            for line in problems:
                print(line)
            return 1 if problems else 0
        for dest, out in built.items():
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(out, dest, ignore=shutil.ignore_patterns("__pycache__"))
            print(f"wrote {dest}")
        if control is not None:
            control_target.write_text(control, encoding="utf-8")
            print(f"wrote {control_target}")
        for path, text in overlay_specs.items():
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        if operations is not None:
            operations_target.write_text(operations, encoding="utf-8")
            print(f"wrote {operations_target}")
        if version is not None:
            write_version_files(version)
        return 0


if __name__ == "__main__":
    sys.exit(main())
