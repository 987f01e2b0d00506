"""A venv holding only what the client and the sandbox need at run time, as a user's
install of the wheel would: `make demo` runs in it, `make bench` measures cold start in it.

    python scripts/runtime_venv.py DIR

Installs pyproject.toml's `dependencies` and its `sandbox` extra (pinned by
requirements/constraints.txt, from pip's cache when it is warm) and puts the project's
sources on the venv's path, as an editable install would, without building anything.
Does nothing when DIR was already made from the same pyproject.toml and constraints.
Needs only Python 3.11+ (tomllib).
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
SOURCES = ("overlay", "generated", "sandbox")


def make(target: Path) -> Path:
    """The venv's python, after making the venv if it is missing or stale."""
    python = target / "bin" / "python"
    stamp = target / ".installed"
    made_from = PYPROJECT.read_bytes() + CONSTRAINTS.read_bytes()
    if stamp.is_file() and stamp.read_bytes() == made_from and python.exists():
        return python
    venv.EnvBuilder(clear=True, with_pip=True).create(target)
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    # the demo runs the embedded sandbox: the client's dependencies and the sandbox extra's
    dependencies = [*project["dependencies"], *project["optional-dependencies"]["sandbox"]]
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", CONSTRAINTS, *dependencies],
        check=True,
    )  # fmt: skip
    site = sysconfig.get_path("purelib", vars={"base": str(target), "platbase": str(target)})
    sources = "".join(f"{ROOT / part}\n" for part in SOURCES)
    Path(site, "eko_digilocker_sources.pth").write_text(sources, encoding="utf-8")
    stamp.write_bytes(made_from)
    return python


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    make(Path(sys.argv[1]).resolve())
