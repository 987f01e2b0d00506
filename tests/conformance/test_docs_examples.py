"""The Go and Java examples of docs/other-languages.md are the code that the Go and Java
builds compile (overlay/go/example_test.go, tests/conformance/java/Example.java, and
2.0.0's deprecated Java example in tests/conformance/java/AnswersCompatTest.java): each
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
    "java-2.0.0": ROOT / "tests" / "conformance" / "java" / "AnswersCompatTest.java",
}
# the documented example of each: the block, in that language, that reads an answer
MARKER = {
    "go": "c.CreateDigilockerURL(",
    "java": "EkoClient.builder()",
    "java-2.0.0": "Answers.create(",
}


def documented(example: str) -> list[str]:
    language = example.split("-")[0]
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    [block] = [block for block in blocks if MARKER[example] in block]
    return [line.strip() for line in block.splitlines() if line.strip()]


def missing_in_order(lines: list[str], within: list[str]) -> list[str]:
    """The lines of `lines` not found in order in `within`."""
    rest = iter(within)
    return [line for line in lines if not any(line == other for other in rest)]


@pytest.mark.parametrize("example", sorted(COMPILED))
def test_the_documented_example_is_compiled(example: str) -> None:
    compiled = [line.strip() for line in COMPILED[example].read_text().splitlines()]
    missing = missing_in_order(documented(example), compiled)
    assert not missing, f"{example} example lines not in {COMPILED[example].name}: {missing}"
