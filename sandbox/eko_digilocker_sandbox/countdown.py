"""A bounded queue of entries that each stand for the next `remaining` matching requests:
the control surface's forced scenarios (forced.py) and scheduled failures (faults.py)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar


class QueueFull(ValueError):
    pass


class Countdown(Protocol):
    remaining: int

    def to_json(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=Countdown)


class CountdownQueue(Generic[E]):
    """At most `limit` entries (`what` names them in the refusal); ids are `prefix-N`."""

    def __init__(self, limit: int, what: str, prefix: str) -> None:
        self._lock = threading.Lock()
        self._entries: list[E] = []
        self._ids = itertools.count(1)
        self._limit, self._what, self._prefix = limit, what, prefix

    def push(self, make: Callable[[str], E]) -> E:
        """Queue the entry `make` builds from its new id."""
        with self._lock:
            if len(self._entries) >= self._limit:
                raise QueueFull(f"at most {self._limit} {self._what} can be queued")
            entry = make(f"{self._prefix}-{next(self._ids)}")
            self._entries.append(entry)
            return entry

    def pop_match(self, matches: Callable[[E], bool]) -> E | None:
        """The oldest entry that matches, counting one request against it; None if none."""
        if not self._entries:  # the common case, without the lock
            return None
        with self._lock:
            for index, entry in enumerate(self._entries):
                if matches(entry):
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        del self._entries[index]
                    return entry
        return None

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [entry.to_json() for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
