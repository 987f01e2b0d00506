"""`--reject-replay`: a (developer_key, timestamp, signature) is accepted once within the
timestamp window, and the memory it takes is bounded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from tests.sandbox.helpers import CREATE, Api, FakeClock, create_body, signed_headers

WINDOW = 300.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture
def strict(clock: FakeClock) -> Iterator[Api]:
    config = SandboxConfig(
        reject_replay=True,
        max_replay_entries=3,
        timestamp_window_seconds=WINDOW,
        clock=clock,
        self_check=True,
    )
    with running_sandbox(config) as url:
        api = Api(url)
        try:
            yield api
            assert api.state()["internal_errors"] == 0
        finally:
            api.close()


def _headers(clock: FakeClock, offset_ms: int = 0) -> dict[str, str]:
    return signed_headers(timestamp_ms=int(clock.now * 1000) + offset_ms)


def test_a_replayed_signature_is_refused(strict: Api, clock: FakeClock) -> None:
    headers = _headers(clock)
    first = strict.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert first.json()["status"] == 0
    again = strict.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert again.status_code == 403
    assert "already used" in again.json()["message"]
    # the same headers on another operation are a replay too
    status = strict.request(
        "GET", "/tools/kyc/digilocker/status", signed=False, headers=headers,
        params={"initiator_id": "9962981729", "user_code": "20810200", "reference_id": 1},
    )  # fmt: skip
    assert status.status_code == 403
    fresh = strict.request(
        "POST", CREATE, signed=False, headers=_headers(clock, 1), json=create_body()
    )
    assert fresh.json()["status"] == 0


def test_a_refused_signature_is_not_remembered(strict: Api, clock: FakeClock) -> None:
    bad = {**_headers(clock), "secret-key": "AAAA"}
    for _ in range(5):
        response = strict.request("POST", CREATE, signed=False, headers=bad, json=create_body())
        assert "does not match" in response.json()["message"]


def test_the_memory_of_signatures_is_bounded_and_frees_itself(
    strict: Api, clock: FakeClock
) -> None:
    for offset in range(3):
        ok = strict.request(
            "POST", CREATE, signed=False, headers=_headers(clock, offset), json=create_body()
        )
        assert ok.json()["status"] == 0
    full = strict.request(
        "POST", CREATE, signed=False, headers=_headers(clock, 3), json=create_body()
    )
    assert full.status_code == 403
    assert "at most 3 signatures" in full.json()["message"]
    clock.advance(WINDOW + 1)  # the remembered timestamps leave the window
    later = strict.request(
        "POST", CREATE, signed=False, headers=_headers(clock), json=create_body()
    )
    assert later.json()["status"] == 0


def test_without_the_option_eko_s_scheme_accepts_a_repeat(api: Api) -> None:
    headers = signed_headers()
    for _ in range(2):
        response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
        assert response.json()["status"] == 0


def test_two_honest_clients_sharing_keys_are_refused_as_documented(
    strict: Api, clock: FakeClock
) -> None:
    """Issue 19, item 27: a limit of the option, not a bug to fix. Eko's signature covers
    only the timestamp, so two client instances with the same keys signing in the same
    millisecond send identical headers; the option's documentation must say so."""
    from eko_digilocker.signing import EkoAuth
    from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY
    from eko_digilocker_sandbox.server import build_parser

    same_millisecond = int(clock.now * 1000)
    answers = []
    for _ in range(2):  # two instances, one key pair, the same millisecond
        auth = EkoAuth(UAT_DEVELOPER_KEY, UAT_ACCESS_KEY, clock=lambda: same_millisecond)
        headers = {**auth.headers(), "content-type": "application/json"}
        answers.append(
            strict.request("POST", CREATE, signed=False, headers=headers, json=create_body())
        )
    assert answers[0].json()["status"] == 0
    assert answers[1].status_code == 403
    assert "already used" in answers[1].json()["message"]
    option = next(a for a in build_parser()._actions if a.dest == "reject_replay")
    assert "two clients sharing keys" in (option.help or "")
    docs = (Path(__file__).resolve().parents[2] / "docs" / "sandbox.md").read_text("utf-8")
    section = docs.split("### Replay protection (`--reject-replay`)", 1)[1].split("\n### ", 1)[0]
    assert "two client instances" in " ".join(section.split())
