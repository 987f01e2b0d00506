"""`eko-digilocker sandbox --replay FILE.har`: answer recorded requests as they were answered.

A request matches a recorded one when it is made with the same developer_key (the HAR
holds its SHA-256, never the key: one developer's recorded customers are never served
to another) and is the same operation with the same body and query, apart from
`client_ref_id` (a fresh one per call) and signing (other headers are not compared; the
sandbox still checks the live request's signature first). It then gets
the recorded HTTP status, content type and body, before the sandbox validates it: an
answer Eko gave to a request the spec calls invalid is replayed too. A request recorded
several times (a status call polled until the customer consented) gets the recorded
answers in order, then the last one again. Everything else is answered as usual, and
the sandbox never hands out a reference_id that occurs in the recording.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.types import Scope

from eko_digilocker.spec import Operation
from eko_digilocker_sandbox.har import (
    MAX_HAR_BYTES,
    MAX_HAR_VALUES,
    HarError,
    Recorded,
    developer_fingerprint,
    read_har,
)
from eko_digilocker_sandbox.routing import operation_for

_IGNORED = "client_ref_id"
_REFERENCE = re.compile(r"\s*([0-9]{1,18})\s*")
_HEADER_VALUE = re.compile(r"[\x20-\x7e]{1,200}")
_DEFAULT_TYPE = b"application/json"


@dataclass(frozen=True)
class Replayed:
    status: int
    content_type: bytes
    answer: bytes


def _key(developer: str, operation_id: str, query: list[tuple[str, str]], body: Any) -> str:
    kept_query = sorted((name, value) for name, value in query if name != _IGNORED)
    if isinstance(body, dict):
        body = {name: value for name, value in body.items() if name != _IGNORED}
    key = [developer, operation_id, kept_query, body]
    return json.dumps(key, sort_keys=True, separators=(",", ":"))


def _references(entry: Recorded, body: Any) -> set[int]:
    """Every reference_id the entry names: in its query, its body, its answer's data."""
    values: list[Any] = [value for name, value in entry.query if name == "reference_id"]
    if isinstance(body, dict):
        values.append(body.get("reference_id"))
    try:
        answer = json.loads(entry.answer)
    except (ValueError, RecursionError):
        answer = None
    if isinstance(answer, dict) and isinstance(answer.get("data"), dict):
        values.append(answer["data"].get("reference_id"))
    found = set()
    for value in values:
        match = _REFERENCE.fullmatch(str(value)) if isinstance(value, int | str) else None
        if match and not isinstance(value, bool):
            found.add(int(match.group(1)))
    return found


class Replay:
    """The recorded answers of one HAR file, by request."""

    def __init__(self, source: str, recorded: list[Recorded]) -> None:
        self.source = source
        self._answers: dict[str, list[Replayed]] = {}
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        references: set[int] = set()
        for entry in recorded:
            op = operation_for(entry.method, urlsplit(entry.url).path)
            if op is None:
                continue  # a control or consent call, or anything outside the spec
            if entry.developer is None:
                continue  # nobody's: a customer's data is served only to its recorder
            try:
                body = json.loads(entry.body) if entry.body else None
            except (ValueError, RecursionError):
                continue  # the sandbox refuses a body that is not JSON before replay
            content_type = entry.content_type.encode("ascii", "replace")
            if not _HEADER_VALUE.fullmatch(entry.content_type):
                content_type = _DEFAULT_TYPE
            answer = Replayed(entry.status, content_type, entry.answer)
            key = _key(entry.developer, op.operation_id, entry.query, body)
            self._answers.setdefault(key, []).append(answer)
            references |= _references(entry, body)
        if not self._answers:
            raise HarError(
                f"{source}: no entry is a call of the spec's operations made with a known "
                f"developer_key (recordings by eko-digilocker proxy before 2.1 carry none: "
                f"record them again)"
            )
        #: reference_ids the sandbox must never hand out (they mean recorded sessions)
        self.reference_ids = frozenset(references)

    @classmethod
    def from_har(
        cls, path: Path, max_bytes: int = MAX_HAR_BYTES, max_values: int = MAX_HAR_VALUES
    ) -> Replay:
        return cls(str(path), read_har(path, max_bytes, max_values))

    def answer(
        self, op: Operation, scope: Scope, params: Any, developer_key: bytes
    ) -> Replayed | None:
        """The answer recorded for this request made with this (authenticated)
        developer_key, or None when none matches."""
        raw = scope.get("query_string", b"").decode("utf-8", "replace")
        query = parse_qsl(raw, keep_blank_values=True)
        body = params if op.body is not None else None
        key = _key(developer_fingerprint(developer_key), op.operation_id, query, body)
        with self._lock:
            answers = self._answers.get(key)
            if answers is None:
                return None
            served = self._served.get(key, 0)
            self._served[key] = served + 1
            return answers[min(served, len(answers) - 1)]

    def rewind(self) -> None:
        """Start every sequence of recorded answers from its first one again."""
        with self._lock:
            self._served.clear()
