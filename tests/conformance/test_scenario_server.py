"""The scenario server plays each step as written, on a real socket, and records what
it receives."""

from __future__ import annotations

import email.utils
import json
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .scenario_server import ScenarioServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server() -> Iterator[ScenarioServer]:
    with ScenarioServer() as running:
        yield running


def one(server: ScenarioServer, *steps: dict[str, Any]) -> tuple[str, str]:
    """A case of these steps: its base URL and id."""
    (case,) = server.load([{"name": "t", "server": list(steps)}], f"t{time.monotonic_ns()}")
    return case["base_url"], case["id"]


def test_steps_are_played_in_order_and_requests_recorded(server: ScenarioServer) -> None:
    url, case_id = one(
        server,
        {"status": 503, "headers": {"retry-after": "0"}, "text": "busy"},
        {"json": {"status": 0}},
    )
    with httpx.Client() as client:
        first = client.post(f"{url}/tools/kyc/digilocker?x=1", content=b'{"a": 1}')
        second = client.post(f"{url}/tools/kyc/digilocker", content=b'{"a": 1}')
        third = client.get(f"{url}/tools/kyc/digilocker/status")
    assert (first.status_code, first.headers["retry-after"], first.text) == (503, "0", "busy")
    assert (second.status_code, second.json()) == (200, {"status": 0})
    assert third.status_code == 500  # past the last step
    seen = server.requests(case_id)
    assert [(s.method, s.path, s.body) for s in seen] == [
        ("POST", "/tools/kyc/digilocker?x=1", b'{"a": 1}'),
        ("POST", "/tools/kyc/digilocker", b'{"a": 1}'),
        ("GET", "/tools/kyc/digilocker/status", b""),
    ]
    assert seen[0].at <= seen[1].at <= time.time()
    assert server.problems(case_id) == [
        "request 3 (GET /tools/kyc/digilocker/status) came after the last of 2 steps"
    ]


def test_a_gzip_bomb_inflates_to_its_size(server: ScenarioServer) -> None:
    url, _ = one(server, {"gzip_bomb": 10_000_000})
    with httpx.Client() as client, client.stream("GET", url + "/") as answer:
        raw = b"".join(answer.iter_raw())
    assert answer.headers["content-encoding"] == "gzip"
    assert len(raw) < 100_000
    assert zlib.decompress(raw, zlib.MAX_WBITS | 16) == bytes(10_000_000)


def test_gzip_padding_and_placeholders(server: ScenarioServer) -> None:
    url, case_id = one(
        server,
        {
            "status": 302,
            "json": {"status": 0},
            "pad_to": 100,
            "gzip": True,
            "retry_after_date_s": 30,
            "headers": {"location": "{other_host}/x"},
        },
    )
    with httpx.Client() as client:
        answer = client.get(url + "/")
    assert answer.status_code == 302
    assert answer.headers["content-encoding"] == "gzip"
    assert len(answer.content) == 100
    assert answer.json() == {"status": 0}
    assert answer.headers["location"] == f"http://localhost:{server.port}/{case_id}/x"
    when = email.utils.parsedate_to_datetime(answer.headers["retry-after"]).timestamp()
    assert 28 < when - time.time() <= 31


def raw_exchange(url: str, timeout: float) -> tuple[bytes, float]:
    """What a bare socket receives for one GET, until close or `timeout`; and when."""
    port, path = int(url.split(":")[2].split("/")[0]), "/" + url.split("/", 3)[3]
    started = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path}/ HTTP/1.1\r\nhost: x\r\n\r\n".encode())
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received, time.monotonic() - started


def test_closes_hangs_drips_and_lying_lengths(server: ScenarioServer) -> None:
    url, _ = one(server, {"close": "before_answer"})
    assert raw_exchange(url, 5)[0] == b""

    url, _ = one(server, {"text": "0123456789", "close": "mid_body"})
    received, _ = raw_exchange(url, 5)
    assert received.startswith(b"HTTP/1.1 200 OK")
    assert received.endswith(b"\r\n\r\n01234")
    assert b"content-length: 10" in received

    url, _ = one(server, {"hang": True})
    received, waited = raw_exchange(url, 0.7)
    assert received == b""
    assert waited >= 0.6

    url, _ = one(server, {"text": "abcd", "drip_ms": 150})
    received, waited = raw_exchange(url, 5)
    assert received.endswith(b"abcd")
    assert waited >= 0.45

    url, _ = one(server, {"text": "abc", "headers": {"content-length": "50"}, "close": "mid_body"})
    received, _ = raw_exchange(url, 5)
    assert b"content-length: 50" in received
    assert received.endswith(b"\r\n\r\na")

    url, _ = one(server, {"text": "late", "delay_ms": 400})
    received, waited = raw_exchange(url, 0.2)
    assert received == b""
    assert waited < 0.4


def test_standalone_prints_its_port_and_the_filled_corpus(tmp_path: Path) -> None:
    corpus = {"keys": {}, "cases": [{"name": "only", "server": [{"json": {"status": 0}}]}]}
    (tmp_path / "in.json").write_text(json.dumps(corpus))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.conformance.scenario_server",
            "--corpus",
            str(tmp_path / "in.json"),
            "--out",
            str(tmp_path / "out.json"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().split()[1])
        (case,) = json.loads((tmp_path / "out.json").read_text())["cases"]
        assert case["base_url"] == f"http://127.0.0.1:{port}/{case['id']}"
        assert httpx.post(case["base_url"] + "/tools/kyc/digilocker", content=b"{}").json() == {
            "status": 0
        }
        report = httpx.get(f"http://127.0.0.1:{port}/_scenario/{case['id']}/requests").json()
        assert [r["path"] for r in report["requests"]] == ["/tools/kyc/digilocker"]
        assert report["problems"] == []
    finally:
        proc.kill()
        proc.communicate(timeout=10)


def test_a_client_that_waits_for_100_continue_is_answered(server: ScenarioServer) -> None:
    url, case_id = one(server, {"json": {"status": 0}})
    port, path = int(url.split(":")[2].split("/")[0]), "/" + url.split("/", 3)[3]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        head = (
            f"POST {path}/x HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n"
            "expect: 100-continue\r\n\r\n"
        )
        sock.sendall(head.encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"{}")
        assert sock.recv(1000).startswith(b"HTTP/1.1 200 OK")
    assert [seen.body for seen in server.requests(case_id)] == [b"{}"]
