"""`eko-digilocker`: each subcommand against the real sandbox, signing, errors and help."""

from __future__ import annotations

import json
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from eko_digilocker.cli import main
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
def test_invalid_input_is_one_line_and_exit_1(
    sandbox: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["create-url", "--base-url", sandbox, "--redirect-url", "not a url"])
    error = capsys.readouterr().err
    assert code == 1
    assert error.startswith("eko-digilocker: EkoValidationError: ")
    assert error.count("\n") == 1


def test_missing_credentials_say_which(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert main(["status", "--reference-id", "1"]) == 1
    assert "EKO_ACCESS_KEY" in capsys.readouterr().err


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
        (["status", "--reference-id", "abc", "--base-url", "http://127.0.0.1:9"], "reference_id"),
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
    assert main(argv) == 1
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


@pytest.mark.usefixtures("eko_env")
def test_a_reference_id_of_thousands_of_digits_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Before: a traceback (int() refuses over 4,300 digits).
    assert main(["status", "--base-url", "http://127.0.0.1:9", "--reference-id", "9" * 5000]) == 1
    err = capsys.readouterr().err
    assert err.startswith("eko-digilocker: EkoValidationError: get_verification_status:")
    assert err.count("\n") == 1


@pytest.mark.usefixtures("eko_env")
def test_what_a_server_says_reaches_the_terminal_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.client.loopback import JsonServer

    hostile = {
        "status": 1,
        "response_status_id": 1,
        "response_type_id": -1,
        "message": "bad\x1b[2J\x07\neko-digilocker: all good\u202e",
        "invalid_params": {"reference_id\x1b[31m": "is\rwrong\x9b"},
        "data": {},
    }
    with JsonServer(lambda path: hostile) as server:
        code = main(["status", "--base-url", server.url, "--reference-id", "7"])
    assert code == 1
    err = capsys.readouterr().err
    # Before: ESC and BEL reached the terminal, and the message forged a second line.
    assert err.count("\n") == 1
    assert all(c.isprintable() for c in err.rstrip("\n")), repr(err)
    assert "\\x1b[2J\\x07\\neko-digilocker: all good\\u202e" in err
