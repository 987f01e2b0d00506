"""Figure 5: cold start and generation time, as whole commands.

`python -c "import eko_digilocker"` against `python -c "import httpx"` (the transport it
is built on, the floor of any httpx-based client), both in a venv holding only the
runtime dependencies (build/runtime-venv, made on first use from pip's cache: the dev
venv's extras, e.g. rich and click, make `import httpx` itself slower); the same for the
command line (`eko-digilocker --version`); `make generate`'s script against the bare
openapi-python-client run it wraps. Median wall time over several runs each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUNTIME_VENV = ROOT / "build" / "runtime-venv"


def runtime_python() -> str:
    """A Python whose venv holds the runtime dependencies only, with the project's
    sources on its path (scripts/runtime_venv.py, the venv `make demo` runs in)."""
    subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "runtime_venv.py"), str(RUNTIME_VENV)], check=True
    )
    return str(RUNTIME_VENV / "bin" / "python")


def _wall(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time_ms(runs: int, python: str = PYTHON) -> tuple[float, float]:
    """(ours, baseline) median milliseconds, interleaved.

    The project's own packages are byte-compiled first, as pip does for an installed
    package: an editable checkout under PYTHONDONTWRITEBYTECODE would otherwise compile
    every module from source on each run.
    """
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", "overlay", "generated", "sandbox"],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    ours = [python, "-c", "import eko_digilocker"]
    return _interleaved(ours, [python, "-c", "import httpx"], runs)


def cli_time_ms(runs: int, python: str = PYTHON) -> tuple[float, float]:
    """(`eko-digilocker --version`, `import httpx`) median milliseconds, interleaved."""
    cli = [python, "-c", "from eko_digilocker.cli import main; main(['--version'])"]
    return _interleaved(cli, [python, "-c", "import httpx"], runs)


def _interleaved(ours_cmd: list[str], base_cmd: list[str], runs: int) -> tuple[float, float]:
    ours, base = [], []
    for _ in range(runs):
        ours.append(_wall(ours_cmd, 1) * 1000)
        base.append(_wall(base_cmd, 1) * 1000)
    return statistics.median(ours), statistics.median(base)


def generate_time_s(runs: int) -> tuple[float, float]:
    """(make generate's script in --check mode, the bare generator) median seconds."""
    bin_dir = Path(PYTHON).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    ours = _wall([PYTHON, "scripts/generate.py", "--check"], runs, env)
    with tempfile.TemporaryDirectory() as tmp:
        bare = _wall(
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                "--path",
                "openapi/eko-digilocker.yaml",
                "--config",
                "openapi/generator-config.yaml",
                "--meta",
                "none",
                "--output-path",
                str(Path(tmp) / "out"),
                "--overwrite",
            ],
            runs,
            env,
        )
    return ours, bare
