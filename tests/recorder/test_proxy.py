"""`eko-digilocker proxy`: forwards unchanged, reports what breaks the spec, Eko's envelope
rules or the journey, records HAR without secrets, and survives a bad upstream."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx

from eko_digilocker import EkoClient
from eko_digilocker.spec import example, operations
from eko_digilocker_sandbox import (
    UAT_ACCESS_KEY,
    UAT_DEVELOPER_KEY,
    UAT_TEST_ACCOUNT,
    SandboxControl,
)
from eko_digilocker_sandbox.recorder import ProxySettings, RecorderApp
from tests.recorder.helpers import Scripted, cli_process, proxy, scripted_upstream
from tests.sandbox.helpers import (
    CREATE,
    DOCUMENT,
    STATUS,
    create_body,
    document_body,
    signed_headers,
    status_params,
)

CREATE_ID = "createDigilockerUrl"
STATUS_ID = "getDigilockerVerificationStatus"
DOCUMENT_ID = "getDigilockerDocument"


def answer(operation_id: str, name: str, **data: Any) -> dict[str, Any]:
    """A documented answer from the spec's examples, with `data` fields changed."""
    envelope: dict[str, Any] = example(operation_id, name, status="200")
    envelope["data"].update(data)
    return envelope


def created(reference_id: int) -> dict[str, Any]:
    return answer(CREATE_ID, "success", reference_id=reference_id)


def post(url: str, path: str, body: Any) -> httpx.Response:
    return httpx.post(url + path, json=body, headers=signed_headers(), timeout=30)


def test_a_clean_journey_through_the_proxy_has_no_finding_and_its_har_no_secret(
    tmp_path: Path,
) -> None:
    har = tmp_path / "uat.har"
    with (
        cli_process("sandbox", "--port", "0") as sandbox,
        proxy(sandbox.url, "--record", str(har)) as rec,
    ):
        with EkoClient(base_url=rec.url, **UAT_TEST_ACCOUNT) as eko:
            session = eko.create_digilocker_url("https://app.example/kyc/done")
            verification_id = (
                SandboxControl(sandbox.url).approve(session.reference_id).verification_id
            )
            assert verification_id is not None
            eko.get_verification_status(session.reference_id)
            documents = eko.get_document(session.reference_id, verification_id)
        assert documents.documents
        # one more signed call whose secret-key value the test knows
        headers = signed_headers()
        httpx.post(rec.url + CREATE, json=create_body(), headers=headers, timeout=30)
        stderr = rec.stop()
    assert rec.violations() == [], stderr
    assert "Traceback" not in stderr
    text = har.read_text()
    for secret in (UAT_DEVELOPER_KEY, UAT_ACCESS_KEY, headers["secret-key"]):
        assert secret not in text
    log = json.loads(text)["log"]
    assert log["version"] == "1.2"
    entries = log["entries"]
    paths = [e["request"]["url"].removeprefix(sandbox.url) for e in entries]
    assert (paths[0], paths[-2], paths[-1]) == (CREATE, DOCUMENT, CREATE)
    assert any(path.startswith(STATUS + "?") for path in paths)
    sent = {h["name"]: h["value"] for h in entries[-1]["request"]["headers"]}
    assert sent["secret-key"] == sent["developer_key"] == "REDACTED"
    assert sent["secret-key-timestamp"] == headers["secret-key-timestamp"]
    assert entries[0]["request"]["url"] == sandbox.url + CREATE
    assert json.loads(entries[0]["response"]["content"]["text"])["data"]["reference_id"] == (
        session.reference_id
    )


def test_a_broken_answer_is_forwarded_unchanged_and_reported() -> None:
    broken = created(5001)
    del broken["data"]["reference_id"]
    upstream_answer = Scripted(broken, headers={"x-upstream": "kept"})
    with scripted_upstream({CREATE: [upstream_answer]}) as upstream, proxy(upstream.url) as rec:
        response = post(rec.url, CREATE, create_body(client_ref_id="REQ-1"))
        stderr = rec.stop()
    assert response.status_code == 200
    assert response.content == upstream_answer.encoded()
    assert response.headers["x-upstream"] == "kept"
    method, path, headers, body = upstream.received[0]
    assert (method, path) == ("POST", CREATE)
    assert json.loads(body) == create_body(client_ref_id="REQ-1")
    assert headers["developer_key"] == UAT_DEVELOPER_KEY
    assert rec.violations() == [
        "violation: createDigilockerUrl /response/body/data/reference_id: "
        '"reference_id" is a required property'
    ], stderr


def test_envelope_rules_where_codes_sit_and_what_a_success_carries() -> None:
    success_with_failure_id = {**created(5001), "response_status_id": 1}
    code_in_both = {**answer(CREATE_ID, "invalid_redirect_url"), "response_status_id": 327}
    unknown_code = {**answer(CREATE_ID, "invalid_redirect_url"), "status": 999}
    script = {
        CREATE: [Scripted(success_with_failure_id), Scripted(code_in_both), Scripted(unknown_code)]
    }
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        for _ in range(3):
            assert post(rec.url, CREATE, create_body()).status_code == 200
        rec.stop()
    found = rec.violations()
    assert len(found) == 3, found
    assert found[0].startswith(
        "violation: createDigilockerUrl /response/body/response_status_id: 1 on a success"
    )
    assert found[1].startswith(
        "violation: createDigilockerUrl /response/body/response_status_id: an error code in both"
    )
    assert found[2].startswith("violation: createDigilockerUrl /response/body/status: code 999")


def test_a_bad_request_is_reported_and_still_forwarded() -> None:
    script = {CREATE: [Scripted(answer(CREATE_ID, "validation_error"))]}
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        body = create_body(redirect_url=None, document_requested="AADHAAR")
        response = httpx.post(rec.url + CREATE, json=body, timeout=30)
        rec.stop()
    assert response.status_code == 200
    assert len(upstream.received) == 1
    found = rec.violations()
    for expected in (
        "violation: createDigilockerUrl /request/headers/developer_key: missing",
        "violation: createDigilockerUrl /request/headers/secret-key: missing",
        'violation: createDigilockerUrl /request/body/redirect_url: "redirect_url" is a required',
        "violation: createDigilockerUrl /request/body/document_requested: ",
    ):
        assert any(line.startswith(expected) for line in found), (expected, found)


def test_html_and_undocumented_statuses_are_forwarded_and_reported() -> None:
    page = b"<html><body>Bad gateway</body></html>"
    script = {
        CREATE: [Scripted(page, content_type="text/html")],
        STATUS: [Scripted(page, status=502, content_type="text/html")],
    }
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        html = post(rec.url, CREATE, create_body())
        gateway = httpx.get(rec.url + STATUS, params=status_params(7), headers=signed_headers())
        stderr = rec.stop()
    assert (html.status_code, html.content, html.headers["content-type"]) == (
        200,
        page,
        "text/html",
    )
    assert (gateway.status_code, gateway.content) == (502, page)
    assert rec.violations() == [
        "violation: createDigilockerUrl /response/body: not a JSON envelope "
        "(content-type text/html, starts '<html><body>Bad gateway</body></html>')",
        "violation: getDigilockerVerificationStatus /response/status: HTTP 502 is not "
        "documented (200, 403, 404, 405, 500)",
    ], stderr


def test_journey_breakages_are_reported() -> None:
    script = {
        CREATE: [Scripted(created(5001)), Scripted(created(5002)), Scripted(created(5001))],
        DOCUMENT: [Scripted(answer(DOCUMENT_ID, "success"))],
        STATUS: [
            Scripted(answer(STATUS_ID, "authenticated")),
            Scripted(answer(STATUS_ID, "pending_upstream")),
        ],
    }
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        post(rec.url, CREATE, create_body(client_ref_id="SAME"))
        # the same client_ref_id with another body, answered as a new session
        post(rec.url, CREATE, create_body(client_ref_id="SAME", redirect_url="https://b.example/"))
        # another create handed the first session's reference_id again
        post(rec.url, CREATE, create_body(client_ref_id="OTHER"))
        # documents before any status answer said the session was authenticated
        post(rec.url, DOCUMENT, document_body(5001, "VER-1"))
        # authenticated, then pending again
        for _ in range(2):
            httpx.get(rec.url + STATUS, params=status_params(5002), headers=signed_headers())
        stderr = rec.stop()
    assert rec.violations() == [
        "violation: createDigilockerUrl /response/body/data/reference_id: client_ref_id SAME "
        "repeated with a different body was answered with a new session 5002 (first answer: 5001)",
        "violation: createDigilockerUrl /response/body/data/reference_id: reference_id 5001 "
        "was already handed out for another create",
        "violation: getDigilockerDocument /response/body/status: documents for session 5001 "
        "before consent: no status answer through this proxy said it was authenticated",
        "violation: getDigilockerVerificationStatus /response/body: session 5002 was "
        "AUTHENTICATED and is now PENDING",
    ], stderr


def test_a_repeated_create_with_the_same_body_and_a_new_session_is_reported() -> None:
    script = {CREATE: [Scripted(created(5001)), Scripted(created(5002))]}
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        for _ in range(2):
            post(rec.url, CREATE, create_body(client_ref_id="SAME"))
        rec.stop()
    assert rec.violations() == [
        "violation: createDigilockerUrl /response/body/data/reference_id: client_ref_id SAME "
        "repeated with the same body was answered with a new session 5002 (first answer: 5001)"
    ]


def test_the_sandbox_journey_order_passes_whatever_the_profile() -> None:
    """Pending, then approved, then documents; and a status call on a reference this
    proxy never saw created: nothing to report, in either answer profile."""
    for profile in ("eps", "legacy"):
        with (
            cli_process("sandbox", "--port", "0", "--profile", profile) as sandbox,
            proxy(sandbox.url) as rec,
        ):
            created_answer = post(rec.url, CREATE, create_body(client_ref_id="J-1")).json()
            reference_id = created_answer["data"]["reference_id"]
            post(rec.url, CREATE, create_body(client_ref_id="J-1"))  # a repeat: same session
            for _ in range(2):
                httpx.get(
                    rec.url + STATUS, params=status_params(reference_id), headers=signed_headers()
                )
            post(rec.url, DOCUMENT, document_body(reference_id, "VER-X"))  # pending
            verification_id = SandboxControl(sandbox.url).approve(reference_id).verification_id
            httpx.get(
                rec.url + STATUS, params=status_params(reference_id), headers=signed_headers()
            )
            post(rec.url, DOCUMENT, document_body(reference_id, str(verification_id)))
            httpx.get(rec.url + STATUS, params=status_params(424242), headers=signed_headers())
            stderr = rec.stop()
        assert rec.violations() == [], (profile, stderr)


# --- a bad upstream ---------------------------------------------------------------------


def _envelope(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) >= {"status", "message", "response_status_id", "response_type_id", "data"}
    return body


def test_an_upstream_that_is_down_gives_an_envelope_and_a_finding() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with proxy(f"http://127.0.0.1:{port}") as rec:
        response = post(rec.url, CREATE, create_body())
        stderr = rec.stop()
    assert response.status_code == 502
    assert _envelope(response)["status"] == 502
    assert "Traceback" not in stderr
    assert len(rec.violations()) == 1
    assert rec.violations()[0].startswith(
        "violation: createDigilockerUrl /response: upstream unreachable (ConnectError"
    )


def test_a_slow_upstream_is_cut_off_at_the_timeout() -> None:
    script = {CREATE: [Scripted(created(5001), delay=5)]}
    with (
        scripted_upstream(script) as upstream,
        proxy(upstream.url, "--upstream-timeout", "0.5") as rec,
    ):
        began = time.monotonic()
        response = post(rec.url, CREATE, create_body())
        took = time.monotonic() - began
        rec.stop()
    assert response.status_code == 504
    assert _envelope(response)["message"].endswith("upstream did not answer within 0.5 s")
    assert took < 4
    assert rec.violations() == [
        "violation: createDigilockerUrl /response: upstream did not answer within 0.5 s"
    ]


def test_answers_and_requests_beyond_the_limits_are_refused() -> None:
    script = {CREATE: [Scripted(created(5001))]}
    with (
        scripted_upstream(script) as upstream,
        proxy(upstream.url, "--max-answer-bytes", "100", "--max-body-bytes", "300") as rec,
    ):
        large_answer = post(rec.url, CREATE, create_body())
        large_request = post(
            rec.url, CREATE, create_body(redirect_url="https://a.example/" + "x" * 400)
        )
        rec.stop()
    assert large_answer.status_code == 502
    assert "larger than 100 bytes" in _envelope(large_answer)["message"]
    assert large_request.status_code == 413
    assert _envelope(large_request)["status"] == 413
    assert len(upstream.received) == 1  # the large request never reached the upstream
    assert rec.violations() == [
        "violation: createDigilockerUrl /response: upstream answer larger than 100 bytes"
    ]


def test_a_target_that_is_not_a_path_is_refused_not_forwarded() -> None:
    script = {CREATE: [Scripted(created(5001))]}
    with scripted_upstream(script) as upstream, proxy(upstream.url) as rec:
        host, port = rec.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(b"GET @other.example/x HTTP/1.1\r\nhost: a\r\n\r\n")
            reply = conn.recv(65536)
        rec.stop()
    assert reply.startswith(b"HTTP/1.1 404 ")
    assert upstream.received == []


def test_recording_stops_at_max_entries(tmp_path: Path) -> None:
    har = tmp_path / "small.har"
    script = {CREATE: [Scripted(created(5001))]}
    with (
        scripted_upstream(script) as upstream,
        proxy(upstream.url, "--record", str(har), "--max-entries", "1") as rec,
    ):
        for _ in range(3):
            assert post(rec.url, CREATE, create_body(client_ref_id="SAME")).status_code == 200
        stderr = rec.stop()
    assert len(json.loads(har.read_text())["log"]["entries"]) == 1
    assert stderr.splitlines() == ["proxy: --max-entries 1 reached; no longer recording"]


def test_a_bug_in_a_check_is_one_line_and_the_exchange_goes_on() -> None:
    reported: list[str] = []
    app = RecorderApp(ProxySettings("http://127.0.0.1:1"), reported.append)

    def broken(*args: Any) -> list[str]:
        raise KeyError("data")

    assert app._checked(operations()[CREATE_ID], [], broken) == []
    assert reported == [
        "proxy: internal error checking createDigilockerUrl, please report it: KeyError('data')"
    ]


def test_a_key_the_upstream_echoes_into_a_violation_is_not_printed() -> None:
    # Before: the finding quoted the value, so the developer_key reached stderr (CI logs),
    # though the HAR comment holding the same line was redacted.
    echoed = created(5001)
    echoed["data"]["reference_id"] = UAT_DEVELOPER_KEY
    with scripted_upstream({CREATE: [Scripted(echoed)]}) as upstream, proxy(upstream.url) as rec:
        assert post(rec.url, CREATE, create_body()).status_code == 200
        stderr = rec.stop()
    assert UAT_DEVELOPER_KEY not in stderr
    assert rec.violations() == [
        'violation: createDigilockerUrl /response/body/data/reference_id: "REDACTED" '
        'is not of type "integer"'
    ], stderr
