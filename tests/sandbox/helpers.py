"""Helpers for the sandbox tests: signed calls over a real socket, each answer checked
against the spec's response schema for its operation and status."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from eko_digilocker.responses import error_code
from eko_digilocker.signing import sign_secret_key
from eko_digilocker.spec import Operation, operations
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY

CREATE = "/tools/kyc/digilocker"
STATUS = "/tools/kyc/digilocker/status"
DOCUMENT = "/tools/kyc/digilocker/document"

OPERATIONS_BY_PATH: dict[str, Operation] = {op.path: op for op in operations().values()}


def code(answer: Any) -> int | None:
    """Eko's error code of an answer, wherever the profile put it (the client's reading)."""
    return error_code(answer)


def create_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "initiator_id": "9962981729",
        "user_code": "20810200",
        "document_requested": ["AADHAAR"],
        "redirect_url": "https://yourapp.example/kyc/callback",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def document_body(
    reference_id: int | str, verification_id: str, **overrides: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "initiator_id": "9962981729",
        "user_code": "20810200",
        "document_type": ["AADHAAR"],
        "verification_id": verification_id,
        "reference_id": str(reference_id),
    }
    body.update(overrides)
    return body


def status_params(reference_id: int | str, **overrides: Any) -> dict[str, Any]:
    """The status call's query; an override of None leaves that parameter out."""
    params = {
        "initiator_id": "9962981729",
        "user_code": "20810200",
        "reference_id": reference_id,
        **overrides,
    }
    return {k: v for k, v in params.items() if v is not None}


def signed_headers(
    developer_key: str = UAT_DEVELOPER_KEY,
    access_key: str = UAT_ACCESS_KEY,
    timestamp_ms: int | None = None,
) -> dict[str, str]:
    timestamp = str(time.time_ns() // 1_000_000 if timestamp_ms is None else timestamp_ms)
    return {
        "developer_key": developer_key,
        "secret-key": sign_secret_key(access_key, timestamp),
        "secret-key-timestamp": timestamp,
    }


def spec_errors(path: str, method: str, response: httpx.Response) -> list[str]:
    """Why an API answer does not match the spec (empty when it does).

    Paths outside the spec are held to the 404 answer of any operation (the shared
    Envelope)."""
    op = OPERATIONS_BY_PATH.get(path)
    if op is None:
        op = next(iter(operations().values()))
    validator = op.responses.get(str(response.status_code))
    if validator is None:
        return [f"{method} {path}: the spec has no {response.status_code} answer"]
    if not response.headers.get("content-type", "").startswith("application/json"):
        return [f"{method} {path}: content-type {response.headers.get('content-type')}"]
    try:
        answer = json.loads(response.content)
    except ValueError as exc:
        return [f"{method} {path}: not JSON: {exc}"]
    envelope_keys = {"status", "message", "response_status_id", "response_type_id", "data"}
    missing = envelope_keys - set(answer) if isinstance(answer, dict) else envelope_keys
    found = [f"{method} {path}: {e}" for e in validator.errors(answer)]
    if not found and response.status_code == 200 and answer["status"] == 0:
        found += [f"{method} {path} success: {e}" for e in op.success_data.errors(answer["data"])]
    if missing:
        found.append(f"{method} {path}: envelope lacks {sorted(missing)}")
    return found


@dataclass
class Api:
    """A client for one sandbox that checks every API answer against the spec."""

    base_url: str
    checked: list[tuple[str, int, Any]] = field(default_factory=list)
    profile: str = "eps"

    def __post_init__(self) -> None:
        # verify=False: loopback over plain HTTP; skips loading CA certificates (~0.1 s).
        self.http = httpx.Client(base_url=self.base_url, timeout=10, verify=False)

    def close(self) -> None:
        self.http.close()

    def check(self, response: httpx.Response) -> httpx.Response:
        path = response.request.url.path
        if path.startswith(("/_sandbox/", "/consent/")):
            return response
        problems = spec_errors(path, response.request.method, response)
        assert not problems, problems
        self.checked.append((path, response.status_code, response.json()))
        return response

    def request(
        self, method: str, path: str, *, signed: bool = True, **kwargs: Any
    ) -> httpx.Response:
        headers = {**(signed_headers() if signed else {}), **kwargs.pop("headers", {})}
        return self.check(self.http.request(method, path, headers=headers, **kwargs))

    def create(self, **overrides: Any) -> httpx.Response:
        return self.request("POST", CREATE, json=create_body(**overrides))

    def status(self, reference_id: int | str, **overrides: Any) -> httpx.Response:
        return self.request("GET", STATUS, params=status_params(reference_id, **overrides))

    def document(
        self, reference_id: int | str, verification_id: str, **overrides: Any
    ) -> httpx.Response:
        return self.request(
            "POST", DOCUMENT, json=document_body(reference_id, verification_id, **overrides)
        )

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, f"/_sandbox/{path}", **kwargs)

    def state(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.control("GET", "state").json()
        return answer

    def new_session(self, **overrides: Any) -> dict[str, Any]:
        response = self.create(**overrides)
        answer: dict[str, Any] = response.json()
        assert answer["status"] == 0, answer
        data: dict[str, Any] = answer["data"]
        return data


class FakeClock:
    """A clock for `SandboxConfig(clock=...)` that tests move by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def raw_exchange(base_url: str, data: bytes, *, then_wait: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes or `then_wait` passes."""
    parts = urlsplit(base_url)
    assert parts.hostname is not None
    assert parts.port is not None
    with socket.create_connection((parts.hostname, parts.port), timeout=then_wait) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


def raw_request(
    base_url: str, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    """An HTTP/1.1 request as bytes, with Connection: close."""
    host = urlsplit(base_url).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def parse_raw_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
