"""Figure 2: the cost of Eko's signature.

`sign_secret_key` against the textbook implementation (`hmac.new(...).digest()`), and
one `EkoAuth` application to a request (sign, then set three headers) against setting
the same three pre-computed headers on it the same way: the cost of signing in place.
Target: under 5 microseconds per signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools

import httpx

from bench.timing import Comparison, compare
from eko_digilocker import EkoAuth, sign_secret_key
from eko_digilocker.signing import now_ms
from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY

ACCESS_KEY = UAT_ACCESS_KEY
TIMESTAMP = "1700000000000"


def textbook_sign(access_key: str, timestamp: str) -> str:
    key = base64.b64encode(access_key.encode())
    return base64.b64encode(hmac.new(key, timestamp.encode(), hashlib.sha256).digest()).decode()


def signature(rounds: int, calls: int) -> Comparison:
    assert sign_secret_key(ACCESS_KEY, TIMESTAMP) == textbook_sign(ACCESS_KEY, TIMESTAMP)
    return compare(
        lambda: sign_secret_key(ACCESS_KEY, TIMESTAMP),
        lambda: textbook_sign(ACCESS_KEY, TIMESTAMP),
        rounds=rounds,
        calls=calls,
    )


def auth_application(rounds: int, calls: int) -> Comparison:
    # A clock a millisecond further at each reading: EkoAuth's timestamps must strictly
    # increase, so a tight loop of far more than 1,000 signatures a second on the real
    # clock would measure its wait for the clock to catch up, not the signing.
    ticks = itertools.count(now_ms())
    auth = EkoAuth(UAT_DEVELOPER_KEY, ACCESS_KEY, clock=lambda: next(ticks))
    presigned = auth.headers()
    request = httpx.Request("POST", "https://eko.test/v3/tools/kyc/digilocker", content=b"{}")

    def ours() -> None:
        next(auth.sync_auth_flow(request))

    def baseline() -> None:
        for name, value in presigned.items():  # item by item: cheaper than Headers.update
            request.headers[name] = value

    return compare(ours, baseline, rounds=rounds, calls=calls)
