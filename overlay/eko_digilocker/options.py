"""Every option of the clients, in one place: the settings (credentials and target,
from arguments or `EKO_*` variables, secrets kept out of sight), the limits, the retry
count and the httpx options, each checked when given: a bad one is an
EkoConfigurationError before any request is made. `ClientOptions.resolve` turns a
client's arguments into all of them at once.

Timeouts come in two kinds:
- `timeout` (seconds, default the spec's `x-eko-client` `timeout_ms`: 60 s) is the
  whole call's deadline: every attempt, every backoff wait and the reading of the
  answer. It holds against a server that sends one byte a second, in the headers or
  the body.
- `phase_timeout` (an `httpx.Timeout`, default connect 5 s, others 30 s) limits each
  phase of one attempt: connecting, waiting for a pooled connection, each write, and
  each read (which restarts with every byte received).
A call ends at whichever comes first. With your own `transport` in `httpx_args`, the
deadline is checked between the body's chunks, not inside a read.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import httpx

from . import body
from ._version import __version__
from .errors import EkoConfigurationError, EkoConfigurationWarning
from .policy import DEFAULTS
from .signing import mask
from .spec import load_spec

DEFAULT_TIMEOUT = DEFAULTS.timeout
# not a policy of the API but of this client's transport: each phase of one attempt
DEFAULT_PHASE_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = DEFAULTS.max_retries
MAX_RETRIES_LIMIT = 100
USER_AGENT = (
    f"eko-digilocker-python/{__version__} httpx/{httpx.__version__} "
    f"Python/{'.'.join(map(str, sys.version_info[:3]))}"
)


def total_timeout(value: Any, name: str = "timeout") -> float | None:
    if value is None:
        return None
    if isinstance(value, httpx.Timeout):
        raise EkoConfigurationError(
            f"{name} is the whole call's deadline in seconds; give per-phase limits as "
            "phase_timeout=httpx.Timeout(...)"
        )
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EkoConfigurationError(f"{name} must be a number of seconds, not {value!r}")
    if not (value > 0 and math.isfinite(value)):
        raise EkoConfigurationError(f"{name} must be a positive number of seconds, not {value}")
    return float(value)


def phases(timeout: httpx.Timeout) -> tuple[float | None, ...]:
    return (timeout.connect, timeout.read, timeout.write, timeout.pool)


def check_phase_timeout(value: Any) -> httpx.Timeout:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and value > 0 and math.isfinite(value):
        return httpx.Timeout(value)
    if isinstance(value, httpx.Timeout) and all(
        p is None or (p > 0 and math.isfinite(p)) for p in phases(value)
    ):
        return value
    raise EkoConfigurationError(
        "phase_timeout must be a positive number of seconds or an httpx.Timeout whose "
        f"phases are positive numbers or None, not {value!r}"
    )


def check_max_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EkoConfigurationError(f"max_retries must be a whole number, not {value!r}")
    if not 0 <= value <= MAX_RETRIES_LIMIT:
        raise EkoConfigurationError(
            f"max_retries must be between 0 and {MAX_RETRIES_LIMIT}, not {value}"
        )
    return value


# The 3.0.0 names of the two checks above (a client's arguments now bear these names).
phase_timeout = check_phase_timeout
max_retries = check_max_retries


def positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise EkoConfigurationError(f"{name} must be a positive whole number, not {value!r}")
    return value


def wait_limits(timeout: Any, interval: Any) -> tuple[float, float]:
    """wait_for_consent's timeout (0: poll once) and interval, checked before any poll."""
    limits = []
    for name, value in (("timeout", timeout), ("interval", interval)):
        if name == "timeout" and value == 0:
            limits.append(0.0)
            continue
        seconds = total_timeout(value, f"wait_for_consent's {name}")
        if seconds is None:
            raise EkoConfigurationError(f"wait_for_consent's {name} must be a number of seconds")
        limits.append(seconds)
    return limits[0], limits[1]


def httpx_options(httpx_args: Mapping[str, Any] | None, user_agent: str | None) -> dict[str, Any]:
    """The caller's `httpx_args` for the httpx client, checked, with our headers added.

    Redirects are never followed: httpx would send the signing headers (and, for 307 and
    308, the body) to whatever host a redirect names. Proxies and `verify` / `cert` /
    `limits` / `trust_env` work as they do in httpx, `HTTP(S)_PROXY` and `NO_PROXY`
    included.
    """
    options = dict(httpx_args or {})
    taken = {"auth", "base_url", "timeout", "params", "cookies"} & options.keys()
    if taken:
        raise EkoConfigurationError(
            f"httpx_args may not set {', '.join(sorted(taken))}: the client sets "
            "auth (signing) itself, takes base_url and timeout as its own arguments, "
            "and sends only the spec's parameters and no cookies"
        )
    if options.pop("follow_redirects", False):
        raise EkoConfigurationError(
            "httpx_args may not set follow_redirects: a redirect would carry the signing "
            "headers (and for 307/308 the body) to whatever host it names; Eko's API "
            "does not redirect, so a redirect is reported as an unexpected answer"
        )
    if user_agent is not None and not (
        isinstance(user_agent, str) and user_agent.isascii() and user_agent.isprintable()
    ):
        raise EkoConfigurationError("user_agent must be a string of printable ASCII")
    options["headers"] = {
        "User-Agent": USER_AGENT,
        "Accept-Encoding": body.ACCEPT_ENCODING,
        **dict(options.pop("headers", None) or {}),
        **({} if user_agent is None else {"User-Agent": user_agent}),
    }
    return options


# --- settings: credentials and target ---------------------------------------------

ENV_VARS = {
    "developer_key": "EKO_DEVELOPER_KEY",
    "access_key": "EKO_ACCESS_KEY",
    "initiator_id": "EKO_INITIATOR_ID",
    "user_code": "EKO_USER_CODE",
}
DEFAULT_ENVIRONMENT = "uat"


def environments() -> dict[str, str]:
    """Base URL of each Eko environment, read from the spec's `x-eko-environment` servers."""
    return {
        server["x-eko-environment"]: server["url"]
        for server in load_spec()["servers"]
        if "x-eko-environment" in server
    }


@dataclass(frozen=True)
class Settings:
    """Credentials and target of a client (the keys never shown: see `__repr__`)."""

    developer_key: str = field(repr=False)
    access_key: str = field(repr=False)
    initiator_id: str
    user_code: str | None
    base_url: str

    @classmethod
    def resolve(
        cls,
        *,
        developer_key: str | None = None,
        access_key: str | None = None,
        initiator_id: str | None = None,
        user_code: str | None = None,
        base_url: str | None = None,
        environment: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Arguments win over `EKO_*` environment variables; say every missing one at once.

        The target: `base_url` or `environment` (not both), else `EKO_BASE_URL`, else
        `EKO_ENVIRONMENT`, else `uat`."""
        env = os.environ if env is None else env
        given = {
            "developer_key": developer_key,
            "access_key": access_key,
            "initiator_id": initiator_id,
            "user_code": user_code,
        }
        for name, value in {**given, "base_url": base_url, "environment": environment}.items():
            if value is not None and not isinstance(value, str):
                raise EkoConfigurationError(f"{name} must be a string, not {type(value).__name__}")
        values = {name: value or env.get(ENV_VARS[name]) or None for name, value in given.items()}
        missing = [
            f"{name} (or {ENV_VARS[name]})"
            for name, value in values.items()
            if value is None and name != "user_code"
        ]
        if missing:
            raise EkoConfigurationError("missing settings: " + ", ".join(missing))
        for name in ("developer_key", "access_key"):
            _check_key(name, values[name] or "")
        return cls(
            developer_key=values["developer_key"] or "",
            access_key=values["access_key"] or "",
            initiator_id=values["initiator_id"] or "",
            user_code=values["user_code"],
            base_url=_base_url(base_url, environment, env),
        )

    def __repr__(self) -> str:
        return (
            f"Settings(base_url={self.base_url!r}, developer_key={mask(self.developer_key)!r}, "
            f"access_key='***', initiator_id={self.initiator_id!r}, user_code={self.user_code!r})"
        )


def _check_key(name: str, key: str) -> None:
    """Refuse a key a header cannot carry (CR, LF, NUL...), naming none of it: httpx's own
    error would quote the whole key."""
    for position, char in enumerate(key):
        if not " " < char < "\x7f":
            raise EkoConfigurationError(
                f"{name} must be visible ASCII characters; character {position + 1} of "
                f"{len(key)} is not (the key is not shown)"
            )


def check_base_url(base_url: str) -> str:
    """`base_url` without a trailing slash, or the EkoConfigurationError saying what is wrong."""
    if "://" not in base_url:
        raise EkoConfigurationError(
            f"base_url {base_url!r} has no scheme: write it as http://... or https://..."
        )
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise EkoConfigurationError(f"base_url {base_url!r} is not a valid URL: {exc}") from None
    port_ok = url.port is None or 0 < url.port < 65536
    if url.scheme not in ("http", "https") or not url.host or not port_ok or " " in base_url:
        raise EkoConfigurationError(
            f"base_url {base_url!r} must be an http:// or https:// URL with a host (and a "
            "port from 1 to 65535, if any)"
        )
    return base_url.rstrip("/")


def _base_url(base_url: str | None, environment: str | None, env: Mapping[str, str]) -> str:
    if base_url and environment:
        raise EkoConfigurationError(
            f"give base_url or environment, not both (base_url {base_url!r}, environment "
            f"{environment!r})"
        )
    if not environment:  # an explicit environment beats EKO_BASE_URL
        base_url = base_url or env.get("EKO_BASE_URL")
    elif env.get("EKO_BASE_URL"):
        # A recorder or sandbox set up through EKO_BASE_URL would be bypassed silently.
        warnings.warn(
            f"environment={environment!r} was given, so EKO_BASE_URL "
            f"({env['EKO_BASE_URL']!r}) is ignored and calls go to {environment!r}; "
            "leave environment unset (EkoClient()) to follow EKO_BASE_URL",
            EkoConfigurationWarning,
            stacklevel=5,  # _base_url, Settings.resolve, ClientOptions.resolve, the client
        )
    if base_url:
        return check_base_url(base_url)
    name = (environment or env.get("EKO_ENVIRONMENT") or DEFAULT_ENVIRONMENT).lower()
    known = environments()
    if name not in known:
        raise EkoConfigurationError(
            f"unknown environment {name!r}: use one of {', '.join(sorted(known))} or set base_url"
        )
    return known[name]


# --- all of a client's options at once --------------------------------------------


class ClientOptions(NamedTuple):  # a NamedTuple: made at import for a tenth of a dataclass
    """What a client's arguments resolve to (`EkoClient(...)`, `AsyncEkoClient(...)`)."""

    settings: Settings
    timeout: float | None  # the whole call's deadline, seconds
    phase_timeout: httpx.Timeout  # each phase of one attempt
    longest_phase: float  # the longest of those phases (inf if one is unbounded)
    max_retries: int  # retries after the first attempt (retries.RetryPolicy)
    max_response_bytes: int
    auto_client_ref_id: bool
    for_httpx: dict[str, Any]  # the httpx client's options, but for auth (no secret)

    @classmethod
    def resolve(
        cls,
        *,
        developer_key: str | None,
        access_key: str | None,
        initiator_id: str | None,
        user_code: str | None,
        base_url: str | None,
        environment: str | None,
        timeout: float | None,
        phase_timeout: httpx.Timeout | float,
        max_retries: int,
        max_response_bytes: int,
        auto_client_ref_id: bool,
        user_agent: str | None,
        httpx_args: Mapping[str, Any] | None,
    ) -> ClientOptions:
        """A client's arguments (see `ClientBase`, whose signature holds the defaults)."""
        settings = Settings.resolve(
            developer_key=developer_key,
            access_key=access_key,
            initiator_id=initiator_id,
            user_code=user_code,
            base_url=base_url,
            environment=environment,
        )
        per_phase = check_phase_timeout(phase_timeout)
        return cls(
            settings=settings,
            timeout=total_timeout(timeout),
            phase_timeout=per_phase,
            longest_phase=max(math.inf if p is None else p for p in phases(per_phase)),
            max_retries=check_max_retries(max_retries),
            max_response_bytes=positive_int("max_response_bytes", max_response_bytes),
            auto_client_ref_id=bool(auto_client_ref_id),
            for_httpx={
                **httpx_options(httpx_args, user_agent),
                "base_url": settings.base_url,
                "timeout": per_phase,
            },
        )
