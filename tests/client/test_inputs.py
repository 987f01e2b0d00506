"""A typed error for every bad input, before any byte is sent (issue 11, items 3 and 4)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from eko_digilocker import (
    AsyncEkoClient,
    EkoClient,
    EkoConfigurationError,
    EkoValidationError,
)
from tests.client.fakes import BASE_URL, CREDENTIALS, Server, make_client

DEVELOPER_KEY = CREDENTIALS["developer_key"]


def client(server: Server, **options: Any) -> EkoClient:
    settings = {**CREDENTIALS, "base_url": BASE_URL, **options}
    return EkoClient(**settings, httpx_args={"transport": httpx.MockTransport(server)})


@pytest.mark.parametrize(
    "call",
    [
        lambda eko: eko.create_digilocker_url("https://a.example/\udfff"),
        lambda eko: eko.create_digilocker_url("https://a.example/cb", client_ref_id="R\ud800"),
        lambda eko: eko.get_verification_status(7, client_ref_id="R\udfff"),
        lambda eko: eko.get_document(7, "V\udfff", ["AADHAAR"]),
    ],
)
def test_lone_surrogates_are_validation_errors(server: Server, sleeps: list, call) -> None:
    with make_client(server, sleeps) as eko, pytest.raises(EkoValidationError) as caught:
        call(eko)
    assert "lone surrogates" in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"developer_key": 123}, "developer_key must be a string"),
        ({"access_key": b"bytes"}, "access_key must be a string"),
        ({"initiator_id": 9962981729}, "initiator_id must be a string"),
        ({"base_url": 8080}, "base_url must be a string"),
        ({"max_retries": "x"}, "max_retries must be a whole number"),
        ({"max_retries": -1}, "max_retries must be between 0"),
        ({"max_retries": 1.5}, "max_retries must be a whole number"),
        ({"max_retries": True}, "max_retries must be a whole number"),
        ({"timeout": -1}, "timeout must be a positive number"),
        ({"timeout": 0}, "timeout must be a positive number"),
        ({"timeout": float("nan")}, "timeout must be a positive number"),
        ({"timeout": "2"}, "timeout must be a number"),
        ({"timeout": httpx.Timeout(5)}, "phase_timeout=httpx.Timeout"),
        ({"phase_timeout": -3}, "phase_timeout must be"),
        ({"phase_timeout": httpx.Timeout(5, connect=0)}, "phase_timeout must be"),
        ({"phase_timeout": httpx.Timeout(5, read=float("inf"))}, "phase_timeout must be"),
        ({"max_response_bytes": 0}, "max_response_bytes must be a positive whole number"),
        ({"base_url": "not a url"}, "has no scheme"),
        ({"base_url": "127.0.0.1:8080"}, "has no scheme"),
        ({"base_url": "ftp://eko.test"}, "must be an http:// or https:// URL"),
        ({"base_url": "http://"}, "must be an http:// or https:// URL"),
        ({"base_url": "http://eko.test:99999"}, "port from 1 to 65535"),
        ({"user_agent": "bad\r\nX-Injected: 1"}, "user_agent must be"),
    ],
)
def test_bad_settings_fail_at_construction(server: Server, options: dict, named: str) -> None:
    with pytest.raises(EkoConfigurationError, match=named.replace("(", r"\(")):
        client(server, **options)
    assert server.requests == []


@pytest.mark.parametrize(
    ("option", "bad"),
    [
        ("timeout", "2"),
        ("timeout", -1),
        ("timeout", 0),
        ("timeout", httpx.Timeout(1)),
        ("max_retries", "2"),
        ("max_retries", -1),
        ("max_retries", 1.5),
    ],
)
def test_bad_per_call_settings_fail_before_sending(
    server: Server, option: str, bad: object
) -> None:
    with client(server) as eko, pytest.raises(EkoConfigurationError, match=option):
        eko.create_digilocker_url("https://a.example/cb", **{option: bad})
    assert server.requests == []


@pytest.mark.parametrize("injected", ["\r\nX-Injected: 1", "\n", "\x00", "\u00e9", " "])
def test_keys_a_header_cannot_carry_are_refused_masked(
    server: Server, injected: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    key = DEVELOPER_KEY + injected
    with pytest.raises(EkoConfigurationError) as caught:
        client(server, developer_key=key)
    assert "developer_key must be visible ASCII" in str(caught.value)
    assert DEVELOPER_KEY[:-4] not in str(caught.value)
    assert DEVELOPER_KEY[:-4] not in caplog.text
    with pytest.raises(EkoConfigurationError, match="access_key"):
        client(server, access_key=CREDENTIALS["access_key"] + injected)
    assert server.requests == []


def test_a_call_after_close_is_a_configuration_error(server: Server) -> None:
    eko = client(server)
    eko.close()
    with pytest.raises(
        EkoConfigurationError, match="get_verification_status: the client is closed"
    ):
        eko.get_verification_status(7)
    assert server.requests == []


@pytest.mark.anyio
async def test_an_async_call_after_close_is_a_configuration_error(server: Server) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return server(request)

    eko = AsyncEkoClient(
        **CREDENTIALS, base_url=BASE_URL, httpx_args={"transport": httpx.MockTransport(handler)}
    )
    await eko.aclose()
    with pytest.raises(EkoConfigurationError, match="closed"):
        await eko.create_digilocker_url("https://a.example/cb")
    assert server.requests == []


HUGE = "9" * 5000  # more digits than Python reads into an int (4,300)


@pytest.mark.parametrize(
    "call",
    [
        lambda eko: eko.get_verification_status(HUGE),
        lambda eko: eko.get_document(HUGE, "VER-1", ["AADHAAR"]),
        lambda eko: eko.get_document(HUGE, "VER-1"),
        lambda eko: eko.wait_for_consent(HUGE, timeout=1),
        lambda eko: eko.get_verification_status("9" * 21),
    ],
    ids=["status", "document", "document-default", "wait", "21-digits"],
)
def test_a_reference_id_of_too_many_digits_is_a_typed_error(server: Server, call: Any) -> None:
    # Before: a raw ValueError from int() for over 4,300 digits.
    with client(server) as eko, pytest.raises(EkoValidationError) as caught:
        call(eko)
    assert caught.value.fields == ["reference_id"]
    assert "digits" in str(caught.value)
    assert server.requests == []


def test_parse_redirect_refuses_a_reference_id_of_too_many_digits() -> None:
    from eko_digilocker import parse_redirect

    with pytest.raises(EkoValidationError) as caught:
        parse_redirect(f"https://app.example/cb?reference_id={HUGE}&verification_id=V")
    assert caught.value.fields == ["reference_id"]


@pytest.mark.parametrize("reference_id", [10**20 - 1, str(10**20 - 1)], ids=["int", "str"])
def test_get_documents_status_step_names_get_document_for_a_bad_reference_id(
    server: Server, reference_id: int | str
) -> None:
    # 20 digits fit the document call's reference_id but not the status call's int64:
    # without document_type the status step refused it as "get_verification_status: ...".
    with client(server) as eko, pytest.raises(EkoValidationError) as caught:
        eko.get_document(reference_id, "VER-1")
    assert str(caught.value).startswith("get_document: reference_id ")
    assert server.requests == []


def test_wait_for_consents_errors_name_wait_for_consent(server: Server) -> None:
    # Before: "get_verification_status: ..." for a call of wait_for_consent.
    with client(server) as eko, pytest.raises(EkoValidationError) as caught:
        eko.wait_for_consent(HUGE, timeout=1)
    assert str(caught.value).startswith("wait_for_consent: reference_id has 5000 digits")
    assert server.requests == []
