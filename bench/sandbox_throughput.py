"""Signed create calls per second against the sandbox, as a ratio to a bare endpoint.

The sandbox runs as its own process (`python -m eko_digilocker_sandbox --port 0`), the
way users start it. The load generator is a small asyncio HTTP/1.1 client on raw
keep-alive sockets, cheap enough that the server, not the generator, is the bottleneck.
Each round measures the bare endpoint (`GET /_sandbox/bare`: same Starlette + uvicorn
stack, constant body) and signed `POST /tools/kyc/digilocker` calls (each a new session
with its own `client_ref_id`) back to back, alternating which goes first; the figures
are medians over the rounds. Target: create/bare >= 0.6.

`measure_full_store` compares signed creates/s against a sandbox holding 100,000 live
sessions with the same against an empty one: two sandbox processes run side by side,
rounds alternate between them, the empty one is reset before each of its rounds.
Target: full/empty >= 0.9.

    .venv/bin/python bench/sandbox_throughput.py [--rounds 5] [--requests 2000] [--full]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eko_digilocker.signing import sign_secret_key
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY

TARGET_RATIO = 0.6
CONNECTIONS = 8
ROUND_TIMEOUT_SECONDS = 60.0
OK = b'"status":0'  # every answer of both endpoints must be a success envelope
ROOT = Path(__file__).resolve().parent.parent


TARGET_FULL_RATIO = 0.9
LIVE_SESSIONS = 100_000


@dataclass(frozen=True)
class Child:
    """A sandbox child process: where it listens, and its CPU time so far."""

    host: str
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process (Linux /proc; 0.0 where there is none)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def sandbox_child(*options: str) -> Iterator[Child]:
    """The sandbox as a child process, started with `options`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "eko_digilocker_sandbox", "--port", "0", *options],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://"):
            raise RuntimeError(f"the sandbox did not print its URL (got {url!r})")
        host, port = url.removeprefix("http://").rsplit(":", 1)
        yield Child(host, int(port), proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def sandbox_process(*options: str) -> Iterator[tuple[str, int]]:
    """The sandbox as a child process; yields (host, port)."""
    with sandbox_child(*options) as child:
        yield child.host, child.port


def bare_request(host: str, port: int) -> Callable[[int], bytes]:
    raw = f"GET /_sandbox/bare HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    return lambda _i: raw


def create_request(host: str, port: int, tag: str) -> Callable[[int], bytes]:
    head = f"POST /tools/kyc/digilocker HTTP/1.1\r\nHost: {host}:{port}\r\n"

    def build(i: int) -> bytes:
        body = json.dumps(
            {
                "initiator_id": "9962981729",
                "user_code": "20810200",
                "client_ref_id": f"{tag}-{i}",
                "document_requested": ["AADHAAR"],
                "redirect_url": "https://yourapp.com/kyc/callback",
            },
            separators=(",", ":"),
        ).encode()
        timestamp = str(time.time_ns() // 1_000_000)
        headers = (
            f"{head}content-type: application/json\r\ncontent-length: {len(body)}\r\n"
            f"developer_key: {UAT_DEVELOPER_KEY}\r\n"
            f"secret-key: {sign_secret_key(UAT_ACCESS_KEY, timestamp)}\r\n"
            f"secret-key-timestamp: {timestamp}\r\n\r\n"
        )
        return headers.encode() + body

    return build


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _load(
    host: str, port: int, build: Callable[[int], bytes], total: int, expect: bytes
) -> float:
    """Send `total` requests over CONNECTIONS keep-alive sockets; return requests per second."""
    requests = [build(i) for i in range(total)]  # built before the clock starts
    connections = [await asyncio.open_connection(host, port) for _ in range(CONNECTIONS)]
    next_index = 0
    failures: list[str] = []

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal next_index
        while next_index < total:
            request = requests[next_index]
            next_index += 1
            writer.write(request)
            status, body = await _read_answer(reader)
            if status != 200 or expect not in body:
                failures.append(f"{status} {body[:200]!r}")

    started = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(*(worker(r, w) for r, w in connections)), ROUND_TIMEOUT_SECONDS
    )
    elapsed = time.perf_counter() - started
    for _, writer in connections:
        writer.close()
    if failures:
        raise RuntimeError(f"{len(failures)} unexpected answers, first: {failures[0]}")
    return total / elapsed


async def _reset(host: str, port: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"POST /_sandbox/reset HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    status, _ = await _read_answer(reader)
    writer.close()
    if status != 200:
        raise RuntimeError(f"reset answered {status}")


async def _measure(host: str, port: int, rounds: int, requests_per_round: int) -> dict[str, Any]:
    bare = bare_request(host, port)
    per_round: list[dict[str, float]] = []
    # warm-up: first requests pay for imports, compiled validators and connection set-up
    warm_up = min(200, requests_per_round)
    await _load(host, port, bare, warm_up, OK)
    await _load(host, port, create_request(host, port, "W"), warm_up, OK)
    for r in range(rounds):
        await _reset(host, port)
        create = create_request(host, port, f"B{r}")
        if r % 2 == 0:
            bare_rps = await _load(host, port, bare, requests_per_round, OK)
            create_rps = await _load(host, port, create, requests_per_round, OK)
        else:
            create_rps = await _load(host, port, create, requests_per_round, OK)
            bare_rps = await _load(host, port, bare, requests_per_round, OK)
        ratio = create_rps / bare_rps
        per_round.append({"bare_rps": bare_rps, "create_rps": create_rps, "ratio": ratio})
    bare_median = statistics.median(x["bare_rps"] for x in per_round)
    create_median = statistics.median(x["create_rps"] for x in per_round)
    return {
        "rounds": rounds,
        "requests_per_round": requests_per_round,
        "connections": CONNECTIONS,
        "bare_rps": bare_median,
        "create_rps": create_median,
        "ratio": statistics.median(x["ratio"] for x in per_round),
        "ratio_of_medians": create_median / bare_median,
        "target_ratio": TARGET_RATIO,
        "per_round": per_round,
    }


async def _fill(host: str, port: int, sessions: int) -> float:
    """Create `sessions` sessions (in batches, so the prebuilt requests stay small);
    return the seconds it took."""
    started = time.perf_counter()
    batch = 10_000
    for first in range(0, sessions, batch):
        build = create_request(host, port, f"F{first}")
        await _load(host, port, build, min(batch, sessions - first), OK)
    return time.perf_counter() - started


async def _count(host: str, port: int) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /_sandbox/state HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    _, body = await _read_answer(reader)
    writer.close()
    sessions: int = json.loads(body)["sessions"]
    return sessions


async def _timed_load(child: Child, tag: str, total: int) -> tuple[float, float]:
    """(requests per second, CPU seconds the sandbox spent) for `total` creates."""
    build = create_request(child.host, child.port, tag)
    cpu_before = child.cpu_seconds()
    rps = await _load(child.host, child.port, build, total, OK)
    return rps, child.cpu_seconds() - cpu_before


async def _measure_full(
    empty: Child, full: Child, rounds: int, requests_per_round: int, live_sessions: int
) -> dict[str, Any]:
    fill_seconds = await _fill(full.host, full.port, live_sessions)
    warm_up = min(200, requests_per_round)
    await _load(empty.host, empty.port, create_request(empty.host, empty.port, "W"), warm_up, OK)
    per_round: list[dict[str, float]] = []
    cpu = {"empty": 0.0, "full": 0.0}
    for r in range(rounds):
        await _reset(empty.host, empty.port)
        if r % 2 == 0:
            empty_rps, empty_cpu = await _timed_load(empty, f"E{r}", requests_per_round)
            full_rps, full_cpu = await _timed_load(full, f"M{r}", requests_per_round)
        else:
            full_rps, full_cpu = await _timed_load(full, f"M{r}", requests_per_round)
            empty_rps, empty_cpu = await _timed_load(empty, f"E{r}", requests_per_round)
        cpu["empty"] += empty_cpu
        cpu["full"] += full_cpu
        per_round.append(
            {"empty_rps": empty_rps, "full_rps": full_rps, "ratio": full_rps / empty_rps}
        )
    held = await _count(full.host, full.port)
    if held < live_sessions:
        raise RuntimeError(f"the full sandbox holds {held} sessions, not {live_sessions}")
    total = rounds * requests_per_round
    return {
        "rounds": rounds,
        "requests_per_round": requests_per_round,
        "live_sessions": live_sessions,
        "held_at_end": held,
        "fill_seconds": fill_seconds,
        "empty_rps": statistics.median(x["empty_rps"] for x in per_round),
        "full_rps": statistics.median(x["full_rps"] for x in per_round),
        "ratio": statistics.median(x["ratio"] for x in per_round),
        # the sandbox's own CPU time per create: what the store costs, whatever else
        # runs on the machine (wall-clock rates also move with other processes' load)
        "empty_cpu_us": cpu["empty"] / total * 1e6,
        "full_cpu_us": cpu["full"] / total * 1e6,
        "target_ratio": TARGET_FULL_RATIO,
        "per_round": per_round,
    }


def measure_full_store(
    rounds: int, requests_per_round: int, live_sessions: int = LIVE_SESSIONS
) -> dict[str, Any]:
    """Creates/s with `live_sessions` live sessions vs an empty store, in the same run."""
    if rounds < 1 or requests_per_round < 1 or live_sessions < 1:
        raise ValueError("rounds, requests_per_round and live_sessions must be positive")
    room = [
        "--max-sessions",
        str(live_sessions + 2 * rounds * requests_per_round + 10_000),
        "--max-store-mb",
        "2048",
    ]
    with sandbox_child(*room) as empty, sandbox_child(*room) as full:
        return asyncio.run(_measure_full(empty, full, rounds, requests_per_round, live_sessions))


def measure(rounds: int, requests_per_round: int) -> dict[str, Any]:
    """Start a sandbox process, run the interleaved rounds, stop it; return the figures."""
    if rounds < 1 or requests_per_round < 1:
        raise ValueError("rounds and requests_per_round must be positive")
    with sandbox_process() as (host, port):
        return asyncio.run(_measure(host, port, rounds, requests_per_round))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000, help="requests per round and kind")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--full",
        action="store_true",
        help=f"creates/s with {LIVE_SESSIONS} live sessions vs an empty store instead",
    )
    args = parser.parse_args(argv)
    if args.full:
        full = measure_full_store(args.rounds, args.requests)
        print(json.dumps(full, indent=2) if args.json else _full_summary(full))
        return 0
    figures = measure(args.rounds, args.requests)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for i, x in enumerate(figures["per_round"], 1):
            print(
                f"round {i}: bare {x['bare_rps']:8.0f} req/s  create {x['create_rps']:8.0f} req/s"
                f"  ratio {x['ratio']:.2f}"
            )
        verdict = "meets" if figures["ratio"] >= TARGET_RATIO else "MISSES"
        print(
            f"median: bare {figures['bare_rps']:.0f} req/s, signed create "
            f"{figures['create_rps']:.0f} req/s, ratio {figures['ratio']:.2f} "
            f"({verdict} the target {TARGET_RATIO})"
        )
    return 0


def _full_summary(figures: dict[str, Any]) -> str:
    verdict = "meets" if figures["ratio"] >= TARGET_FULL_RATIO else "MISSES"
    return (
        f"filled {figures['live_sessions']} sessions in {figures['fill_seconds']:.0f} s; "
        f"median creates/s: empty store {figures['empty_rps']:.0f}, with "
        f"{figures['live_sessions']} live sessions {figures['full_rps']:.0f}, ratio "
        f"{figures['ratio']:.2f} ({verdict} the target {TARGET_FULL_RATIO}); sandbox CPU per "
        f"create: empty {figures['empty_cpu_us']:.0f} us, full {figures['full_cpu_us']:.0f} us"
    )


if __name__ == "__main__":
    raise SystemExit(main())
