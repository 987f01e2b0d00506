"""Fakes for the client's unit tests: a recording MockTransport and clients wired to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from eko_digilocker import AsyncEkoClient, EkoClient
from eko_digilocker.spec import example
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT

CREDENTIALS = dict(UAT_TEST_ACCOUNT)  # Eko's published public UAT test account
BASE_URL = "https://eko.test/v3"

CREATED = example("createDigilockerUrl", "success", status="200")
Answer = httpx.Response | Exception


@dataclass
class Server:
    """Plays a queue of answers (the last one repeats) and records each request."""

    answers: list[Answer] = field(default_factory=lambda: [httpx.Response(200, json=CREATED)])
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def make_client(server: Server, sleeps: list[float], **options: Any) -> EkoClient:
    eko = EkoClient(
        **CREDENTIALS,
        base_url=BASE_URL,
        httpx_args={"transport": httpx.MockTransport(server)},
        **options,
    )
    eko._sleep = sleeps.append
    return eko


def make_async_client(server: Server, sleeps: list[float], **options: Any) -> AsyncEkoClient:
    async def handler(request: httpx.Request) -> httpx.Response:
        return server(request)

    async def record(delay: float) -> None:
        sleeps.append(delay)

    eko = AsyncEkoClient(
        **CREDENTIALS,
        base_url=BASE_URL,
        httpx_args={"transport": httpx.MockTransport(handler)},
        **options,
    )
    eko._sleep = record
    return eko


def envelope(status: int, response_status_id: int, message: str = "error", **extra: Any) -> Any:
    return {
        "status": status,
        "message": message,
        "response_status_id": response_status_id,
        "response_type_id": -1,
        "data": {},
        **extra,
    }


Handler = Callable[[httpx.Request], httpx.Response]
