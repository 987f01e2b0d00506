"""A signed client for the journey properties that keeps a transcript of its calls.

Every answer is checked against the spec (its documented response schema, and what a
success must carry) and counted for the coverage report. A failed property raises
`PropertyFailed`, which names the property and lists the calls, with every secret
filtered: the signing headers and any header or JSON field whose name holds "key".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from eko_digilocker import sign_secret_key
from eko_digilocker.responses import error_code, session_state
from eko_digilocker.signing import (
    DEVELOPER_KEY_HEADER,
    SECRET_KEY_HEADER,
    TIMESTAMP_HEADER,
    now_ms,
)
from eko_digilocker.spec import example, operation
from eko_digilocker_client.models import SessionState
from eko_digilocker_sandbox.answers import PENDING_ID as PENDING_CODE
from eko_digilocker_sandbox.answers import STATUS_CALL_NOT_SUCCESS
from tests.contract import coverage
from tests.contract.hooks import CREDENTIALS, FILTERED

CREATE = "createDigilockerUrl"
STATUS = "getDigilockerVerificationStatus"
DOCUMENT = "getDigilockerDocument"
STALE_MS = 60 * 60 * 1000  # an hour old: outside any tolerance a server could claim
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
    """A pending answer, in any form the spec documents: code 327 in either placement,
    the status call's `status` 1 / `response_status_id` -1 (eps.eko.in, which gives the
    same for an unknown reference), or a PENDING session state in `data`."""
    if not isinstance(body, dict):
        return False
    if session_state(operation(operation_id), body.get("data")) is SessionState.PENDING:
        return True
    if error_code(body) == PENDING_CODE:
        return True
    return (
        operation_id == STATUS
        and body.get("status") not in (0, None)
        and body.get("response_status_id") == STATUS_CALL_NOT_SUCCESS
    )


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

    def signed_headers(self, *, age_ms: int = 0, access_key: str | None = None) -> dict[str, str]:
        timestamp = str(now_ms() - age_ms)
        return {
            DEVELOPER_KEY_HEADER: self._developer_key,
            TIMESTAMP_HEADER: timestamp,
            SECRET_KEY_HEADER: sign_secret_key(access_key or self._access_key, timestamp),
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
        self._check_documented(op, method, response.status_code, answer)
        return response.status_code, answer

    def _check_documented(self, op: Any, method: str, status: int, answer: Any) -> None:
        if method != op.method.upper():
            return  # a wrong method's answer belongs to no operation's schema
        validator = op.responses.get(str(status))
        if validator is None:
            raise PropertyFailed(f"{op.operation_id}: HTTP {status} is not a documented answer")
        problems = validator.errors(answer)
        if problems:
            raise PropertyFailed(
                f"{op.operation_id}: answer does not match the spec: "
                + "; ".join(map(str, problems[:3]))
            )
        if status == 200 and is_success(answer):
            missing = op.success_data.errors(answer.get("data"))
            if missing:
                raise PropertyFailed(
                    f"{op.operation_id}: success lacks its data: "
                    + "; ".join(map(str, missing[:3]))
                )

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
