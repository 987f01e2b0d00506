"""A signed client for the journey properties that keeps a transcript of its calls.

Every answer is checked against the spec (its documented response schema, and what a
success must carry) and counted for the coverage report. A failed property raises
`PropertyFailed`, which names the property and lists the calls, with every secret
filtered: the signing headers and any header or JSON field whose name holds "key".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from eko_digilocker import sign_secret_key
from eko_digilocker.signing import (
    DEVELOPER_KEY_HEADER,
    SECRET_KEY_HEADER,
    TIMESTAMP_HEADER,
    now_ms,
)
from eko_digilocker.spec import example, operation
from eko_digilocker_sandbox import eko_rules
from tests.contract import coverage
from tests.contract.hooks import CREDENTIALS, FILTERED

CREATE = eko_rules.CREATE
STATUS = eko_rules.STATUS
DOCUMENT = eko_rules.DOCUMENT
STALE_MS = eko_rules.STALE_SIGNATURE_MS
TIMEOUT = 10.0


class PropertyFailed(AssertionError):
    pass


def _filtered(name: str, value: Any) -> Any:
    lowered = name.lower()
    if "key" in lowered or lowered == TIMESTAMP_HEADER:
        return FILTERED
    if isinstance(value, dict):
        return {k: _filtered(k, v) for k, v in value.items()}
    return value


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    sent: Any
    status_code: int
    answer: Any

    def describe(self) -> str:
        headers = {name: _filtered(name, value) for name, value in self.headers.items()}
        sent = _filtered("", self.sent) if isinstance(self.sent, dict) else self.sent
        answer = _filtered("", self.answer) if isinstance(self.answer, dict) else self.answer
        return (
            f"  {self.method} {self.path} headers={json.dumps(headers)}\n"
            f"    sent: {json.dumps(sent, default=str)[:600]}\n"
            f"    got:  HTTP {self.status_code} {json.dumps(answer, default=str)[:600]}"
        )


def unique_ref(prefix: str = "J") -> str:
    """A client_ref_id no earlier run used (at most 20 characters, the spec's limit)."""
    return f"{prefix}{uuid.uuid4().hex}"[:20]


def is_success(body: Any) -> bool:
    return isinstance(body, dict) and body.get("status") == 0


def is_pending(operation_id: str, body: Any) -> bool:
    """A pending answer, in any form the spec documents (eko_rules.outcome): 327 in
    either placement, the status call's `status` 1 / `response_status_id` -1 (which
    eps.eko.in also gives an unknown reference), a PENDING session state in `data`, or a
    document answer whose `verification_status` is PENDING."""
    return eko_rules.may_be_pending(operation_id, body)


def outcome(operation_id: str, body: Any) -> str:
    return eko_rules.outcome(operation_id, body)


def raw_key_signature(access_key: str, timestamp: str) -> str:
    """The likeliest wrong signature: the HMAC keyed with the access key itself instead of
    its base64 text (the spec's security scheme)."""
    mac = hmac.new(access_key.encode(), timestamp.encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


@dataclass
class JourneyClient:
    base_url: str
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._http = httpx.Client(base_url=self.base_url, timeout=TIMEOUT)
        self._developer_key, self._access_key = CREDENTIALS
        account = example(CREATE)
        self.initiator_id: str = account["initiator_id"]
        self.user_code: str = account["user_code"]

    def close(self) -> None:
        self._http.close()

    # --- signing ------------------------------------------------------------------

    def signed_headers(
        self,
        *,
        age_ms: int = 0,
        access_key: str | None = None,
        raw_key: bool = False,
        timestamp: str | None = None,
        developer_key: str | None = None,
    ) -> dict[str, str]:
        """Signing headers, signed now (or `age_ms` ago, or for this `timestamp` text),
        with our developer_key or `developer_key`."""
        timestamp = timestamp or str(now_ms() - age_ms)
        key = access_key or self._access_key
        signature = (
            raw_key_signature(key, timestamp) if raw_key else sign_secret_key(key, timestamp)
        )
        return {
            DEVELOPER_KEY_HEADER: developer_key or self._developer_key,
            TIMESTAMP_HEADER: timestamp,
            SECRET_KEY_HEADER: signature,
        }

    # --- calls --------------------------------------------------------------------

    def send(
        self,
        operation_id: str,
        *,
        method: str | None = None,
        json_body: Any = None,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> tuple[int, Any]:
        """One call to an operation's path; returns (HTTP status, parsed JSON or text).
        A documented answer is checked against the spec."""
        op = operation(operation_id)
        method = method or op.method.upper()
        sent_headers = {"content-type": "application/json", **(headers or {})}
        response = self._http.request(
            method,
            op.path,
            params=query,
            json=json_body if content is None else None,
            content=content,
            headers=sent_headers,
        )
        try:
            answer: Any = response.json()
        except ValueError:
            answer = response.text[:300]
        sent = json_body if content is None else f"<{len(content)} bytes>"
        self.calls.append(
            Call(
                method,
                str(response.request.url.path),
                sent_headers,
                sent,
                response.status_code,
                answer,
            )
        )
        coverage.record_answer(
            operation_id,
            response.status_code,
            answer if isinstance(answer, dict) else None,
            str(response.request.url),
        )
        self._check_documented(
            op, method, response.status_code, response.headers.get("content-type"), answer
        )
        return response.status_code, answer

    def _check_documented(
        self, op: Any, method: str, status: int, content_type: str | None, answer: Any
    ) -> None:
        if method != op.method.upper():
            return  # a wrong method's answer belongs to no operation's schema
        for problem in (
            eko_rules.content_type_problem(content_type),
            eko_rules.status_problem(answer),
        ):
            if problem:
                raise PropertyFailed(f"{op.operation_id}: {problem}")
        validator = op.responses.get(str(status))
        if validator is None:
            raise PropertyFailed(f"{op.operation_id}: HTTP {status} is not a documented answer")
        problems = validator.errors(answer)
        if problems:
            raise PropertyFailed(
                f"{op.operation_id}: answer does not match the spec: "
                + "; ".join(map(str, problems[:3]))
            )
        unknown_code = eko_rules.code_problem(answer) if status == 200 else None
        if unknown_code:
            raise PropertyFailed(f"{op.operation_id}: {unknown_code}")
        if status == 200 and is_success(answer):
            missing = op.success_data.errors(answer.get("data"))
            if missing:
                raise PropertyFailed(
                    f"{op.operation_id}: success lacks its data: "
                    + "; ".join(map(str, missing[:3]))
                )
            wrong_code = eko_rules.success_status_id_problem(answer)
            if wrong_code:
                raise PropertyFailed(f"{op.operation_id}: response_status_id {wrong_code}")

    def valid_request(
        self, operation_id: str, reference_id: int | None = None, **changes: Any
    ) -> dict[str, Any]:
        """The keyword arguments of `send` for a valid request (the spec's examples, a
        fresh client_ref_id, this reference_id), with `changes` applied."""
        if operation_id == STATUS:
            query = {
                "initiator_id": self.initiator_id,
                "user_code": self.user_code,
                "reference_id": reference_id,
                **changes,
            }
            return {"query": query}
        body = {**example(operation_id), "client_ref_id": unique_ref()}
        if operation_id == DOCUMENT:
            body["reference_id"] = str(reference_id)
        return {"json_body": {**body, **changes}}

    def call(
        self,
        operation_id: str,
        reference_id: int | None = None,
        *,
        headers: dict[str, str] | None = None,
        **changes: Any,
    ) -> tuple[int, Any]:
        """A valid request, signed now unless `headers` says otherwise."""
        return self.send(
            operation_id,
            headers=self.signed_headers() if headers is None else headers,
            **self.valid_request(operation_id, reference_id, **changes),
        )

    def created_reference(self) -> int:
        """Create a session; its reference_id (a failed create fails the property)."""
        status, body = self.call(CREATE)
        expect(status == 200 and is_success(body), "a valid, signed create succeeds")
        reference_id: int = body["data"]["reference_id"]
        return reference_id

    def transcript(self) -> str:
        return "\n".join(call.describe() for call in self.calls) or "  (no calls)"


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise PropertyFailed(what)


@contextmanager
def journey(name: str, client: JourneyClient) -> Iterator[JourneyClient]:
    """Runs one property; a failure names it and shows the calls made for it."""
    client.calls.clear()
    try:
        yield client
    except PropertyFailed as failure:
        raise PropertyFailed(
            f"property {name!r} failed against {client.base_url}: {failure}\n"
            f"calls:\n{client.transcript()}"
        ) from None
