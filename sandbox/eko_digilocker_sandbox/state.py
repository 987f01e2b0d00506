"""The shared state of one running sandbox: sessions, steering, auth, counters, profile."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from eko_digilocker_sandbox.auth import Authenticator
from eko_digilocker_sandbox.config import PROFILES, SandboxConfig
from eko_digilocker_sandbox.sessions import SessionStore
from eko_digilocker_sandbox.steering import Steering


@dataclass
class Counters:
    """What tests and operators want to know happened; never reset by faults."""

    api_requests: int = 0
    internal_errors: int = 0
    self_check_failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def reset(self) -> None:
        with self._lock:
            self.api_requests = self.internal_errors = self.self_check_failures = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "api_requests": self.api_requests,
            "internal_errors": self.internal_errors,
            "self_check_failures": self.self_check_failures,
        }


class ServerState:
    """What the server's handlers share (the control client's view of it is
    `control_client.SandboxState`, the JSON of `GET /_sandbox/state`)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.store = SessionStore(
            ttl_seconds=config.session_ttl_seconds,
            retention_seconds=config.session_retention_seconds,
            clock=config.clock,
            max_sessions=config.max_sessions,
            max_bytes=config.max_store_bytes,
            reserved_ids=config.replay.reference_ids if config.replay else frozenset(),
            first_reference_id=config.first_reference_id,
        )
        self.steering = Steering(config.faults)
        self.authenticator = Authenticator(
            config.credentials,
            config.timestamp_window_seconds,
            config.clock,
            reject_replay=config.reject_replay,
            max_replay_entries=config.max_replay_entries,
        )
        self.counters = Counters()
        self._profile = config.profile

    @property
    def profile(self) -> str:
        """Which documented answer variant the sandbox sends now (config.PROFILES)."""
        return self._profile

    def set_profile(self, name: str) -> None:
        """Switch the answer variant at run time; ValueError for an unknown name."""
        if name not in PROFILES:
            raise ValueError(f"unknown profile {name[:40]!r}: use one of {', '.join(PROFILES)}")
        self._profile = name

    def reset(self) -> None:
        """Forget sessions and the answer queue, zero the counters,
        restore the run's fault settings and profile, replay recorded answers from the
        first again."""
        self.store.reset()
        if self.config.replay is not None:
            self.config.replay.rewind()
        self.steering.reset(self.config.faults)
        self.counters.reset()
        self._profile = self.config.profile
