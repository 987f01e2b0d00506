"""Forced scenarios queued through the control surface (`POST /_sandbox/scenarios`).

Each entry forces the answer of one scenario code (as `SCENARIO-<code>` would) on the
next `times` signed, schema-valid API requests that match its operation and/or
`client_ref_id`; the oldest matching entry answers first. The queue holds at most
`MAX_ENTRIES` entries so a control client cannot make it grow without end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eko_digilocker_sandbox.countdown import CountdownQueue

MAX_ENTRIES = 1000
MAX_TIMES = 1_000_000
MAX_CLIENT_REF_ID = 256


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


class ForcedScenarios(CountdownQueue[ForcedScenario]):
    def __init__(self) -> None:
        super().__init__(MAX_ENTRIES, "forced scenarios", "forced")

    def add(
        self, scenario: int, operation: str | None, client_ref_id: str | None, times: int
    ) -> ForcedScenario:
        return self.push(lambda id: ForcedScenario(id, scenario, operation, client_ref_id, times))

    def take(self, operation: str, client_ref_id: Any) -> int | None:
        """The scenario code forced on this request, counting it; None when none matches."""
        entry = self.pop_match(lambda entry: entry.matches(operation, client_ref_id))
        return None if entry is None else entry.scenario
