"""Redaction of every form of a secret (issue 23 item 9): prefixes cut by an excerpt,
secret-named fields of any JSON type, form-encoded bodies, percent-encoded values (a
key in the path too) and a consent URL's token in an answer, requests and answers alike."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from urllib.parse import quote

from eko_digilocker_sandbox import UAT_DEVELOPER_KEY
from eko_digilocker_sandbox.har import Exchange, Message, har_entry, without_secrets
from tests.recorder.helpers import Scripted, proxy, scripted_upstream
from tests.recorder.test_proxy import post
from tests.sandbox.helpers import CREATE, create_body

KEY = "0123456789abcdef0123456789abcdef"  # 32 characters, like a developer_key
TOKEN = "tok-4f9a8b7c6d5e"


def _exchange(
    url: str = "http://127.0.0.1:1/x",
    body: bytes = b"",
    content_type: str = "application/json",
    answer: bytes = b"{}",
    findings: tuple[str, ...] = (),
) -> Exchange:
    return Exchange(
        started=datetime.now(UTC),
        elapsed_ms=0,
        method="POST",
        url=url,
        request=Message([("developer_key", KEY), ("content-type", content_type)], body),
        status=200,
        answer=Message([("content-type", "application/json")], answer),
        findings=list(findings),
    )


def _text(exchange: Exchange) -> str:
    return json.dumps(har_entry(exchange), ensure_ascii=False)


def test_a_prefix_of_a_secret_cut_by_an_excerpt_is_redacted() -> None:
    # Before: a finding cut an echoed body at 40 bytes, and 18 of the key's 32
    # characters reached stderr (and the HAR comment).
    line = f'violation: x /response/body: "unknown developer_key {KEY[:18]}..." is bad'
    assert KEY[:18] not in without_secrets(line, [("developer_key", KEY)])
    suffix = f"violation: x /response/body: '...{KEY[-20:]} rejected'"
    assert KEY[-20:] not in without_secrets(suffix, [("developer_key", KEY)])
    assert KEY[:18] not in _text(_exchange(findings=(line,)))


def test_secret_named_json_fields_of_any_type_are_redacted() -> None:
    body = {"api_key": [TOKEN, 41], "secret": 3.5, "token": {"inner": TOKEN}, "page": 1}
    text = _text(_exchange(body=json.dumps(body).encode(), answer=json.dumps(body).encode()))
    entry = json.loads(text)
    for side in (entry["request"]["postData"], entry["response"]["content"]):
        redacted = json.loads(side["text"])
        assert redacted == {
            "api_key": "REDACTED",
            "secret": "REDACTED",
            "token": "REDACTED",
            "page": 1,
        }
    assert TOKEN not in text


def test_form_encoded_bodies_are_redacted() -> None:
    body = f"initiator_id=9962981729&access_token={TOKEN}&note={quote(KEY)}".encode()
    text = _text(_exchange(body=body, content_type="application/x-www-form-urlencoded"))
    assert TOKEN not in text
    assert KEY not in text
    form = json.loads(text)["request"]["postData"]["text"]
    assert form == "initiator_id=9962981729&access_token=REDACTED&note=REDACTED"


def test_percent_encoded_secrets_in_the_path_query_and_bodies_are_redacted() -> None:
    encoded = "".join(f"%{byte:02X}" for byte in KEY.encode())
    url = f"http://127.0.0.1:1/v3/{encoded}/x?ref=abc{quote(KEY)}&page=1"
    answer = json.dumps({"message": f"see https://a.example/?k={encoded}"}).encode()
    text = _text(_exchange(url=url, answer=answer))
    assert encoded not in text
    assert encoded.lower() not in text.lower()
    assert KEY not in text
    entry = json.loads(text)
    assert entry["request"]["url"].startswith("http://127.0.0.1:1/v3/REDACTED/x?")
    assert {"name": "page", "value": "1"} in entry["request"]["queryString"]


def test_a_consent_url_token_in_an_answer_is_redacted() -> None:
    consent = f"https://digilocker.example/consent?session=7&token={TOKEN}"
    answer = json.dumps({"status": 0, "data": {"url": consent}}).encode()
    text = _text(_exchange(answer=answer))
    assert TOKEN not in text
    data = json.loads(json.loads(text)["response"]["content"]["text"])["data"]
    assert data["url"] == "https://digilocker.example/consent?session=7&token=REDACTED"


def test_the_proxy_prints_no_prefix_of_the_developer_key() -> None:
    # The report's case: an answer that is not JSON, quoted in the finding up to byte 40.
    page = f"unknown developer_key {UAT_DEVELOPER_KEY}".encode()
    script = {CREATE: [Scripted(page, content_type="text/plain")]}
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        assert post(rec.url, CREATE, create_body()).status_code == 200
        stderr = rec.stop()
    assert rec.violations(), stderr
    assert "unknown developer_key REDACTED" in stderr
    for cut in range(8, len(UAT_DEVELOPER_KEY)):
        assert UAT_DEVELOPER_KEY[:cut] not in stderr, stderr


def test_a_long_run_of_url_characters_is_scanned_once_not_from_each_character() -> None:
    # A regex that tried each position of a 1 MB run took hours (20,000 characters: 14 s);
    # the slack here is for a loaded machine, the quadratic version never gets near it.
    encoded = "".join(f"%{byte:02X}" for byte in KEY.encode())  # so every run is looked at
    answer = json.dumps({"data": "a" * 1_000_000 + " " + encoded}).encode()
    started = time.monotonic()
    entry = har_entry(_exchange(answer=answer))
    assert time.monotonic() - started < 10
    assert json.loads(entry["response"]["content"]["text"])["data"].endswith("a REDACTED")
