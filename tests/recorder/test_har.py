"""HAR entries keep no secret: named ones are redacted, and so is every echo of their values."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from eko_digilocker_sandbox.har import Exchange, Message, _values, har_entry

DEVELOPER_KEY = "dev-key-0123456789"
SIGNATURE = "c2lnbmF0dXJlLXZhbHVl+/="
API_KEY = "query-key-abcdef"
TOKEN = "body-token-987654"


def test_every_secret_and_every_echo_of_it_is_redacted() -> None:
    exchange = Exchange(
        started=datetime.now(UTC),
        elapsed_ms=1.5,
        method="POST",
        url=f"https://eko.example/v3/tools/kyc/digilocker?api_key={API_KEY}&page=1&key=ab",
        request=Message(
            [
                ("developer_key", DEVELOPER_KEY),
                ("secret-key", SIGNATURE),
                ("secret-key-timestamp", "1700000000000"),
                ("Authorization", "Bearer abcdefgh"),
                ("content-type", "application/json"),
            ],
            json.dumps({"initiator_id": "9962981729", "access_token": TOKEN}).encode(),
        ),
        status=200,
        answer=Message(
            [("content-type", "application/json"), ("set-cookie", "session=s3cr3tcookie")],
            json.dumps(
                {"message": f"unknown developer_key {DEVELOPER_KEY}", "echo": TOKEN}
            ).encode(),
        ),
        findings=[f"violation: x /request/query/api_key: {API_KEY} is wrong"],
    )
    text = json.dumps(har_entry(exchange))
    for secret in (DEVELOPER_KEY, SIGNATURE, API_KEY, TOKEN, "Bearer abcdefgh", "s3cr3tcookie"):
        assert secret not in text
    entry = json.loads(text)
    headers = {h["name"]: h["value"] for h in entry["request"]["headers"]}
    assert headers["secret-key-timestamp"] == "1700000000000"
    assert headers["content-type"] == "application/json"
    assert {"name": "page", "value": "1"} in entry["request"]["queryString"]
    # a short secret is not searched for elsewhere, but its own place is still redacted
    assert entry["request"]["url"].endswith("?api_key=REDACTED&page=1&key=REDACTED")
    assert json.loads(entry["request"]["postData"]["text"])["initiator_id"] == "9962981729"
    assert entry["comment"] == "violation: x /request/query/api_key: REDACTED is wrong"


def test_a_body_that_is_not_utf8_is_kept_in_base64() -> None:
    exchange = Exchange(
        started=datetime.now(UTC),
        elapsed_ms=0,
        method="GET",
        url="http://127.0.0.1:1/x",
        request=Message([], b""),
        status=200,
        answer=Message([("content-type", "application/octet-stream")], b"\xff\xfe\x00"),
        findings=[],
    )
    content = har_entry(exchange)["response"]["content"]
    assert (content["encoding"], content["text"], content["size"]) == ("base64", "//4A", 3)


def _echoing(answer: bytes, content_type: str = "application/json") -> Exchange:
    return Exchange(
        started=datetime.now(UTC),
        elapsed_ms=0,
        method="GET",
        url="http://127.0.0.1:1/x",
        request=Message([("developer_key", DEVELOPER_KEY), ("secret-key", SIGNATURE)], b""),
        status=500,
        answer=Message([("content-type", content_type)], answer),
        findings=[],
    )


def test_an_echo_in_a_body_that_is_not_utf8_is_redacted_too() -> None:
    # An error page in Latin-1 echoing the request headers: kept in base64, where the
    # text search for echoes did not look.
    page = f"<pre>caf\xe9: developer_key: {DEVELOPER_KEY}\nsecret-key: {SIGNATURE}</pre>"
    content = har_entry(_echoing(page.encode("latin-1"), "text/html"))["response"]["content"]
    assert content["encoding"] == "base64"
    decoded = base64.b64decode(content["text"])
    assert DEVELOPER_KEY.encode() not in decoded
    assert SIGNATURE.encode() not in decoded
    assert b"developer_key: REDACTED" in decoded


def test_an_echo_written_with_json_escapes_is_redacted_too() -> None:
    # "\u0064ev-key..." is the key to anyone who parses the recorded body.
    escaped = "".join(f"\\u{ord(c):04x}" for c in DEVELOPER_KEY)
    body = b'{"status": 1, "message": "unknown key ' + escaped.encode() + b'"}'
    text = har_entry(_echoing(body))["response"]["content"]["text"]
    assert DEVELOPER_KEY not in json.loads(text)["message"]
    assert json.loads(text)["message"] == "unknown key REDACTED"


def test_an_answer_nested_too_deep_for_json_is_kept_as_text() -> None:
    # Before: RecursionError, so the proxy logged a traceback and recorded nothing.
    deep = b'{"data": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    content = har_entry(_echoing(deep))["response"]["content"]
    assert content["text"].encode() == deep


def test_json_values_are_counted_outside_strings() -> None:
    # a comma or bracket inside a string is no value; the count is an upper bound
    text = b'{"a": ["x,[{", 1, {"b": "\\\\\\",,"}], "c": []}'
    assert len(json.loads(text)["a"]) == 3
    # 7 values; the bound counts 8 (a comma and an opener per non-empty container),
    # 13 when the strings' commas and brackets are counted too (the cheap first count)
    assert _values(text, 0) == 8
    assert _values(text, 100) == 13
