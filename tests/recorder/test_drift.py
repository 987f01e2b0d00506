"""A finding is one line, whatever the peer sent."""

from __future__ import annotations

from eko_digilocker_sandbox.drift import Finding


def test_a_finding_is_one_line_with_control_characters_escaped() -> None:
    finding = Finding(
        "createDigilockerUrl", "/request/body/a\nb", "bad\r\nvalue \x1b[31m" + "x" * 400
    )
    line = str(finding)
    assert line.splitlines() == [line]
    assert line.startswith(
        "violation: createDigilockerUrl /request/body/a\\x0ab: bad\\x0d\\x0avalue \\x1b[31m"
    )
    assert line.endswith("x...")
