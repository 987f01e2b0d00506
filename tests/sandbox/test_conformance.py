"""Every answer matches the spec, and no input reaches the sandbox's catch-all."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from eko_digilocker_sandbox import SandboxConfig, create_app
from eko_digilocker_sandbox.api import ApiPath
from tests.sandbox.helpers import (
    CREATE,
    DOCUMENT,
    STATUS,
    Api,
    code,
    create_body,
    document_body,
    parse_raw_response,
    raw_exchange,
    raw_request,
    signed_headers,
    spec_errors,
)


def test_every_kind_of_answer_matches_the_spec(profiled_api: Api) -> None:
    """Drive each operation into each of its answers, in each profile; `Api` checks every
    one against the response schema of its operation and status, and here we check they
    were all seen."""
    api = profiled_api
    session = api.new_session(client_ref_id="CONF-1")
    reference_id = session["reference_id"]
    api.create(client_ref_id="CONF-1")  # idempotent replay
    api.create(client_ref_id="CONF-1", user_code="1")  # idempotency conflict
    api.create(redirect_url="ftp://x.example/")  # 301
    api.create(document_requested=[])  # 461
    api.status(reference_id)  # pending (eps: -1; legacy: 327)
    api.document(reference_id, "VER-x")  # 327
    api.status(1)  # unknown (eps: -1; legacy: 463)
    api.document(1, "VER-x")  # 463
    verification_id = api.control("POST", f"sessions/{reference_id}/approve").json()[
        "verification_id"
    ]
    api.status(reference_id)  # success
    api.document(reference_id, verification_id)  # success
    api.document(reference_id, "VER-wrong")  # 463
    denied = api.new_session()["reference_id"]
    api.control("POST", f"sessions/{denied}/deny")
    api.status(denied)
    api.document(denied, "VER-x")
    expired = api.new_session()["reference_id"]
    api.control("POST", f"sessions/{expired}/expire")
    api.status(expired)
    api.document(expired, "VER-x")
    for path, method in ((CREATE, "POST"), (STATUS, "GET"), (DOCUMENT, "POST")):
        api.request(method, path, signed=False)  # 403
        api.request("PATCH", path)  # 405
        api.request(method, path + "x")  # 404
        if method == "POST":
            api.request(method, path, content=b"{}", headers={"content-type": "text/plain"})
            api.request(
                method,
                path,
                content=b" " * 70_000,
                headers={"content-type": "application/json"},
            )
        for forced in (301, 319, 327, 346, 403, 463):
            if method == "GET":  # httpx's params= would replace the query in the URL
                query = f"client_ref_id=SCENARIO-{forced}&initiator_id=1&reference_id=1"
                api.request(method, f"{path}?{query}")
            else:
                body = _valid_input(path)["json"]
                api.request(method, path, json={**body, "client_ref_id": f"SCENARIO-{forced}"})

    seen = {
        (path, status, code(answer) or answer["response_status_id"])
        for path, status, answer in api.checked
    }
    for path in (CREATE, STATUS, DOCUMENT):
        for http_status in (403, 404, 405):
            assert any(
                p == path + ("x" if http_status == 404 else "") and s == http_status
                for p, s, _ in seen
            )
        for response_status_id in (1, 301, 319, 327, 346, 463):
            assert (path, 200, response_status_id) in seen, (path, response_status_id)
    for path in (CREATE, DOCUMENT):
        assert any(p == path and s == 415 for p, s, _ in seen)
        assert any(p == path and s == 413 for p, s, _ in seen)
    assert (CREATE, 200, 0) in seen
    assert (STATUS, 200, 0) in seen
    assert (DOCUMENT, 200, 0) in seen
    type_ids = {answer["response_type_id"] for _, _, answer in api.checked}
    assert type_ids >= ({1388, 1389, -1} if api.profile == "eps" else {1627, 1628, 1630, -1})
    assert api.state()["self_check_failures"] == 0


def _valid_input(path: str) -> dict[str, Any]:
    if path == CREATE:
        return {"json": create_body()}
    return {"json": document_body(1, "VER-1")}


NASTY_BODIES: list[bytes] = [
    b"",
    b"\x00" * 100,
    b"\xff" * 1000,
    b"\xef\xbb\xbf{}",  # UTF-8 BOM
    "{}".encode("utf-16"),
    b'{"initiator_id": "\\ud800", "user_code": "\\udfff", "document_requested": ["AADHAAR"],'
    b' "redirect_url": "https://a.example/"}',
    b'{"initiator_id": 1e999, "user_code": -0, "document_requested": {}, "redirect_url": []}',
    b'{"initiator_id": ' + b"9" * 5000 + b"}",
    b'{"redirect_url": "https://a.example/\\r\\nSet-Cookie: x=1"}',
    b'{"redirect_url": "https://a.example/' + b"%" * 3000 + b'"}',
    b'{"document_requested": ["AADHAAR"' + b', "AADHAAR"' * 5000 + b"]}",
    b'{"a": ' * 20_000,
    b"[" * 60_000,
    b'{"' + b"k" * 60_000 + b'": 1}',
    b'{"initiator_id": "1", "initiator_id": 2}',
    b'{"client_ref_id": "SCENARIO-", "initiator_id": "1"}',
    b"null",
    json.dumps({"initiator_id": "x" * 60_000}).encode(),
    json.dumps(create_body(client_ref_id="SCENARIO-00301")).encode(),
    json.dumps(create_body(redirect_url="https://[::1]:99999/")).encode(),
    json.dumps(create_body(redirect_url="http://a.example:notaport/")).encode(),
    json.dumps(document_body("0" * 50, "VER")).encode(),
    json.dumps(document_body(" 7000001 ", "VER")).encode(),
    json.dumps(document_body("-1", "VER", document_type=["AADHAAR"] * 100)).encode(),
]

NASTY_QUERIES: list[str] = [
    "",
    "reference_id=",
    "reference_id=-5&initiator_id=1&user_code=2",
    "reference_id=1e3&initiator_id=1&user_code=2",
    "reference_id=" + "9" * 4000 + "&initiator_id=1&user_code=2",
    "reference_id=NaN&initiator_id=1&user_code=2",
    "reference_id=%00&initiator_id=%00&user_code=%00",
    "reference_id=1&reference_id=abc&initiator_id=1&user_code=2",
    "&&&===&&&",
    "a=" + "&a=".join(["1"] * 200),
    "initiator_id=%C3%28&user_code=2&reference_id=1",
    "eps_scenario=&initiator_id=1&user_code=2&reference_id=1",
    "eps_scenario=99999999999999999999&initiator_id=1&user_code=2&reference_id=1",
    "client_ref_id=SCENARIO-&initiator_id=1&user_code=2&reference_id=1",
]

NASTY_HEADERS: list[dict[str, str]] = [
    {"secret-key-timestamp": "9" * 40},
    {"secret-key-timestamp": " 1700000000000 "},
    {"secret-key-timestamp": "\u0661\u0667\u0660\u0660"},  # Arabic-Indic digits
    {"secret-key": "x" * 8000},
    {"developer_key": "\u00ff" * 100},
    {"content-type": "application/json; charset=utf-16"},
    {"content-type": "application/jsonx"},
    {"content-length": "0"},
    {"host": "evil.example\u00e9"},
]


def test_a_corpus_of_nasty_inputs_never_reaches_the_catch_all(api: Api) -> None:
    for body in NASTY_BODIES:
        for path in (CREATE, DOCUMENT):
            response = api.http.post(
                path, content=body, headers={**signed_headers(), "content-type": "application/json"}
            )
            assert not spec_errors(path, "POST", response), body[:80]
    for query in NASTY_QUERIES:
        response = api.http.get(f"{STATUS}?{query}", headers=signed_headers())
        assert not spec_errors(STATUS, "GET", response), query[:80]
    for extra in NASTY_HEADERS:
        for path, method in ((CREATE, "POST"), (STATUS, "GET")):
            headers = {**signed_headers(), "content-type": "application/json", **extra}
            raw = {k.encode(): v.encode("utf-8") for k, v in headers.items()}
            body = json.dumps(create_body()).encode() if method == "POST" else b""
            if "content-length" in extra:
                body = b""
            try:
                response = api.http.request(
                    method,
                    path + "?initiator_id=1&user_code=2&reference_id=1",
                    content=body,
                    headers=raw,
                )
            except httpx.HTTPError:
                continue  # refused by the HTTP layer before reaching the app (e.g. bad Host)
            if response.status_code == 400:  # uvicorn's own HTTP parser refused it
                continue
            assert not spec_errors(path, method, response), extra
    state = api.state()
    assert state["internal_errors"] == 0
    assert state["self_check_failures"] == 0
    assert state["api_requests"] > len(NASTY_BODIES) * 2


def test_odd_methods_and_paths_over_a_raw_socket(api: Api) -> None:
    for method, path in (
        ("OPTIONS", CREATE),
        ("TRACE", STATUS),
        ("GET", "/tools/kyc/digilocker/%2e%2e/status"),
        ("GET", "/tools//kyc/digilocker"),
        ("GET", "/" + "a" * 4000),
        ("GET", "/consent/abc"),
        ("GET", "/consent/99999999999999999999999?token=x"),
        ("POST", "/consent/1"),
    ):
        raw = raw_request(api.base_url, method, path, {"content-length": "0"})
        status, _, _ = parse_raw_response(raw_exchange(api.base_url, raw))
        assert status in (400, 404, 405), (method, path, status)
    assert api.state()["internal_errors"] == 0


def test_the_catch_all_answers_an_envelope_and_counts() -> None:
    """The safety net itself (in process): a bug in an operation becomes a spec-valid
    envelope, never a 500 or a traceback, and is counted for the tests above to see."""
    app = create_app(SandboxConfig())
    handlers = [getattr(route, "app", None) for route in app.routes]
    (handler,) = [h for h in handlers if isinstance(h, ApiPath) and h.path == CREATE]

    def broken(request: Any) -> Any:
        raise RuntimeError("secret internals")

    handler.handlers["createDigilockerUrl"] = broken

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
            return await client.post(CREATE, json=create_body(), headers=signed_headers())

    response = asyncio.run(call())
    assert response.status_code == 200
    assert not spec_errors(CREATE, "POST", response)
    answer = response.json()
    assert answer["status"] == 500
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert handler.state.counters.internal_errors == 1


def test_the_self_check_holds_a_success_to_its_success_data_schema(
    monkeypatch: Any,
) -> None:
    """A created answer without `url` fits the envelope (data fields are optional) but not
    DigilockerUrlSuccess: the self-check must count it."""
    from eko_digilocker_sandbox import answers, running_sandbox

    real = answers.created

    def without_url(profile: str, session: Any, url: str) -> dict[str, Any]:
        answer = real(profile, session, url)
        del answer["data"]["url"]
        return answer

    monkeypatch.setattr(answers, "created", without_url)
    with running_sandbox(SandboxConfig(self_check=True)) as url:
        response = httpx.post(
            f"{url}{CREATE}", json=create_body(), headers=signed_headers(), timeout=10
        )
        assert response.json()["status"] == 0
        assert spec_errors(CREATE, "POST", response)  # the tests' own check sees it too
        state = httpx.get(f"{url}/_sandbox/state", timeout=10).json()
    assert state["self_check_failures"] == 1
