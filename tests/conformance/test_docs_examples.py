"""The Go and Java examples of docs/other-languages.md are the code that the Go and Java
builds compile (overlay/go/example_test.go, tests/conformance/java/Example.java): each
line of a documented example appears, in order, in its compiled twin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "other-languages.md"
COMPILED = {
    "go": ROOT / "overlay" / "go" / "example_test.go",
    "java": ROOT / "tests" / "conformance" / "java" / "Example.java",
}
# the documented example of each language: the block that reads an answer
MARKER = {"go": "c.CreateDigilockerURL(", "java": "EkoClient.builder()"}


def documented(language: str) -> list[str]:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    [example] = [block for block in blocks if MARKER[language] in block]
    return [line.strip() for line in example.splitlines() if line.strip()]


def missing_in_order(lines: list[str], within: list[str]) -> list[str]:
    """The lines of `lines` not found in order in `within`."""
    rest = iter(within)
    return [line for line in lines if not any(line == other for other in rest)]


@pytest.mark.parametrize("language", sorted(COMPILED))
def test_the_documented_example_is_compiled(language: str) -> None:
    compiled = [line.strip() for line in COMPILED[language].read_text().splitlines()]
    missing = missing_in_order(documented(language), compiled)
    assert not missing, f"{language} example lines not in {COMPILED[language].name}: {missing}"
