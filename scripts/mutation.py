"""`make mutation`: mutmut over the sandbox's rule modules, the journey properties as the
test command; writes reports/mutation.json and prints the score.

mutmut 3 mutates code under `src/` (or the project root) of the directory it runs in and
names each mutant by that path, so the run is staged in build/mutation: the sandbox
package as `src/eko_digilocker_sandbox`, the tests it needs, and a pyproject.toml with
the settings below. The rest of the project (client, generated models) is imported from
the editable install, as in every test run.

Settings (environment): EKO_MUTATION_FILES, a comma-separated subset of MODULES;
EKO_MUTATION_BUDGET_S (default 1800), the wall time after which the run is stopped and
the mutants not yet tried are reported as `not_run`; EKO_MUTATION_CHILDREN (default 2),
mutants tried at once.

What makes the run fit its 30 minutes (each mutant runs, fail-fast with mutmut's own
`-x`, only the journey tests that reach the mutated function, quickest first):
- `EKO_CONTRACT_SESSION_WAIT_S=0.5` for the "stays readable" property, instead of 3 s on
  each profile: no mutant of these modules forgets a session on a seconds scale with the
  600 s TTL the profile sandboxes keep (the TTL is config, not mutated); TTL expiry is
  judged by the expiry property on its own 2 s-TTL sandbox, which still waits it out.
- a mutant that hangs is stopped and counted as a timeout (killed) after
  `(estimated + TIMEOUT_CONSTANT_S) * TIMEOUT_MULTIPLIER` s of wall time (mutmut's
  defaults, 1 s and 15, let a hanging mutant of a 10 s test set run almost 3 minutes),
  and each test after PER_TEST_TIMEOUT_S (pytest-timeout; was 120 s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / "build" / "mutation"
REPORT = ROOT / "reports" / "mutation.json"
BIN = Path(sys.executable).parent
PACKAGE = "eko_digilocker_sandbox"
#: The sandbox's rule modules: authentication, sessions, answers.
MODULES = ("auth.py", "sessions.py", "answers.py")
#: The test command: the journey properties, against the embedded sandbox in each profile.
TESTS = ["tests/contract/test_journeys.py"]
#: The contract suite's settings for the mutation run (see the module's docstring).
RUN_ENV = {"EKO_CONTRACT_SESSION_WAIT_S": "0.5"}
TIMEOUT_MULTIPLIER = 3.0
TIMEOUT_CONSTANT_S = 10.0
PER_TEST_TIMEOUT_S = 30
STATUSES = ("killed", "survived", "timeout", "suspicious", "no tests", "skipped", "not checked")


def stage(modules: list[str]) -> None:
    if STAGE.exists():
        shutil.rmtree(STAGE)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "sandbox" / PACKAGE, STAGE / "src" / PACKAGE, ignore=ignore)
    (STAGE / "tests").mkdir()
    for name in ("__init__.py", "conftest.py"):
        shutil.copy(ROOT / "tests" / name, STAGE / "tests" / name)
    shutil.copytree(ROOT / "tests" / "contract", STAGE / "tests" / "contract", ignore=ignore)
    shutil.copy(ROOT / "conftest.py", STAGE / "conftest.py")
    only = ", ".join(f'"src/{PACKAGE}/{module}"' for module in modules)
    tests = ", ".join(f'"{test}"' for test in TESTS)
    (STAGE / "pyproject.toml").write_text(
        f"""[tool.pytest.ini_options]
addopts = "-p no:cacheprovider"
timeout = {PER_TEST_TIMEOUT_S}

[tool.mutmut]
source_paths = ["src"]
timeout_multiplier = {TIMEOUT_MULTIPLIER}
timeout_constant = {TIMEOUT_CONSTANT_S}
only_mutate = [{only}]
pytest_add_cli_args_test_selection = [{tests}]
also_copy = ["conftest.py"]
"""
    )


def run(budget_s: float, children: int) -> tuple[float, bool]:
    """mutmut run, stopped after `budget_s`; (seconds taken, whether it finished)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [str(BIN / "mutmut"), "run", "--max-children", str(children)],
        cwd=STAGE,
        env={**os.environ, **RUN_ENV},
        start_new_session=True,
    )
    try:
        process.wait(timeout=budget_s)
        finished = True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        finished = False
    return time.monotonic() - started, finished


def results() -> dict[str, str]:
    out = subprocess.run(
        [str(BIN / "mutmut"), "results", "--all", "true"],
        cwd=STAGE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and status in STATUSES:
            found[name] = status
    return found


_DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant
names = json.load(sys.stdin)
print(json.dumps({n: get_diff_for_mutant(n, path=find_mutant(n).path) for n in names}))
"""


def diffs(names: list[str]) -> dict[str, str]:
    """Each mutant's diff, from mutmut in one process (`mutmut show` costs a start each)."""
    out = subprocess.run(
        [sys.executable, "-c", _DIFFS],
        cwd=STAGE,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, str] = json.loads(out)
    return found


def place(name: str, diff: str) -> dict[str, object]:
    """Where a mutant changes the code: its file, function, line and change."""
    module = name.split(".x")[0].split(".")[-1]
    hunk = re.search(r"^@@ -(\d+)", diff, re.MULTILINE)
    changed = [
        row[1:].strip()
        for row in diff.splitlines()
        if row.startswith(("-", "+")) and not row.startswith(("---", "+++"))
    ]
    function = (
        name.rpartition(".")[2]
        .split("__mutmut_")[0]
        .removeprefix("x_")
        .removeprefix("xǁ")
        .replace("ǁ", ".")
    )
    return {
        "name": name,
        "file": f"sandbox/{PACKAGE}/{module}.py",
        "function": function,
        "line_in_function": int(hunk.group(1)) if hunk else None,
        "change": changed,
        "equivalent": equivalence(changed, function) or "unexplained",
    }


#: Why a surviving mutant is equivalent as far as Eko's contract goes, by what it changes
#: (docs/contract-tests.md, "Mutation score", says why each holds). Checked in order;
#: a survivor no class explains is listed as `unexplained`.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
EQUIVALENT: list[tuple[str, re.Pattern[str]]] = [
    # another of the answer profiles Eko documents (the suite accepts every documented form)
    ("profile", re.compile(r"profile|EPS|LEGACY")),
    # a default that SandboxConfig always overrides, or the opt-in replay guard
    ("configured", re.compile(r"reject_replay|max_replay_entries|_replays|_window_seconds\b")),
    # the text of an exception the API never shows (control surface, store internals)
    (
        "internal text",
        re.compile(r"SessionNotFound|DecisionConflict|StoreFull|IdempotencyConflict"),
    ),
    # the timestamp window's size by a hair (Eko publishes no tolerance; the properties
    # sign an hour off), or a digit limit no id or timestamp reaches
    ("tolerance", re.compile(r"_window_ms|_MAX_TIMESTAMP_DIGITS|MAX_REFERENCE_ID_DIGITS")),
    # the codec name's case: Python's codecs ignore it
    ("codec case", re.compile(r'"utf-8"|"UTF-8"')),
    # the store's limits: its byte estimate, the room check, forgetting past the
    # retention (3600 s) or to make room; no journey comes near 100,000 sessions, 512 MiB
    # or an hour (tests/sandbox/test_store_limits.py pins them)
    ("store limits", re.compile(r"self\._bytes\b|_has_room|_forget_older_than|_forget\(")),
    # the next reference_id's step or direction (ids stay unique; Eko documents no order),
    # or inside the loop that skips the ids a replayed recording reserves (only --replay)
    ("reference ids", re.compile(r"self\._next_id\b")),
    # the consent page's token (its length or none): the page's, not the API's
    ("consent token", re.compile(r"token=secrets\.token_urlsafe|token=None")),
    # the random key an unknown developer_key is checked against: any length is random
    ("random key", re.compile(r"_nobody = hmac\.new\(secrets\.token_bytes\((?!32\))")),
    # an auth refusal's message (or its hint) left out; the 403 is what is documented
    ("message", re.compile(r"AuthFailure\(None\)|hint = None|timestamp is not a number")),
    # the control surface's conflict error text
    ("internal text", re.compile(r"it cannot become")),
    # a clock reading exactly equal to a deadline (float seconds): `>=` against `>`
    ("boundary instant", re.compile(r"self\._clock\(\) >=? session\.expires_at")),
    # a query that starts with an empty parameter (`?&reference_id=...`): every query
    # parser reads the same parameters
    ("empty parameter", re.compile(r"if \(parts\.query\) or True else")),
    # the stored session's client_ref_id (the idempotency index is keyed by the request's)
    ("stored copy", re.compile(r"client_ref_id=None,")),
    # the AADHAAR-only document fields on another type: every document field is optional
    ("optional fields", re.compile(r'document_type [!=]= "AADHAAR"')),
]
#: Functions whose every mutant is equivalent for the API: the store's limits.
EQUIVALENT_FUNCTIONS = {
    name: "store limits"
    for name in (
        "text_bytes",
        "session_cost",
        "SessionStore._has_room",
        "SessionStore._forget_older_than",
    )
}


def equivalence(change: list[str], function: str = "") -> str | None:
    """The class that explains a surviving change (its removed and added lines) in
    `function`."""
    if function in EQUIVALENT_FUNCTIONS:
        return EQUIVALENT_FUNCTIONS[function]
    if len(change) >= 2 and len({_STRING.sub('""', line) for line in change}) == 1:
        return "text"  # only a string literal's text changed: a message, data or a name
    if (
        len(change) == 2
        and "data=" in change[0]
        and ("data=None" in change[1] or "data=" not in change[1])
    ):
        return "empty data"  # `data=None` and no data both render `data: {}` (envelope)
    joined = "\n".join(change)
    for name, pattern in EQUIVALENT:
        if pattern.search(joined):
            return name
    return None


def main() -> int:
    wanted = [m for m in os.environ.get("EKO_MUTATION_FILES", "").split(",") if m] or list(MODULES)
    unknown = set(wanted) - set(MODULES)
    if unknown:
        print(f"EKO_MUTATION_FILES: unknown {sorted(unknown)}; choose from {MODULES}")
        return 2
    budget_s = float(os.environ.get("EKO_MUTATION_BUDGET_S") or 1800)
    children = int(os.environ.get("EKO_MUTATION_CHILDREN") or 2)
    if os.environ.get("EKO_MUTATION_REPORT_ONLY"):  # the report of the last run, again
        last = json.loads(REPORT.read_text()) if REPORT.exists() else {}
        seconds = float(os.environ.get("EKO_MUTATION_SECONDS") or last.get("seconds") or 0)
        finished = bool(last.get("finished"))
    else:
        stage(wanted)
        seconds, finished = run(budget_s, children)
    statuses = results()
    counts = {status: 0 for status in STATUSES}
    for status in statuses.values():
        counts[status] += 1
    killed = counts["killed"] + counts["timeout"]
    tried = killed + counts["survived"]
    surviving = [name for name, status in sorted(statuses.items()) if status == "survived"]
    found = diffs(surviving)
    survivors = [place(name, found[name]) for name in surviving]
    explained = Counter(str(survivor["equivalent"]) for survivor in survivors)
    report = {
        "tool": "mutmut",
        "modules": [f"sandbox/{PACKAGE}/{module}" for module in wanted],
        "test_command": TESTS,
        "settings": {
            **RUN_ENV,
            "timeout_multiplier": TIMEOUT_MULTIPLIER,
            "timeout_constant_s": TIMEOUT_CONSTANT_S,
            "per_test_timeout_s": PER_TEST_TIMEOUT_S,
        },
        "killed": killed,
        "survived": counts["survived"],
        "total": len(statuses),
        "not_run": len(statuses) - tried,
        "counts": counts,
        "score": round(killed / tried, 4) if tried else None,
        "seconds": round(seconds),
        "finished": finished,
        "survivors_by_class": dict(explained.most_common()),
        "survivors": survivors,
    }
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"mutation score: killed {killed} of {tried} tried ({report['score']}); "
        f"{counts['survived']} survived, {report['not_run']} not run, {len(statuses)} in all, "
        f"{report['seconds']} s{'' if finished else ' (stopped at the budget)'}: {REPORT}\n"
        f"survivors by class: {dict(explained.most_common())}"
    )
    return 0 if finished else 1


if __name__ == "__main__":
    sys.exit(main())
