"""Every public call takes its identifying arguments by position or name and the rest by
keyword only; the older positional form still works, with a DeprecationWarning."""

from __future__ import annotations

import inspect
from typing import Any

import httpx
import pytest

from eko_digilocker import AsyncEkoClient, EkoClient

from .fakes import CREDENTIALS

IDENTIFYING = {
    "create_digilocker_url": ["redirect_url"],
    "get_verification_status": ["reference_id"],
    "get_document": ["reference_id", "verification_id"],
    "wait_for_consent": ["reference_id"],
}


def _calls(client: Any) -> list[tuple[str, Any]]:
    found = [(name, getattr(client, name)) for name in IDENTIFYING]
    raw = client.with_raw_response
    found += [(name, getattr(raw, name)) for name in IDENTIFYING if hasattr(raw, name)]
    return found


@pytest.mark.parametrize("kind", [EkoClient, AsyncEkoClient])
def test_after_the_identifying_arguments_everything_is_keyword_only(kind: type[Any]) -> None:
    client = kind(**CREDENTIALS, base_url="http://127.0.0.1:9")
    calls = _calls(client)
    assert len(calls) == 7  # four calls, three of them raw as well
    for name, call in calls:
        params = list(inspect.signature(call).parameters.values())
        positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert positional == IDENTIFYING[name], name
        rest = params[len(positional) :]
        assert rest, name
        assert all(p.kind is p.KEYWORD_ONLY for p in rest), name
    assert client.get_document.__doc__.startswith("The verified document(s)")


def test_the_older_positional_form_still_works_and_warns() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        data = {"reference_id": 7, "url": "https://digilocker.example/s"}
        return httpx.Response(200, json={"status": 0, "response_status_id": 0, "data": data})

    transport = httpx.MockTransport(answer)
    with EkoClient(**CREDENTIALS, httpx_args={"transport": transport}) as eko:
        with pytest.warns(DeprecationWarning, match="client_ref_id by keyword"):
            eko.create_digilocker_url("https://a.example/cb", ["PAN"], "OLD-FORM-1")
        old = "by keyword"
        with pytest.raises(TypeError, match="multiple values"), pytest.warns(match=old):
            eko.create_digilocker_url("https://a.example/cb", ["PAN"], document_requested=["PAN"])
        with pytest.raises(TypeError, match="at most 3"), pytest.warns(match=old):
            eko.create_digilocker_url("https://a.example/cb", ["PAN"], "X", "1", "extra")
    assert len(sent) == 1
    assert b'"client_ref_id":"OLD-FORM-1"' in sent[0].content
    assert b'"document_requested":["PAN"]' in sent[0].content
