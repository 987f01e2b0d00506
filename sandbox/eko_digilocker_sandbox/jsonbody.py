"""The sandbox's one JSON parser: every JSON body it reads, API or control surface, goes here.

It refuses, with a `JsonBodyError` whose message says why: a body over its size limit,
bytes that are not UTF-8, malformed JSON, `NaN` / `Infinity` (spelt so, or a number
too large for a float, such as `1e999`, which Python's `json` turns into `inf`),
containers nested more than `MAX_DEPTH` levels, and strings (keys included) holding a
lone UTF-16 surrogate such as `"\\udfff"`. Python's `json` turns such an escape into a
`str` that cannot be encoded back to UTF-8, so letting one in would break every later
answer that shows it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator
from typing import Any

MAX_DEPTH = 32  # deeper JSON is refused; no Eko request nests more than 3 levels
TOO_DEEP = f"body is nested too deeply (more than {MAX_DEPTH} levels)"

_SURROGATE = re.compile("[\ud800-\udfff]")
# A surrogate can only come from a \u escape (strict UTF-8 decoding refuses encoded ones),
# so bodies without one skip the walk over their strings.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonBodyError(ValueError):
    """A body the sandbox refuses to parse; the message is safe to show the client."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# Longer integers are refused by name instead of reaching int()'s own limit, whose message
# speaks of Python internals (sys.set_int_max_str_digits).
MAX_INTEGER_DIGITS = 4300


def _bounded_int(text: str) -> int:
    if len(text) > MAX_INTEGER_DIGITS:
        raise ValueError(f"a number of {len(text):,} digits is too long")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is out of range for a number")
    return value


# Built once: json.loads(..., parse_constant=...) would build a decoder per call.
_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_bounded_int
)


def parse(body: bytes, *, empty: Any = None) -> Any:
    """The JSON value of `body`, or `JsonBodyError`.

    An empty (or all-whitespace) body gives `empty` when it is not None, otherwise it is
    an error."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonBodyError(f"body is not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        if empty is not None:
            return empty
        raise JsonBodyError("body is empty: send a JSON object")
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise JsonBodyError(TOO_DEEP) from None
    except ValueError as exc:
        raise JsonBodyError(f"malformed JSON: {exc}") from None
    check_strings = _SURROGATE_ESCAPE.search(text) is not None
    # A body with no more brackets than MAX_DEPTH cannot nest deeper (brackets inside
    # strings only make this cautious), so the usual small body skips the walk.
    if check_strings or text.count("{") + text.count("[") > MAX_DEPTH:
        check_value(value, check_strings=check_strings)
    return value


def check_value(value: Any, *, check_strings: bool = True) -> None:
    """Refuse `value` if it nests more than MAX_DEPTH levels or holds a lone surrogate.

    Iterative, so a deep value cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if check_strings and _SURROGATE.search(node):
                raise JsonBodyError(
                    "body holds a lone UTF-16 surrogate (such as \\udfff): not valid Unicode"
                )
            continue
        if isinstance(node, dict):
            if check_strings:
                stack.extend((key, depth) for key in node)
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_DEPTH:
            raise JsonBodyError(TOO_DEEP)
        stack.extend(
            (child, depth + 1)
            for child in children
            if isinstance(child, dict | list) or (check_strings and isinstance(child, str))
        )


async def read_limited(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """Collect a streamed body, refusing it as soon as it passes `limit` bytes."""
    parts: list[bytes] = []
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise JsonBodyError(f"body too large: at most {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)
