"""How a request maps onto the spec: which operation it is, and its query values typed
as the spec declares them. Shared by the sandbox's API (api.py), the recorder's checks
(drift.py) and replay (replay.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from eko_digilocker.spec import Operation, operations, resolve

# Up to 19 digits: every 64-bit id (the spec's reference_id is `format: int64`), and never
# int() of an unbounded digit string.
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_NUMBER = re.compile(r"[+-]?[0-9]{1,18}(\.[0-9]{1,18})?([eE][+-]?[0-9]{1,3})?")


def operation_for(method: str, path: str) -> Operation | None:
    """The spec operation a request is, from its method and the end of its path (the
    upstream's base path, e.g. `/ekoapi/v3`, comes before the spec's path)."""
    found = [op for op in operations().values() if op.method == method and path.endswith(op.path)]
    return max(found, key=lambda op: len(op.path), default=None)


def integer_in(text: str) -> int | None:
    """`text` as an integer of at most 19 digits, or None."""
    return int(text) if _INTEGER.fullmatch(text) else None


def query_coercer(schema: dict[str, Any]) -> Callable[[str], Any]:
    """Query values are strings; turn each into the type its schema declares, if it can be."""
    kind = resolve(schema).get("type")
    if kind == "integer":
        return lambda value: int(value) if _INTEGER.fullmatch(value) else value
    if kind == "number":
        return lambda value: float(value) if _NUMBER.fullmatch(value) else value
    if kind == "boolean":
        return lambda value: {"true": True, "false": False}.get(value, value)
    return lambda value: value
