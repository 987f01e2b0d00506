"""`eko-digilocker`: each subcommand against the real sandbox, signing, errors and help."""

from __future__ import annotations

import json
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

    assert main(["status", "--base-url", sandbox, "--reference-id", str(reference_id)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "EkoVerificationPendingError" in error

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
