"""Every default of the Python client is the spec's `x-eko-client` (issue 22): the spec
is read here from its source, openapi/eko-digilocker.yaml, and each default the client
shows (signatures, RetryPolicy, a new client's settings, each call's idempotency) must
equal it. A default copied by hand fails as soon as the spec changes."""

from __future__ import annotations

import inspect
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from eko_digilocker import AsyncEkoClient, EkoClient, RetryPolicy, policy
from eko_digilocker.policy import Policy, merged
from tests.client.fakes import CREDENTIALS

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "eko-digilocker.yaml"
SOURCE = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
ROOT = SOURCE["x-eko-client"]


def default(function: Any, name: str) -> Any:
    return inspect.signature(function).parameters[name].default


@pytest.mark.parametrize("client", [EkoClient, AsyncEkoClient])
def test_the_clients_defaults_are_the_spec_policy(client: type) -> None:
    assert default(client.__init__, "timeout") * 1000 == ROOT["timeout_ms"]
    assert default(client.__init__, "max_retries") == ROOT["retry"]["max_retries"]
    assert default(client.__init__, "max_response_bytes") == ROOT["max_response_bytes"]
    wait = client.wait_for_consent
    assert default(wait, "timeout") * 1000 == ROOT["consent_wait"]["timeout_ms"]
    assert default(wait, "interval") * 1000 == ROOT["consent_wait"]["interval_ms"]


def test_the_retry_defaults_are_the_spec_policy() -> None:
    retry = RetryPolicy()
    backoff = ROOT["retry"]["backoff"]
    assert retry.max_retries == ROOT["retry"]["max_retries"]
    assert retry.statuses == frozenset(ROOT["retry"]["statuses"])
    assert retry.initial_delay * 1000 == backoff["initial_ms"]
    assert retry.max_delay * 1000 == backoff["max_ms"]
    assert retry.multiplier == backoff["multiplier"]
    assert retry.max_retry_after * 1000 == ROOT["retry"]["retry_after"]["max_ms"]
    # what the client does with the keys it does not hold as numbers
    assert backoff["jitter"] == "full"
    assert ROOT["retry"]["not_sent"] == "all"
    assert ROOT["retry"]["maybe_sent"] == "idempotent"
    assert ROOT["redirects"] == "never_follow"
    assert ROOT["idempotency"]["field"] == "client_ref_id"


def test_a_new_client_takes_the_spec_policy() -> None:
    with EkoClient(**CREDENTIALS, base_url="http://127.0.0.1:9") as eko:
        assert eko.timeout is not None
        assert eko.timeout * 1000 == ROOT["timeout_ms"]
        assert eko.max_response_bytes == ROOT["max_response_bytes"]
        assert eko.retry_policy == RetryPolicy()


def operations() -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in SOURCE["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


@pytest.mark.parametrize("operation_id", sorted(operations()))
def test_each_calls_idempotency_is_the_operations_policy(operation_id: str) -> None:
    said = operations()[operation_id].get("x-eko-client", {}).get("idempotent", False)
    assert policy.of(operation_id).idempotent is said
    with EkoClient(**CREDENTIALS, base_url="http://127.0.0.1:9") as eko:
        call = {
            "createDigilockerUrl": lambda: eko.create_call(
                "https://a.example/cb", None, None, None
            ),
            "getDigilockerVerificationStatus": lambda: eko.status_call(7, None, None),
            "getDigilockerDocument": lambda: eko.document_call(7, "v", ["AADHAAR"], None, None),
        }[operation_id]()
    assert call.idempotent is said


def test_an_operation_the_spec_calls_unsafe_is_not_repeated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unsafe = replace(policy.of("getDigilockerVerificationStatus"), idempotent=False)
    monkeypatch.setattr(policy, "of", lambda operation_id: unsafe)
    with EkoClient(**CREDENTIALS, base_url="http://127.0.0.1:9") as eko:
        assert not eko.status_call(7, None, None).idempotent
        assert not eko.create_call("https://a.example/cb", None, "ref-1", None).idempotent


def test_an_operation_overrides_the_root_key_by_key() -> None:
    override = {"retry": {"backoff": {"initial_ms": 100}}, "idempotent": True}
    read = Policy.read(merged(ROOT, override))
    assert read.initial_delay == 0.1
    assert read.max_delay * 1000 == ROOT["retry"]["backoff"]["max_ms"]  # kept from the root
    assert read.idempotent
    assert not Policy.read(ROOT).idempotent  # not said: not safe to repeat
