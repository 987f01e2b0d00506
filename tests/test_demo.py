"""`make demo`: the journey runs end to end against the sandbox in each answer profile."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def test_the_demo_journey_passes_in_each_profile(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("demo", DEMO)
    assert spec is not None
    assert spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    demo.main([])
    out = capsys.readouterr().out
    assert out.count("state: AUTHENTICATED") == 2
    assert "'eps' profile" in out
    assert "'legacy' profile" in out
    assert "status 1, response_status_id -1" in out  # eps.eko.in's pending answer
    assert "status 1, response_status_id 327" in out  # the legacy placement
    assert "born 1990-01-01, Female" in out  # the legacy README 7.2 shape
    assert out.count("AADHAAR: Sandbox Test Customer") == 2
