"""Figure 5: cold start and generation time, as whole commands.

`python -c "import eko_digilocker"` against `python -c "import httpx"` (the transport it
is built on, the floor of any httpx-based client); `make generate`'s script against the
bare openapi-python-client run it wraps. Median wall time over several runs each.
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


def _wall(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time_ms(runs: int) -> tuple[float, float]:
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
    ours, base = [], []
    for _ in range(runs):
        ours.append(_wall([PYTHON, "-c", "import eko_digilocker"], 1) * 1000)
        base.append(_wall([PYTHON, "-c", "import httpx"], 1) * 1000)
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
