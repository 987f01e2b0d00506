"""The access key never shows; the developer key only masked."""

import logging
import traceback

import httpx
import pytest

from eko_digilocker import EkoAuth, EkoClient, EkoError
from eko_digilocker.settings import Settings
from tests.client.fakes import CREDENTIALS, Server, envelope, make_client

ACCESS_KEY = CREDENTIALS["access_key"]
DEVELOPER_KEY = CREDENTIALS["developer_key"]


def test_reprs_hide_the_access_key_and_mask_the_developer_key(client: EkoClient) -> None:
    for shown in (repr(client), str(client), repr(client.auth), repr(client.settings)):
        assert ACCESS_KEY not in shown
        assert DEVELOPER_KEY not in shown
        assert "***" in shown
    assert DEVELOPER_KEY[-4:] in repr(client)


def test_logs_redact_signing_headers(
    server: Server, sleeps: list, caplog: pytest.LogCaptureFixture
) -> None:
    server.answers = [httpx.Response(503), httpx.Response(200, json=envelope(1, 327))]
    caplog.set_level(logging.DEBUG)
    with make_client(server, sleeps) as eko, pytest.raises(EkoError):
        eko.get_verification_status(1)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "eko_digilocker" in {record.name for record in caplog.records}
    assert "secret-key" in text  # the header is named ...
    for request in server.requests:  # ... but never shown
        assert request.headers["secret-key"] not in text
    assert ACCESS_KEY not in text
    assert DEVELOPER_KEY not in text


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(403, json=envelope(403, 1, "bad signature")),
        httpx.Response(520, text="oops"),
        httpx.ConnectError("refused"),
    ],
)
def test_errors_and_tracebacks_hold_no_secret(server: Server, sleeps: list, answer: object) -> None:
    server.answers = [answer]
    with make_client(server, sleeps, max_retries=0) as eko, pytest.raises(EkoError) as caught:
        eko.create_digilocker_url("https://a.example/cb")
    text = "".join(traceback.format_exception(caught.value))
    assert ACCESS_KEY not in text
    assert DEVELOPER_KEY not in text
    assert ACCESS_KEY not in repr(vars(caught.value))


def test_auth_and_settings_reprs() -> None:
    auth = EkoAuth("short", ACCESS_KEY)
    assert "short" not in repr(auth)
    settings = Settings.resolve(**CREDENTIALS, env={})
    assert ACCESS_KEY not in repr(settings)
