"""The time budget of the generated tests (schemathesis's phases, the stateful phase).

Against a slow target (Eko's UAT answers in about a second) the generated cases would
outlast pytest's per-test timeout, which fails the run. Instead each generated test may
spend EKO_CONTRACT_TIME_BUDGET_S (conftest.py) sending cases: schemathesis's test of a
target an equal share per operation, the stateful phase all of it; the cases generated after
that are not sent, and counted. The run's report says how many were sent and how many
were not, per test (terminal summary, and `budget` in reports/contract-coverage.json).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class Budget:
    seconds: float
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _started: dict[str, float] = field(default_factory=dict)
    counts: dict[str, list[int]] = field(default_factory=dict)  # scope -> [sent, not sent]

    def allows(self, scope: str, share: float = 1.0) -> bool:
        """Whether one more case of `scope` (an operation of a target, or the stateful
        phase at a target) may be sent within `share` of the budget; the scope's clock
        starts with its first case. Counted either way."""
        with self._lock:
            now = time.monotonic()
            started = self._started.setdefault(scope, now)
            allowed = now - started < self.seconds * share
            counts = self.counts.setdefault(scope, [0, 0])
            counts[0 if allowed else 1] += 1
            return allowed

    def summary(self) -> dict[str, object]:
        with self._lock:
            sent = sum(counts[0] for counts in self.counts.values())
            unsent = sum(counts[1] for counts in self.counts.values())
            return {
                "seconds_each": self.seconds,
                "sent": sent,
                "not_sent": unsent,
                "scopes": {
                    scope: {"sent": s, "not_sent": u} for scope, (s, u) in self.counts.items()
                },
            }

    def lines(self) -> list[str]:
        report = self.summary()
        if not self.counts:
            return []
        lines = [
            f"contract budget: {report['sent']} generated cases sent, {report['not_sent']} not "
            f"sent (EKO_CONTRACT_TIME_BUDGET_S={self.seconds:g} each)"
        ]
        lines += [f"  {test}: {s} sent, {u} not sent" for test, (s, u) in self.counts.items() if u]
        return lines
