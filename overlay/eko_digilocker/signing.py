"""Eko's request signature and the httpx auth hook that applies it to every request."""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from collections.abc import Callable, Generator, Mapping

import httpx

DEVELOPER_KEY_HEADER = "developer_key"
SECRET_KEY_HEADER = "secret-key"
TIMESTAMP_HEADER = "secret-key-timestamp"
SIGNING_HEADERS = (DEVELOPER_KEY_HEADER, SECRET_KEY_HEADER, TIMESTAMP_HEADER)


def sign_secret_key(access_key: str, timestamp_ms: str | int) -> str:
    """Eko's `secret-key`: base64(HMAC-SHA256(key=base64(access_key), msg=timestamp)).

    The HMAC key is the ASCII bytes of the base64 *string* of the access key (it is not
    decoded back); the message is the exact timestamp string sent in
    `secret-key-timestamp`.
    """
    return _sign(_hmac_key(access_key), str(timestamp_ms))


def _hmac_key(access_key: str) -> bytes:
    return base64.b64encode(access_key.encode())


def _sign(key: bytes, timestamp: str) -> str:
    # hmac.digest is OpenSSL's one-shot HMAC: about half the cost of hmac.new(...).digest();
    # binascii skips base64.b64encode's Python wrapper.
    digest = hmac.digest(key, timestamp.encode(), "sha256")
    return binascii.b2a_base64(digest, newline=False).decode()


def now_ms() -> int:
    """Milliseconds since the UNIX epoch: the default clock of `EkoAuth`."""
    return time.time_ns() // 1_000_000


# How far ahead of the clock EkoAuth may run to keep its timestamps unique (more than
# 1,000 signatures a second for a while); far inside the usual 5-minute window.
MAX_AHEAD_MS = 30_000


class EkoAuth(httpx.Auth):
    """Signs every request it sends, each attempt afresh, for sync and async clients.

    httpx runs `auth_flow` for every send, so a retried request gets a new timestamp and
    signature. Timestamps strictly increase within one EkoAuth (one more millisecond
    than the last when the clock has not moved), so no two requests ever carry the same
    signature and a server that refuses replays accepts all of ours. The access key is
    kept out of `repr` and `str`.

    Eko judges a timestamp by its own clock, so the stamps follow the wall clock, steps
    included: when the clock is stepped back further than MAX_AHEAD_MS (an NTP
    correction), the next stamp is the clock's again, not one past the last (which would
    stay that far ahead of Eko's clock for as long). Nothing here ever sleeps: during a
    burst of more than 1,000 signatures a second, `timestamp_and_wait` says how long a stamp
    should wait for the clock, and the client waits that long within the call's deadline.
    """

    def __init__(
        self, developer_key: str, access_key: str, clock: Callable[[], int] = now_ms
    ) -> None:
        self.developer_key = developer_key
        # The keyed HMAC state, made once: each signature copies it (about 0.7x the cost
        # of a one-shot hmac.digest, which keys a new state every time).
        self._mac = hmac.new(_hmac_key(access_key), digestmod="sha256")
        self._clock = clock
        self._last = 0  # the last stamp handed out
        self._seen = 0  # the clock when it was
        self._lock = threading.Lock()

    def timestamp(self) -> int:
        """The next timestamp: the clock, or one past the last one handed out."""
        return self.timestamp_and_wait()[0]

    def timestamp_and_wait(self) -> tuple[int, float]:
        """The next timestamp, and the seconds it should wait for the clock to come
        within MAX_AHEAD_MS of it (0 but during a long burst)."""
        with self._lock:
            now = self._clock()
            stamp = self._last + 1
            if stamp <= now or (stamp - now > MAX_AHEAD_MS and now < self._seen):
                stamp = now  # the clock moved on, or was stepped back: follow it
            self._last, self._seen = stamp, now
        return stamp, max(0, stamp - now - MAX_AHEAD_MS) / 1000

    def after_fork(self) -> None:
        """In a forked child: a lock no thread of the parent can be holding."""
        self._lock = threading.Lock()

    def headers(self, timestamp: int | None = None) -> dict[str, str]:
        """The three signing headers for `timestamp` (by default the next one)."""
        stamp = str(self.timestamp() if timestamp is None else timestamp)
        return {
            DEVELOPER_KEY_HEADER: self.developer_key,
            SECRET_KEY_HEADER: self.signature(stamp.encode()).decode(),
            TIMESTAMP_HEADER: stamp,
        }

    def signature(self, stamp: bytes) -> bytes:
        """The `secret-key` for a timestamp as sent (its ASCII digits), as sent."""
        mac = self._mac.copy()
        mac.update(stamp)
        return binascii.b2a_base64(mac.digest(), newline=False)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Item by item: `Headers.update` builds and scans a second Headers object and costs
        # three times as much, more than the HMAC itself.
        for name, value in self.headers().items():
            request.headers[name] = value
        yield request

    def __repr__(self) -> str:
        return f"EkoAuth(developer_key={mask(self.developer_key)!r}, access_key='***')"


def mask(secret: str) -> str:
    """Show only the last four characters of a key."""
    return f"***{secret[-4:]}" if len(secret) > 8 else "***"


def redacted(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: signing headers hidden, developer_key masked."""
    shown = {}
    for name, value in headers.items():
        if name.lower() == "developer_key":
            value = mask(value)
        elif name.lower() in SIGNING_HEADERS:
            value = "***"
        shown[name] = value
    return shown
