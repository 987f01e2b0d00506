"""`make conformance`: every language in tests/conformance/runners/*.json, through one
protocol (docs/conformance.md), judged here and only here.

For each runner file, in parallel: its `build` (if any), then its `run` with
`answers`, `behaviour` (sharded over several processes against one scenario server),
`redirects`, `journey` (a sandbox process in each profile) and `policy`. Prints

    conformance <language>: P/T     behaviour <language>: P/T     redirects <language>: P/T
    journey <language>: ok|FAIL     policy <language>: ok|FAIL

and exits 1 when a case fails that tests/conformance/expected-failures.json does not
list for that language, or a listed case passes (the list can only shrink).

    python -m tests.conformance.harness [--root DIR] [--only LANGUAGE ...]
        [--update-expected-failures]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from .scenario_server import ScenarioServer, Seen

ROOT = Path(__file__).resolve().parents[2]
RUNNERS = Path("tests/conformance/runners")
EXPECTED_FAILURES = Path("tests/conformance/expected-failures.json")
ANSWERS = Path("tests/vectors/answers.json")
BEHAVIOUR = Path("tests/vectors/behaviour.json")
REDIRECTS = Path("tests/vectors/redirects.json")
SPEC = Path("openapi/eko-digilocker.yaml")
KINDS = ("answers", "behaviour", "redirects", "journey", "policy")
# Behaviour cases run in this many runner processes at once, per language (most of a
# case's time is waiting on a deadline, a retry or a poll, not CPU).
SHARDS = int(os.environ.get("CONFORMANCE_SHARDS", "6"))
RUN_TIMEOUT = 300  # seconds, one runner process
BUILD_TIMEOUT = 900
JOURNEY_STEPS = ("create", "forced_301", "pending", "approve", "status", "document")
PROFILES = {
    "eps": ["--profile", "eps"],
    "legacy": ["--profile", "legacy", "--first-reference-id", "3000000001"],
}
# What a retry may come later than its wait's cap, on a loaded machine.
RETRY_SLACK_MS = 2000
# Latest a request's signing timestamp may trail its arrival (clock and queueing slack).
TIMESTAMP_SLACK_MS = 30_000


@dataclass
class Runner:
    language: str
    run: list[str]
    build: list[str] | None = None


@dataclass
class Result:
    """One language's results: the failed case names of each kind, and the totals."""

    language: str
    totals: dict[str, int] = field(default_factory=dict)
    failed: dict[str, dict[str, str]] = field(default_factory=dict)  # kind: name -> why
    notes: list[str] = field(default_factory=list)
    build_failed: bool = False


def load_runners(root: Path) -> list[Runner]:
    runners = []
    for path in sorted((root / RUNNERS).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        unknown = set(data) - {"language", "build", "run"}
        if unknown or not isinstance(data.get("run"), list) or not data.get("language"):
            raise SystemExit(
                f"{path}: needs language and run (argv list), optional build; got {data}"
            )
        if data["language"] != path.stem:
            raise SystemExit(f"{path}: language {data['language']!r} differs from the file's name")
        runners.append(Runner(data["language"], data["run"], data.get("build")))
    return runners


def invoke(
    root: Path, runner: Runner, *args: str, timeout: float = RUN_TIMEOUT
) -> list[dict[str, Any]]:
    """The runner's JSON lines for one command: all it printed, even if it failed or ran
    out of time (then killed)."""
    try:
        done = subprocess.run(
            [*runner.run, *args], cwd=root, capture_output=True, timeout=timeout, check=False
        )
        stdout, stderr, status = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        stdout, stderr, status = exc.stdout or b"", exc.stderr or b"", -1
        print(f"{runner.language} {args[0]}: killed after {timeout} s", file=sys.stderr)
    except OSError as exc:
        print(f"{runner.language} {args[0]}: {exc}", file=sys.stderr)
        return []
    lines = []
    for line in stdout.decode("utf-8", "replace").splitlines():
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            lines.append(value)
        elif line.strip():
            shown = line[:120]
            print(
                f"{runner.language} {args[0]}: not a JSON object line: {shown!r}", file=sys.stderr
            )
    if status != 0 and os.environ.get("CONFORMANCE_VERBOSE"):
        tail = stderr.decode("utf-8", "replace")[-2000:]
        print(f"{runner.language} {args[0]}: exit {status}: {tail}", file=sys.stderr)
    return lines


def by_name(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["name"]: line for line in lines if isinstance(line.get("name"), str)}


def values_differ(expected: dict[str, Any], got: Any) -> list[str]:
    got = got if isinstance(got, dict) else {}
    return [
        f"values.{name}: expected {value!r}, got {got.get(name)!r}"
        for name, value in expected.items()
        if name not in got or not same(got[name], value)
    ]


def same(a: Any, b: Any) -> bool:
    """JSON equality that tells true from 1 (Python's == does not)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def reading_differs(expect: dict[str, Any], got: dict[str, Any] | None) -> list[str]:
    if got is None:
        return ["the runner printed no line for it"]
    found = [
        f"{key}: expected {expect[key]!r}, got {got.get(key)!r}"
        for key in ("outcome", "code")
        if not same(expect[key], got.get(key))
    ]
    return found + values_differ(expect.get("values", {}), got.get("values"))


# --- answers and redirects -------------------------------------------------------------


def check_answers(root: Path, runner: Runner, result: Result) -> None:
    cases = json.loads((root / ANSWERS).read_text(encoding="utf-8"))["cases"]
    got = by_name(invoke(root, runner, "answers", str(ANSWERS)))
    record(
        result,
        "answers",
        {case["name"]: reading_differs(case["expect"], got.get(case["name"])) for case in cases},
    )


def check_redirects(root: Path, runner: Runner, result: Result) -> None:
    cases = json.loads((root / REDIRECTS).read_text(encoding="utf-8"))["cases"]
    got = by_name(invoke(root, runner, "redirects", str(REDIRECTS)))
    verdicts = {}
    for case in cases:
        line = got.get(case["name"])
        problems = reading_differs({"code": None, "values": {}, **case["expect"]}, line)
        verdicts[case["name"]] = problems
    record(result, "redirects", verdicts)


def record(result: Result, kind: str, verdicts: dict[str, list[str]]) -> None:
    result.totals[kind] = len(verdicts)
    result.failed[kind] = {name: "; ".join(why) for name, why in verdicts.items() if why}


# --- behaviour -------------------------------------------------------------------------


def check_behaviour(root: Path, runner: Runner, result: Result, server: ScenarioServer) -> None:
    corpus = json.loads((root / BEHAVIOUR).read_text(encoding="utf-8"))
    cases = server.load(corpus["cases"], runner.language)
    shards: list[list[dict[str, Any]]] = [[] for _ in range(max(1, min(SHARDS, len(cases))))]
    loads = [0] * len(shards)
    for case in sorted(cases, key=lambda c: -c["expect"]["max_elapsed_ms"]):
        lightest = loads.index(min(loads))
        shards[lightest].append(case)
        loads[lightest] += case["expect"]["max_elapsed_ms"]
    lines: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=f"behaviour-{runner.language}-") as folder:
        files = []
        for number, shard in enumerate(shards):
            path = Path(folder) / f"shard-{number}.json"
            path.write_text(json.dumps({**corpus, "cases": shard}), encoding="utf-8")
            files.append(path)
        with ThreadPoolExecutor(len(files)) as pool:
            for got in pool.map(lambda p: invoke(root, runner, "behaviour", str(p)), files):
                lines += got
    got = by_name(lines)
    policy = spec_policy(root / SPEC)
    verdicts = {}
    for case in cases:
        line = got.get(case["name"])
        verdicts[case["name"]] = behaviour_problems(case, line, server, corpus["keys"], policy)
    record(result, "behaviour", verdicts)


def behaviour_problems(
    case: dict[str, Any],
    line: dict[str, Any] | None,
    server: ScenarioServer,
    keys: dict[str, str],
    policy: dict[str, Any],
) -> list[str]:
    expect = case["expect"]
    problems = reading_differs(expect, line)
    seen = server.requests(case["id"])
    problems += server.problems(case["id"])
    if "attempts" in expect and len(seen) != expect["attempts"]:
        problems.append(f"attempts: expected {expect['attempts']}, the server got {len(seen)}")
    if "min_attempts" in expect and len(seen) < expect["min_attempts"]:
        problems.append(f"attempts: expected at least {expect['min_attempts']}, got {len(seen)}")
    if line is not None:
        if "error" not in line or not isinstance(line["error"], str | None):
            problems.append(f"error: the error type's name or null, got {line.get('error')!r}")
        elapsed = line.get("elapsed_ms")
        if not isinstance(elapsed, int | float):
            problems.append(f"elapsed_ms missing or not a number: {elapsed!r}")
        else:
            if elapsed > expect["max_elapsed_ms"]:
                problems.append(f"elapsed_ms {elapsed} > max_elapsed_ms {expect['max_elapsed_ms']}")
            if elapsed < expect.get("min_elapsed_ms", 0):
                problems.append(f"elapsed_ms {elapsed} < min_elapsed_ms {expect['min_elapsed_ms']}")
    return problems + request_problems(case, seen, keys) + wait_problems(case, seen, policy)


def wait_problems(case: dict[str, Any], seen: list[Seen], policy: dict[str, Any]) -> list[str]:
    """The wait before each retry of an HTTP status, as the server saw it: a Retry-After
    of whole seconds within the policy's cap honoured, else the backoff's cap for that
    retry (plus RETRY_SLACK_MS for load) never exceeded."""
    if case["call"]["operation"] == "waitForConsent":
        return []  # its gaps are poll intervals (min_elapsed_ms pins those)
    retry = policy["retry"]
    backoff = retry["backoff"]
    problems = []
    for number, (step, (sent, next_sent)) in enumerate(
        zip(case["server"], itertools.pairwise(seen), strict=False)
    ):
        if step.get("status", 200) not in retry["statuses"] or step.get("delay_ms"):
            continue
        gap_ms = (next_sent.at - sent.at) * 1000
        value = str(step.get("headers", {}).get("retry-after", ""))
        honoured = value.isdigit() and int(value) * 1000 <= retry["retry_after"]["max_ms"]
        if honoured and gap_ms < int(value) * 1000 - 100:
            problems.append(f"retry {number + 1} came {gap_ms:.0f} ms later: Retry-After {value}")
        cap = int(value) * 1000 if honoured else backoff_cap(backoff, number)
        if "retry_after_date_s" not in step and gap_ms > cap + RETRY_SLACK_MS:
            problems.append(f"retry {number + 1} came {gap_ms:.0f} ms later, past {cap:.0f} ms")
    return problems


def backoff_cap(backoff: dict[str, Any], retry: int) -> float:
    """The longest wait before retry `retry` (0-based): min(max, initial * multiplier^n)."""
    return float(min(backoff["max_ms"], backoff["initial_ms"] * backoff["multiplier"] ** retry))


def request_problems(case: dict[str, Any], seen: list[Seen], keys: dict[str, str]) -> list[str]:
    """What every case's requests must show: signed afresh, the same body and
    client_ref_id on every attempt, nothing sent for invalid input."""
    if case["expect"]["outcome"] == "invalid_input":
        return [f"invalid input, yet {len(seen)} request(s) were sent"] if seen else []
    problems = []
    last = None
    for number, request in enumerate(seen, 1):
        stamp = request.header("secret-key-timestamp") or ""
        if not stamp.isdigit():
            problems.append(f"request {number}: secret-key-timestamp {stamp!r} is not milliseconds")
            continue
        if request.header("developer_key") != keys["developer_key"]:
            problems.append(f"request {number}: developer_key is not the corpus's key")
        key = base64.b64encode(keys["access_key"].encode())
        signed = binascii.b2a_base64(
            hmac.digest(key, stamp.encode(), hashlib.sha256), newline=False
        )
        if request.header("secret-key") != signed.decode():
            problems.append(f"request {number}: secret-key is not the signature of its timestamp")
        if last is not None and int(stamp) <= last:
            problems.append(
                f"request {number}: timestamp {stamp} is not later than the last attempt's"
            )
        if abs(int(stamp) - request.at * 1000) > TIMESTAMP_SLACK_MS:
            problems.append(f"request {number}: timestamp {stamp} is not the time it was sent")
        last = int(stamp)
    if seen:
        first = seen[0]
        for number, request in enumerate(seen[1:], 2):
            if (request.method, request.body) != (first.method, first.body):
                problems.append(
                    f"request {number}: not the same method and body bytes as the first"
                )
            if client_ref_id(request) != client_ref_id(first):
                problems.append(
                    f"request {number}: client_ref_id {client_ref_id(request)!r} differs"
                )
        given = case["call"].get("input", {}).get("client_ref_id")
        ref = client_ref_id(first)
        if given is not None and ref != given:
            problems.append(f"client_ref_id sent {ref!r}, the caller gave {given!r}")
        if (
            first.method == "POST"
            and given is None
            and not (isinstance(ref, str) and 0 < len(ref) <= 20)
        ):
            problems.append(f"no automatic client_ref_id (1..20 characters) was sent: {ref!r}")
    return problems


def client_ref_id(request: Seen) -> Any:
    if request.method == "GET":
        values = parse_qs(urlsplit(request.path).query).get("client_ref_id")
        return values[0] if values else None
    try:
        body = json.loads(request.body)
    except ValueError:
        return None
    return body.get("client_ref_id") if isinstance(body, dict) else None


# --- journey ---------------------------------------------------------------------------


@contextmanager
def sandbox(root: Path, profile: str) -> Iterator[str]:
    """`eko-digilocker sandbox --port 0` in a profile, as users start it: its URL."""
    command = [str(root / ".venv/bin/eko-digilocker"), "sandbox", "--port", "0", *PROFILES[profile]]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the sandbox did not start: {url!r}")
        yield url
    finally:
        proc.kill()
        proc.communicate(timeout=10)


def journey_problems(lines: list[dict[str, Any]], profile: str) -> dict[str, list[str]]:
    """Each step's problems: the journey's outcomes, in order, with its ids."""
    got = by_name(lines)
    want = {
        "create": ("success", None),
        "forced_301": ("business_error", 301),
        "pending": ("pending", None),
        "approve": ("success", None),
        "status": ("success", None),
        "document": ("success", None),
    }
    verdicts: dict[str, list[str]] = {}
    for step, (outcome, code) in want.items():
        line = got.get(step)
        if line is None:
            verdicts[step] = [f"{profile}: no line"]
            continue
        problems = []
        if line.get("outcome") != outcome:
            problems.append(f"{profile}: outcome {line.get('outcome')!r}, expected {outcome!r}")
        if code is not None and line.get("code") != code:
            problems.append(f"{profile}: code {line.get('code')!r}, expected {code}")
        values = line.get("values") if isinstance(line.get("values"), dict) else {}
        if outcome == "success" and not values:
            problems.append(f"{profile}: a success without values")
        if step in ("create", "approve"):
            reference = values.get("reference_id")
            low = 3_000_000_001 if profile == "legacy" else 1
            if not (isinstance(reference, int) and reference >= low):
                problems.append(
                    f"{profile}: reference_id {reference!r} (expected an integer >= {low})"
                )
        verdicts[step] = problems
    return verdicts


def check_journey(root: Path, runner: Runner, result: Result, sandboxes: dict[str, str]) -> None:
    """The journey against each profile's sandbox (shared by the languages: each runner
    makes its own sessions), both profiles at once."""
    verdicts: dict[str, list[str]] = {step: [] for step in JOURNEY_STEPS}
    with ThreadPoolExecutor(len(sandboxes)) as pool:
        runs = {
            p: pool.submit(invoke, root, runner, "journey", url, p) for p, url in sandboxes.items()
        }
        for profile, lines in runs.items():
            for step, problems in journey_problems(lines.result(), profile).items():
                verdicts[step] += problems
    record(result, "journey", verdicts)


# --- policy ----------------------------------------------------------------------------


def spec_policy(spec: Path) -> dict[str, Any]:
    """The spec's root x-eko-client, as a runner's `policy` prints it."""
    policy = dict(yaml.safe_load(spec.read_text(encoding="utf-8"))["x-eko-client"])
    policy.pop("description", None)
    policy["idempotency"] = {k: v for k, v in policy["idempotency"].items() if k != "generated"}
    return policy


def check_policy(root: Path, runner: Runner, result: Result, spec: Path | None = None) -> None:
    """`policy` against the spec's (root / SPEC unless given)."""
    want = spec_policy(spec or root / SPEC)
    lines = invoke(root, runner, "policy", timeout=120)
    got = lines[0] if len(lines) == 1 else {}
    verdicts = {}
    for key, value in want.items():
        if key not in got:
            verdicts[key] = ["not printed"]
        else:
            verdicts[key] = (
                [] if same(got[key], value) else [f"{got[key]!r}, the spec says {value!r}"]
            )
    extra = sorted(set(got) - set(want))
    if extra:
        verdicts["(extra keys)"] = [f"keys the spec does not have: {extra}"]
    record(result, "policy", verdicts)


# --- the run ---------------------------------------------------------------------------


def run_language(
    root: Path,
    runner: Runner,
    server: ScenarioServer,
    sandboxes: dict[str, str],
    kinds: tuple[str, ...],
) -> Result:
    result = Result(runner.language)
    if runner.build:
        done = subprocess.run(
            runner.build,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            result.build_failed = True
            result.notes.append(
                f"build {runner.build} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
            )
    checks = {
        "answers": lambda: check_answers(root, runner, result),
        "behaviour": lambda: check_behaviour(root, runner, result, server),
        "redirects": lambda: check_redirects(root, runner, result),
        "journey": lambda: check_journey(root, runner, result, sandboxes),
        "policy": lambda: check_policy(root, runner, result),
    }
    # The behaviour shards wait most of their time: run them beside the rest.
    threads = []
    for kind in kinds:
        thread = threading.Thread(target=checks[kind])
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return result


def summary(result: Result) -> list[str]:
    lines = []
    labels = {"answers": "conformance", "behaviour": "behaviour", "redirects": "redirects"}
    for kind, label in labels.items():
        if kind in result.totals:
            total = result.totals[kind]
            lines.append(f"{label} {result.language}: {total - len(result.failed[kind])}/{total}")
    for kind in ("journey", "policy"):
        if kind in result.totals:
            lines.append(f"{kind} {result.language}: {'FAIL' if result.failed[kind] else 'ok'}")
    return lines


def violations(result: Result, listed: dict[str, list[str]]) -> list[str]:
    """Failures the expected-failures file does not list, and listed cases that passed."""
    found = []
    for kind, failed in result.failed.items():
        expected = set(listed.get(kind, []))
        for name in sorted(set(failed) - expected):
            found.append(f"{result.language} {kind}: FAIL {name}: {failed[name]}")
        for name in sorted(expected - set(failed)):
            found.append(
                f"{result.language} {kind}: listed in {EXPECTED_FAILURES} but passes "
                f"(remove it): {name}"
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--only", nargs="*", help="these languages only")
    parser.add_argument("--kinds", nargs="*", choices=KINDS, default=list(KINDS))
    parser.add_argument(
        "--update-expected-failures",
        action="store_true",
        help="write each language's failures of this run to expected-failures.json",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    runners = [r for r in load_runners(root) if not args.only or r.language in args.only]
    expected_path = root / EXPECTED_FAILURES
    expected = (
        json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.exists() else {}
    )
    unknown = set(expected) - {r.language for r in load_runners(root)}
    kinds = tuple(args.kinds)
    with ExitStack() as stack:
        server = stack.enter_context(ScenarioServer())
        sandboxes = {}
        if "journey" in kinds:
            with ThreadPoolExecutor(len(PROFILES)) as starting:  # both start at once
                started = {
                    p: starting.submit(stack.enter_context, sandbox(root, p)) for p in PROFILES
                }
                sandboxes = {p: future.result() for p, future in started.items()}
        pool = stack.enter_context(ThreadPoolExecutor(max(1, len(runners))))
        results = list(pool.map(lambda r: run_language(root, r, server, sandboxes, kinds), runners))
    bad = (
        [f"{EXPECTED_FAILURES} names languages without a runner file: {sorted(unknown)}"]
        if unknown
        else []
    )
    for result in results:
        for note in result.notes:
            print(f"{result.language}: {note}", file=sys.stderr)
        print("\n".join(summary(result)), flush=True)
        bad += violations(result, expected.get(result.language, {}))
        if result.build_failed:  # whatever the list says: a build that fails fails the run
            bad.append(f"{result.language}: its build failed (above)")
    if args.update_expected_failures:
        for result in results:
            listed = {kind: sorted(failed) for kind, failed in result.failed.items() if failed}
            if listed:
                expected[result.language] = {**expected.get(result.language, {}), **listed}
            for kind in result.failed:
                if not result.failed[kind]:
                    expected.get(result.language, {}).pop(kind, None)
            if not expected.get(result.language, True):
                expected.pop(result.language)
        expected_path.write_text(
            json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        return 0
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
