"""The clients' options, checked when given: a bad one is an EkoConfigurationError
before any request is made.

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
import sys
from collections.abc import Mapping
from typing import Any

import httpx

from . import body
from ._version import __version__
from .errors import EkoConfigurationError
from .policy import DEFAULTS

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


def phase_timeout(value: Any) -> httpx.Timeout:
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


def max_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EkoConfigurationError(f"max_retries must be a whole number, not {value!r}")
    if not 0 <= value <= MAX_RETRIES_LIMIT:
        raise EkoConfigurationError(
            f"max_retries must be between 0 and {MAX_RETRIES_LIMIT}, not {value}"
        )
    return value


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
