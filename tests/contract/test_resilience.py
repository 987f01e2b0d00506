"""Through the sandbox's fault injection (5xx, dropped connections, latency, before and
after the work is done), N creates with distinct client_ref_ids make exactly N sessions."""

from __future__ import annotations

import httpx

from eko_digilocker import EkoClient, RetryPolicy
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT

CREATES = 40
FAULTS = {
    "http_5xx_probability": 0.2,
    "drop_probability": 0.2,
    "latency_probability": 0.3,
    "latency_ms": 5,
    "timing": "either",
    "seed": 20261127,
}


def test_no_session_lost_or_duplicated_under_faults(sandbox: str) -> None:
    httpx.put(f"{sandbox}/_sandbox/faults", json=FAULTS, timeout=10).raise_for_status()
    with EkoClient(
        **UAT_TEST_ACCOUNT,
        base_url=sandbox,
        max_retries=10,
    ) as eko:
        eko.retry_policy = RetryPolicy(max_retries=10, initial_delay=0.001, max_delay=0.01)
        created = {
            f"RES-{n:04d}": eko.create_digilocker_url(
                "https://yourapp.example/cb", client_ref_id=f"RES-{n:04d}"
            ).reference_id
            for n in range(CREATES)
        }
    state = httpx.get(f"{sandbox}/_sandbox/state", timeout=10).json()
    sessions = httpx.get(f"{sandbox}/_sandbox/sessions", timeout=10).json()["sessions"]

    # The faults really struck: every one of them cost the client another attempt.
    assert state["api_requests"] > CREATES * 1.3, state
    assert len(sessions) == CREATES
    assert {s["client_ref_id"]: s["reference_id"] for s in sessions} == created
    assert len(set(created.values())) == CREATES
