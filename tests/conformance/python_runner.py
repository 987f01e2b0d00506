"""Read every case of the answer corpus (tests/vectors/answers.json) through the Python
client's answer reading, the function EkoClient calls on every answer
(`responses.read_answer`), and compare with the corpus's expectation.

    python -m tests.conformance.python_runner    prints `conformance python: P/T`

The Python client presents an answer as a model (success) or an exception; `outcome`
below maps that presentation to the corpus's outcomes. Values are compared as the model
writes them back to JSON (`to_dict()`), which is how the spec types them: no conversion.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

from eko_digilocker.calls import _success
from eko_digilocker.errors import EkoApiError, EkoResponseError, EkoVerificationPendingError
from eko_digilocker.responses import read_answer
from eko_digilocker.spec import operation

CORPUS = Path(__file__).resolve().parent.parent / "vectors" / "answers.json"


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
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


def reading(case: dict[str, Any]) -> dict[str, Any]:
    """What the client made of the case: outcome, code, and the data it returned."""
    opid = case["operation"]
    try:
        model = read_answer(operation(opid), answer_of(case), _success(opid))
    except EkoApiError as error:
        if error.http_status != 200:
            return {"outcome": "http_error", "code": None}
        pending = isinstance(error, EkoVerificationPendingError)
        return {"outcome": "pending" if pending else "business_error", "code": error.code}
    except EkoResponseError as error:
        outcome = "http_error" if error.http_status not in (200, None) else "malformed"
        return {"outcome": outcome, "code": None}
    return {"outcome": "success", "code": None, "data": model.to_dict()}


def mismatches(case: dict[str, Any]) -> list[str]:
    """How the client's reading differs from the corpus's expectation (empty: agrees)."""
    expect, got = case["expect"], reading(case)
    found = [
        f"{key}: expected {expect[key]!r}, got {got[key]!r}"
        for key in ("outcome", "code")
        if expect[key] != got[key]
    ]
    data = got.get("data", {})
    for name, value in expect["values"].items():
        if data.get(name) != value:
            found.append(f"values.{name}: expected {value!r}, got {data.get(name)!r}")
    return found


def main() -> int:
    cases = load_cases()
    failed = [(case["name"], problems) for case in cases if (problems := mismatches(case))]
    for name, problems in failed:
        print(f"FAIL {name}: {'; '.join(problems)}", file=sys.stderr)
    print(f"conformance python: {len(cases) - len(failed)}/{len(cases)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
