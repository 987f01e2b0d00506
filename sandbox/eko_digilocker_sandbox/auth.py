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
import hmac
from collections.abc import Callable, Mapping, Sequence

DEVELOPER_KEY = "developer_key"
SECRET_KEY = "secret-key"
TIMESTAMP = "secret-key-timestamp"

_MAX_TIMESTAMP_DIGITS = 16


class AuthFailure(Exception):
    """Why a request was refused with HTTP 403; the message names the wrong part."""


class Authenticator:
    """Checks the three signing headers of a request."""

    def __init__(
        self,
        credentials: Mapping[str, str],
        window_seconds: float,
        clock: Callable[[], float],
    ) -> None:
        # The HMAC key is the base64 text of the access key, as ASCII bytes. One keyed
        # HMAC per developer_key is built here and copied per request (cheaper than rekeying).
        self._keys = {
            developer_key.encode("utf-8"): hmac.new(
                base64.b64encode(access_key.encode("utf-8")), digestmod=hashlib.sha256
            )
            for developer_key, access_key in credentials.items()
        }
        self._window_ms = window_seconds * 1000.0
        self._window_seconds = window_seconds
        self._clock = clock

    def check(self, headers: Mapping[bytes, bytes], required: Sequence[str]) -> bytes:
        """Return the authenticated developer_key, or raise `AuthFailure`.

        `headers` maps lower-case header names to raw values; `required` is the list of
        security headers the spec asks for on this operation.
        """
        missing = [name for name in required if not headers.get(name.encode())]
        if missing:
            raise AuthFailure(f"Authentication failed: missing header {', '.join(missing)}.")
        developer_key = headers[DEVELOPER_KEY.encode()]
        keyed = self._keys.get(developer_key)
        if keyed is None:
            raise AuthFailure("Authentication failed: unknown developer_key.")
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
        if not hmac.compare_digest(expected, headers[SECRET_KEY.encode()]):
            raise AuthFailure(
                "Authentication failed: secret-key does not match secret-key-timestamp "
                "for this developer_key."
            )
        return developer_key
