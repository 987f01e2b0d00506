"""`make bench` is not part of `make test`, but one small round of it is, so it cannot rot."""

from pathlib import Path

from bench import run


def test_every_benchmark_runs_and_reports(tmp_path: Path) -> None:
    assert run.main(["--smoke", "--out", str(tmp_path)]) == 0
    results = (tmp_path / "RESULTS.md").read_text()
    rows = [line for line in results.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 15  # header + one row per figure (the floor and TypeScript are new)
    assert all(row.count("|") == 7 for row in rows)
    assert (tmp_path / "ratios.png").read_bytes().startswith(b"\x89PNG")
