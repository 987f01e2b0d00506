"""The same consent journey in every language, against a real sandbox process started as
users start it, in both profiles (the legacy one issuing ids from 3,000,000,001): create,
a forced 301, pending status, approval through the control surface, status, document.
Then once more against `future_eko`, a loopback server answering with a reference_id past
2^31 and unknown fields at every level (the sandbox sends none).

Every language with a runner file (tests/conformance/runners/*.json, protocol:
docs/conformance.md), built by its own `build`, prints its reading of every step
(`journey BASE_URL PROFILE`). The Python client then reads the same answers (the create again
with the same client_ref_id and body, which the server answers with the same session;
the runner's own session's status and document) and every value must be equal, field by
field. A recording forwarder between clients and server checks that every call carries
`content-type: application/json`, the GET status call included.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from eko_digilocker import (
    EkoApiError,
    EkoClient,
    EkoResponseError,
    EkoVerificationPendingError,
)

from .future_eko import future_eko
from .harness import load_runners
from .wire import Recorder, recording_forwarder

ROOT = Path(__file__).resolve().parents[2]
UAT = {
    "developer_key": "becbbce45f79c6f5109f848acd540567",
    "access_key": "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
}
INITIATOR = {"initiator_id": "9962981729", "user_code": "20810200"}
REDIRECT_URL = "https://yourapp.example/kyc/callback"
STEPS = ("create", "forced_301", "pending", "status", "document")

RUNNERS = load_runners(ROOT)


@pytest.fixture(scope="module")
def built() -> None:
    """Each runner file's build (each redone only when a source changed)."""
    for runner in RUNNERS:
        if runner.build:
            result = subprocess.run(
                runner.build, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
            )
            assert result.returncode == 0, (runner.language, result.stdout + result.stderr)


# The sandbox in each profile, the legacy one counting its ids from 3,000,000,001 (past
# 2^31); and future_eko, which also sends fields no client knows, at every level.
SERVERS = {
    "eps": ["--profile", "eps"],
    "legacy-3000000001": ["--profile", "legacy", "--first-reference-id", "3000000001"],
    "future": [],
}
PROFILE = {"eps": "eps", "legacy-3000000001": "legacy", "future": "eps"}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    """`eko-digilocker sandbox --port 0 ...`, as a user starts it; or future_eko."""
    if request.param == "future":
        with future_eko() as url:
            yield url
        return
    with sandbox_process(*SERVERS[request.param]) as (url, _):
        yield url


@contextmanager
def sandbox_process(*args: str) -> Iterator[tuple[str, Path]]:
    """The sandbox's URL (the first line it prints) and the file its log goes to."""
    command = [str(ROOT / ".venv/bin/eko-digilocker"), "sandbox", "--port", "0", *args]
    with tempfile.TemporaryDirectory(prefix="eko-journey-") as folder:
        log = Path(folder) / "sandbox.log"
        with log.open("w") as stderr:
            proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), log.read_text()
            yield url, log
        finally:
            proc.kill()
            proc.communicate(timeout=10)


@pytest.fixture
def wire(server: str) -> Iterator[Recorder]:
    with recording_forwarder(server) as recorder:
        yield recorder


def reading(call: Callable[[], Any]) -> dict[str, Any]:
    """What the Python client makes of one answer, in the corpus's outcome names."""
    try:
        model = call()
    except EkoApiError as error:
        if error.http_status != 200:
            return {"outcome": "http_error", "code": None, "message": error.message, "values": {}}
        pending = isinstance(error, EkoVerificationPendingError)
        return {
            "outcome": "pending" if pending else "business_error",
            "code": error.code,
            "message": error.message,
            "values": {},
        }
    except EkoResponseError as error:
        outcome = "http_error" if error.http_status not in (200, None) else "malformed"
        return {"outcome": outcome, "code": None, "message": str(error), "values": {}}
    return {"outcome": "success", "code": None, "values": model.to_dict()}


def python_client(url: str) -> EkoClient:
    return EkoClient(**UAT, **INITIATOR, base_url=url, max_retries=0, timeout=30)


def run(language: str, url: str, profile: str) -> dict[str, Any]:
    """A runner's journey lines as one mapping of steps, with the ids they carry."""
    runner = next(r for r in RUNNERS if r.language == language)
    result = subprocess.run(
        [*runner.run, "journey", url, profile],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    steps: dict[str, Any] = {}
    for line in result.stdout.splitlines():
        step = json.loads(line)
        steps[step["name"]] = step
    assert sorted(steps) == sorted((*STEPS, "approve")), result.stdout
    steps["create_client_ref_id"] = steps["create"]["client_ref_id"]
    steps["reference_id"] = steps["approve"]["values"]["reference_id"]
    steps["verification_id"] = steps["approve"]["values"]["verification_id"]
    return steps


def python_rereading(url: str, steps: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The Python client's reading of the answers a runner got: the same create (same
    client_ref_id and body: the same session), the forced 301, the pending status of a
    fresh session (the runner's own is approved by now), and the runner's session's
    status and document."""
    reference_id, verification_id = steps["reference_id"], steps["verification_id"]
    with python_client(url) as eko:
        fresh = eko.create_digilocker_url(REDIRECT_URL, ["AADHAAR"], f"{prefix}-fresh")
        return {
            "create": reading(
                lambda: eko.create_digilocker_url(
                    REDIRECT_URL, ["AADHAAR"], steps["create_client_ref_id"]
                )
            ),
            "forced_301": reading(
                lambda: eko.create_digilocker_url(REDIRECT_URL, ["AADHAAR"], "SCENARIO-301")
            ),
            "pending": reading(lambda: eko.get_verification_status(fresh.reference_id)),
            "status": reading(lambda: eko.get_verification_status(reference_id)),
            "document": reading(
                lambda: eko.get_document(reference_id, verification_id, ["AADHAAR"])
            ),
        }


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize("language", [runner.language for runner in RUNNERS])
def test_every_language_reads_the_journey_as_python_does(
    language: str, server: str, wire: Recorder, request: pytest.FixtureRequest
) -> None:
    kind = request.node.callspec.params["server"]
    prefix = f"{language[:2].upper()}{os.getpid() % 10000}"
    steps = run(language, wire.url, PROFILE[kind])
    assert [steps[step]["outcome"] for step in STEPS] == [
        "success",
        "business_error",
        "pending",
        "success",
        "success",
    ], steps
    assert steps["forced_301"]["code"] == 301

    api_calls = [seen for seen in wire.seen if seen.path.startswith("/tools/")]
    assert len(api_calls) == 5, [(seen.method, seen.path) for seen in wire.seen]
    for seen in api_calls:
        assert seen.values("content-type") == ["application/json"], (seen.method, seen.path)

    expected = python_rereading(wire.url, steps, prefix)
    for step in STEPS:
        got, want = steps[step], expected[step]
        assert (got["outcome"], got["code"]) == (want["outcome"], want["code"]), step
        if "message" in want:
            assert got["message"] == want["message"], step
        assert got["values"] == want["values"], step

    if kind != "eps":
        assert steps["reference_id"] >= 3_000_000_001 > 2**31
    if kind == "future":
        assert_future_fields_kept(steps)


def assert_future_fields_kept(steps: dict[str, Any]) -> None:
    """The fields future_eko adds, at every level, are in the client's reading."""
    created = steps["create"]["values"]
    assert created["reference_id"] >= 2**31
    assert created["extra"] == {"nested": True, "list": [{"deep": "x"}]}
    status = steps["status"]["values"]
    assert status["user_details"]["pan"] == "XXXXX1234X"
    assert status["consented_at"] == {"epoch_ms": 1893456000000, "zone": "IST"}
    document = steps["document"]["values"]["documents"][0]
    assert document["qr_signature"] == "c2ln"
    assert document["address"]["geo"] == {"lat": 1.5}


@pytest.mark.usefixtures("built")
def test_java_offers_h2c_and_the_sandbox_answers_over_http1_quietly() -> None:
    """Java's HttpClient offers `Upgrade: h2c` on every plain-HTTP request. Straight to a
    sandbox process (no forwarder), the sandbox declines it by answering over HTTP/1.1,
    the journey goes through, and its log stays free of uvicorn's per-request warnings
    (one of which told the user to install a WebSocket library)."""
    with sandbox_process() as (url, log):
        steps = run("java", url, "eps")
        assert [steps[step]["outcome"] for step in STEPS] == [
            "success",
            "business_error",
            "pending",
            "success",
            "success",
        ], steps
        assert "upgrade" not in log.read_text().lower(), log.read_text()
