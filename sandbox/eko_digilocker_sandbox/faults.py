"""Fault injection on the API paths: latency, 5xx, dropped connections, truncated and HTML bodies.

Off by default. Each fault has a probability; one seedable RNG decides, so a run with a
seed is repeatable for the same sequence of requests. A fault can strike *before* the
operation runs (nothing happened on the server) or *after* it (the session exists but
the answer is lost), which is what a retrying client with idempotency keys must survive.

Deterministic failures (`SandboxControl.fail_next`) are entries of the sandbox's one
answer queue (steering.py); a queued failure strikes instead of a draw.
"""

from __future__ import annotations

import asyncio
import random
import threading
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal, get_args

from starlette.types import Send

FaultKind = Literal["http_5xx", "drop", "truncate", "html"]
Timing = Literal["before", "after", "either"]
TIMINGS: tuple[Timing, ...] = get_args(Timing)
STATUSES_5XX = (502, 503)

_PROBABILITIES = (
    "latency_probability",
    "http_5xx_probability",
    "drop_probability",
    "truncate_probability",
    "html_probability",
)
# The order in which one uniform draw is mapped onto the exclusive faults.
_KINDS: tuple[tuple[str, FaultKind], ...] = (
    ("http_5xx_probability", "http_5xx"),
    ("drop_probability", "drop"),
    ("truncate_probability", "truncate"),
    ("html_probability", "html"),
)

HTML_BODY = (
    b"<!DOCTYPE html><html><head><title>Gateway notice</title></head>"
    b"<body><h1>Temporarily unavailable</h1>"
    b"<p>eko-digilocker sandbox: injected non-JSON answer.</p></body></html>"
)


@dataclass(frozen=True)
class FaultSettings:
    """Probabilities (0..1) of each fault per API request, and how they strike.

    `latency_probability` adds `latency_ms` of delay and combines with any other fault.
    The other four are exclusive: their probabilities must sum to at most 1.
    `timing` says whether an exclusive fault strikes before the operation runs, after it
    (the work is done, the answer is lost) or either (50/50). `seed` makes the draws
    repeatable; `None` seeds from the OS.
    """

    latency_probability: float = 0.0
    latency_ms: float = 0.0
    http_5xx_probability: float = 0.0
    drop_probability: float = 0.0
    truncate_probability: float = 0.0
    html_probability: float = 0.0
    html_status: int = 200
    timing: Timing = "either"
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in _PROBABILITIES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number between 0 and 1")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        exclusive = sum(getattr(self, name) for name, _ in _KINDS)
        if exclusive > 1.0 + 1e-9:
            raise ValueError(
                "http_5xx, drop, truncate and html probabilities must sum to at most 1"
            )
        if isinstance(self.latency_ms, bool) or not isinstance(self.latency_ms, int | float):
            raise ValueError("latency_ms must be a number")
        if not 0.0 <= self.latency_ms <= 60_000:
            raise ValueError("latency_ms must be between 0 and 60000")
        if self.timing not in TIMINGS:
            raise ValueError(f"timing must be one of {', '.join(TIMINGS)}")
        if isinstance(self.html_status, bool) or not isinstance(self.html_status, int):
            raise ValueError("html_status must be an integer")
        if not 200 <= self.html_status <= 599:
            raise ValueError("html_status must be an HTTP status between 200 and 599")
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int)
        ):
            raise ValueError("seed must be an integer or null")

    @property
    def enabled(self) -> bool:
        return any(getattr(self, name) > 0 for name in _PROBABILITIES)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "enabled": self.enabled}

    def updated(self, changes: dict[str, Any]) -> FaultSettings:
        """A copy with `changes` applied; unknown keys and bad values raise ValueError."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        try:
            return replace(self, **changes)
        except TypeError as exc:  # pragma: no cover - replace() with known keys
            raise ValueError(str(exc)) from exc


@dataclass(frozen=True)
class FaultPlan:
    """What happens to one request."""

    latency_seconds: float = 0.0
    kind: FaultKind | None = None
    after: bool = False
    status: int = 0


NO_FAULT = FaultPlan()


class FaultInjector:
    """Draws a `FaultPlan` per request; settings can be swapped while serving."""

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self._settings = settings
        self._enabled = settings.enabled
        self._rng = random.Random(settings.seed)  # noqa: S311 - chaos, not cryptography

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self._settings = settings
            self._enabled = settings.enabled
            self._rng = random.Random(settings.seed)  # noqa: S311 - chaos, not cryptography

    def draw(self) -> FaultPlan:
        """What the settings make happen to one API request."""
        if not self._enabled:
            return NO_FAULT
        with self._lock:
            settings = self._settings
            rng = self._rng
            latency = 0.0
            if settings.latency_probability > 0 and rng.random() < settings.latency_probability:
                latency = settings.latency_ms / 1000.0
            kind: FaultKind | None = None
            roll = rng.random()
            threshold = 0.0
            for name, candidate in _KINDS:
                threshold += getattr(settings, name)
                if roll < threshold:
                    kind = candidate
                    break
            if kind is None:
                return FaultPlan(latency_seconds=latency)
            if settings.timing == "either":
                after = rng.random() < 0.5
            else:
                after = settings.timing == "after"
            status = rng.choice(STATUSES_5XX) if kind == "http_5xx" else 0
            if kind == "html":
                status = settings.html_status
            return FaultPlan(latency_seconds=latency, kind=kind, after=after, status=status)


# --- carrying out a fault -------------------------------------------------------------

RAW_SEND_KEY = "eko_digilocker_sandbox.raw_send"


async def _close_connection(raw_send: Send | None) -> bool:
    """Close the client's TCP connection under uvicorn; False when there is none to close."""
    cycle = getattr(raw_send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    close = getattr(transport, "close", None)
    if close is None:
        return False
    close()
    # Let the server see the connection go before the app returns, so it neither logs
    # "returned without starting response" nor tries to answer on a closed socket.
    for _ in range(100):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0.001)
    return True


class ConnectionDropped(Exception):
    """Raised when a drop is asked for and the server gives no socket to close."""


async def send_5xx(send: Send, status: int) -> None:
    body = f"{status} injected by the eko-digilocker sandbox\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_html(send: Send, status: int) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(HTML_BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": HTML_BODY})


async def drop(raw_send: Send | None) -> None:
    """Close the connection without a single byte of answer."""
    if not await _close_connection(raw_send):
        raise ConnectionDropped("injected dropped connection")


async def truncate(
    send: Send, raw_send: Send | None, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    """Promise the whole body in Content-Length, send half of it, close the connection."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    if not await _close_connection(raw_send):
        raise ConnectionDropped("injected truncated answer")
