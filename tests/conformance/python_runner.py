"""The Python client's conformance runner (protocol: docs/conformance.md), through the
public API a user calls: EkoClient, wait_for_consent, parse_redirect.

    python -m tests.conformance.python_runner answers FILE
    python -m tests.conformance.python_runner behaviour FILE
    python -m tests.conformance.python_runner redirects FILE
    python -m tests.conformance.python_runner journey BASE_URL PROFILE
    python -m tests.conformance.python_runner policy

Each prints one JSON line per case or step; the harness (tests/conformance/harness.py)
does every comparison. `outcome` below maps the client's presentation (a model or an
exception) to the protocol's outcome names.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from eko_digilocker import (
    EkoApiError,
    EkoClient,
    EkoConfigurationError,
    EkoConnectionError,
    EkoError,
    EkoResponseError,
    EkoResponseTooLargeError,
    EkoTimeoutError,
    EkoValidationError,
    EkoVerificationPendingError,
    parse_redirect,
)
from eko_digilocker.calls import _success
from eko_digilocker.responses import read_answer
from eko_digilocker.spec import operation

CORPUS = Path(__file__).resolve().parent.parent / "vectors" / "answers.json"
# Eko's public UAT keys (the sandbox's default pair), for the journey.
UAT = {
    "developer_key": "becbbce45f79c6f5109f848acd540567",
    "access_key": "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
    "initiator_id": "9962981729",
    "user_code": "20810200",
}
REDIRECT_URL = "https://yourapp.example/kyc/callback"


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line), flush=True)


def outcome_of(error: Exception) -> tuple[str, int | None]:
    """The protocol's outcome and code for an exception the client raised."""
    if isinstance(error, EkoValidationError | EkoConfigurationError):
        return "invalid_input", None
    if isinstance(error, EkoApiError):
        if error.http_status != 200:
            return "http_error", None
        if isinstance(error, EkoVerificationPendingError):
            return "pending", error.code
        return "business_error", error.code
    if isinstance(error, EkoResponseTooLargeError):
        return "too_large", None
    if isinstance(error, EkoResponseError):
        return ("http_error" if error.http_status not in (200, None) else "malformed"), None
    if isinstance(error, EkoTimeoutError):
        return "timeout", None
    if isinstance(error, EkoConnectionError):
        return "connection_error", None
    raise error


def reading(call: Callable[[], Any]) -> dict[str, Any]:
    """Outcome, code, values (a success's data as the model writes it) and error type."""
    try:
        model = call()
    except EkoError as error:
        outcome, code = outcome_of(error)
        message = error.message if isinstance(error, EkoApiError) else str(error)
        return {
            "outcome": outcome,
            "code": code,
            "values": {},
            "error": type(error).__name__,
            "message": message,
        }
    return {"outcome": "success", "code": None, "values": model.to_dict(), "error": None}


# --- answers ---------------------------------------------------------------------------


def load_cases(path: Path = CORPUS) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def answer_bytes(case: dict[str, Any]) -> bytes:
    """The answer exactly as sent: `body_text`'s bytes as they are; `body`, a string as
    is, anything else written as JSON."""
    if "body_text" in case:
        text: str = case["body_text"]
        return text.encode()
    body = case["body"]
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


def answer_of(case: dict[str, Any]) -> httpx.Response:
    content = answer_bytes(case)
    return httpx.Response(
        case["http_status"],
        content=content,
        headers={"content-type": "application/json"},
        request=httpx.Request("POST", "http://eko.test/"),
    )


def answer_reading(case: dict[str, Any]) -> dict[str, Any]:
    """What the client's answer reading (`responses.read_answer`, which every call uses)
    makes of one answers case."""
    opid = case["operation"]
    got = reading(lambda: read_answer(operation(opid), answer_of(case), _success(opid)))
    return {"name": case["name"], **got}


def mismatches(case: dict[str, Any]) -> list[str]:
    """How the client's reading differs from the corpus's expectation (empty: agrees)."""
    expect, got = case["expect"], answer_reading(case)
    found = [
        f"{key}: expected {expect[key]!r}, got {got[key]!r}"
        for key in ("outcome", "code")
        if expect[key] != got[key]
    ]
    for name, value in expect["values"].items():
        if got["values"].get(name) != value:
            found.append(f"values.{name}: expected {value!r}, got {got['values'].get(name)!r}")
    return found


# --- behaviour -------------------------------------------------------------------------


def client_for(case: dict[str, Any], keys: dict[str, str]) -> EkoClient:
    options = case["call"].get("options", {})
    given = case["call"].get("input", {})
    settings: dict[str, Any] = {
        "developer_key": keys["developer_key"],
        "access_key": keys["access_key"],
        "initiator_id": given.get("initiator_id", keys["initiator_id"]),
        "user_code": keys["user_code"],
        "base_url": case["base_url"],
    }
    if "timeout_ms" in options and case["call"]["operation"] != "waitForConsent":
        settings["timeout"] = options["timeout_ms"] / 1000
    if "max_retries" in options:
        settings["max_retries"] = options["max_retries"]
    if "max_response_bytes" in options:
        settings["max_response_bytes"] = options["max_response_bytes"]
    return EkoClient(**settings)


def invoke(eko: EkoClient, call: dict[str, Any]) -> Any:
    """The public call a case names, with its wire-named input."""
    given = dict(call.get("input", {}))
    given.pop("initiator_id", None)  # a client setting (see client_for)
    options = call.get("options", {})
    name = call["operation"]
    if name == "createDigilockerUrl":
        return eko.create_digilocker_url(
            given.get("redirect_url"),  # type: ignore[arg-type]  # absent: refused
            given.get("document_requested"),
            given.get("client_ref_id"),
            given.get("user_code"),
        )
    if name == "getDigilockerVerificationStatus":
        return eko.get_verification_status(
            given.get("reference_id"),  # type: ignore[arg-type]
            given.get("client_ref_id"),
            given.get("user_code"),
        )
    if name == "getDigilockerDocument":
        return eko.get_document(
            given.get("reference_id"),  # type: ignore[arg-type]
            given.get("verification_id"),  # type: ignore[arg-type]
            given.get("document_type"),
            given.get("client_ref_id"),
            given.get("user_code"),
        )
    if name == "waitForConsent":
        limits = {}
        if "timeout_ms" in options:
            limits["timeout"] = options["timeout_ms"] / 1000
        if "interval_ms" in options:
            limits["interval"] = options["interval_ms"] / 1000
        return eko.wait_for_consent(given.get("reference_id"), **limits)  # type: ignore[arg-type]
    raise ValueError(f"unknown operation {name!r}")


def consent_reading(result: Any) -> dict[str, Any]:
    """A wait's result: its state, and the outcome that state stands for."""
    state = str(result.state.value)
    if result.details is not None:
        values = {"state": state, **result.details.to_dict()}
        return {"outcome": "success", "code": None, "values": values, "error": None}
    error = result.error
    if state == "TIMED_OUT":
        return {"outcome": "timeout", "code": None, "values": {"state": state}, "error": None}
    code = error.code if error is not None else None
    kind = type(error).__name__ if error is not None else None
    return {"outcome": "business_error", "code": code, "values": {"state": state}, "error": kind}


def warm_up(keys: dict[str, str]) -> None:
    """Load what the client loads on its first call (the spec's validators, the generated
    models), so a case's elapsed_ms is its call's, not the process's start-up."""
    with EkoClient(**keys, base_url="http://127.0.0.1:9") as eko:
        for call in (
            lambda: eko.create_digilocker_url("not a url at all", ["NONE"]),
            lambda: eko.get_verification_status(0),
            lambda: eko.get_document(0, "", ["NONE"]),
        ):
            with contextlib.suppress(EkoValidationError):
                call()
    for opid in ("createDigilockerUrl", "getDigilockerVerificationStatus", "getDigilockerDocument"):
        answer_reading({"name": "", "operation": opid, "http_status": 200, "body": {"status": 1}})
    from eko_digilocker import consent  # noqa: F401  (the consent wait's models)


def behaviour_case(case: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        eko = client_for(case, keys)
    except EkoConfigurationError as error:
        got = {
            "outcome": "invalid_input",
            "code": None,
            "values": {},
            "error": type(error).__name__,
        }
    else:
        with eko:
            if case["call"]["operation"] == "waitForConsent":
                try:
                    got = consent_reading(invoke(eko, case["call"]))
                except EkoError as error:
                    outcome, code = outcome_of(error)
                    got = {
                        "outcome": outcome,
                        "code": code,
                        "values": {},
                        "error": type(error).__name__,
                    }
            else:
                got = reading(lambda: invoke(eko, case["call"]))
    elapsed_ms = round((time.monotonic() - started) * 1000)
    return {"name": case["name"], **got, "elapsed_ms": elapsed_ms}


# --- redirects -------------------------------------------------------------------------


def redirect_case(case: dict[str, Any]) -> dict[str, Any]:
    try:
        back = parse_redirect(case["url"])
    except EkoValidationError as error:
        return {
            "name": case["name"],
            "outcome": "invalid_input",
            "code": None,
            "values": {},
            "error": type(error).__name__,
        }
    values = {
        "reference_id": back.reference_id,
        "verification_id": back.verification_id,
        "denied": back.denied,
        "error": back.error,
    }
    return {"name": case["name"], "outcome": "ok", "code": None, "values": values, "error": None}


# --- journey ---------------------------------------------------------------------------


def journey(url: str, profile: str) -> list[dict[str, Any]]:
    """Create, a forced 301, pending status, approval (the sandbox's control surface),
    status, document: one line per step."""
    prefix = f"PY{profile[:1].upper()}{os.getpid() % 100000}"
    with EkoClient(**UAT, base_url=url, max_retries=0, timeout=30) as eko:
        lines = []

        def step(name: str, call: Callable[[], Any], **extra: Any) -> dict[str, Any]:
            got = {"name": name, **reading(call), **extra}
            lines.append(got)
            return got

        create_ref = f"{prefix}-create"
        created = step(
            "create",
            lambda: eko.create_digilocker_url(REDIRECT_URL, ["AADHAAR"], create_ref),
            client_ref_id=create_ref,
        )
        reference_id = created["values"]["reference_id"]
        step(
            "forced_301",
            lambda: eko.create_digilocker_url(REDIRECT_URL, ["AADHAAR"], "SCENARIO-301"),
            client_ref_id="SCENARIO-301",
        )
        step("pending", lambda: eko.get_verification_status(reference_id, f"{prefix}-pending"))
        answer = httpx.post(f"{url}/_sandbox/sessions/{reference_id}/approve", timeout=10)
        answer.raise_for_status()
        verification_id = answer.json()["verification_id"]
        lines.append(
            {
                "name": "approve",
                "outcome": "success",
                "code": None,
                "error": None,
                "values": {"reference_id": reference_id, "verification_id": verification_id},
            }
        )
        step("status", lambda: eko.get_verification_status(reference_id, f"{prefix}-status"))
        step(
            "document",
            lambda: eko.get_document(reference_id, verification_id, ["AADHAAR"], f"{prefix}-doc"),
        )
    return lines


# --- policy ----------------------------------------------------------------------------


def policy() -> dict[str, Any]:
    """The client's effective defaults, read from a client made with no options, in the
    shape of the spec's `x-eko-client` (tests/conformance/test_harness.py compares)."""
    import inspect

    with EkoClient(**UAT, base_url="http://127.0.0.1:9") as eko:
        retry = eko.retry_policy
        wait = inspect.signature(EkoClient.wait_for_consent).parameters
        return {
            "timeout_ms": round(eko.timeout * 1000) if eko.timeout else None,
            "max_response_bytes": eko.max_response_bytes,
            "retry": {
                "max_retries": retry.max_retries,
                "statuses": sorted(retry.statuses),
                # retries.NOT_SENT is retried for every call, MAYBE_SENT for idempotent ones
                "not_sent": "all",
                "maybe_sent": "idempotent",
                "backoff": {
                    "initial_ms": round(retry.initial_delay * 1000),
                    "max_ms": round(retry.max_delay * 1000),
                    "multiplier": retry.multiplier,
                    "jitter": "full",
                },
                "retry_after": {"max_ms": round(retry.max_retry_after * 1000)},
            },
            "idempotency": {"field": "client_ref_id"},
            "redirects": "never_follow",  # options.httpx_options refuses follow_redirects
            "consent_wait": {
                "interval_ms": round(wait["interval"].default * 1000),
                "timeout_ms": round(wait["timeout"].default * 1000),
            },
        }


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "answers" and len(args) == 1:
        for case in load_cases(Path(args[0])):
            emit(answer_reading(case))
    elif command == "behaviour" and len(args) == 1:
        corpus = json.loads(Path(args[0]).read_text(encoding="utf-8"))
        warm_up(corpus["keys"])
        for case in corpus["cases"]:
            emit(behaviour_case(case, corpus["keys"]))
    elif command == "redirects" and len(args) == 1:
        for case in json.loads(Path(args[0]).read_text(encoding="utf-8"))["cases"]:
            emit(redirect_case(case))
    elif command == "journey" and len(args) == 2:
        for line in journey(args[0], args[1]):
            emit(line)
    elif command == "policy" and not args:
        emit(policy())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
