"""Real processes on loopback for the recorder tests: the proxy and the sandbox as users
start them (`eko-digilocker proxy|sandbox ...`), and a tiny upstream that answers
whatever a test scripts, to play a server that breaks the spec or Eko's rules."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Process:
    proc: subprocess.Popen[str]
    url: str
    stderr: str = ""

    def stop(self) -> str:
        """Stop it (SIGTERM), check it stopped cleanly, and return its stderr."""
        if self.proc.poll() is None:
            self.proc.terminate()
        _, self.stderr = self.proc.communicate(timeout=15)
        return self.stderr

    def violations(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("violation: ")]


@contextmanager
def cli_process(*args: str, max_file_bytes: int | None = None) -> Iterator[Process]:
    """`eko-digilocker ARGS...` as a process; its first stdout line is its URL.
    `max_file_bytes` caps the size of any file it writes (RLIMIT_FSIZE): a full disk."""

    def limit_files() -> None:
        if max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    proc = subprocess.Popen(
        [sys.executable, "-m", "eko_digilocker.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=limit_files,
    )
    assert proc.stdout is not None
    running = Process(proc, proc.stdout.readline().strip())
    try:
        assert running.url.startswith("http://127.0.0.1:"), running.url
        yield running
    finally:
        running.stop()


def proxy(upstream: str, *args: str, max_file_bytes: int | None = None) -> Any:
    return cli_process(
        "proxy", "--upstream", upstream, "--port", "0", *args, max_file_bytes=max_file_bytes
    )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`eko-digilocker ARGS...` that is expected to stop by itself (argument errors)."""
    return subprocess.run(
        [sys.executable, "-m", "eko_digilocker.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
    )


@dataclass
class Scripted:
    """One scripted answer: HTTP status, body, content type, and a delay before it."""

    body: Any
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


@dataclass
class ScriptedUpstream:
    """A loopback HTTP server answering each path with its scripted answers in order
    (the last one again once they run out); it records the requests it got."""

    url: str
    script: dict[str, list[Scripted]]
    received: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def next_answer(self, path: str) -> Scripted:
        answers = self.script.get(path.partition("?")[0]) or [Scripted({"status": 1}, 404)]
        return answers.pop(0) if len(answers) > 1 else answers[0]


@contextmanager
def scripted_upstream(script: dict[str, list[Scripted]]) -> Iterator[ScriptedUpstream]:
    upstream = ScriptedUpstream("", script)

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            upstream.received.append((self.command, self.path, dict(self.headers), body))
            answer = upstream.next_answer(self.path)
            time.sleep(answer.delay)
            data = answer.encoded()
            self.send_response(answer.status)
            self.send_header("content-type", answer.content_type)
            self.send_header("content-length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    upstream.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield upstream
    finally:
        server.shutdown()
        server.server_close()
