"""An answer's bytes read as JSON, by the answer rule (docs/answer-rule.md, step 2).

Stricter than `json.loads` where Python's reading would hide what was on the wire:
- a key twice in one object is not JSON an answer may use (Python keeps the last one;
  another reader may keep the first, so the two would read different answers);
- `NaN` and `Infinity` are not JSON at all;
- a number written with a fraction or an exponent (`0.0`, `1.0`, `1e0`) is never an
  integer, whatever its value, yet Python's float 0.0 equals 0 and a schema validator
  counts 1.0 as an integer. Such numbers are rare in Eko's answers, so the common answer
  pays nothing: `parse` only notes that one occurred, and `typed_numbers` reads the
  answer again with each of them kept as its text, which no `integer` field accepts.
"""

from __future__ import annotations

import json
from typing import Any


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a key occurs twice in one object")
    return found


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse(content: bytes) -> tuple[Any, bool]:
    """The answer's JSON value, and whether a number in it has a fraction or an
    exponent. Raises ValueError when it is not JSON by the rule."""
    fractional = False

    def real(text: str) -> float:
        nonlocal fractional
        fractional = True
        return float(text)

    value = json.loads(
        content, object_pairs_hook=_object, parse_float=real, parse_constant=_constant
    )
    return value, fractional


def typed_numbers(content: bytes) -> Any:
    """The answer read again (it parsed before) with each fractional number as its
    text (a plain str: the schema validator takes no subclass), so that no `integer`
    field accepts it. A `string` field would, so `parse`'s reading is checked too."""
    return json.loads(content, object_pairs_hook=_object, parse_float=str, parse_constant=_constant)
