"""Connection limits and odd request targets, with raw (often half-open) sockets."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from eko_digilocker_sandbox.connections import ConnectionLimits
from tests.sandbox.helpers import (
    CREATE,
    Api,
    parse_raw_response,
    raw_exchange,
    signed_headers,
)

SHORT = 0.5  # seconds: every timeout of the limited sandbox


@pytest.fixture(scope="module")
def limited() -> Iterator[str]:
    limits = ConnectionLimits(
        idle_timeout=SHORT, header_timeout=SHORT, body_timeout=SHORT, max_connections=400
    )
    with running_sandbox(SandboxConfig(), limits=limits) as url:
        yield url


def _connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    assert parts.hostname is not None
    assert parts.port is not None
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _until_closed(sock: socket.socket, deadline: float = 10.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes; and how long that took."""
    started = time.monotonic()
    received = b""
    sock.settimeout(deadline)
    while chunk := sock.recv(65536):
        received += chunk
    return received, time.monotonic() - started


def _envelope(raw: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
    status, headers, body = parse_raw_response(raw)
    assert headers["content-type"] == "application/json"
    answer = json.loads(body)
    assert set(answer) == {"status", "message", "response_status_id", "response_type_id", "data"}
    assert answer["status"] == status
    return status, answer, headers


def _state(base_url: str) -> dict[str, Any]:
    raw = raw_exchange(
        base_url, b"GET /_sandbox/state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    answer: dict[str, Any] = json.loads(parse_raw_response(raw)[2])
    return answer


HEAD = b"POST " + CREATE.encode() + b" HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n"


def test_headers_that_never_finish_get_a_408_envelope(limited: str) -> None:
    with _connect(limited) as sock:
        sock.sendall(HEAD)
        raw, waited = _until_closed(sock)
    status, answer, headers = _envelope(raw)
    assert status == 408
    assert "--header-timeout" in answer["message"]
    assert headers["connection"] == "close"
    assert SHORT * 0.8 <= waited < SHORT + 2


def test_a_header_dripped_byte_by_byte_does_not_keep_the_connection(limited: str) -> None:
    with _connect(limited) as sock:
        started = time.monotonic()
        try:
            for byte in HEAD:  # slowloris: one byte every 50 ms, 2.5 s in all
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
        except OSError:
            pass  # closed under our feet: what we want
        raw, _ = _until_closed(sock)
        waited = time.monotonic() - started
    assert _envelope(raw)[0] == 408
    assert waited < SHORT + 2


def _signed() -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in signed_headers().items()).encode()


def test_a_body_that_never_finishes_gets_a_408_envelope(limited: str) -> None:
    with _connect(limited) as sock:
        sock.sendall(HEAD + _signed() + b"content-length: 100\r\n\r\n" + b'{"initiator_id"')
        raw, waited = _until_closed(sock)
    status, answer, _ = _envelope(raw)
    assert status == 408
    assert "--body-timeout" in answer["message"]
    assert waited < SHORT + 2
    assert _state(limited)["internal_errors"] == 0


def test_a_silent_connection_is_closed_after_the_idle_timeout(limited: str) -> None:
    with _connect(limited) as sock:
        raw, waited = _until_closed(sock)
    assert raw == b""
    assert SHORT * 0.8 <= waited < SHORT + 2


def test_a_keep_alive_connection_is_closed_after_the_idle_timeout(limited: str) -> None:
    with _connect(limited) as sock:
        sock.sendall(b"GET /_sandbox/bare HTTP/1.1\r\nHost: x\r\n\r\n")
        raw, waited = _until_closed(sock)
    assert raw.startswith(b"HTTP/1.1 200")
    assert waited < SHORT + 2


def test_two_hundred_half_open_connections_are_all_closed(limited: str) -> None:
    kinds = [HEAD, HEAD + b"content-length: 50\r\n\r\n{", b""] * 67  # 201 connections
    sockets = [_connect(limited) for _ in kinds]
    try:
        for sock, data in zip(sockets, kinds, strict=True):
            if data:
                sock.sendall(data)
        started = time.monotonic()
        for sock in sockets:
            _until_closed(sock, deadline=SHORT + 5)
        assert time.monotonic() - started < SHORT + 5
    finally:
        for sock in sockets:
            sock.close()
    assert _state(limited)["internal_errors"] == 0


def test_connections_beyond_the_cap_get_a_503_envelope() -> None:
    limits = ConnectionLimits(idle_timeout=30, header_timeout=30, max_connections=3)
    with running_sandbox(SandboxConfig(), limits=limits) as url:
        held = [_connect(url) for _ in range(3)]
        try:
            time.sleep(0.2)  # let the server accept them
            with _connect(url) as extra:
                raw, _ = _until_closed(extra)
            status, answer, _ = _envelope(raw)
            assert status == 503
            assert "--max-connections" in answer["message"]
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.2)
        with _connect(url) as again:  # room again once they are gone
            again.sendall(b"GET /_sandbox/bare HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert _until_closed(again)[0].startswith(b"HTTP/1.1 200")


def test_headers_over_the_limit_and_garbage_get_a_400_envelope(sandbox: str) -> None:
    too_big = b"GET /_sandbox/bare HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    for data in (
        too_big,
        b"\x16\x03\x01 not http at all\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    ):
        status, answer, _ = _envelope(raw_exchange(sandbox, data))
        assert status == 400
        assert answer["message"].startswith("Bad request")


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"OPTIONS * HTTP/1.1", 404),
        (b"GET * HTTP/1.1", 404),
        (b"POST http://127.0.0.1/tools/kyc/digilocker HTTP/1.1", 404),
        (b"GET http://example.com/_sandbox/state HTTP/1.1", 404),
        (b"CONNECT example.com:443 HTTP/1.1", 405),
        (b"CONNECT /tools/kyc/digilocker HTTP/1.1", 405),
    ],
)
def test_odd_request_targets_get_an_envelope(
    sandbox: str, request_line: bytes, status: int
) -> None:
    raw = raw_exchange(sandbox, request_line + b"\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    assert _envelope(raw)[0] == status
    assert _state(sandbox)["internal_errors"] == 0


@pytest.mark.parametrize("path", ["/_sandbox/state", "/tools/kyc/digilocker/status", "/nowhere"])
def test_a_websocket_upgrade_is_answered_as_plain_http_in_json(sandbox: str, path: str) -> None:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    status, headers, body = parse_raw_response(raw_exchange(sandbox, request, then_wait=1.0))
    assert headers["content-type"] == "application/json"
    assert status in (200, 403, 404)
    json.loads(body)
    assert _state(sandbox)["internal_errors"] == 0


def test_a_client_that_never_reads_its_answer_is_cut_off_after_the_send_timeout() -> None:
    """Slow read: a peer asks three times for a large answer (a full listing page,
    more than the kernel's socket buffers hold) and never reads. Without the send
    timeout the connection, and the unsent megabytes, stay forever."""
    limits = ConnectionLimits(idle_timeout=SHORT, send_timeout=SHORT)
    with running_sandbox(SandboxConfig(), limits=limits) as url:
        api = Api(url)
        long_url = "https://yourapp.example/" + "u" * 2000
        for i in range(1000):
            api.new_session(client_ref_id=f"SLOW-{i}", redirect_url=long_url)
        whole = len(api.control("GET", "sessions", params={"limit": 1000}).content)
        assert whole > 2_000_000
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a peer that won't read
        with sock:
            sock.connect(_connect(url).getpeername())
            listing = b"GET /_sandbox/sessions?limit=1000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
            sock.sendall(listing * 3)
            time.sleep(SHORT + 1.5)
            received = 0
            sock.settimeout(10)
            try:
                while chunk := sock.recv(65536):
                    received += len(chunk)
            except ConnectionResetError:
                pass
        assert received < 3 * whole  # aborted, not held open until the client read it all
        assert api.state()["internal_errors"] == 0
        api.close()


def test_every_connection_limit_is_settable_from_the_command_line() -> None:
    from eko_digilocker_sandbox.server import build_parser, limits_from_args

    argv = "--idle-timeout 1 --header-timeout 2 --body-timeout 3 --send-timeout 4"
    argv += " --max-connections 5 --max-header-bytes 2048"
    limits = limits_from_args(build_parser().parse_args(argv.split()))
    assert limits == ConnectionLimits(
        idle_timeout=1,
        header_timeout=2,
        body_timeout=3,
        send_timeout=4,
        max_connections=5,
        max_header_bytes=2048,
    )


# --- issue 19, item 20: --max-header-bytes holds for pipelined requests too --------------


def _answers(raw: bytes) -> list[int]:
    """The HTTP statuses of the answers in `raw`, in order."""
    return [int(status) for status in re.findall(rb"HTTP/1\.1 ([0-9]{3}) ", raw)]


SMALL_LIMIT = 2048


@pytest.fixture(scope="module")
def small_heads() -> Iterator[str]:
    with running_sandbox(
        SandboxConfig(), limits=ConnectionLimits(max_header_bytes=SMALL_LIMIT)
    ) as url:
        yield url


@pytest.mark.parametrize("apart", [False, True], ids=["one-send", "sent-with-a-body"])
def test_a_pipelined_request_over_the_header_limit_gets_a_400_envelope(
    small_heads: str, apart: bool
) -> None:
    """A head that arrives behind another request waits whole in h11's buffer, where
    h11's own bound (on incomplete heads only) does not see it."""
    small = b"GET /_sandbox/bare HTTP/1.1\r\nHost: localhost\r\n\r\n"
    big = b"GET /_sandbox/bare HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"
    with _connect(small_heads) as sock:
        if apart:  # the big head comes with the end of the first request's body
            sock.sendall(
                b"POST /_sandbox/bare HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nab"
            )
            time.sleep(0.2)
            sock.sendall(b"cd" + big + small)
        else:
            sock.sendall(small + big + small)
        raw, _ = _until_closed(sock)
    assert _answers(raw) == [200, 400]
    assert _envelope(raw[raw.index(b"HTTP/1.1 400") :])[1]["message"].endswith(
        "(--max-header-bytes)"
    )


def test_pipelined_requests_within_the_limit_are_all_answered(small_heads: str) -> None:
    pad = b"a" * (SMALL_LIMIT - 100)  # each head just within the limit
    request = b"GET /_sandbox/bare HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + pad + b"\r\n\r\n"
    last = b"GET /_sandbox/bare HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    with _connect(small_heads) as sock:
        sock.sendall(request * 30 + last)
        raw, _ = _until_closed(sock)
    assert _answers(raw) == [200] * 31


def test_a_request_with_content_length_and_transfer_encoding_closes_its_connection() -> None:
    # RFC 9112 6.1: read by Transfer-Encoding, answered, then the connection MUST close
    # (request smuggling). Before: answered and kept open until the idle timeout.
    limits = ConnectionLimits(idle_timeout=30.0)
    with running_sandbox(SandboxConfig(), limits=limits) as url, _connect(url) as sock:
        sock.sendall(
            b"GET /_sandbox/bare HTTP/1.1\r\nHost: localhost\r\nContent-Length: 30\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        )
        received, elapsed = _until_closed(sock, deadline=20.0)
    status, headers, _ = parse_raw_response(received)
    assert status == 200
    assert headers["connection"] == "close"
    assert elapsed < 10.0  # closed after the answer, not by the 30 s idle timeout
