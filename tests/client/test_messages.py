"""Errors that say what happened, in the caller's words, without a key (issue 11, item 9)."""

from __future__ import annotations

import httpx
import pytest

from eko_digilocker import (
    EkoClient,
    EkoConnectionError,
    EkoInvalidParamsError,
    EkoTimeoutError,
    EkoValidationError,
)
from tests.client.fakes import CREDENTIALS, Server, envelope, make_client


def test_validation_errors_speak_the_callers_language(server: Server, sleeps: list) -> None:
    with make_client(server, sleeps) as eko:
        with pytest.raises(EkoValidationError) as caught:
            eko.create_digilocker_url(None)  # type: ignore[arg-type]
        assert str(caught.value) == "create_digilocker_url: redirect_url is required"
        with pytest.raises(EkoValidationError) as caught:
            eko.create_digilocker_url("https://a.example/cb", client_ref_id="X" * 21)
        assert str(caught.value) == (
            "create_digilocker_url: client_ref_id is longer than 20 characters"
        )
        with pytest.raises(EkoValidationError) as caught:
            eko.get_verification_status("abc")
        assert str(caught.value) == "get_verification_status: reference_id must be of type integer"
    assert server.requests == []


def test_invalid_params_are_in_the_message_shortened(server: Server, sleeps: list) -> None:
    reasons = {"redirect_url": "must be a valid URL", "note": "x" * 500}
    server.answers = [
        httpx.Response(200, json=envelope(461, 1, "Invalid params", invalid_params=reasons))
    ]
    with make_client(server, sleeps) as eko, pytest.raises(EkoInvalidParamsError) as caught:
        eko.create_digilocker_url("https://a.example/cb")
    message = str(caught.value)
    assert "redirect_url: must be a valid URL" in message
    assert message.endswith("...")
    assert len(message) < 400
    assert caught.value.invalid_params == reasons  # the whole of it stays on the error


def test_connection_errors_name_host_operation_and_attempts(server: Server, sleeps: list) -> None:
    server.answers = [httpx.ConnectError("refused")]
    with (
        make_client(server, sleeps, max_retries=2) as eko,
        pytest.raises(EkoConnectionError) as caught,
    ):
        eko.get_verification_status(7)
    message = str(caught.value)
    assert message.startswith("get_verification_status: request to eko.test failed (3 attempts")
    assert "ConnectError: refused" in message
    assert CREDENTIALS["developer_key"] not in message
    assert CREDENTIALS["access_key"] not in message


def test_timeout_errors_name_host_operation_and_attempts(server: Server, sleeps: list) -> None:
    server.answers = [httpx.ReadTimeout("slow")]
    with (
        make_client(server, sleeps, max_retries=1) as eko,
        pytest.raises(EkoTimeoutError) as caught,
    ):
        eko.create_digilocker_url("https://a.example/cb", client_ref_id="R-1")
    assert str(caught.value) == (
        "create_digilocker_url: no complete answer from eko.test: a phase timeout expired "
        "(2 attempts; last: ReadTimeout)"
    )


def test_a_refused_connection_to_a_real_port(unused_port: int) -> None:
    with (
        EkoClient(**CREDENTIALS, base_url=f"http://127.0.0.1:{unused_port}", max_retries=0) as eko,
        pytest.raises(EkoConnectionError) as caught,
    ):
        eko.get_verification_status(7)
    assert "get_verification_status: request to 127.0.0.1 failed (1 attempt;" in str(caught.value)


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("reference_id", ["-5", " -5 ", "0", -5])
def test_a_reference_id_below_one_says_so_however_it_is_given(
    server: Server, sleeps: list, reference_id: int | str
) -> None:
    # Before: the string "-5" (read from a URL or a form) got "must be of type integer".
    with make_client(server, sleeps) as eko, pytest.raises(EkoValidationError) as caught:
        eko.get_verification_status(reference_id)
    assert str(caught.value) == "get_verification_status: reference_id must be at least 1"
    assert server.requests == []
