"""Schemathesis hooks for Eko's DigiLocker API: send-time signing and Eko-aware checks.

Used by the pytest contract suite and by the command line:

    SCHEMATHESIS_HOOKS=tests.contract.hooks st run openapi/eko-digilocker.yaml --url URL

Credentials come from EKO_DEVELOPER_KEY / EKO_ACCESS_KEY, or default to Eko's public UAT
test pair (which the local sandbox accepts). EKO_CONTRACT_BREAK_SIGNER=1 signs with a
wrong key on purpose, to prove the suite catches an authentication regression.

The spec's links name body fields in `x-eko-body-fields` (see the Document link of
Create's answer); `before_load_schema` turns them into the object `requestBody` that
schemathesis merges into a generated body, and `before_call` sends a linked number as
the string its target field is typed as. Every answer is counted for the coverage
report (tests/contract/coverage.py).
"""

from __future__ import annotations

import os
from typing import Any

import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import negative_data_rejection

from eko_digilocker import sign_secret_key
from eko_digilocker.signing import (
    DEVELOPER_KEY_HEADER,
    SECRET_KEY_HEADER,
    TIMESTAMP_HEADER,
    now_ms,
)
from eko_digilocker.spec import HTTP_METHODS, operation, resolve
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY, eko_rules
from tests.contract import coverage

FILTERED = "[Filtered]"  # schemathesis's replacement for sanitized values (the default)


class SendTimeSigner(requests.auth.AuthBase):
    """Signs a request as it is sent, so no case ever carries a stale timestamp.

    Only the signing headers a case carries are replaced: schemathesis drops or corrupts
    them on purpose in negative and coverage cases, and adding them back would turn its
    "missing auth must be rejected" checks into false failures.
    """

    def __init__(self, developer_key: str, access_key: str) -> None:
        self.developer_key = developer_key
        self._access_key = access_key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        headers = request.headers
        if FILTERED in headers.values():
            # schemathesis prepares a sanitized copy to print as "Reproduce with: curl";
            # signing it would put real credentials back into the output and reports.
            return request
        timestamp = str(now_ms())
        if TIMESTAMP_HEADER in headers:
            headers[TIMESTAMP_HEADER] = timestamp
        if DEVELOPER_KEY_HEADER in headers:
            headers[DEVELOPER_KEY_HEADER] = self.developer_key
        if SECRET_KEY_HEADER in headers:
            signed_for = headers.get(TIMESTAMP_HEADER, timestamp)
            headers[SECRET_KEY_HEADER] = sign_secret_key(self._access_key, signed_for)
        return request

    def __repr__(self) -> str:
        return "SendTimeSigner(access_key='***')"


def credentials_from_env() -> tuple[str, str]:
    """(developer_key, access_key): the public UAT pair (which the embedded sandbox
    knows) unless EKO_CONTRACT_BASE_URL names another server, whose keys come from
    EKO_DEVELOPER_KEY / EKO_ACCESS_KEY."""
    external = bool(os.environ.get("EKO_CONTRACT_BASE_URL"))
    developer_key = (external and os.environ.get("EKO_DEVELOPER_KEY")) or UAT_DEVELOPER_KEY
    access_key = (external and os.environ.get("EKO_ACCESS_KEY")) or UAT_ACCESS_KEY
    if os.environ.get("EKO_CONTRACT_BREAK_SIGNER") == "1":
        access_key = "not-" + access_key
    return developer_key, access_key


# Read at import: the test session's autouse fixture hides EKO_* keys from each test.
CREDENTIALS = credentials_from_env()


def _envelope(response: Any) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) and "status" in body else None


def _mode(case: Any) -> GenerationMode | None:
    meta = case.meta
    return meta.generation.mode if meta is not None else None


@schemathesis.check
def eko_valid_data_not_rejected(ctx: Any, response: Any, case: Any) -> bool | None:
    """A valid, signed request may get a business answer, never a validation error.

    Eko answers validation errors with HTTP 200, so the status code alone (what
    positive_data_acceptance looks at) cannot tell.
    """
    if _mode(case) is not GenerationMode.POSITIVE:
        return None
    body = _envelope(response)
    if body is not None and body.get("invalid_params"):
        raise AssertionError(f"valid data was rejected as invalid: {body.get('invalid_params')}")
    return None


@schemathesis.check
def eko_negative_data_rejection(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis's negative_data_rejection, taught that Eko refuses invalid data with
    HTTP 200 and a non-zero `status` as well as with a 4xx.

    Disable the built-in check when this one runs (see schemathesis.toml).
    """
    body = _envelope(response)
    if response.status_code == 200 and body is not None and body.get("status") != 0:
        return None
    verdict: bool | None = negative_data_rejection(ctx, response, case)
    return verdict


@schemathesis.check
def eko_status_is_an_integer(ctx: Any, response: Any, case: Any) -> bool | None:
    """`status` is an integer in every Eko answer. The spec types it `[integer, "null"]`
    only so that generated decoders keep a null apart from 0 (docs/answer-rule.md), so
    the schema alone lets a null through."""
    problem = eko_rules.status_problem(_envelope(response))
    if problem:
        raise AssertionError(problem)
    return None


@schemathesis.check
def eko_success_carries_its_data(ctx: Any, response: Any, case: Any) -> bool | None:
    """A `status` 0 answer carries what the operation's `x-eko-success-data` schema
    requires (e.g. `reference_id` and `url` from Create): the answer schemas themselves
    cannot say it, since their `data` fields are optional for the errors' sake."""
    body = _envelope(response)
    if response.status_code != 200 or body is None or body.get("status") != 0:
        return None
    rule = operation(case.operation.definition.raw["operationId"]).success_data
    problems = rule.errors(body.get("data"))
    if problems:
        raise AssertionError(f"success answer lacks its data: {'; '.join(map(str, problems))}")
    return None


BODY_FIELDS = "x-eko-body-fields"


def _links(raw_schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        link
        for item in raw_schema.get("paths", {}).values()
        for method, op in item.items()
        if method in HTTP_METHODS
        for response in op.get("responses", {}).values()
        for link in response.get("links", {}).values()
    ]


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    """A link's `x-eko-body-fields` become its object `requestBody`, whose fields
    schemathesis merges into the body it generates for the target."""
    for link in _links(raw_schema):
        if BODY_FIELDS in link and "requestBody" not in link:
            link["requestBody"] = dict(link[BODY_FIELDS])


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """A stateful case carries a linked value in the type the link's source gave it
    (schemathesis keeps it, and then counts the case as negative); a number bound for a
    string field (Create's `reference_id` into the document call's) is sent as its
    decimal text. Only in the stateful phase: the other phases keep their deliberate
    type mutations."""
    meta = case.meta
    if meta is None or meta.phase.name is not TestPhase.STATEFUL or not isinstance(case.body, dict):
        return
    body = operation(case.operation.definition.raw["operationId"]).body
    if body is None:
        return
    properties = resolve(body.schema).get("properties", {})
    for name, value in case.body.items():
        field = resolve(properties.get(name, {}))
        if type(value) is int and field.get("type") == "string":
            case.body[name] = str(value)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    coverage.record_answer(
        case.operation.definition.raw["operationId"],
        response.status_code,
        _envelope(response),
        response.request.url,
    )


schemathesis.auth.set_from_requests(SendTimeSigner(*CREDENTIALS))
