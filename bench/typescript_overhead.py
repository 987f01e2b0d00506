"""What the TypeScript SDK costs per call: EkoClient.createDigilockerUrl against an
honest floor (a bare openapi-fetch POST signed inside a custom fetch, its envelope
parsed), both on one in-process mock fetch, interleaved round by round in one Node
process (bench/typescript/client_overhead.ts, compiled by `make ts-build`)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "build" / "typescript" / "bench" / "typescript" / "client_overhead.js"
TARGET = 1.25


@dataclass(frozen=True)
class Overhead:
    ours_us: float
    floor_us: float
    ratio: float
    unsigned_us: float


def overhead(rounds: int, calls: int) -> Overhead:
    if not SCRIPT.is_file():  # `make bench` builds it first; a bare `python -m bench.run` may not
        subprocess.run(["make", "-s", "ts-build"], cwd=ROOT, check=True, timeout=600)
    done = subprocess.run(
        ["node", str(SCRIPT), str(rounds), str(calls)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
        cwd=ROOT,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Overhead(**figures)
