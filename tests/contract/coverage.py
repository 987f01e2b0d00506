"""What a contract run reached, cell by cell: operation x documented HTTP status x Eko
code x profile, and each link of the spec followed, per profile.

The documented cells come from the spec: every response of every operation, and for
each the Eko codes of its examples (`eko_code`). Answers are counted as the suite gets
them: schemathesis's calls through the `after_call` hook (tests/contract/hooks.py), the
journey properties through their own client (tests/contract/journeys.py), links through
the stateful test. A process holds one `Coverage`; `make contract` writes it to
reports/contract-coverage.json and an HTML page, and against the embedded sandbox fails
when a cell that is not excluded was missed.

tracecov (PyPI) measures schema coverage (operations, parameters, keywords, responses by
HTTP status) but knows neither Eko's codes, which sit in the body of an HTTP 200 answer,
nor the sandbox's profiles: hence this matrix (see docs/contract-tests.md).
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eko_digilocker.responses import error_code
from eko_digilocker.spec import HTTP_METHODS, example_values, load_spec, resolve

EXTERNAL = "external"  # the profile of a target that is not the embedded sandbox

STATUS = "getDigilockerVerificationStatus"

# Documented cells the embedded sandbox cannot produce, and why. Keys: (operation or
# None for any, HTTP status, Eko code or None for any, profile or None for any).
EXCLUDED: dict[tuple[str | None, str, int | None, str | None], str] = {
    (None, "404", None, None): (
        "a 404 answers a URL that is no operation's, so no operation can be reached with it"
    ),
    (None, "500", None, None): (
        "the sandbox answers no 500 of its own (the spec's ServerError says so), and the 5xx "
        "it injects (fault draws: 502/503; fail-next: any 5xx) are a gateway's plain text, "
        "not Eko's envelope"
    ),
    (STATUS, "200", -1, "legacy"): (
        "the legacy profile answers a pending or unknown session with 327 or 463, as the "
        "legacy README does; -1 is eps.eko.in's"
    ),
}


def eko_code(body: Any) -> int | None:
    """An answer's Eko code: 0 for a success, else the code wherever it sits
    (`error_code`), else `response_status_id` (the status call's -1, a failure's 1)."""
    if not isinstance(body, dict) or "status" not in body:
        return None
    if body.get("status") == 0:
        return 0
    code = error_code(body)
    status_id = body.get("response_status_id")
    return code if code is not None else status_id if type(status_id) is int else None


@dataclass(frozen=True, order=True)
class Answer:
    operation: str
    http_status: str
    eko_code: int | None
    profile: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "answer",
            "operation": self.operation,
            "http_status": self.http_status,
            "eko_code": self.eko_code,
            "profile": self.profile,
        }


@dataclass(frozen=True, order=True)
class Link:
    source: str
    status: str
    name: str
    target: str
    profile: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "link",
            "source": self.source,
            "status": self.status,
            "link": self.name,
            "target": self.target,
            "profile": self.profile,
        }


def _operations() -> list[tuple[str, dict[str, Any]]]:
    return [
        (op["operationId"], op)
        for item in load_spec()["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


@cache
def documented_answers(profile: str) -> tuple[Answer, ...]:
    cells = set()
    for operation_id, op in _operations():
        for status in op["responses"]:
            for value in example_values(operation_id, status):
                cells.add(Answer(operation_id, status, eko_code(value), profile))
    return tuple(sorted(cells, key=lambda c: (c.operation, c.http_status, str(c.eko_code))))


@cache
def documented_links(profile: str) -> tuple[Link, ...]:
    return tuple(
        Link(operation_id, status, name, link["operationId"], profile)
        for operation_id, op in _operations()
        for status, response in op["responses"].items()
        for name, link in resolve(response).get("links", {}).items()
    )


def exclusion(cell: Answer | Link) -> str | None:
    if not isinstance(cell, Answer):
        return None
    for (operation, status, code, profile), reason in EXCLUDED.items():
        if (
            operation in (None, cell.operation)
            and status == cell.http_status
            and code in (None, cell.eko_code)
            and profile in (None, cell.profile)
        ):
            return reason
    return None


class Coverage:
    """The cells reached so far in this process, by the targets registered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._profiles: dict[str, str] = {}  # base URL -> profile
        self._reached: set[Answer | Link] = set()

    def register_target(self, base_url: str, profile: str) -> None:
        with self._lock:
            self._profiles[base_url.rstrip("/")] = profile

    def profile_of(self, url: str) -> str | None:
        for base, profile in self._profiles.items():
            if url == base or url.startswith(base + "/"):
                return profile
        return None

    def record_answer(self, operation_id: str, http_status: int, body: Any, url: str) -> None:
        profile = self.profile_of(url)
        if profile is not None:
            with self._lock:
                self._reached.add(Answer(operation_id, str(http_status), eko_code(body), profile))

    def record_link(self, name: str, base_url: str) -> None:
        """A link the stateful phase followed, by its name (the spec's names are unique;
        links schemathesis infers on its own are not the spec's and are not counted)."""
        profile = self.profile_of(base_url)
        if profile is None:
            return
        for link in documented_links(profile):
            if link.name == name:
                with self._lock:
                    self._reached.add(link)

    @property
    def profiles(self) -> set[str]:
        return set(self._profiles.values())

    def report(self) -> dict[str, Any]:
        """`{"covered", "total", "cells", "undocumented"}`: total counts the documented
        cells of the profiles run that are not excluded; an excluded cell carries its
        reason; `undocumented` lists answers reached that the spec documents nowhere."""
        profiles = sorted(self.profiles)
        documented: list[Answer | Link] = [
            cell
            for profile in profiles
            for cell in (*documented_answers(profile), *documented_links(profile))
        ]
        cells = []
        for cell in documented:
            entry = {**cell.to_json(), "covered": cell in self._reached}
            reason = exclusion(cell) if cell.profile != EXTERNAL else None
            if reason is not None:
                entry["excluded"] = reason
            cells.append(entry)
        counted = [entry for entry in cells if "excluded" not in entry]
        known = set(documented)
        return {
            "covered": sum(entry["covered"] for entry in counted),
            "total": len(counted),
            "cells": cells,
            "undocumented": [
                cell.to_json()
                for cell in sorted(self._reached - known, key=str)
                if isinstance(cell, Answer)
            ],
        }

    def missed(self) -> list[dict[str, Any]]:
        return [
            entry
            for entry in self.report()["cells"]
            if not entry["covered"] and "excluded" not in entry
        ]


COVERAGE = Coverage()
register_target = COVERAGE.register_target
record_answer = COVERAGE.record_answer
record_link = COVERAGE.record_link


def write(report: dict[str, Any], json_path: Path) -> Path:
    """Write the report as JSON and as an HTML page beside it; returns the page's path."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    page = json_path.with_suffix(".html")
    page.write_text(_html(report))
    return page


def describe(entry: dict[str, Any]) -> str:
    if entry["kind"] == "link":
        return f"link {entry['source']} [{entry['status']}] {entry['link']} -> {entry['target']}"
    return f"{entry['operation']} HTTP {entry['http_status']} code {entry['eko_code']}"


def _html(report: dict[str, Any]) -> str:
    rows = []
    for entry in report["cells"]:
        state = "excluded" if "excluded" in entry else "covered" if entry["covered"] else "missed"
        rows.append(
            f'<tr class="{state}"><td>{html.escape(describe(entry))}</td>'
            f"<td>{html.escape(entry['profile'])}</td><td>{state}</td>"
            f"<td>{html.escape(entry.get('excluded', ''))}</td></tr>"
        )
    extra = "".join(
        f"<li>{html.escape(describe(entry))} ({html.escape(entry['profile'])})</li>"
        for entry in report["undocumented"]
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Contract coverage</title>"
        "<style>body{font-family:sans-serif}td{padding:2px 8px}.covered{background:#dfd}"
        ".missed{background:#fdd}.excluded{color:#777}</style></head><body>"
        f"<h1>Contract coverage: {report['covered']} of {report['total']} cells</h1>"
        "<table><tr><th>cell</th><th>profile</th><th>state</th><th>why excluded</th></tr>"
        + "".join(rows)
        + "</table><h2>Answers reached that the spec does not document</h2><ul>"
        + (extra or "<li>none</li>")
        + "</ul></body></html>\n"
    )
