"""The client policy: every default of a call, read from the spec's `x-eko-client` (the
root's, with an operation's own keys merged over it), never copied by hand. The spec's
extension says what each key means; `make check-breaking` judges a change to it.

Read at import from the spec the generated package carries (about a millisecond: the
JSON file alone, not the generated package), because the clients' signatures show these
defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from .spec import load_spec


def merged(root: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` over `root`, objects merged key by key, anything else replaced."""
    out = dict(root)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Policy:
    """The spec's policy in the units of this client's options (seconds, not ms)."""

    timeout: float
    max_response_bytes: int
    max_retries: int
    retry_statuses: frozenset[int]
    initial_delay: float
    max_delay: float
    multiplier: float
    max_retry_after: float
    consent_interval: float
    consent_timeout: float
    idempotent: bool

    @classmethod
    def read(cls, extension: dict[str, Any]) -> Policy:
        retry, backoff = extension["retry"], extension["retry"]["backoff"]
        wait = extension["consent_wait"]
        return cls(
            timeout=extension["timeout_ms"] / 1000,
            max_response_bytes=extension["max_response_bytes"],
            max_retries=retry["max_retries"],
            retry_statuses=frozenset(retry["statuses"]),
            initial_delay=backoff["initial_ms"] / 1000,
            max_delay=backoff["max_ms"] / 1000,
            multiplier=backoff["multiplier"],
            max_retry_after=retry["retry_after"]["max_ms"] / 1000,
            consent_interval=wait["interval_ms"] / 1000,
            consent_timeout=wait["timeout_ms"] / 1000,
            idempotent=extension.get("idempotent", False) is True,
        )


def _root_extension() -> dict[str, Any]:
    extension: dict[str, Any] = load_spec()["x-eko-client"]
    return extension


@cache
def root() -> Policy:
    """The root policy: the defaults of every call."""
    return Policy.read(_root_extension())


@cache
def of(operation_id: str) -> Policy:
    """One operation's effective policy (its `x-eko-client` over the root's)."""
    for item in load_spec()["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return Policy.read(merged(_root_extension(), op.get("x-eko-client", {})))
    raise LookupError(f"no operation {operation_id!r} in the spec")


DEFAULTS = root()
