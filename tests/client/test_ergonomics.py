"""Automatic client_ref_id, reference ids as strings, get_document's default documents,
the envelope on success, version and User-Agent (issue 11, items 5, 7, 8, 10, 11)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import sys
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import eko_digilocker
from eko_digilocker import AsyncEkoClient, EkoClient, RawResponse
from tests.client.fakes import BASE_URL, CREATED, CREDENTIALS, Server, make_client
from tests.client.test_calls import DOCUMENT, STATUS

URL = "https://yourapp.com/kyc/callback"


# --- 5: automatic client_ref_id ---


def test_each_post_gets_a_short_unique_client_ref_id(server: Server, sleeps: list) -> None:
    with make_client(server, sleeps) as eko:
        for _ in range(2000):
            eko.create_digilocker_url(URL)
    ids = [server.body(i)["client_ref_id"] for i in range(len(server.requests))]
    assert len(set(ids)) == len(ids)
    assert all(1 <= len(ref) <= 20 for ref in ids)


def test_the_generated_id_is_returned_and_a_retry_repeats_it(server: Server, sleeps: list) -> None:
    server.answers = [httpx.ReadTimeout("lost"), httpx.Response(200, json=CREATED)]
    with make_client(server, sleeps) as eko:
        raw = eko.with_raw_response.create_digilocker_url(URL)
    assert len(server.requests) == 2  # a plain POST is now safe to retry
    assert server.body(0) == server.body(1)
    assert raw.client_ref_id == server.body(0)["client_ref_id"]
    assert raw.attempts == 2


def test_a_given_client_ref_id_is_kept_and_the_automatic_one_can_be_turned_off(
    server: Server, sleeps: list
) -> None:
    with make_client(server, sleeps) as eko:
        assert eko.with_raw_response.create_digilocker_url(URL, client_ref_id="MINE").client_ref_id
        assert server.body()["client_ref_id"] == "MINE"
    with make_client(server, sleeps, auto_client_ref_id=False) as eko:
        assert eko.with_raw_response.create_digilocker_url(URL).client_ref_id is None
    assert "client_ref_id" not in server.body()


# --- 7: reference_id as int or numeric string, in every call ---


def test_reference_id_as_a_string_in_every_call(server: Server, sleeps: list) -> None:
    server.answers = [httpx.Response(200, json=STATUS)]
    with make_client(server, sleeps) as eko:
        eko.get_verification_status("7000004")
        assert parse_qs(urlsplit(str(server.requests[-1].url)).query)["reference_id"] == ["7000004"]
        assert eko.wait_for_consent("7000004", timeout=1).authenticated
        server.answers = [httpx.Response(200, json=DOCUMENT)]
        eko.get_document("7000004", "V", ["AADHAAR"])
        assert server.body()["reference_id"] == "7000004"
        eko.get_document(7000004, "V", ["AADHAAR"])
        assert server.body()["reference_id"] == "7000004"


# --- 8: get_document defaults to what the session requested ---


def test_get_document_defaults_to_the_sessions_documents(server: Server, sleeps: list) -> None:
    status = json.loads(json.dumps(STATUS))
    status["data"]["document_requested"] = ["PAN"]
    server.answers = [httpx.Response(200, json=status), httpx.Response(200, json=DOCUMENT)]
    with make_client(server, sleeps) as eko:
        eko.get_document(7, "V")
    assert server.requests[0].method == "GET"
    assert server.body()["document_type"] == ["PAN"]


def test_get_document_falls_back_to_the_default_when_the_status_call_fails(
    server: Server, sleeps: list
) -> None:
    server.answers = [
        httpx.Response(500, text="<html>down</html>"),
        httpx.Response(200, json=DOCUMENT),
    ]
    with make_client(server, sleeps, max_retries=0) as eko:
        eko.get_document(7, "V")
    assert [r.method for r in server.requests] == ["GET", "POST"]
    assert server.body()["document_type"] == ["AADHAAR"]


def test_get_document_against_the_sandbox_for_a_pan_session(sandbox: str) -> None:
    # Before: the default was always ["AADHAAR"]: "Document type(s) AADHAAR were not requested".
    with EkoClient(**CREDENTIALS, base_url=sandbox) as eko, httpx.Client(base_url=sandbox) as ctl:
        session = eko.create_digilocker_url(URL, ["PAN"])
        approved = ctl.post(f"/_sandbox/sessions/{session.reference_id}/approve").json()
        document = eko.get_document(str(session.reference_id), approved["verification_id"])
    assert [d.document_type for d in document.documents] == ["PAN"]


# --- 10: the envelope on success ---


def test_with_raw_response_gives_the_envelope_and_the_http_response(
    server: Server, sleeps: list
) -> None:
    with make_client(server, sleeps) as eko:
        raw = eko.with_raw_response.create_digilocker_url(URL)
        plain = eko.create_digilocker_url(URL)
    assert isinstance(raw, RawResponse)
    assert raw.message == CREATED["message"]
    assert raw.response_type_id == CREATED["response_type_id"]
    assert raw.status == 0
    assert raw.response_status_id == CREATED["response_status_id"]
    assert raw.http_response.status_code == 200
    assert raw.http_response.json() == CREATED
    assert raw.parse() == plain


def test_async_with_raw_response(server: Server) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return server(request)

    async def run() -> RawResponse:
        async with AsyncEkoClient(
            **CREDENTIALS,
            base_url=BASE_URL,
            httpx_args={"transport": httpx.MockTransport(handler)},
        ) as eko:
            return await eko.with_raw_response.create_digilocker_url(URL)

    raw = asyncio.run(run())
    assert raw.message == CREATED["message"]
    assert raw.parse().reference_id == CREATED["data"]["reference_id"]


# --- 11: version and User-Agent ---


def test_version_matches_the_installed_package() -> None:
    assert eko_digilocker.__version__ == importlib.metadata.version("eko-digilocker")


def test_user_agent_names_the_client_httpx_and_python(server: Server, sleeps: list) -> None:
    with make_client(server, sleeps) as eko:
        eko.get_verification_status(7)
    python = ".".join(map(str, sys.version_info[:3]))
    assert server.requests[-1].headers["user-agent"] == (
        f"eko-digilocker-python/{eko_digilocker.__version__} httpx/{httpx.__version__} "
        f"Python/{python}"
    )


@pytest.mark.parametrize(
    "options",
    [{"user_agent": "my-app/2.0"}, {"httpx_args": {"headers": {"User-Agent": "my-app/2.0"}}}],
)
def test_user_agent_can_be_overridden(server: Server, options: dict) -> None:
    args = {"httpx_args": {"transport": httpx.MockTransport(server)}}
    if "httpx_args" in options:
        args["httpx_args"] = {**args["httpx_args"], **options["httpx_args"]}
    else:
        args.update(options)
    with EkoClient(**CREDENTIALS, base_url=BASE_URL, **args) as eko:
        eko.get_verification_status(7)
    assert server.requests[-1].headers["user-agent"] == "my-app/2.0"
