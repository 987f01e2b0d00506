"""What the proxy does on the wire, attacked over loopback as issue 23 did: the Host rule
of the sandbox's control surface, the path, header bytes and framing, and what it
changes in the request it forwards."""

from __future__ import annotations

import json
import socket
import time
import zlib
from pathlib import Path

import httpx

from eko_digilocker_sandbox.har import read_har
from tests.recorder.helpers import Scripted, cli_process, proxy, scripted_upstream
from tests.recorder.test_proxy import created
from tests.sandbox.helpers import CREATE, create_body, signed_headers


def post_created(url: str) -> httpx.Response:
    return httpx.post(url + CREATE, json=create_body(), headers=signed_headers(), timeout=30)


def _raw(url: str, request: bytes, *, read_until_close: bool = False) -> bytes:
    """Send `request` as it is; the first answer's bytes (all bytes until the peer closes
    with `read_until_close`)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return reply
            reply += chunk
            if not read_until_close and b"\r\n\r\n" in reply:
                head, _, body = reply.partition(b"\r\n\r\n")
                length = [
                    int(line.split(b":")[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                ]
                if length and len(body) >= length[0]:
                    return reply


def test_the_sandbox_control_surface_keeps_its_host_rule_through_the_proxy() -> None:
    # Before: the proxy dropped Host, httpx wrote the upstream's loopback address, and a
    # DNS-rebinding page got every session's ids (the sandbox itself answers 403).
    with cli_process("sandbox", "--port", "0") as sandbox, proxy(sandbox.url) as rec:
        rebound = httpx.get(
            rec.url + "/_sandbox/sessions", headers={"host": "evil.example:8081"}, timeout=30
        )
        encoded = _raw(
            rec.url, b"GET /%5Fsandbox/sessions HTTP/1.1\r\nhost: evil.example:8081\r\n\r\n"
        )
        own = httpx.get(rec.url + "/_sandbox/sessions", timeout=30)
        rec.stop()
    assert rebound.status_code == 403, rebound.text
    assert "client_ref_id" not in rebound.text
    assert "evil.example" in rebound.json()["message"]
    assert encoded.startswith(b"HTTP/1.1 403 "), encoded
    assert own.status_code == 200


def test_dot_segments_are_refused_not_resolved_out_of_the_base_path() -> None:
    # Before: `/../../admin/secret` reached the upstream as `/admin/secret`, outside
    # `--upstream .../ekoapi/v3`, while the HAR recorded the original path.
    with scripted_upstream({}) as upstream, proxy(upstream.url + "/ekoapi/v3") as rec:
        replies = [
            _raw(rec.url, b"GET " + target + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
            for target in (b"/../../admin/secret", b"/a/%2e%2E/b", b"/./x", b"/x/..")
        ]
        rec.stop()
    for reply in replies:
        assert reply.startswith(b"HTTP/1.1 400 "), reply
        assert b"dot segment" in reply
    assert upstream.received == []


def test_an_obs_text_header_byte_is_forwarded_not_a_500() -> None:
    # Before: a header value with byte 0xE9 (obs-text, RFC 9110 5.5) got a plain-text 500
    # and a traceback on stderr.
    script = {CREATE: [Scripted(created(5001))]}
    body = b'{"initiator_id": "1"}'
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        reply = _raw(
            rec.url,
            b"POST " + CREATE.encode() + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n"
            b"x-note: caf\xe9\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\n\r\n" % len(body) + body,
        )
        stderr = rec.stop()
    assert reply.startswith(b"HTTP/1.1 200 "), reply
    assert "Traceback" not in stderr
    (_, _, headers, _), *_ = upstream.received
    assert headers["x-note"].encode("latin-1") == b"caf\xe9"


def test_content_length_with_transfer_encoding_closes_the_connection() -> None:
    # RFC 9112 6.1: the server MUST close the connection after answering such a request.
    script = {CREATE: [Scripted(created(5001))]}
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        started = time.monotonic()
        reply = _raw(
            rec.url,
            b"POST " + CREATE.encode() + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n"
            b"content-type: application/json\r\ncontent-length: 40\r\n"
            b"transfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            read_until_close=True,
        )
        elapsed = time.monotonic() - started
        rec.stop()
    assert reply.startswith(b"HTTP/1.1 200 "), reply
    assert b"connection: close" in reply.lower()
    assert elapsed < 4.0  # closed after the answer, not by the 5 s idle timeout
    assert len(upstream.received) == 1


def test_the_forwarded_request_gains_no_header_and_loses_only_hop_by_hop_ones() -> None:
    # Before: httpx added `user-agent: python-httpx/...` and `accept: */*`, and headers
    # that `Connection:` names as hop-by-hop were forwarded.
    script = {CREATE: [Scripted(created(5001))]}
    headers = signed_headers()
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        sent = [f"{name}: {value}" for name, value in headers.items()]
        hop = ["connection: keep-alive, x-private", "x-private: secret-hop"]
        head = "\r\n".join([f"POST {CREATE} HTTP/1.1", "host: 127.0.0.1", *sent, "x-keep: 1", *hop])
        body = json.dumps(create_body()).encode()
        reply = _raw(rec.url, head.encode() + b"\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
        rec.stop()
    assert reply.startswith(b"HTTP/1.1 200 "), reply
    (_, _, received, forwarded_body), *_ = upstream.received
    names = {name.lower() for name in received}
    assert forwarded_body == body
    assert "user-agent" not in names
    assert "accept" not in names
    assert "x-private" not in names
    assert "x-keep" in names
    # what the docs say changes: Host (the upstream's), Content-Length, Accept-Encoding
    added = names - {name.lower() for name in headers} - {"x-keep"}
    assert added == {"host", "content-length", "accept-encoding"}, added


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/PID/status")


def _gzip_bomb(inflated_mib: int) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1024 * 1024)
    return b"".join(deflate.compress(zeros) for _ in range(inflated_mib)) + deflate.flush()


def test_a_gzip_bomb_is_inflated_within_the_answer_limit() -> None:
    # Before: httpx inflated each network chunk whole; one 1 GB bomb took the proxy to
    # 185 MiB RSS whatever --max-answer-bytes said. The client's bounded inflation
    # (eko_digilocker.body) now stops at the limit.
    bomb = _gzip_bomb(512)
    gzipped = Scripted(bomb, headers={"content-encoding": "gzip"})
    script = {CREATE: [Scripted(created(5001)), gzipped]}
    with (
        scripted_upstream(script) as upstream,
        proxy(upstream.url, "--max-answer-bytes", "1000000") as rec,
    ):
        assert post_created(rec.url).status_code == 200  # warm: every module loaded
        before = _peak_rss_mib(rec.proc.pid)
        reply = httpx.post(
            rec.url + CREATE, json=create_body(), headers=signed_headers(), timeout=60
        )
        after = _peak_rss_mib(rec.proc.pid)
        rec.stop()
    assert reply.status_code == 502, reply.text
    assert "larger than 1000000 bytes" in reply.json()["message"]
    print(f"proxy peak RSS {before:.1f} MiB -> {after:.1f} MiB after a 512 MiB gzip bomb")
    assert after - before < 24, (before, after)


def test_a_full_disk_leaves_a_har_that_replay_reads(tmp_path: Path) -> None:
    # Before: the write that hit the full disk left half an entry (an unterminated
    # string), and replay refused the whole file, losing every earlier entry. Here the
    # proxy may write files of at most 6000 bytes (RLIMIT_FSIZE): the third entry fails.
    har = tmp_path / "full.har"
    script = {CREATE: [Scripted(created(5001 + n)) for n in range(6)]}
    with (
        scripted_upstream(script) as upstream,
        proxy(upstream.url, "--record", str(har), max_file_bytes=6000) as rec,
    ):
        for n in range(5):
            body = create_body(client_ref_id=f"REF{n}")
            reply = httpx.post(rec.url + CREATE, json=body, headers=signed_headers(), timeout=30)
            assert reply.status_code == 200
        stderr = rec.stop()
    assert "no longer recording" in stderr, stderr
    assert "Traceback" not in stderr
    entries = json.loads(har.read_text())["log"]["entries"]
    assert 1 <= len(entries) < 5
    assert len(read_har(har)) == len(entries)
