"""Figure 4b: many concurrent creates through AsyncEkoClient against the sandbox.

Ours: `AsyncEkoClient.create_digilocker_url` (sign, validate, read the envelope) for
every call. Baseline: raw `httpx.AsyncClient.post` of the same request, pre-signed, with
the same connection limits. Both launch every call at once (`asyncio.gather`) against
one sandbox process over loopback; every call must succeed. AsyncEkoClient holds calls
beyond the pool size outside httpcore's pool, whose queue grows costly when long.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

import httpx

from bench.sandbox_throughput import sandbox_process
from eko_digilocker import AsyncEkoClient
from eko_digilocker.signing import EkoAuth
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY, UAT_TEST_ACCOUNT

LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=8)
REDIRECT_URL = "https://yourapp.example/kyc/callback"


@dataclass(frozen=True)
class Throughput:
    calls: int
    ours_per_s: float
    baseline_per_s: float
    ratio: float
    all_succeeded: bool


async def _ours(base_url: str, calls: int) -> tuple[float, int]:
    async with AsyncEkoClient(
        **UAT_TEST_ACCOUNT,
        base_url=base_url,
        timeout=60,
        httpx_args={"limits": LIMITS},
    ) as eko:
        start = time.perf_counter()
        sessions = await asyncio.gather(
            *(eko.create_digilocker_url(REDIRECT_URL) for _ in range(calls))
        )
        elapsed = time.perf_counter() - start
    return elapsed, len({s.reference_id for s in sessions})


async def _baseline(base_url: str, calls: int) -> tuple[float, int]:
    headers = {
        **EkoAuth(UAT_DEVELOPER_KEY, UAT_ACCESS_KEY).headers(),
        "content-type": "application/json",
    }
    body = json.dumps(
        {
            "initiator_id": UAT_TEST_ACCOUNT["initiator_id"],
            "user_code": UAT_TEST_ACCOUNT["user_code"],
            "document_requested": ["AADHAAR"],
            "redirect_url": REDIRECT_URL,
        }
    ).encode()
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=LIMITS) as raw:
        start = time.perf_counter()
        answers = await asyncio.gather(
            *(
                raw.post("/tools/kyc/digilocker", content=body, headers=headers)
                for _ in range(calls)
            )
        )
        elapsed = time.perf_counter() - start
    return elapsed, len(
        {a.json()["data"]["reference_id"] for a in answers if a.json()["status"] == 0}
    )


def concurrent_creates(calls: int, rounds: int) -> Throughput:
    ours_times: list[float] = []
    base_times: list[float] = []
    ok = True
    with sandbox_process() as (host, port):
        base_url = f"http://{host}:{port}"
        for index in range(rounds):
            order = (_ours, _baseline) if index % 2 == 0 else (_baseline, _ours)
            for fn in order:
                httpx.post(f"{base_url}/_sandbox/reset", timeout=10).raise_for_status()
                elapsed, unique = asyncio.run(fn(base_url, calls))
                ok = ok and unique == calls
                (ours_times if fn is _ours else base_times).append(elapsed)
    ours_rate = calls / sorted(ours_times)[len(ours_times) // 2]
    base_rate = calls / sorted(base_times)[len(base_times) // 2]
    return Throughput(calls, ours_rate, base_rate, ours_rate / base_rate, ok)
