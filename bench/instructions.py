"""Figure 1, counted instead of timed: CPU instructions per call under callgrind.

Timings on a shared 2-core machine drift by 10-30%; instruction counts do not (the same
binary and input give the same count). Each side runs in its own process, once with no
timed calls and once with N, so start-up and warm-up cancel out:
(count(N) - count(0)) / N. This misses what instructions cannot show (cache misses,
allocation), which is why the timed figure is reported too.

    python -m bench.instructions ours 200     # the worker valgrind runs
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 50


@dataclass(frozen=True)
class Counted:
    ours: float
    baseline: float
    ratio: float


def available() -> bool:
    return shutil.which("valgrind") is not None


def _command(side: str, calls: int) -> list[str]:
    return [sys.executable, "-m", "bench.instructions", side, str(calls)]


def _count(side: str, calls: int) -> int:
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *_command(side, calls)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count: {result.stderr[-500:]}")
    return int(found.group(1))


def client_overhead(calls: int, baseline_side: str = "baseline") -> Counted:
    """Ours against `baseline_side`: "baseline" (raw httpx.Client.post) or "floor" (a
    signed, prebuilt request through Client.send plus json.loads)."""
    none = _count("none", 0)
    ours = (_count("ours", calls) - none) / calls
    baseline = (_count(baseline_side, calls) - none) / calls
    return Counted(ours, baseline, ours / baseline)


def smoke() -> None:
    """Run the worker once without valgrind, so it cannot rot unnoticed."""
    for side in ("ours", "baseline", "floor"):
        subprocess.run(_command(side, 5), cwd=ROOT, check=True, capture_output=True)


def _work(side: str, calls: int) -> None:
    import httpx

    from bench.client_overhead import (
        BASE_URL,
        CREDENTIALS,
        REDIRECT_URL,
        REQUEST_BODY,
        answer,
        floor_request,
        presigned_headers,
    )
    from eko_digilocker import EkoClient

    transport = httpx.MockTransport(answer)
    eko = EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": transport})
    raw = httpx.Client(base_url=BASE_URL, transport=transport)
    headers = presigned_headers()
    request = floor_request(raw)

    def ours() -> object:
        return eko.create_digilocker_url(REDIRECT_URL)

    def baseline() -> object:
        return raw.post("/tools/kyc/digilocker", content=REQUEST_BODY, headers=headers).json()

    def floor() -> object:
        return json.loads(raw.send(request).content)

    for _ in range(WARMUP):
        ours()
        baseline()
        floor()
    timed = {"ours": ours, "baseline": baseline, "floor": floor}.get(side)
    for _ in range(calls if timed else 0):
        timed()


if __name__ == "__main__":
    _work(sys.argv[1], int(sys.argv[2]))
