"""Run one create call against URL in this fresh process; print what it cost as JSON.

`python -m tests.client.rss_probe URL [max_response_bytes]`: peak RSS before and after
the call, the error raised and the seconds taken. The peak is Linux's VmHWM, which
starts afresh with the process's own memory; `ru_maxrss` does not: it keeps, across
exec, the size of the parent it was forked from, which hid any growth below that.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from eko_digilocker import EkoClient, EkoError
from tests.client.fakes import CREDENTIALS


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    url = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 1024 * 1024
    with EkoClient(
        **CREDENTIALS, base_url=url, timeout=60, max_retries=0, max_response_bytes=limit
    ) as eko:
        before = peak_rss_kb()
        start = time.monotonic()
        try:
            eko.create_digilocker_url("https://yourapp.com/kyc/callback")
            error, message = None, ""
        except EkoError as exc:
            error, message = type(exc).__name__, str(exc)
        seconds = time.monotonic() - start
        after = peak_rss_kb()
    print(json.dumps({"before_kb": before, "after_kb": after, "error": error,
                      "message": message, "seconds": seconds}))  # fmt: skip


if __name__ == "__main__":
    main()
