"""Figure: `make demo` on a fresh clone, its set-up included, against creating an empty
venv (`python -m venv`, pip included): the floor of any set-up that installs into a venv.

The clone is the committed tree (`git archive HEAD`) in a temporary folder, run with the
system's python3 as a newcomer would; pip's cache is as warm as the machine's. The demo
installs the runtime dependencies only (scripts/runtime_venv.py), not the development
toolchain, so its target is absolute: at most 15 s.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 15.0


def _wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, capture_output=True)
    return time.perf_counter() - start


def demo_from_a_fresh_clone_s(runs: int) -> tuple[float, float]:
    """(`make demo` in a fresh copy of HEAD, `python -m venv`) median seconds, interleaved."""
    python = shutil.which("python3") or sys.executable
    archive = subprocess.run(
        ["git", "archive", "HEAD"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    ours, base = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="eko-demo-clone-") as tmp:
            clone = Path(tmp) / "clone"
            clone.mkdir()
            subprocess.run(["tar", "-x", "-C", str(clone)], input=archive, check=True)
            ours.append(_wall(["make", "-s", "demo", f"PYTHON={python}"], clone))
            base.append(_wall([python, "-m", "venv", str(Path(tmp) / "empty")], clone))
    return statistics.median(ours), statistics.median(base)
