"""The proxy's argument errors: one line on stderr, exit status 2, nothing listening."""

from __future__ import annotations

import pytest

from tests.recorder.helpers import run_cli


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([], "the following arguments are required: --upstream"),
        (["--upstream", "ftp://eko.example"], "is not an absolute http(s) URL"),
        (["--upstream", "https://eko.example/v3?x=1"], "without a query or fragment"),
        (["--upstream", "http://h", "--port", "70000"], "--port: must be from 0 to 65535"),
        (["--upstream", "http://h", "--max-body-bytes", "0"], "must be a positive number"),
        (["--upstream", "http://h", "--upstream-timeout", "nan"], "is not a finite number"),
        (["--upstream", "http://h", "--record", "/nonexistent/dir/x.har"], "cannot write"),
        (["--upstream", "http://h", "--unknown"], "unrecognized arguments: --unknown"),
    ],
)
def test_argument_errors_are_one_line(args: list[str], says: str) -> None:
    result = run_cli("proxy", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("eko-digilocker proxy: error: ")
    assert says in lines[0]


def test_the_main_help_lists_the_proxy() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "proxy" in result.stdout


def test_the_proxy_help_names_its_limits() -> None:
    result = run_cli("proxy", "--help")
    assert result.returncode == 0
    for option in ("--max-body-bytes", "--max-answer-bytes", "--upstream-timeout", "--max-entries"):
        assert option in result.stdout
