"""Forced scenarios queued through the control surface (`POST /_sandbox/scenarios`).

Each entry forces the answer of one scenario code (as `SCENARIO-<code>` would) on the
next `times` signed, schema-valid API requests that match its operation and/or
`client_ref_id`; the oldest matching entry answers first. The queue holds at most
`MAX_ENTRIES` entries so a control client cannot make it grow without end.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 1000
MAX_TIMES = 1_000_000
MAX_CLIENT_REF_ID = 256


class QueueFull(ValueError):
    pass


@dataclass
class ForcedScenario:
    id: str
    scenario: int
    operation: str | None
    client_ref_id: str | None
    remaining: int

    def matches(self, operation: str, client_ref_id: Any) -> bool:
        return (self.operation is None or self.operation == operation) and (
            self.client_ref_id is None or self.client_ref_id == client_ref_id
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scenario": self.scenario,
            "operation": self.operation,
            "client_ref_id": self.client_ref_id,
            "remaining": self.remaining,
        }


class ForcedScenarios:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[ForcedScenario] = []
        self._ids = itertools.count(1)

    def add(
        self, scenario: int, operation: str | None, client_ref_id: str | None, times: int
    ) -> ForcedScenario:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                raise QueueFull(f"at most {MAX_ENTRIES} forced scenarios can be queued")
            entry = ForcedScenario(
                f"forced-{next(self._ids)}", scenario, operation, client_ref_id, times
            )
            self._entries.append(entry)
            return entry

    def take(self, operation: str, client_ref_id: Any) -> int | None:
        """The scenario code forced on this request, counting it; None when none matches."""
        if not self._entries:  # the common case, without the lock
            return None
        with self._lock:
            for index, entry in enumerate(self._entries):
                if entry.matches(operation, client_ref_id):
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        del self._entries[index]
                    return entry.scenario
        return None

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [entry.to_json() for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
