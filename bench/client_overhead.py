"""Figure 1: what our client costs per call over a hand-written httpx call.

Both go through the same `httpx.MockTransport` returning the same body. Ours signs,
validates the input against the spec, builds the request from the generated client,
reads the envelope and returns the generated model. The baseline posts the identical,
pre-signed request with raw httpx and reads the JSON (`response.json()`), as a
hand-written integration would.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from bench.timing import Comparison, compare
from eko_digilocker import AsyncEkoClient, EkoClient
from eko_digilocker.signing import EkoAuth
from eko_digilocker.spec import example
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT

BASE_URL = "https://eko.test/v3"
CREDENTIALS = UAT_TEST_ACCOUNT
REDIRECT_URL = "https://yourapp.com/kyc/callback"
ANSWER = json.dumps(example("createDigilockerUrl", "success", status="200")).encode()
REQUEST_BODY = json.dumps(
    {
        "initiator_id": CREDENTIALS["initiator_id"],
        "user_code": CREDENTIALS["user_code"],
        "document_requested": ["AADHAAR"],
        "redirect_url": REDIRECT_URL,
    },
    separators=(",", ":"),
).encode()


def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=ANSWER, headers={"content-type": "application/json"})


async def answer_async(request: httpx.Request) -> httpx.Response:
    return answer(request)


def presigned_headers() -> dict[str, str]:
    headers = EkoAuth(CREDENTIALS["developer_key"], CREDENTIALS["access_key"]).headers()
    return {**headers, "content-type": "application/json"}


def sync_overhead(rounds: int, calls: int) -> Comparison:
    transport = httpx.MockTransport(answer)
    headers = presigned_headers()
    with (
        EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": transport}) as eko,
        httpx.Client(base_url=BASE_URL, transport=transport) as raw,
    ):

        def ours() -> Any:
            return eko.create_digilocker_url(REDIRECT_URL)

        def baseline() -> Any:
            return raw.post("/tools/kyc/digilocker", content=REQUEST_BODY, headers=headers).json()

        assert ours().reference_id == baseline()["data"]["reference_id"]
        return compare(ours, baseline, rounds=rounds, calls=calls)


def floor_request(raw: httpx.Client) -> httpx.Request:
    """The floor's request: built and signed once, then sent again and again."""
    headers = presigned_headers()
    return raw.build_request("POST", "/tools/kyc/digilocker", content=REQUEST_BODY, headers=headers)


def floor_overhead(rounds: int, calls: int) -> Comparison:
    """Ours against the honest floor: a signed, prebuilt request through
    `httpx.Client.send` plus `json.loads`, on the same MockTransport, interleaved.
    What is left is what our layers above the send cost."""
    transport = httpx.MockTransport(answer)
    with (
        EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": transport}) as eko,
        httpx.Client(base_url=BASE_URL, transport=transport) as raw,
    ):
        request = floor_request(raw)

        def ours() -> Any:
            return eko.create_digilocker_url(REDIRECT_URL)

        def floor() -> Any:
            return json.loads(raw.send(request).content)

        assert ours().reference_id == floor()["data"]["reference_id"]
        return compare(ours, floor, rounds=rounds, calls=calls)


def async_overhead(rounds: int, calls: int) -> Comparison:
    """The same comparison for AsyncEkoClient against raw httpx.AsyncClient; each timed
    call runs one request to completion on a single event loop."""
    transport = httpx.MockTransport(answer_async)
    headers = presigned_headers()
    loop = asyncio.new_event_loop()
    eko = AsyncEkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": transport})
    raw = httpx.AsyncClient(base_url=BASE_URL, transport=transport)

    async def ours() -> Any:
        return await eko.create_digilocker_url(REDIRECT_URL)

    async def baseline() -> Any:
        answer = await raw.post("/tools/kyc/digilocker", content=REQUEST_BODY, headers=headers)
        return answer.json()

    try:
        return compare(
            lambda: loop.run_until_complete(ours()),
            lambda: loop.run_until_complete(baseline()),
            rounds=rounds,
            calls=calls,
        )
    finally:
        loop.run_until_complete(eko.aclose())
        loop.run_until_complete(raw.aclose())
        loop.close()


if __name__ == "__main__":
    print("sync ", sync_overhead(rounds=15, calls=300))
    print("async", async_overhead(rounds=15, calls=300))
    print("floor", floor_overhead(rounds=15, calls=300))
