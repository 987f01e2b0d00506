"""The house stands the right way up: the client package (overlay/eko_digilocker) never
imports the sandbox's package or its web server; the sandbox adds its commands to the
client's CLI by entry point (pyproject.toml), not by an import in the client."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "overlay" / "eko_digilocker"
SANDBOX_SIDE = {"eko_digilocker_sandbox", "starlette", "uvicorn"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_client_module_imports_the_sandbox() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & SANDBOX_SIDE)
        for path in sorted(CLIENT.rglob("*.py"))
        if imported_roots(path) & SANDBOX_SIDE
    }
    assert offenders == {}


def test_the_sandbox_commands_are_entry_points_of_the_sandbox_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    commands = project["entry-points"]["eko_digilocker.commands"]
    assert set(commands) == {"sandbox", "proxy"}
    assert all(target.startswith("eko_digilocker_sandbox.") for target in commands.values())
    assert not {"starlette", "uvicorn"} & {
        requirement.split(">")[0].split("=")[0] for requirement in project["dependencies"]
    }


def test_no_packaged_help_names_a_docs_page_the_wheel_lacks() -> None:
    """The wheel ships no docs/: a help text naming `docs/x.md` leads nowhere. (Docstrings
    are for readers of the source tree, who have docs/.)"""
    packaged = [*CLIENT.rglob("*.py"), *(ROOT / "sandbox" / "eko_digilocker_sandbox").rglob("*.py")]
    relative = re.compile(r"(?<![/\w])docs/[\w-]+\.md")
    offenders = {}
    for path in packaged:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(owner.body[0].value)
            for owner in ast.walk(tree)
            if isinstance(owner, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and owner.body
            and isinstance(owner.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found = relative.findall(node.value)
                if found and id(node) not in docstrings:
                    offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
