"""One answer queue: how a test steers the sandbox's next answers, and the types that say so.

The control surface fills one queue (`SandboxControl.force` is `POST /_sandbox/scenarios`,
`SandboxControl.fail_next` is `POST /_sandbox/fail-next`). Each entry stands for the
next `remaining` API requests it matches, oldest entry first, and is used at the step of
a request where its kind acts:

- a `ScheduledFailure` as the request arrives, before anything is read: HTTP 5xx, a
  dropped connection, a cut-off or an HTML answer; the operation never runs (what a
  retrying client must get past);
- a `ForcedScenario` once the request is signed and schema-valid: the documented answer
  of its scenario code (scenarios.py) instead of the operation's own.

Beside the queue, the only other steering is Eko's own `eps_scenario` query parameter
(scenarios.py) and the run's settings: the fault probabilities (`set_faults`, drawn when
no failure is queued for the request), the answer profile and `--replay`. A
`client_ref_id` is only the idempotency key; `SCENARIO-<code>` in it is a deprecated
alias of a one-time forced answer (Eko documents no such convention).

The entry types are shared by the server (which serializes them) and the control client
(which reads them), so their fields are written once; their JSON is
`openapi/sandbox-control.yaml`'s `ScenarioEntry` and `ScheduledFailure`.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, ClassVar, TypeVar

from eko_digilocker_sandbox import scenarios
from eko_digilocker_sandbox.faults import FaultInjector, FaultKind, FaultPlan, FaultSettings

logger = logging.getLogger("eko_digilocker_sandbox")

#: Entries queued at once, of both kinds together; another is refused, so a control
#: client cannot make the queue grow without end.
MAX_ENTRIES = 1000


class QueueFull(ValueError):
    pass


@dataclass(frozen=True)
class ForcedScenario:
    """A queued forced answer: the next `remaining` signed, schema-valid API requests to
    `operation` (None: any) get the documented answer of `scenario`. `client_ref_id`
    (None: any) narrows it to the requests carrying that idempotency key."""

    prefix: ClassVar[str] = "forced"  # of the ids
    id: str
    scenario: int
    operation: str | None
    client_ref_id: str | None
    remaining: int

    def matches(self, operation: str | None, client_ref_id: Any) -> bool:
        return self.operation in (None, operation) and self.client_ref_id in (None, client_ref_id)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ForcedScenario:
        return cls(*(body[field.name] for field in fields(cls)))


@dataclass(frozen=True)
class ScheduledFailure:
    """A queued failure: the next `remaining` API requests to `operation` (None: any)
    get `fault` before the operation runs: HTTP `http_status` (`http_5xx`), a dropped
    connection, a 200 answer cut off halfway, or an HTML page with `http_status`."""

    prefix: ClassVar[str] = "fail"
    id: str
    http_status: int
    operation: str | None
    remaining: int
    fault: FaultKind = "http_5xx"

    def matches(self, operation: str | None, client_ref_id: Any = None) -> bool:
        return self.operation in (None, operation)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> ScheduledFailure:
        # An older sandbox sends no `fault`: its failures are all HTTP 5xx.
        return cls(
            body["id"],
            body["http_status"],
            body["operation"],
            body["remaining"],
            body.get("fault", "http_5xx"),
        )


Entry = ForcedScenario | ScheduledFailure
E = TypeVar("E", bound=Entry)


class AnswerQueue:
    """The one queue of both entry kinds, oldest first, at most `limit` entries."""

    def __init__(self, limit: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []
        self._ids = itertools.count(1)
        self._limit = limit

    def force(
        self, scenario: int, operation: str | None, client_ref_id: str | None, times: int
    ) -> ForcedScenario:
        return self._push(ForcedScenario, scenario, operation, client_ref_id, times)

    def fail(
        self, count: int, http_status: int, operation: str | None, fault: FaultKind
    ) -> ScheduledFailure:
        return self._push(ScheduledFailure, http_status, operation, count, fault)

    def _push(self, kind: type[E], *fields: Any) -> E:
        with self._lock:
            if len(self._entries) >= self._limit:
                raise QueueFull(
                    f"at most {self._limit} entries (forced answers and scheduled failures "
                    "together) can be queued"
                )
            entry = kind(f"{kind.prefix}-{next(self._ids)}", *fields)
            self._entries.append(entry)
            return entry

    def take(self, kind: type[E], operation: str | None, client_ref_id: Any = None) -> E | None:
        """The oldest entry of `kind` that matches this request, as it was before this
        request counted against it (it leaves the queue at zero); None if none matches."""
        if not self._entries:  # the common case, without the lock
            return None
        with self._lock:
            for index, entry in enumerate(self._entries):
                if isinstance(entry, kind) and entry.matches(operation, client_ref_id):
                    if entry.remaining == 1:
                        del self._entries[index]
                    else:
                        self._entries[index] = replace(entry, remaining=entry.remaining - 1)
                    return entry
        return None

    def entries(self, kind: type[E]) -> list[E]:
        with self._lock:
            return [entry for entry in self._entries if isinstance(entry, kind)]

    def clear(self, kind: type[Entry] | None = None) -> None:
        with self._lock:
            self._entries = (
                []
                if kind is None
                else [entry for entry in self._entries if not isinstance(entry, kind)]
            )


class Steering:
    """Every departure from an operation's own answer, decided in one place: the queue,
    the fault settings, `eps_scenario` and the deprecated `SCENARIO-` alias."""

    def __init__(self, settings: FaultSettings) -> None:
        self.queue = AnswerQueue()
        self.faults = FaultInjector(settings)

    def on_arrival(self, operation: str | None) -> FaultPlan:
        """What strikes a request to `operation` (None: no operation of the spec) as it
        arrives: a queued failure, else a draw of the fault settings."""
        failure = self.queue.take(ScheduledFailure, operation)
        if failure is not None:  # takes no draw: the seeded sequence stays the same
            return FaultPlan(kind=failure.fault, status=failure.http_status)
        return self.faults.draw()

    def forced(self, operation: str, client_ref_id: Any, eps_scenario: str | None) -> int | None:
        """The scenario code that answers this signed, schema-valid request, or None for
        the operation's own answer. Raises `scenarios.UnknownScenario` for a
        `SCENARIO-` alias naming no code."""
        entry = self.queue.take(ForcedScenario, operation, client_ref_id)
        if entry is not None:
            return entry.scenario
        alias = scenarios.alias(client_ref_id)
        if alias is not None:
            logger.warning(
                "client_ref_id %r: SCENARIO-<code> is deprecated; "
                "queue the answer with SandboxControl.force(%d, operation=%r) or use "
                "Eko's eps_scenario query parameter",
                client_ref_id[:40],
                alias,
                operation,
            )
            return alias
        return scenarios.eps(operation, eps_scenario)

    def reset(self, settings: FaultSettings) -> None:
        self.queue.clear()
        self.faults.configure(settings)
