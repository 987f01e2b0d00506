"""`eko-digilocker sandbox --replay FILE.har`: a recording made by the proxy becomes a
regression fixture for a fresh sandbox process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from eko_digilocker_sandbox import UAT_ACCESS_KEY, UAT_DEVELOPER_KEY, SandboxControl
from tests.recorder.helpers import cli_process, proxy, run_cli
from tests.sandbox.helpers import CREATE, STATUS, create_body, signed_headers, status_params


def _record(har: Path) -> tuple[httpx.Response, list[httpx.Response]]:
    """Through the proxy to a sandbox: a create, then its status polled before and after
    consent (pending, authenticated)."""
    with (
        cli_process("sandbox", "--port", "0") as sandbox,
        proxy(sandbox.url, "--record", str(har)) as rec,
    ):
        created = httpx.post(
            rec.url + CREATE, json=create_body(client_ref_id="REC-1"), headers=signed_headers()
        )
        reference_id = created.json()["data"]["reference_id"]
        polled = [
            httpx.get(
                rec.url + STATUS, params=status_params(reference_id), headers=signed_headers()
            )
        ]
        SandboxControl(sandbox.url).approve(reference_id)
        polled.append(
            httpx.get(
                rec.url + STATUS, params=status_params(reference_id), headers=signed_headers()
            )
        )
        rec.stop()
    assert rec.violations() == []
    return created, polled


def test_a_recorded_create_is_served_to_a_fresh_sandbox(tmp_path: Path) -> None:
    har = tmp_path / "uat.har"
    recorded, _ = _record(har)
    recorded_id = recorded.json()["data"]["reference_id"]
    with cli_process("sandbox", "--port", "0", "--replay", str(har)) as sandbox:
        # the same body with another client_ref_id and a new signature: the recorded answer
        replayed = httpx.post(
            sandbox.url + CREATE, json=create_body(client_ref_id="NEW-2"), headers=signed_headers()
        )
        # another body: the sandbox's own answer, with a reference_id not in the recording
        own = httpx.post(
            sandbox.url + CREATE,
            json=create_body(redirect_url="https://other.example/cb"),
            headers=signed_headers(),
        )
        # unsigned: refused by the sandbox, whatever was recorded
        unsigned = httpx.post(sandbox.url + CREATE, json=create_body())
    # as recorded, but for the consent URL's token, which the HAR never holds
    expected = recorded.json()
    url, _, token = expected["data"]["url"].partition("?token=")
    expected["data"]["url"] = f"{url}?token=REDACTED"
    assert (replayed.status_code, replayed.json()) == (200, expected)
    assert token not in replayed.text
    assert own.status_code == 200
    assert own.json()["status"] == 0
    assert own.json()["data"]["reference_id"] != recorded_id
    assert own.json()["data"]["url"].startswith(sandbox.url)
    assert unsigned.status_code == 403


def test_a_request_recorded_several_times_gets_its_answers_in_order(tmp_path: Path) -> None:
    har = tmp_path / "uat.har"
    created, polled = _record(har)
    reference_id = created.json()["data"]["reference_id"]
    with cli_process("sandbox", "--port", "0", "--replay", str(har)) as sandbox:

        def poll() -> bytes:
            params = status_params(reference_id, client_ref_id="ANY-3")
            return httpx.get(sandbox.url + STATUS, params=params, headers=signed_headers()).content

        first, second, third = poll(), poll(), poll()
        httpx.post(sandbox.url + "/_sandbox/reset").raise_for_status()
        after_reset = poll()
    assert [first, second, third] == [polled[0].content, polled[1].content, polled[1].content]
    assert after_reset == polled[0].content
    assert json.loads(first)["status"] != 0
    assert json.loads(second)["status"] == 0


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot be read"),
        ("{not json", "not JSON"),
        ('{"log": {}}', "log.entries: missing or not an array"),
        (
            '{"log": {"entries": [{"request": {"method": "GET"}, "response": {}}]}}',
            "log.entries[0].request.url: missing or not a string",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/"}, '
            '"response": {"status": 42, "content": {}}}]}}',
            "log.entries[0].response.status: 42 is not a final HTTP status",
        ),
        # Before: accepted, and replaying them was an internal error (h11 refuses a 1xx
        # final answer, and a body on 204 or 304) that dropped the connection.
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/"}, '
            '"response": {"status": 101, "content": {}}}]}}',
            "log.entries[0].response.status: 101 is not a final HTTP status (200-599)",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/"}, '
            '"response": {"status": 304, "content": {"text": "{}"}}}]}}',
            "log.entries[0].response.content.text: an HTTP 304 answer carries no body",
        ),
        # Before: a traceback (AttributeError), or a line that named neither file nor place.
        (
            '{"log": {"entries": [{"request": {"method": "POST", "url": "http://x/", '
            '"postData": "{}"}, "response": {"status": 200, "content": {}}}]}}',
            "log.entries[0].request.postData: missing or not an object",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/"}, '
            '"response": {"status": 200, "content": {"mimeType": 5}}}]}}',
            "log.entries[0].response.content.mimeType: missing or not a string",
        ),
        (
            '{"log": {"entries": [{"_eko_developer_key_sha256": "ab", "request": {"method": '
            '"GET", "url": "http://x/"}, "response": {"status": 200, "content": {}}}]}}',
            "log.entries[0]._eko_developer_key_sha256: not a SHA-256 in lower-case hex",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "http://[::1/x"}, '
            '"response": {"status": 200, "content": {}}}]}}',
            "log.entries[0].request.url: not a URL (Invalid IPv6 URL)",
        ),
        (
            '{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/other"}, '
            '"response": {"status": 200, "content": {"text": "{}"}}}]}}',
            "no entry is a call of the spec's operations",
        ),
    ],
)
def test_a_bad_har_file_is_one_line_at_start(
    tmp_path: Path, content: str | None, says: str
) -> None:
    har = tmp_path / "bad.har"
    if content is not None:
        har.write_text(content)
    result = run_cli("sandbox", "--port", "0", "--replay", str(har))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"eko-digilocker sandbox: error: {har}: ")
    assert says in lines[0]


def test_a_har_file_over_the_size_limit_is_one_line_at_start(tmp_path: Path) -> None:
    # Before: read whole, whatever its size (a 300 MB file took 1.6 GB; /dev/zero, all).
    har = tmp_path / "huge.har"
    har.write_bytes(b" " * (1024 * 1024 + 1))
    result = run_cli("sandbox", "--port", "0", "--replay", str(har), "--max-har-mb", "1")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"eko-digilocker sandbox: error: {har}: more than 1 MiB (--max-har-mb) (see --help)"
    ]


def test_a_har_of_many_tiny_values_is_refused_before_parsing(tmp_path: Path) -> None:
    # Before: a 63 MiB HAR of empty lists peaked at 1,682 MiB and took 12 s to load, 27
    # times its size; the values are counted first now, and the file refused.
    har = tmp_path / "lists.har"
    lists = 21 * 1024 * 1024  # `[],` each: 63 MiB
    har.write_bytes(b'{"log": {"entries": [' + b"[]," * (lists - 1) + b"[]]}}")
    peak = tmp_path / "peak"
    script = (
        "import resource, sys\n"
        "from eko_digilocker.cli import main\n"
        "import eko_digilocker_sandbox.server  # its imports are not the HAR's cost\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    code = main(sys.argv[1:])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"open({str(peak)!r}, 'w').write(str(after - before))\n"
        "sys.exit(code)\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script, "sandbox", "--port", "0", "--replay", str(har)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = time.monotonic() - started
    grown_mib = int(peak.read_text()) / 1024
    print(f"63 MiB HAR of empty lists: peak RSS grew {grown_mib:.0f} MiB, {elapsed:.1f} s")
    assert result.returncode == 2, result.stderr
    assert "JSON values (--max-har-values)" in result.stderr, result.stderr
    # the file and a copy of it without its strings, with room to spare; parsing it (the
    # cost refused) took 27 times its size
    assert grown_mib < 3 * 63, grown_mib


# a second developer's keys: made up, of the shapes Eko issues
OTHER_DEVELOPER = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
OTHER_ACCESS = "11111111-2222-4333-8444-555555555555"


def test_recorded_sessions_belong_to_the_developer_key_that_recorded_them(
    tmp_path: Path,
) -> None:
    # Before: developer B got developer A's recorded customer (name, date of birth,
    # masked Aadhaar) and A's recorded reference_id for B's own create.
    har = tmp_path / "uat.har"
    created, polled = _record(har)
    reference_id = created.json()["data"]["reference_id"]
    assert "developer_key_sha256" in har.read_text()
    both = ("--credential", f"{UAT_DEVELOPER_KEY}:{UAT_ACCESS_KEY}")
    other = ("--credential", f"{OTHER_DEVELOPER}:{OTHER_ACCESS}")
    with cli_process("sandbox", "--port", "0", "--replay", str(har), *both, *other) as sandbox:
        b_keys = signed_headers(OTHER_DEVELOPER, OTHER_ACCESS)
        b_status = httpx.get(
            sandbox.url + STATUS, params=status_params(reference_id), headers=b_keys
        )
        b_keys = signed_headers(OTHER_DEVELOPER, OTHER_ACCESS)
        b_create = httpx.post(
            sandbox.url + CREATE, json=create_body(client_ref_id="B-1"), headers=b_keys
        )
        a_status = httpx.get(
            sandbox.url + STATUS, params=status_params(reference_id), headers=signed_headers()
        )
    assert b_status.json()["status"] != 0  # the sandbox's own "no such session"
    assert b_status.content != polled[0].content
    assert b_create.json()["data"]["reference_id"] != reference_id
    assert a_status.content == polled[0].content  # A still gets A's recording
