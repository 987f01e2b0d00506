"""Everything one sandbox run can be configured with, in one frozen dataclass."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from eko_digilocker_sandbox.faults import FaultSettings
from eko_digilocker_sandbox.sessions import FIRST_REFERENCE_ID, MAX_FIRST_REFERENCE_ID

if TYPE_CHECKING:
    from eko_digilocker_sandbox.replay import Replay

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


#: How the sandbox answers (see docs/sandbox.md, "Profiles"): `eps` follows eps.eko.in
#: and Eko's corrected answers (error codes in `status`); `legacy` follows the legacy
#: README (codes in `response_status_id`, ids 1627/1628/1630, the 7.2 status shape).
#: `PUT /_sandbox/profile` switches between them at run time.
PROFILES = ("eps", "legacy")
DEFAULT_PROFILE = "eps"


def _uat_credentials() -> dict[str, str]:
    return {UAT_DEVELOPER_KEY: UAT_ACCESS_KEY}


def _check_base_url(url: str) -> None:
    """Consent URLs are `{base}/consent/...`: the base must be an absolute http(s) URL."""
    # What it is not comes first: "not a url" is not a URL, whatever its characters.
    shape = re.match(r"(https?)://[^/?#\s]", url, re.IGNORECASE)
    if shape is None:
        raise ValueError(
            f"public_base_url {url[:80]!r} is not an absolute http:// or https:// URL with "
            f"a host (e.g. https://sandbox.example:8443)"
        )
    problem = None
    if not url.isascii() or not url.isprintable() or " " in url:
        problem = "only visible ASCII characters"
    else:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            problem = f"a valid host and port ({exc})"
        else:
            if not parts.hostname:
                problem = "an absolute http:// or https:// URL with a host"
            elif parts.query or parts.fragment or "?" in url or "#" in url:
                problem = "no query or fragment"
    if problem:
        raise ValueError(f"public_base_url {url[:80]!r} is not usable: it needs {problem}")


@dataclass(frozen=True)
class SandboxConfig:
    """How a sandbox behaves.

    Limits (sandbox README, "Limits and timeouts"): a session is kept at least
    `session_ttl_seconds` after its creation and at most `session_retention_seconds`;
    the store holds at most `max_sessions` sessions and about `max_store_bytes` bytes of
    them, and refuses a create beyond either once no expired session is left to forget.
    `reject_replay` refuses a signature seen before within the timestamp window,
    remembering at most `max_replay_entries` of them; since Eko's signature covers only
    the timestamp, it also refuses an honest call from a second client with the same
    keys that signs in the same millisecond.

    `credentials` maps each known `developer_key` to its `access_key`. `clock` returns
    seconds since the UNIX epoch; tests inject a fake one to move time (timestamp window
    and session expiry both read it). `public_base_url` fixes the base of consent URLs
    (default: taken from the request's Host header). `self_check` validates every API
    answer against the spec before sending it and counts failures (for tests).
    `profile` is one of `PROFILES`: which of Eko's documented answer variants to send.
    `replay` holds recorded answers to send to matching requests (`--replay FILE.har`).
    `first_reference_id` is the `reference_id` of the first session (ids count up from
    it): e.g. 3_000_000_001 to try a client on ids past 2^31, which Eko does not rule
    out; at most `MAX_FIRST_REFERENCE_ID` (2^53 - 2^32).
    """

    credentials: Mapping[str, str] = field(default_factory=_uat_credentials)
    timestamp_window_seconds: float = 300.0
    session_ttl_seconds: float = 600.0
    session_retention_seconds: float = 3600.0
    max_body_bytes: int = 64 * 1024
    max_sessions: int = 100_000
    max_store_bytes: int = 512 * 1024 * 1024
    reject_replay: bool = False
    max_replay_entries: int = 100_000
    faults: FaultSettings = field(default_factory=FaultSettings)
    public_base_url: str | None = None
    self_check: bool = False
    profile: str = DEFAULT_PROFILE
    replay: Replay | None = None
    first_reference_id: int = FIRST_REFERENCE_ID
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
        if self.session_retention_seconds < self.session_ttl_seconds:
            raise ValueError("session_retention_seconds must not be below session_ttl_seconds")
        if self.max_store_bytes < 1024 * 1024:
            raise ValueError("max_store_bytes must be at least 1 MiB")
        if self.max_replay_entries < 1:
            raise ValueError("max_replay_entries must be positive")
        if not 1 <= self.first_reference_id <= MAX_FIRST_REFERENCE_ID:
            raise ValueError(f"first_reference_id must be between 1 and {MAX_FIRST_REFERENCE_ID}")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
        if self.public_base_url is not None:
            _check_base_url(self.public_base_url)
            object.__setattr__(self, "public_base_url", self.public_base_url.rstrip("/"))

    def __repr__(self) -> str:
        keys = ", ".join(sorted(self.credentials))
        return (
            f"SandboxConfig(developer_keys=[{keys}], access_keys='***', "
            f"timestamp_window_seconds={self.timestamp_window_seconds}, "
            f"session_ttl_seconds={self.session_ttl_seconds}, "
            f"max_body_bytes={self.max_body_bytes}, max_sessions={self.max_sessions}, "
            f"max_store_bytes={self.max_store_bytes}, reject_replay={self.reject_replay}, "
            f"profile={self.profile!r}, faults={self.faults!r}, "
            f"replay={self.replay.source if self.replay else None!r})"
        )
