"""Every error answer of the sandbox, over a real socket."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from eko_digilocker.spec import example
from eko_digilocker_sandbox import SandboxConfig, running_sandbox
from tests.sandbox.helpers import (
    CREATE,
    DOCUMENT,
    STATUS,
    Api,
    FakeClock,
    create_body,
    parse_raw_response,
    raw_exchange,
    raw_request,
    signed_headers,
)

# --- 403: each part of the signature ------------------------------------------------


@pytest.mark.parametrize("header", ["developer_key", "secret-key", "secret-key-timestamp"])
def test_a_missing_signing_header_is_named(api: Api, header: str) -> None:
    headers = signed_headers()
    del headers[header]
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 403
    answer = response.json()
    assert answer["status"] == 403
    assert f"missing header {header}" in answer["message"]


def test_all_missing_headers_are_named(api: Api) -> None:
    response = api.request("GET", STATUS, signed=False, params={"reference_id": 1})
    assert response.status_code == 403
    message = response.json()["message"]
    for header in ("developer_key", "secret-key", "secret-key-timestamp"):
        assert header in message


def test_an_unknown_developer_key_gets_the_answer_of_a_wrong_secret_key(api: Api) -> None:
    # Before: "unknown developer_key" told an attacker which keys exist. Eko answers
    # HTTP 403 to both (FACTS: bad secret-key, or signed with the wrong key), with the
    # spec's documented message.
    unknown = signed_headers(developer_key="0123456789abcdef0123456789abcdef")
    wrong = signed_headers(access_key="some-other-access-key")
    answers = [
        api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
        for headers in (unknown, wrong)
    ]
    assert [a.status_code for a in answers] == [403, 403]
    assert answers[0].content == answers[1].content
    documented = example("createDigilockerUrl", status="403")
    assert answers[0].json() == documented
    # a timestamp outside the window: the same answer again, known key or not
    stale = time.time_ns() // 1_000_000 - 3_600_000
    late = [
        api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
        for headers in (
            signed_headers(developer_key="0123456789abcdef0123456789abcdef", timestamp_ms=stale),
            signed_headers(timestamp_ms=stale),
        )
    ]
    assert (
        late[0].json()["message"].split(" (it is")[0]
        == late[1].json()["message"].split(" (it is")[0]
    )


@pytest.mark.parametrize("timestamp", ["abc", "-1700000000000", "1.7e12", "17000000000000000000"])
def test_a_timestamp_that_is_not_a_number_is_refused(api: Api, timestamp: str) -> None:
    headers = {**signed_headers(), "secret-key-timestamp": timestamp}
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 403
    assert "secret-key-timestamp is not a number" in response.json()["message"]


@pytest.mark.parametrize("offset_seconds", [-301, 301, -86_400])
def test_a_timestamp_outside_the_window_is_refused(api: Api, offset_seconds: int) -> None:
    timestamp = time.time_ns() // 1_000_000 + offset_seconds * 1000
    headers = signed_headers(timestamp_ms=timestamp)
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 403
    message = response.json()["message"]
    assert "outside the allowed window of +-300 seconds" in message


def test_a_timestamp_inside_the_window_is_accepted(api: Api) -> None:
    headers = signed_headers(timestamp_ms=time.time_ns() // 1_000_000 - 290_000)
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 200
    assert response.json()["status"] == 0


def test_a_timestamp_in_seconds_gets_a_hint(api: Api) -> None:
    headers = signed_headers(timestamp_ms=int(time.time()))
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 403
    assert "looks like seconds" in response.json()["message"]


def test_a_wrong_secret_key_is_refused(api: Api) -> None:
    headers = signed_headers(access_key="some-other-access-key")
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 403
    assert "secret-key does not match" in response.json()["message"]


def test_a_signature_for_another_timestamp_is_refused(api: Api) -> None:
    headers = signed_headers()
    headers["secret-key-timestamp"] = str(int(headers["secret-key-timestamp"]) + 1)
    response = api.request("POST", CREATE, signed=False, headers=headers, json=create_body())
    assert response.status_code == 403
    assert "secret-key does not match" in response.json()["message"]


def test_a_non_ascii_secret_key_is_refused_not_crashed(api: Api) -> None:
    headers = {**signed_headers(), "secret-key": "\u00e9\u00e8"}
    response = api.request(
        "POST",
        CREATE,
        signed=False,
        headers={k: v.encode("latin-1") for k, v in headers.items()},
        json=create_body(),
    )
    assert response.status_code == 403


def test_the_published_golden_vector_is_accepted() -> None:
    """Eko's cross-language vector, checked by the sandbox's own HMAC code."""
    config = SandboxConfig(
        credentials={"golden-developer-key": "TEST_ACCESS_KEY_DO_NOT_USE"},
        clock=FakeClock(1_700_000_000.0),
    )
    headers = {
        "developer_key": "golden-developer-key",
        "secret-key-timestamp": "1700000000000",
        "secret-key": "u30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk=",
    }
    with running_sandbox(config) as url:
        api = Api(url)
        try:
            accepted = api.request(
                "POST", CREATE, signed=False, headers=headers, json=create_body()
            )
            assert accepted.status_code == 200
            assert accepted.json()["status"] == 0
            tampered = {**headers, "secret-key": "v30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk="}
            refused = api.request(
                "POST", CREATE, signed=False, headers=tampered, json=create_body()
            )
            assert refused.status_code == 403
        finally:
            api.close()


def test_auth_is_checked_before_the_body(api: Api) -> None:
    response = api.request(
        "POST", CREATE, signed=False, content=b"not json", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 403


# --- 404, 405 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/tools/kyc/digilocker/"),
        ("GET", "/"),
        ("POST", "/tools/kyc/digilocker/unknown"),
        ("DELETE", "/nowhere"),
        ("GET", "/tools/kyc/digilocker/document/AADHAAR"),
    ],
)
def test_an_unknown_path_is_a_404_envelope(api: Api, method: str, path: str) -> None:
    response = api.request(method, path)
    assert response.status_code == 404
    assert response.json()["status"] == 404
    assert response.json()["message"] == "Not found"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", CREATE, "POST"),
        ("PUT", CREATE, "POST"),
        ("POST", STATUS, "GET"),
        ("HEAD", STATUS, "GET"),
        ("GET", DOCUMENT, "POST"),
        ("DELETE", DOCUMENT, "POST"),
    ],
)
def test_a_wrong_method_is_a_405_envelope(api: Api, method: str, path: str, allowed: str) -> None:
    response = api.http.request(method, path, headers=signed_headers())
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    if method != "HEAD":
        api.check(response)
        assert response.json()["status"] == 405


def test_the_path_is_checked_before_the_signature(api: Api) -> None:
    assert api.request("POST", "/unknown", signed=False).status_code == 404
    assert api.request("GET", CREATE, signed=False).status_code == 405


# --- 415 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
def test_a_body_that_is_not_json_by_type_is_a_415(api: Api, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    response = api.request("POST", CREATE, content=json.dumps(create_body()), headers=headers)
    assert response.status_code == 415
    assert response.json()["status"] == 415


@pytest.mark.parametrize(
    "content_type", ["application/json", "Application/JSON", "application/json; charset=utf-8"]
)
def test_json_content_types_are_accepted(api: Api, content_type: str) -> None:
    response = api.request(
        "POST", CREATE, content=json.dumps(create_body()), headers={"content-type": content_type}
    )
    assert response.status_code == 200
    assert response.json()["status"] == 0


# --- 413 ------------------------------------------------------------------------------


def test_an_oversized_content_length_is_refused_before_the_body_is_sent(api: Api) -> None:
    """The server answers 413 from the header alone: only a few bytes of the promised
    100 MB are ever sent, and the answer still comes, then the connection closes."""
    headers = {
        **signed_headers(),
        "Content-Type": "application/json",
        "Content-Length": str(100 * 1024 * 1024),
    }
    raw = raw_request(api.base_url, "POST", CREATE, headers, body=b'{"initiator_id": "')
    status, response_headers, body = parse_raw_response(raw_exchange(api.base_url, raw))
    assert status == 413
    assert response_headers["connection"] == "close"
    answer = json.loads(body)
    assert answer["status"] == 413
    assert "at most 65536 bytes" in answer["message"]


def test_an_oversized_chunked_body_is_refused_while_streaming(api: Api) -> None:
    headers = {
        **signed_headers(),
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
    }
    chunk = b"1000\r\n" + b" " * 4096 + b"\r\n"
    # 20 chunks of 4 KiB: more than the 64 KiB limit, with no terminating chunk ever sent
    raw = raw_request(api.base_url, "POST", CREATE, headers, body=chunk * 20)
    status, _, body = parse_raw_response(raw_exchange(api.base_url, raw))
    assert status == 413
    assert json.loads(body)["status"] == 413


def test_a_body_at_the_limit_is_read(api: Api) -> None:
    body = json.dumps(create_body()).encode()
    padded = body[:-1] + b" " * (64 * 1024 - len(body)) + b"}"
    assert len(padded) == 64 * 1024
    response = api.request(
        "POST", CREATE, content=padded, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == 0


def test_one_byte_over_the_limit_is_refused(api: Api) -> None:
    response = api.request(
        "POST",
        CREATE,
        content=b" " * (64 * 1024 + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


# --- validation errors ----------------------------------------------------------------


def _invalid_params(response: Any) -> dict[str, str]:
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == 461
    assert answer["response_status_id"] == 1
    assert answer["response_type_id"] == -1
    assert answer["data"] == {}
    params: dict[str, str] = answer["invalid_params"]
    return params


def post_raw(api: Api, path: str, content: bytes) -> Any:
    return api.request("POST", path, content=content, headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"initiator_id": ', "malformed JSON"),
        (b"", "body is empty"),
        (b"   ", "body is empty"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b'{"initiator_id": "\xc3\x28"}', "not valid UTF-8"),
        (b'{"initiator_id": NaN}', "NaN is not valid JSON"),
        (b'{"initiator_id": Infinity}', "Infinity is not valid JSON"),
        (b'{"extra": 1e999}', "1e999 is out of range"),  # Python's json would make it inf
        (b'{"extra": [-2E+400]}', "-2E+400 is out of range"),
        (b'{"extra": ' + b"9" * 5000 + b"}", "a number of 5,000 digits is too long"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"{'single': 'quotes'}", "malformed JSON"),
        (b'{"a": 1}{"b": 2}', "malformed JSON"),
    ],
)
def test_unreadable_bodies_are_validation_errors(api: Api, content: bytes, expected: str) -> None:
    params = _invalid_params(post_raw(api, CREATE, content))
    assert list(params) == ["(body)"]
    assert expected in params["(body)"]


@pytest.mark.parametrize("content", [b"[]", b'"text"', b"42", b"null", b"true"])
def test_a_body_that_is_not_an_object_is_a_validation_error(api: Api, content: bytes) -> None:
    params = _invalid_params(post_raw(api, CREATE, content))
    assert "not of type" in params["(body)"]


def test_every_missing_required_field_is_named(api: Api) -> None:
    params = _invalid_params(post_raw(api, CREATE, b"{}"))
    assert set(params) == {"initiator_id", "document_requested", "redirect_url"}
    params = _invalid_params(post_raw(api, DOCUMENT, b"{}"))
    assert set(params) == {
        "initiator_id",
        "document_type",
        "verification_id",
        "reference_id",
    }


def test_every_wrong_field_is_named(api: Api) -> None:
    body = {
        "initiator_id": 9962981729,
        "user_code": "",
        "client_ref_id": "x" * 21,
        "document_requested": ["AADHAAR", "PASSPORT", 7],
        "redirect_url": "not a url",
    }
    params = _invalid_params(api.request("POST", CREATE, json=body))
    assert set(params) == {
        "initiator_id",
        "user_code",
        "client_ref_id",
        "document_requested.1",
        "document_requested.2",
        "redirect_url",
    }
    assert "is not of type" in params["initiator_id"]
    assert "PASSPORT" in params["document_requested.1"]


def test_an_empty_document_list_is_named(api: Api) -> None:
    params = _invalid_params(api.create(document_requested=[]))
    assert list(params) == ["document_requested"]


def _nested_body(depth: int, field: str = "extra") -> bytes:
    return (
        b'{"initiator_id": "1", "user_code": "2", "redirect_url": "https://a.example/",'
        b' "document_requested": ["AADHAAR"], "'
        + field.encode()
        + b'": '
        + b"[" * depth
        + b"]" * depth
        + b"}"
    )


@pytest.mark.parametrize("depth", [32, 33, 300, 990, 5000, 30_000])
@pytest.mark.parametrize("field", ["extra", "document_requested"])
def test_deep_nesting_is_a_validation_error(api: Api, depth: int, field: str) -> None:
    """More than 32 levels, counting the body object, is refused the same way at any depth."""
    params = _invalid_params(post_raw(api, CREATE, _nested_body(depth, field)))
    assert params == {"(body)": "body is nested too deeply (more than 32 levels)"}


def test_nesting_within_the_limit_reaches_the_schema(api: Api) -> None:
    params = _invalid_params(post_raw(api, CREATE, _nested_body(31, "document_requested")))
    assert "document_requested.0" in params
    assert post_raw(api, CREATE, _nested_body(31)).json()["status"] == 0


def test_a_huge_string_is_named_with_a_short_message(api: Api) -> None:
    params = _invalid_params(api.create(client_ref_id="R" * 60_000))
    assert list(params) == ["client_ref_id"]
    assert len(params["client_ref_id"]) <= 300


def test_a_huge_string_is_refused_by_the_spec_s_length_limit(api: Api) -> None:
    params = _invalid_params(api.create(initiator_id="9" * 60_000))
    assert list(params) == ["initiator_id"]
    assert len(params["initiator_id"]) <= 300


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"initiator_id": "1", "user_code": "2"}, "reference_id"),
        ({"initiator_id": "1", "user_code": "2", "reference_id": "abc"}, "reference_id"),
        ({"initiator_id": "1", "user_code": "2", "reference_id": "0"}, "reference_id"),
        ({"initiator_id": "1", "user_code": "2", "reference_id": "1.5"}, "reference_id"),
        ({"initiator_id": "1", "user_code": "2", "reference_id": "9" * 40}, "reference_id"),
        ({"user_code": "2", "reference_id": "5"}, "initiator_id"),
        ({"initiator_id": "", "user_code": "2", "reference_id": "5"}, "initiator_id"),
        (
            {"initiator_id": "1", "user_code": "2", "reference_id": "5", "client_ref_id": "x" * 21},
            "client_ref_id",
        ),
    ],
)
def test_query_violations_are_named(api: Api, params: dict[str, str], field: str) -> None:
    response = api.request("GET", STATUS, params=params)
    assert field in _invalid_params(response)


def test_query_values_are_coerced_to_their_declared_type(api: Api) -> None:
    response = api.request(
        "GET", STATUS, params={"initiator_id": "1", "user_code": "2", "reference_id": "+42"}
    )
    # valid, and unknown: eps.eko.in's "Invalid or expired reference_id"
    assert response.json()["message"] == "Invalid reference_id"


def test_a_query_string_that_is_not_utf8_is_a_validation_error(api: Api) -> None:
    response = api.request("GET", STATUS + "?initiator_id=%FF&user_code=2&reference_id=5")
    assert "(query)" in _invalid_params(response)


def test_validation_comes_after_auth(api: Api) -> None:
    response = api.request("POST", CREATE, signed=False, json={})
    assert response.status_code == 403
