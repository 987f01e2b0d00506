"""Everything one sandbox run can be configured with, in one frozen dataclass."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from eko_digilocker_sandbox.faults import FaultSettings

#: Eko's public UAT test pair (openapi-spec README section 6): public values, not secrets.
UAT_DEVELOPER_KEY = "becbbce45f79c6f5109f848acd540567"
UAT_ACCESS_KEY = "d2fe1d99-6298-4af2-8cc5-d97dcf46df30"
#: The whole public UAT test account, as keyword arguments for `EkoClient`.
UAT_TEST_ACCOUNT = {
    "developer_key": UAT_DEVELOPER_KEY,
    "access_key": UAT_ACCESS_KEY,
    "initiator_id": "9962981729",
    "user_code": "20810200",
}


#: How the sandbox answers (see sandbox/README.md, "Profiles"): `eps` follows eps.eko.in
#: and Eko's corrected answers (error codes in `status`); `legacy` follows the legacy
#: README (codes in `response_status_id`, ids 1627/1628/1630, the 7.2 status shape).
PROFILES = ("eps", "legacy")
DEFAULT_PROFILE = "eps"


def _uat_credentials() -> dict[str, str]:
    return {UAT_DEVELOPER_KEY: UAT_ACCESS_KEY}


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves.

    `credentials` maps each known `developer_key` to its `access_key`. `clock` returns
    seconds since the UNIX epoch; tests inject a fake one to move time (timestamp window
    and session expiry both read it). `public_base_url` fixes the base of consent URLs
    (default: taken from the request's Host header). `self_check` validates every API
    answer against the spec before sending it and counts failures (for tests).
    `profile` is one of `PROFILES`: which of Eko's documented answer variants to send.
    """

    credentials: Mapping[str, str] = field(default_factory=_uat_credentials)
    timestamp_window_seconds: float = 300.0
    session_ttl_seconds: float = 600.0
    max_body_bytes: int = 64 * 1024
    max_sessions: int = 100_000
    faults: FaultSettings = field(default_factory=FaultSettings)
    public_base_url: str | None = None
    self_check: bool = False
    profile: str = DEFAULT_PROFILE
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if not self.credentials:
            raise ValueError("at least one developer_key/access_key pair is needed")
        if self.timestamp_window_seconds < 0:
            raise ValueError("timestamp_window_seconds must not be negative")
        if self.session_ttl_seconds <= 0:
            raise ValueError("session_ttl_seconds must be positive")
        if self.max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        if self.max_sessions < 1:
            raise ValueError("max_sessions must be positive")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
        if self.public_base_url is not None:
            object.__setattr__(self, "public_base_url", self.public_base_url.rstrip("/"))

    def __repr__(self) -> str:
        keys = ", ".join(sorted(self.credentials))
        return (
            f"SandboxConfig(developer_keys=[{keys}], access_keys='***', "
            f"timestamp_window_seconds={self.timestamp_window_seconds}, "
            f"session_ttl_seconds={self.session_ttl_seconds}, "
            f"max_body_bytes={self.max_body_bytes}, profile={self.profile!r}, "
            f"faults={self.faults!r})"
        )
