"""A call goes straight to the client's one transport (sending.py): what
`httpx.Client.send` would have shown a caller is still there, and with mounts to choose
from (proxies) the call goes through `send` as before."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest

from eko_digilocker import AsyncEkoClient, EkoClient, EkoConnectionError, sending
from tests.client.fakes import BASE_URL, CREATED, CREDENTIALS

URL = "https://yourapp.com/kyc/callback"


def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=CREATED, headers={"set-cookie": "session=1"})


def test_event_hooks_log_line_and_answer_fields_as_httpx_send_gives_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Any] = []
    hooks = {"request": [seen.append], "response": [seen.append]}
    options = {"transport": httpx.MockTransport(answer), "event_hooks": hooks}
    caplog.set_level(logging.INFO, logger="httpx")
    with EkoClient(
        **CREDENTIALS, base_url=BASE_URL, httpx_args={**options, "default_encoding": "latin-1"}
    ) as eko:
        assert eko._direct is not None  # the direct path is the one under test
        raw = eko.with_raw_response.create_digilocker_url(redirect_url=URL)
    request, response = seen
    assert isinstance(request, httpx.Request)
    assert isinstance(response, httpx.Response)
    assert raw.http_response is response
    assert response.request is request
    assert isinstance(response.elapsed, timedelta)
    assert response.default_encoding == "latin-1"
    assert caplog.messages == [
        f'HTTP Request: POST {BASE_URL}/tools/kyc/digilocker "HTTP/1.1 200 OK"'
    ]


def test_async_event_hooks_are_awaited() -> None:
    seen: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(request.method)

    async def on_response(response: httpx.Response) -> None:
        seen.append(str(response.status_code))

    async def handler(request: httpx.Request) -> httpx.Response:
        return answer(request)

    async def main() -> None:
        hooks = {"request": [on_request], "response": [on_response]}
        options = {"transport": httpx.MockTransport(handler), "event_hooks": hooks}
        async with AsyncEkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args=options) as eko:
            assert eko._direct is not None
            await eko.create_digilocker_url(redirect_url=URL)

    asyncio.run(main())
    assert seen == ["POST", "200"]


def test_a_transport_error_carries_its_request() -> None:
    caught: list[httpx.RequestError] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    transport = httpx.MockTransport(refuse)
    with EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": transport}) as eko:
        with pytest.raises(EkoConnectionError) as raised:
            eko.create_digilocker_url(redirect_url=URL, max_retries=0)
        cause = raised.value.__cause__
        assert isinstance(cause, httpx.RequestError)
        caught.append(cause)
    assert caught[0].request.url == httpx.URL(f"{BASE_URL}/tools/kyc/digilocker")


def test_no_cookie_jar_is_filled_by_a_call() -> None:
    transport = httpx.MockTransport(answer)
    with EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": transport}) as eko:
        eko.create_digilocker_url(redirect_url=URL)
        assert not eko._http.cookies  # no call sends cookies, so none are kept


@pytest.mark.parametrize(
    ("mounts", "direct"),
    [
        ({}, True),
        ({"all://*.example": None}, True),  # None: the client's own transport
        ({"all://*.example": httpx.MockTransport(answer)}, False),
    ],
)
def test_mounts_that_choose_a_transport_send_through_httpx(
    mounts: dict[str, Any], direct: bool
) -> None:
    options = {"transport": httpx.MockTransport(answer), "mounts": mounts}
    assert (sending.direct(options) is not None) is direct
    with EkoClient(**CREDENTIALS, base_url=BASE_URL, httpx_args=options) as eko:
        assert eko.create_digilocker_url(redirect_url=URL).reference_id


def test_credentials_in_the_base_url_are_sent_as_basic_auth_as_httpx_would() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    base_url = "https://gateway-user:made-up-password@eko.test/v3"  # no real credential
    transport = httpx.MockTransport(record)
    with EkoClient(**CREDENTIALS, base_url=base_url, httpx_args={"transport": transport}) as eko:
        eko.create_digilocker_url(redirect_url=URL)
    basic = httpx.Request("GET", base_url)
    httpx.BasicAuth("gateway-user", "made-up-password").sync_auth_flow(basic).__next__()
    assert seen[0].headers["authorization"] == basic.headers["authorization"]
    assert seen[0].headers["host"] == "eko.test"
