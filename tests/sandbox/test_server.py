"""Starting and stopping the sandbox the way users do: `python -m eko_digilocker_sandbox`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from eko_digilocker_sandbox import main, running_sandbox
from eko_digilocker_sandbox.connections import SPARE_FILES
from tests.sandbox.helpers import CREATE, create_body, signed_headers, spec_errors

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def sandbox_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "eko_digilocker_sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first_line = proc.stdout.readline().strip()
        yield proc, first_line
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_first_line_of_stdout_is_the_base_url(stop: signal.Signals) -> None:
    with sandbox_process("--port", "0") as (proc, url):
        assert url.startswith("http://127.0.0.1:")
        port = int(url.rsplit(":", 1)[1])
        assert port > 0
        with httpx.Client(base_url=url, timeout=10, verify=False) as client:
            response = client.post(CREATE, json=create_body(), headers=signed_headers())
            assert response.status_code == 200
            assert not spec_errors(CREATE, "POST", response)
            assert response.json()["data"]["url"].startswith(f"{url}/consent/")
        proc.send_signal(stop)
        assert proc.wait(timeout=10) == 0
        _, stderr = proc.communicate(timeout=10)
        assert "Traceback" not in stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_sandbox/bare", timeout=2)


def test_options_reach_the_server() -> None:
    with sandbox_process(
        "--port", "0", "--credential", "local-dev:local-access", "--fault-5xx", "1",
        "--fault-timing", "before", "--max-body-bytes", "300",
    ) as (proc, url):  # fmt: skip
        with httpx.Client(base_url=url, timeout=10, verify=False) as client:
            faults = client.get("/_sandbox/faults").json()
            assert faults["http_5xx_probability"] == 1.0
            headers = signed_headers("local-dev", "local-access")
            assert client.post(CREATE, json=create_body(), headers=headers).status_code in (
                502,
                503,
            )
            client.delete("/_sandbox/faults")
            assert client.post(CREATE, json=create_body(), headers=headers).status_code == 200
            uat = client.post(CREATE, json=create_body(), headers=signed_headers())
            assert uat.status_code == 403
            big = client.post(CREATE, json=create_body(initiator_id="9" * 300), headers=headers)
            assert big.status_code == 413
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_a_port_in_use_is_reported() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with sandbox_process("--port", str(port)) as (proc, first_line):
            assert first_line == ""
            assert proc.wait(timeout=10) == 1
            _, stderr = proc.communicate(timeout=10)
            assert f"cannot listen on 127.0.0.1:{port}" in stderr


def test_bad_options_are_refused() -> None:
    with sandbox_process("--port", "0", "--credential", "no-colon") as (proc, first_line):
        assert first_line == ""
        assert proc.wait(timeout=10) == 2


def test_running_sandbox_stops_cleanly() -> None:
    with running_sandbox() as url:
        assert httpx.get(f"{url}/_sandbox/bare", timeout=5).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_sandbox/bare", timeout=2)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        # Before: "not a url" was told only that it needs "visible ASCII characters"
        (["--public-base-url", "not a url"], "is not an absolute http:// or https:// URL"),
        (["--public-base-url", "https://h\u00e9.example"], "visible ASCII"),
        (["--public-base-url", "ftp://host"], "public_base_url"),
        (["--public-base-url", "https://host/base?x=1"], "no query"),
        (["--public-base-url", "http://host:99999"], "port"),
        (["--port", "99999"], "--port"),
        (["--port", "-1"], "--port"),
        (["--session-ttl", "nan"], "--session-ttl"),
        (["--session-ttl", "0"], "--session-ttl"),
        (["--max-sessions", "0"], "--max-sessions"),
        (["--max-store-mb", "x"], "--max-store-mb"),
        (["--session-ttl", "100", "--session-retention", "50"], "session_retention"),
        (["--header-timeout", "-3"], "--header-timeout"),
        (["--max-connections", "0"], "--max-connections"),
        (["--max-header-bytes", "10"], "max_header_bytes"),
        (["--profile", "prod"], "--profile"),
    ],
)
def test_unusable_settings_are_refused_with_one_line(
    args: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--port", "0", *args])
    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("eko-digilocker sandbox: error: ")
    assert named in err


def test_port_99999_is_refused_without_a_traceback() -> None:
    with sandbox_process("--port", "99999") as (proc, first_line):
        assert first_line == ""
        assert proc.wait(timeout=10) == 2
        _, stderr = proc.communicate(timeout=10)
        assert "Traceback" not in stderr
        assert stderr.count("\n") == 1


def _under_ulimit(soft: int, hard: int, *args: str) -> subprocess.Popen[str]:
    command = " ".join([sys.executable, "-m", "eko_digilocker_sandbox", "--port", "0", *args])
    return subprocess.Popen(
        ["bash", "-c", f"ulimit -S -n {soft} && ulimit -H -n {hard} && exec {command}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_a_connection_cap_above_the_open_file_limit_is_refused_at_start() -> None:
    """Past the file limit accept() fails and the sandbox answers no one: refuse at start."""
    proc = _under_ulimit(200, 200, "--max-connections", "1000")
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert f"--max-connections 1000 needs {1000 + SPARE_FILES} open files" in err
    assert "ulimit -n" in err


def test_the_open_file_limit_is_raised_to_fit_the_connection_cap() -> None:
    proc = _under_ulimit(200, 4096, "--max-connections", "1000")
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert httpx.get(f"{url}/_sandbox/state", timeout=10).status_code == 200
        limits = Path(f"/proc/{proc.pid}/limits").read_text()
        soft = next(line for line in limits.splitlines() if line.startswith("Max open files"))
        assert soft.split()[3] == str(1000 + SPARE_FILES), soft
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_store_replay_and_profile_options_reach_the_server() -> None:
    with sandbox_process(
        "--port", "0", "--max-sessions", "2", "--reject-replay", "--profile", "legacy",
        "--public-base-url", "https://sandbox.example/base/",
    ) as (proc, url):  # fmt: skip
        with httpx.Client(base_url=url, timeout=10, verify=False) as client:
            assert client.get("/_sandbox/profile").json() == {"profile": "legacy"}
            answers = []
            for _ in range(3):
                response = client.post(CREATE, json=create_body(), headers=signed_headers())
                answers.append(response.json())
                time.sleep(0.002)  # a new millisecond: a new signature
            assert [a["status"] for a in answers] == [0, 0, 1]
            assert answers[0]["data"]["url"].startswith("https://sandbox.example/base/consent/")
            assert "--max-sessions" in answers[2]["message"]
            headers = signed_headers()
            assert client.post(CREATE, json=create_body(), headers=headers).status_code == 200
            assert client.post(CREATE, json=create_body(), headers=headers).status_code == 403
        proc.terminate()
        assert proc.wait(timeout=10) == 0
