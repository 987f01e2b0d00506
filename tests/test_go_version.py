"""Issue 23, item 14: the README's Go version and every go.mod of this repository agree,
at the lowest version that builds (Go 1.21+ enforces a go.mod's `go` line as a minimum,
so a generated `go 1.23` failed offline on 1.21 and 1.22 while the README said 1.19+)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from openapi_generator_clients import GO_VERSION  # noqa: E402


def test_every_go_mod_and_the_readme_name_one_go_version() -> None:
    readme = re.findall(r"Go (\d+\.\d+)\+", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert readme == [GO_VERSION], f"README says Go {readme}, the generator writes {GO_VERSION}"
    mods = sorted(
        path
        for path in ROOT.glob("**/go.mod")
        if not {"build", "node_modules", ".venv"} & set(path.relative_to(ROOT).parts)
    )
    assert ROOT / "generated" / "go" / "go.mod" in mods
    for path in mods:
        lines = re.findall(r"^go (\S+)$", path.read_text(encoding="utf-8"), re.M)
        assert lines == [GO_VERSION], f"{path.relative_to(ROOT)} says go {lines}"
