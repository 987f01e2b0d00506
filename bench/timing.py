"""Paired, interleaved timing: each round times ours and the baseline back to back, so
slow drift on a noisy machine hits both; the figure is the median over rounds. Times are
this process's CPU time, so time spent descheduled by other work does not count."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    ours_us: float
    baseline_us: float
    ratio: float


def compare(
    ours: Callable[[], object],
    baseline: Callable[[], object],
    *,
    rounds: int,
    calls: int,
    warmup: int = 200,
) -> Comparison:
    """Median per-call microseconds of each, and the median of the per-round ratios."""
    for _ in range(warmup):
        ours()
        baseline()
    ours_times: list[float] = []
    base_times: list[float] = []
    ratios: list[float] = []
    gc.collect()
    for index in range(rounds):
        # Alternate who goes first, so neither always runs on a warmer cache.
        pair = (ours, baseline) if index % 2 == 0 else (baseline, ours)
        measured = {}
        for fn in pair:
            start = time.process_time_ns()
            for _ in range(calls):
                fn()
            measured[fn] = (time.process_time_ns() - start) / calls / 1000
        ours_times.append(measured[ours])
        base_times.append(measured[baseline])
        ratios.append(measured[ours] / measured[baseline])
    return Comparison(
        statistics.median(ours_times), statistics.median(base_times), statistics.median(ratios)
    )


def per_call_us(fn: Callable[[], object], *, rounds: int, calls: int) -> float:
    """Median microseconds per call over `rounds` rounds."""
    for _ in range(min(calls, 1000)):
        fn()
    times = []
    for _ in range(rounds):
        start = time.process_time_ns()
        for _ in range(calls):
            fn()
        times.append((time.process_time_ns() - start) / calls / 1000)
    return statistics.median(times)
