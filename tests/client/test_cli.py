"""`eko-digilocker`: each subcommand against the real sandbox, signing, errors and help."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from eko_digilocker.cli import BAD_INPUT_EXIT, main
from eko_digilocker_sandbox import UAT_TEST_ACCOUNT
from tests.client.test_signing import verify

ENV = {
    "EKO_DEVELOPER_KEY": UAT_TEST_ACCOUNT["developer_key"],
    "EKO_ACCESS_KEY": UAT_TEST_ACCOUNT["access_key"],
    "EKO_INITIATOR_ID": UAT_TEST_ACCOUNT["initiator_id"],
    "EKO_USER_CODE": UAT_TEST_ACCOUNT["user_code"],
}


@pytest.fixture
def eko_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


@pytest.mark.usefixtures("eko_env")
def test_the_journey_from_the_command_line(
    sandbox: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["create-url", "--base-url", sandbox, "--redirect-url", "https://a.example/cb"]) == 0
    )
    created = json.loads(capsys.readouterr().out)
    reference_id = created["reference_id"]
    assert created["url"].startswith(sandbox)

    # Pending is a normal state: printed, with its own documented exit code.
    assert main(["status", "--base-url", sandbox, "--reference-id", str(reference_id)]) == 3
    pending = capsys.readouterr()
    assert json.loads(pending.out)["session_status"] == "PENDING"
    assert pending.err == ""

    # The document call before consent too (Eko's 327).
    too_early = ["document", "--base-url", sandbox, "--reference-id", str(reference_id)]
    assert main([*too_early, "--verification-id", "VER-x"]) == 3
    pending = capsys.readouterr()
    assert json.loads(pending.out)["session_status"] == "PENDING"
    assert pending.err == ""

    decision = httpx.post(f"{sandbox}/_sandbox/sessions/{reference_id}/approve").json()
    assert main(["status", "--base-url", sandbox, "--reference-id", str(reference_id)]) == 0
    assert json.loads(capsys.readouterr().out)["session_status"] == "AUTHENTICATED"

    assert (
        main(
            [
                "document",
                "--base-url",
                sandbox,
                "--reference-id",
                str(reference_id),
                "--verification-id",
                decision["verification_id"],
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["documents"][0]["masked_aadhaar"].startswith("XXXX-XXXX-")


@pytest.mark.usefixtures("eko_env")
@pytest.mark.parametrize(
    "argv",
    [
        ["create-url", "--redirect-url", "notaurl"],
        ["create-url", "--redirect-url", "not a url"],
        ["status", "--reference-id", "9" * 25],  # over-long: the spec refuses it
    ],
)
def test_invalid_input_is_one_line_and_the_bad_usage_exit_code(
    argv: list[str], sandbox: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: `status --reference-id -5` exited 2 (argparse) but these exited 1, the
    # code of a failed call. Bad input is exit 2 everywhere, and nothing is sent.
    code = main([*argv, "--base-url", sandbox])
    error = capsys.readouterr().err
    assert code == BAD_INPUT_EXIT == 2
    assert error.startswith("eko-digilocker: EkoValidationError: ")
    assert error.count("\n") == 1


def test_missing_credentials_say_which(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert main(["status", "--reference-id", "1"]) == BAD_INPUT_EXIT
    assert "EKO_ACCESS_KEY" in capsys.readouterr().err


@pytest.mark.usefixtures("eko_env")
def test_a_failed_call_is_exit_1_and_the_help_says_each_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    assert main(["status", "--reference-id", "1", "--base-url", url, "--max-retries", "0"]) == 1
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "2 bad input" in help_text
    assert "1 the call failed" in help_text


@pytest.mark.usefixtures("eko_env")
def test_sign_prints_the_headers_and_a_curl_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign", "--timestamp", "1700000000000", "--base-url", "http://127.0.0.1:9"]) == 0
    lines = capsys.readouterr().out.splitlines()
    headers = dict(line.split(": ", 1) for line in lines[:4])
    assert headers["secret-key-timestamp"] == "1700000000000"
    assert verify(ENV["EKO_ACCESS_KEY"], "1700000000000", headers["secret-key"])
    assert lines[4].startswith("curl -sS -X POST http://127.0.0.1:9/tools/kyc/digilocker")
    assert "secret-key: " in lines[4]


@pytest.mark.parametrize("command", [[], ["create-url"], ["status"], ["document"], ["sign"]])
def test_help_everywhere(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert "usage: eko-digilocker" in capsys.readouterr().out


def test_sandbox_subcommand_starts_the_sandbox() -> None:
    script = Path(sys.executable).parent / "eko-digilocker"
    with subprocess.Popen(
        [str(script), "sandbox", "--port", "0"], stdout=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            answer = httpx.post(f"{url}/tools/kyc/digilocker", json={}, timeout=10)
            assert answer.status_code == 403  # a real sandbox: unsigned is refused
        finally:
            process.terminate()
    assert process.returncode == 0
    help_text = subprocess.run(
        [str(script), "sandbox", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--port" in help_text


# --- issue 11, item 12: each fix ---


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "Traceback" not in captured.err
    return captured.err


@pytest.mark.usefixtures("eko_env")
@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["status", "--reference-id", "1", "--timeout", "-1"], "timeout must be a positive"),
        (["status", "--reference-id", "1", "--max-retries", "-1"], "max_retries must be"),
        (["status", "--reference-id", "1", "--base-url", "127.0.0.1:8080"], "has no scheme"),
        (["sign", "--base-url", "127.0.0.1:8080"], "has no scheme"),
        (
            [
                "create-url",
                "--base-url",
                "http://127.0.0.1:9",
                "--redirect-url",
                "https://a/\udcff",
            ],
            "lone surrogates",
        ),
    ],
)
def test_bad_options_are_one_line(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == BAD_INPUT_EXIT
    assert said in one_line_error(capsys)


def test_sandbox_with_an_impossible_port_is_a_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        code = main(["sandbox", "--port", "99999"])
    except SystemExit as exited:  # the sandbox's own argument parser refused it
        code = exited.code
    assert code not in (0, None)
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert "port" in error.splitlines()[-1]


def test_sandbox_on_a_taken_port_is_a_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["sandbox", "--port", str(port)]) == 1
    error = capsys.readouterr().err
    assert "Traceback" not in error
    [line] = error.strip().splitlines()
    assert line.startswith(f"eko-digilocker sandbox: cannot listen on 127.0.0.1:{port}: ")


@pytest.mark.usefixtures("eko_env")
def test_sign_uses_the_given_client_ref_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign", "--base-url", "http://127.0.0.1:9", "--client-ref-id", "MY-REF-1"]) == 0
    curl = capsys.readouterr().out.splitlines()[-1]
    assert '"client_ref_id": "MY-REF-1"' in curl
    assert "REQ-20260101-001" not in curl


@pytest.mark.usefixtures("eko_env")
def test_sign_without_a_client_ref_id_generates_one(capsys: pytest.CaptureFixture[str]) -> None:
    ids = []
    for _ in range(2):
        assert main(["sign", "--base-url", "http://127.0.0.1:9"]) == 0
        curl = capsys.readouterr().out.splitlines()[-1]
        ids.append(json.loads(shlex.split(curl)[-1])["client_ref_id"])
    assert ids[0] != ids[1]  # not the spec example's, not repeated
    assert all(len(i) == 20 for i in ids)


def test_sign_offers_no_options_it_ignores(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sign", "--help"])
    text = capsys.readouterr().out
    assert "--timeout" not in text
    assert "--max-retries" not in text


@pytest.mark.parametrize("command", ["status", "document"])
def test_ids_have_help_text(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--reference-id REFERENCE_ID the reference_id create-url returned" in text
    if command == "document":
        assert "--verification-id VERIFICATION_ID the verification_id" in text


@pytest.mark.usefixtures("eko_env")
def test_document_type_is_one_option_name_on_both_commands(sandbox: str) -> None:
    assert main(
        ["create-url", "--base-url", sandbox, "--redirect-url", "https://a.example/cb",
         "--document-type", "PAN"]
    ) == 0  # fmt: skip
    for command in ("create-url", "document"):
        assert "--document-type" in _parser_help(command)
        assert "--document-type DOCUMENTS, --document DOCUMENTS" in _parser_help(command)
    # The old name on create-url still works, so scripts written for it keep running.
    assert main(
        ["create-url", "--base-url", sandbox, "--redirect-url", "https://a.example/cb",
         "--document", "PAN"]
    ) == 0  # fmt: skip


def _parser_help(command: str) -> str:
    from eko_digilocker.cli import _parser

    parser = _parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices[command].format_help()  # type: ignore[union-attr]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import eko_digilocker

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"eko-digilocker {eko_digilocker.__version__}"


# --- issue 19, items 9 and 12-17 ---


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a bad command line gets, exit status 2."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert "usage:" not in line
    return line


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["status"], "eko-digilocker status: error: the following arguments are required"),
        (["frobnicate"], "eko-digilocker: error: argument COMMAND: invalid choice"),
        (["sign", "--bogus", "1"], "eko-digilocker: error: unrecognized arguments: --bogus"),
        (["status", "--reference-id", "abc"], "argument --reference-id: must be a whole number"),
        (["status", "--timeout", "soon", "--reference-id", "1"], "invalid float value"),
    ],
)
def test_bad_arguments_are_one_line_with_a_hint_to_help(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(argv, capsys)
    assert said in line
    prog = line.partition(": error: ")[0]
    assert line.endswith(f"(see {prog} --help)")


@pytest.mark.parametrize("reference_id", ["-5", "0", "-0", "1.5", "\u0661"])
def test_a_reference_id_below_1_or_not_digits_is_said_plainly(
    reference_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["status", f"--reference-id={reference_id}"], capsys)
    assert "--reference-id: must be a whole number above 0" in line
    assert "type integer" not in line


@pytest.mark.parametrize("timestamp", ["0", "-5", "000", "1e3", "1" * 19])
def test_sign_refuses_a_timestamp_that_is_not_a_positive_whole_number(
    timestamp: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = usage_error(["sign", f"--timestamp={timestamp}"], capsys)
    assert "argument --timestamp: must be a whole number above 0" in line


def _signed_curl(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """(URL, JSON body, headers) of the curl command `sign` prints."""
    assert main(["sign", *argv]) == 0
    words = shlex.split(capsys.readouterr().out.splitlines()[-1])
    headers = dict(words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H")
    return words[4], json.loads(words[-1]), headers


@pytest.mark.usefixtures("eko_env")
def test_sign_without_a_user_code_leaves_it_out_and_the_sandbox_takes_it(
    sandbox: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("EKO_USER_CODE")
    url, body, headers = _signed_curl(["--base-url", sandbox], capsys)
    assert "user_code" not in body
    answer = httpx.post(url, json=body, headers=headers).json()
    assert answer["status"] == 0, answer


@pytest.mark.usefixtures("eko_env")
@pytest.mark.parametrize(
    ("environment", "url"),
    [
        ("production-25002", "https://api.eko.in:25002/ekoicici/v3"),
        ("production", "https://api.eko.in/ekoicici/v3"),
        ("uat", "https://staging.eko.in/ekoapi/v3"),
    ],
)
def test_every_environment_of_the_spec_is_offered_and_beats_eko_base_url(
    environment: str, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EKO_BASE_URL", "http://127.0.0.1:9")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the flag is meant: no EkoConfigurationWarning
        signed = _signed_curl(["--environment", environment], capsys)
    assert signed[0] == url + "/tools/kyc/digilocker"


@pytest.mark.usefixtures("eko_env")
def test_base_url_and_environment_together_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["sign", "--base-url", "http://127.0.0.1:9", "--environment", "uat"]) == BAD_INPUT_EXIT
    )
    assert "not both" in one_line_error(capsys)


HOSTILE_MESSAGE = "bad\x1b[2J\x1b]0;pwned\x07\r\neko-digilocker: all good\x9b31m\u2028\u202e\x00"


class _HostileEko(BaseHTTPRequestHandler):
    """Answers every call with an Eko envelope whose texts hold terminal controls."""

    def do_GET(self) -> None:
        envelope = {
            "status": 461,
            "message": HOSTILE_MESSAGE,
            "response_status_id": 1,
            "response_type_id": -1,
            "data": {},
            "invalid_params": {"reference_id\x1b[1m": HOSTILE_MESSAGE},
        }
        body = json.dumps(envelope).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def hostile_eko() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileEko)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.usefixtures("eko_env")
def test_what_a_server_says_is_printed_with_its_controls_escaped(
    hostile_eko: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--base-url", hostile_eko, "--reference-id", "5"]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()  # no forged second line
    assert line == captured.err.rstrip("\n")
    assert line.isprintable(), repr(line)
    assert "eko-digilocker: EkoInvalidParamsError: bad\\x1b[2J\\x1b]0;pwned\\x07\\r\\n" in line
    assert "\\x9b31m\\u2028\\u202e\\x00" in line
    assert "reference_id\\x1b[1m: " in line


@pytest.mark.usefixtures("eko_env")
def test_a_reference_id_of_thousands_of_digits_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: a traceback (int() refuses over 4,300 digits).
    assert (
        main(["status", "--base-url", "http://127.0.0.1:9", "--reference-id", "9" * 5000])
        == BAD_INPUT_EXIT
    )
    err = capsys.readouterr().err
    assert err.startswith("eko-digilocker: EkoValidationError: get_verification_status:")
    assert err.count("\n") == 1
