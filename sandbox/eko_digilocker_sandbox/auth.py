"""The sandbox's own check of Eko's request signature and timestamp.

Deliberately independent of the client's signer (`eko_digilocker.signing`): if both
shared one implementation, a bug in it would pass every test. The formula, from Eko's
docs: `secret-key = base64(HMAC-SHA256(key = base64(access_key), message = timestamp))`,
where the key is the ASCII bytes of the base64 *string* and the message is the exact
`secret-key-timestamp` header value (milliseconds since the UNIX epoch).
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence

DEVELOPER_KEY = "developer_key"
SECRET_KEY = "secret-key"
TIMESTAMP = "secret-key-timestamp"

_MAX_TIMESTAMP_DIGITS = 16
#: The spec's documented 403 message, for a wrong secret-key and an unknown developer_key.
SIGNATURE_MISMATCH = "Authentication failed: secret-key does not match secret-key-timestamp."


class AuthFailure(Exception):
    """Why a request was refused with HTTP 403; the message names the wrong part."""


class Authenticator:
    """Checks the three signing headers of a request."""

    def __init__(
        self,
        credentials: Mapping[str, str],
        window_seconds: float,
        clock: Callable[[], float],
        *,
        reject_replay: bool,
        max_replay_entries: int,
    ) -> None:
        # The HMAC key is the base64 text of the access key, as ASCII bytes. One keyed
        # HMAC per developer_key is built here and copied per request (cheaper than rekeying).
        self._keys = {
            developer_key.encode("utf-8"): hmac.new(
                base64.b64encode(access_key.encode("utf-8")), digestmod=hashlib.sha256
            )
            for developer_key, access_key in credentials.items()
        }
        self._nobody = hmac.new(secrets.token_bytes(32), digestmod=hashlib.sha256)
        self._window_ms = window_seconds * 1000.0
        self._window_seconds = window_seconds
        self._clock = clock
        self._replays = ReplayGuard(max_replay_entries) if reject_replay else None

    def check(self, headers: Mapping[bytes, bytes], required: Sequence[str]) -> bytes:
        """Return the authenticated developer_key, or raise `AuthFailure`.

        `headers` maps lower-case header names to raw values; `required` is the list of
        security headers the spec asks for on this operation.
        """
        missing = [name for name in required if not headers.get(name.encode())]
        if missing:
            raise AuthFailure(f"Authentication failed: missing header {', '.join(missing)}.")
        developer_key = headers[DEVELOPER_KEY.encode()]
        # An unknown developer_key goes through the same checks, against a key nobody
        # holds, and fails as a wrong secret-key does: Eko answers both with the same
        # HTTP 403, so the answer never tells which developer keys exist.
        keyed = self._keys.get(developer_key, self._nobody)
        timestamp = headers[TIMESTAMP.encode()]
        if not (timestamp.isdigit() and len(timestamp) <= _MAX_TIMESTAMP_DIGITS):
            raise AuthFailure(
                "Authentication failed: secret-key-timestamp is not a number "
                "(send milliseconds since the UNIX epoch as decimal digits)."
            )
        now_ms = self._clock() * 1000.0
        skew_ms = int(timestamp) - now_ms
        if abs(skew_ms) > self._window_ms:
            hint = ""
            if abs(int(timestamp) * 1000 - now_ms) <= self._window_ms:
                hint = " It looks like seconds; send milliseconds."
            raise AuthFailure(
                "Authentication failed: secret-key-timestamp is outside the allowed window "
                f"of +-{self._window_seconds:g} seconds (it is {skew_ms / 1000.0:+.0f} s "
                f"from the server's time).{hint}"
            )
        mac = keyed.copy()
        mac.update(timestamp)
        expected = base64.b64encode(mac.digest())
        if not hmac.compare_digest(expected, headers[SECRET_KEY.encode()]) or (
            keyed is self._nobody
        ):
            raise AuthFailure(SIGNATURE_MISMATCH)
        if self._replays is not None:
            self._replays.admit(
                (developer_key, timestamp, expected), int(timestamp) + self._window_ms, now_ms
            )
        return developer_key


class ReplayGuard:
    """Signatures seen within the timestamp window (`--reject-replay`).

    A signature stays acceptable while its timestamp is inside the window, so it is
    remembered until `timestamp + window`, then forgotten (a heap orders the deadlines).
    At most `max_entries` are remembered: beyond that a new signature is refused too,
    rather than forgetting one that could still be replayed.
    """

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._lock = threading.Lock()
        self._seen: set[tuple[bytes, bytes, bytes]] = set()
        self._deadlines: list[tuple[float, tuple[bytes, bytes, bytes]]] = []

    def admit(self, key: tuple[bytes, bytes, bytes], deadline_ms: float, now_ms: float) -> None:
        with self._lock:
            while self._deadlines and self._deadlines[0][0] < now_ms:
                self._seen.discard(heapq.heappop(self._deadlines)[1])
            if key in self._seen:
                raise AuthFailure(
                    "Authentication failed: this developer_key, secret-key-timestamp and "
                    "secret-key were already used (the sandbox runs with --reject-replay): "
                    "sign every request with a new timestamp."
                )
            if len(self._seen) >= self._max:
                raise AuthFailure(
                    f"Authentication failed: the sandbox remembers at most {self._max} "
                    "signatures for --reject-replay and is full; retry once older "
                    "timestamps leave the window."
                )
            self._seen.add(key)
            heapq.heappush(self._deadlines, (deadline_ms, key))
