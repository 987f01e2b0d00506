"""The client where apps really run: behind proxies, over TLS, in forked workers, on
more than one event loop, with a wall clock that steps; each against real loopback
servers (issue 19)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
import httpx
import pytest
import trustme

from eko_digilocker import (
    AsyncEkoClient,
    EkoClient,
    EkoConfigurationError,
    EkoConnectionError,
    EkoResponseError,
    EkoTimeoutError,
)
from eko_digilocker.signing import now_ms
from eko_digilocker.spec import example
from tests.client.fakes import (
    BASE_URL,
    CREATED,
    CREDENTIALS,
    Server,
    make_async_client,
    make_client,
)
from tests.client.loopback import JsonServer, Proxy
from tests.client.test_consent import AUTHENTICATED

ROOT = Path(__file__).resolve().parents[2]
REDIRECT = "https://a.example/cb"
DOCUMENT = example("getDigilockerDocument", status="200")


def tls_context(ca: trustme.CA, *hosts: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*hosts).configure_cert(context)
    return context


# --- TLS ---------------------------------------------------------------------------


def test_a_certificate_that_fails_verification_is_not_retried() -> None:
    # Before: retried like any failure to connect (3 handshakes with max_retries=2).
    untrusted = trustme.CA()
    tls = tls_context(untrusted, "127.0.0.1")
    with JsonServer(lambda path: CREATED, tls=tls) as server:
        eko = EkoClient(**CREDENTIALS, base_url=server.url, max_retries=2, timeout=20)
        with eko, pytest.raises(EkoConnectionError, match="certificate failed verification"):
            eko.create_digilocker_url(REDIRECT)
    assert server.accepted == 1


# --- proxies -----------------------------------------------------------------------


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_http_proxy_from_the_environment_carries_the_calls(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    # Before: the client's own transport switched httpx's environment proxies off.
    with Proxy(lambda url: CREATED) as proxy:
        no_proxy_env.setenv("HTTP_PROXY", proxy.url)
        # eko.invalid resolves nowhere: only the proxy can answer for it
        with EkoClient(**CREDENTIALS, base_url="http://eko.invalid/v3", timeout=10) as eko:
            data = eko.create_digilocker_url(REDIRECT)
    assert data.reference_id == CREATED["data"]["reference_id"]
    assert proxy.seen == ["POST http://eko.invalid/v3/tools/kyc/digilocker HTTP/1.1"]
    assert "secret-key" in proxy.headers_seen[0]


def test_a_proxy_given_in_httpx_args_carries_the_calls(no_proxy_env: pytest.MonkeyPatch) -> None:
    # `proxy=` is the client's one transport (no mounts): the direct path, not Client.send.
    with Proxy(lambda url: CREATED) as proxy:
        options = {"proxy": proxy.url}
        base_url = "http://eko.invalid/v3"
        with EkoClient(**CREDENTIALS, base_url=base_url, timeout=10, httpx_args=options) as eko:
            assert eko._direct is not None
            data = eko.create_digilocker_url(redirect_url=REDIRECT)
    assert data.reference_id == CREATED["data"]["reference_id"]
    assert proxy.seen == ["POST http://eko.invalid/v3/tools/kyc/digilocker HTTP/1.1"]


def test_https_proxy_from_the_environment_tunnels_with_connect(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    ca = trustme.CA()
    with (
        JsonServer(lambda path: CREATED, tls=tls_context(ca, "eko.invalid")) as origin,
        Proxy(lambda url: {}, tunnel_to=origin.server_address[:2]) as proxy,
    ):
        no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
        trusting = ssl.create_default_context()
        ca.configure_trust(trusting)
        with EkoClient(
            **CREDENTIALS,
            base_url="https://eko.invalid/v3",
            timeout=10,
            httpx_args={"verify": trusting},
        ) as eko:
            eko.create_digilocker_url(REDIRECT)
    assert proxy.seen == ["CONNECT eko.invalid:443 HTTP/1.1"]
    assert [path for path, _ in origin.requests] == ["/v3/tools/kyc/digilocker"]


def test_no_proxy_and_trust_env_work_as_in_httpx(no_proxy_env: pytest.MonkeyPatch) -> None:
    with JsonServer(lambda path: CREATED) as origin, Proxy(lambda url: CREATED) as proxy:
        no_proxy_env.setenv("HTTP_PROXY", proxy.url)
        no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
        with EkoClient(**CREDENTIALS, base_url=origin.url, timeout=10) as eko:
            eko.create_digilocker_url(REDIRECT)
        no_proxy_env.delenv("NO_PROXY")
        options = {"trust_env": False}
        with EkoClient(**CREDENTIALS, base_url=origin.url, timeout=10, httpx_args=options) as eko:
            eko.create_digilocker_url(REDIRECT)
    assert proxy.seen == []
    assert len(origin.requests) == 2


def test_the_deadline_holds_through_a_proxy(no_proxy_env: pytest.MonkeyPatch) -> None:
    ca = trustme.CA()
    slow = tls_context(ca, "eko.invalid")
    with (
        JsonServer(lambda path: CREATED, tls=slow, delay=3) as origin,
        Proxy(lambda url: {}, tunnel_to=origin.server_address[:2]) as proxy,
    ):
        no_proxy_env.setenv("HTTPS_PROXY", proxy.url)
        trusting = ssl.create_default_context()
        ca.configure_trust(trusting)
        with EkoClient(
            **CREDENTIALS,
            base_url="https://eko.invalid/v3",
            timeout=1,
            max_retries=0,
            phase_timeout=30,
            httpx_args={"verify": trusting},
        ) as eko:
            started = time.monotonic()
            with pytest.raises(EkoTimeoutError, match="deadline passed"):
                eko.create_digilocker_url(REDIRECT)
    assert time.monotonic() - started < 2


# --- redirects ---------------------------------------------------------------------


def test_follow_redirects_is_refused_at_construction(server: Server) -> None:
    # Before: accepted, and a redirect took the signing headers (and for 307/308 the
    # body) to whatever host it named.
    options = {"transport": httpx.MockTransport(server), "follow_redirects": True}
    with pytest.raises(EkoConfigurationError, match="follow_redirects"):
        EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args=options)


def test_a_redirect_is_an_unexpected_answer_never_followed(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(307, headers={"location": "https://elsewhere.test/x"})]
    with make_client(server, sleeps) as eko, pytest.raises(EkoResponseError):
        eko.create_digilocker_url(REDIRECT)
    assert [r.url.host for r in server.requests] == ["eko.test"]


# --- event loops -------------------------------------------------------------------


def test_one_async_client_serves_asyncio_then_trio_then_asyncio(sandbox: str) -> None:
    import trio

    # Before: a raw RuntimeError from the in-flight limit bound to the first loop.
    eko = AsyncEkoClient(**CREDENTIALS, base_url=sandbox, timeout=10)
    first = asyncio.run(eko.create_digilocker_url(REDIRECT))
    second = trio.run(eko.create_digilocker_url, REDIRECT)
    third = asyncio.run(eko.create_digilocker_url(REDIRECT))
    trio.run(eko.aclose)
    assert len({first.reference_id, second.reference_id, third.reference_id}) == 3


# --- the wall clock ----------------------------------------------------------------


def test_a_wall_clock_stepped_back_does_not_hold_a_call(server: Server, sleeps: list) -> None:
    # Before: a 40 s step back made the next call sleep ~10 s (a blocking sleep).
    with make_client(server, sleeps, timeout=2) as eko:
        eko.create_digilocker_url(REDIRECT)
        eko.auth._clock = lambda: now_ms() - 40_000  # NTP steps the clock back 40 s
        started = time.monotonic()
        eko.create_digilocker_url(REDIRECT)
        assert time.monotonic() - started < 1
    stamp = int(server.requests[-1].headers["secret-key-timestamp"])
    assert abs(stamp - (now_ms() - 40_000)) < 2_000  # it follows the clock Eko judges by
    assert sleeps == []


@pytest.mark.anyio
async def test_a_wall_clock_stepped_back_never_freezes_the_event_loop(
    server: Server, sleeps: list
) -> None:
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await anyio.sleep(0.02)

    async with make_async_client(server, sleeps, timeout=2) as eko:
        await eko.create_digilocker_url(REDIRECT)
        eko.auth._clock = lambda: now_ms() - 40_000
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ticker)
            await anyio.sleep(0.05)
            await eko.create_digilocker_url(REDIRECT)
            await anyio.sleep(0.05)
            tasks.cancel_scope.cancel()
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.5


def test_the_signers_catch_up_wait_never_passes_the_deadline(server: Server, sleeps: list) -> None:
    # Before: a blocking sleep of 30 s, past timeout=2, before sending anything.
    with make_client(server, sleeps, timeout=2) as eko:
        eko.auth._last = now_ms() + 60_000  # a burst ran the stamps a minute ahead
        started = time.monotonic()
        with pytest.raises(EkoTimeoutError, match="waiting for the clock"):
            eko.create_digilocker_url(REDIRECT)
        assert time.monotonic() - started < 1
    assert server.requests == []
    assert sleeps == []


# --- one deadline per call ---------------------------------------------------------


def answer_by_path(path: str) -> object:
    return AUTHENTICATED if "/status" in path else DOCUMENT


def test_get_document_without_document_type_has_one_deadline() -> None:
    # Before: the status step had a deadline of its own: 2 x 0.6 s passed timeout=1.
    with (
        JsonServer(answer_by_path, delay=0.6) as server,
        EkoClient(**CREDENTIALS, base_url=server.url, timeout=1, max_retries=0) as eko,
    ):
        started = time.monotonic()
        with pytest.raises(EkoTimeoutError, match=r"^get_document: "):
            eko.get_document(7, "VER-1")
        assert time.monotonic() - started < 1.4
    assert [path.split("?")[0] for path, _ in server.requests] == [
        "/tools/kyc/digilocker/status",
        "/tools/kyc/digilocker/document",
    ]


@pytest.mark.anyio
async def test_the_async_get_document_has_one_deadline_too() -> None:
    with JsonServer(answer_by_path, delay=0.6) as server:
        eko = AsyncEkoClient(**CREDENTIALS, base_url=server.url, timeout=1, max_retries=0)
        async with eko:
            started = time.monotonic()
            with pytest.raises(EkoTimeoutError, match=r"^get_document: "):
                await eko.get_document(7, "VER-1")
            assert time.monotonic() - started < 1.4


def test_an_error_in_get_documents_status_step_names_get_document() -> None:
    # Before: "get_verification_status: ..." for a call of get_document.
    with (
        JsonServer(answer_by_path, delay=1) as server,
        EkoClient(**CREDENTIALS, base_url=server.url, timeout=0.5, max_retries=0) as eko,
        pytest.raises(EkoTimeoutError, match=r"^get_document: "),
    ):
        eko.get_document(7, "VER-1")


# --- forked workers ----------------------------------------------------------------


@contextmanager
def sandbox_process() -> Iterator[str]:
    """The sandbox as a user starts it, in a process of its own."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "eko_digilocker_sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


WORKERS, CREATES = 4, 40


def _worker(eko: EkoClient, worker: int, out: Path) -> None:
    """In a forked child: CREATES creates, each with its own redirect_url; what was sent
    and answered goes to `out` as JSON."""
    results: list[list[object]] = []
    try:
        for call in range(CREATES):
            redirect = f"https://a.example/cb/{worker}/{call}"
            raw = eko.with_raw_response.create_digilocker_url(redirect)
            data = raw.parse()
            results.append([raw.client_ref_id, data.reference_id, redirect, data.redirect_url])
        out.write_text(json.dumps(results))
    except BaseException as exc:
        out.write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))


def test_forked_workers_share_no_ids_sockets_or_answers() -> None:
    # Before, in one run: 143 duplicate client_ref_ids, reference_ids handed to two or
    # three workers, and answers read by the wrong worker off the shared socket.
    with sandbox_process() as url, tempfile.TemporaryDirectory() as folder:
        with EkoClient(**CREDENTIALS, base_url=url, timeout=10, max_retries=0) as eko:
            eko.create_digilocker_url(REDIRECT)  # the parent's pooled connection is open
            children = []
            for worker in range(WORKERS):
                out = Path(folder, f"{worker}.json")
                pid = os.fork()
                if pid == 0:  # the child: never back into pytest
                    try:
                        _worker(eko, worker, out)
                    finally:
                        os._exit(0)
                children.append((pid, out))
            deadline = time.monotonic() + 120
            for pid, _ in children:
                while os.waitpid(pid, os.WNOHANG) == (0, 0):
                    if time.monotonic() > deadline:
                        os.kill(pid, signal.SIGKILL)
                    time.sleep(0.05)
            eko.create_digilocker_url(REDIRECT)  # the parent's connection still serves it
        answers = [json.loads(out.read_text()) for _, out in children]
    errors = [answer["error"] for answer in answers if isinstance(answer, dict)]
    assert errors == []
    rows = [row for answer in answers for row in answer]
    assert len(rows) == WORKERS * CREATES
    crossed = [row for row in rows if row[2] != row[3]]
    assert crossed == []
    assert len({row[0] for row in rows}) == len(rows), "duplicate client_ref_ids"
    assert len({row[1] for row in rows}) == len(rows), "duplicate reference_ids"
