"""Feed the spec to openapi-generator's mainstream client targets, the way a new user
would, and fail on any warning other than the "OpenAPI 3.1 support is still in beta" notice.

    python scripts/generator_matrix.py              generate into a temporary folder
    python scripts/generator_matrix.py --keep DIR   leave the generated clients in DIR
    --spec PATH --only LABEL                        another spec, some targets (the tests)

openapi-generator comes from the pinned PyPI package `openapi-generator-cli`, whose wheel
carries the jar (nothing is downloaded at run time); it needs Java 17 or newer. The
targets run in one JVM (the `batch` command), but for a target with a warning of its own
allowed (TARGET_ALLOWED_WARNINGS), which runs in a second one. `batch` lowers the
generators' loggers to ERROR, so this script hands the JVM its own logback configuration
that keeps their warnings, and tells the generators apart by the thread that logged each
warning.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "eko-digilocker.yaml"

# label -> batch settings. The label names the output folder, so that two libraries of one
# generator (java) are told apart in the log.
TARGETS: dict[str, dict[str, object]] = {
    "go": {"generatorName": "go"},
    "java-native": {"generatorName": "java", "library": "native"},
    "java-okhttp-gson": {"generatorName": "java", "library": "okhttp-gson"},
    # ES modules, so that tests/typescript-fetch can import its models on Node
    "typescript-fetch": {
        "generatorName": "typescript-fetch",
        "additionalProperties": {"importFileExtension": ".js", "supportsES6": True},
    },
    "typescript-axios": {"generatorName": "typescript-axios"},
    "csharp": {"generatorName": "csharp"},
    "kotlin": {"generatorName": "kotlin"},
    # rust renames a model it makes for every OpenAPI 3.1 document (its own request-body
    # type, "application/json" -> ApplicationSlashJson) and warns; this mapping is the
    # documented way to name it.
    "rust": {
        "generatorName": "rust",
        "modelNameMappings": {"application/json": "ApplicationJson"},
    },
    "ruby": {"generatorName": "ruby"},
    "python": {"generatorName": "python"},
    "php": {"generatorName": "php"},
}

ALLOWED_WARNINGS = ("OpenAPI 3.1 support is still in beta",)
# A warning allowed for one target only: a generator bug that any spec with one schema
# shows (tests/test_generator_matrix.py checks that it still does; docs/other-languages.md
# has the evidence). python's AbstractPythonCodegen.toDefaultValue calls
# ModelUtils.getSimpleRef(schema.$ref) with no null check on every property, parameter and
# response schema. Such a target runs in a JVM of its own: openapi-generator logs a message
# once per JVM, so the same warning from another target (e.g. for an inline example) would
# otherwise be counted for this one.
TARGET_ALLOWED_WARNINGS: dict[str, tuple[str, ...]] = {
    "python": ("Failed to get the schema name: null",),
}
MIN_JAVA = 17
NEEDS_JAVA = f"the generator matrix needs Java {MIN_JAVA}+: apt-get install openjdk-17-jre-headless"
BATCH = "(batch)"  # where a warning logged outside any generator's run is counted

# `batch` sets the root, "io.swagger" and "org.openapitools" loggers to ERROR after reading
# this file; levels set here on other loggers (children included) survive that.
LOGBACK = """<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.out</target>
    <encoder><pattern>[%thread] %-5level %logger - %msg%n</pattern></encoder>
  </appender>
  <logger name="org" level="WARN"/>
  <logger name="org.openapitools.codegen" level="WARN"/>
  <logger name="io" level="WARN"/>
  <logger name="io.swagger.v3" level="WARN"/>
  <logger name="io.swagger.parser" level="WARN"/>
  <logger name="com" level="WARN"/>
  <logger name="net" level="WARN"/>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
"""

LOG_LINE = re.compile(
    r"^\[(?P<thread>[^\]]+)\] (?:"
    r"(?P<level>WARN|ERROR)\s+\S+ - (?P<message>.*)"
    r"|Generating \S+ \(outputs to (?P<output>.+)\)…"
    r"|Finished generating \S+…"
    r")$"
)


@dataclass
class Report:
    """What one batch run logged, per target label."""

    warnings: dict[str, list[str]] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)

    def refused(self) -> dict[str, list[str]]:
        """The warnings that fail the run, per label."""
        found = {
            label: [
                m
                for m in messages
                if not m.partition(" ")[2].startswith(
                    ALLOWED_WARNINGS + TARGET_ALLOWED_WARNINGS.get(label, ())
                )
            ]
            for label, messages in self.warnings.items()
        }
        return {label: messages for label, messages in found.items() if messages}


def read_log(lines: Iterable[str], labels: Iterable[str]) -> Report:
    """Attribute each WARN/ERROR line to the target whose generator ran on that thread.

    A thread reads the spec and the settings before it prints "Generating", so what it
    logs between two targets belongs to the next one it starts.
    """
    report = Report(warnings={label: [] for label in labels})
    running: dict[str, str] = {}  # thread -> label
    waiting: dict[str, list[str]] = {}  # thread -> warnings logged before its next target
    for line in lines:
        match = LOG_LINE.match(line.rstrip("\n"))
        if match is None:
            continue
        thread = match["thread"]
        if match["output"] is not None:
            label = Path(match["output"]).name
            running[thread] = label
            report.warnings.setdefault(label, []).extend(waiting.pop(thread, []))
        elif match["message"] is not None:
            message = f"{match['level']} {match['message']}"
            if thread in running:
                report.warnings.setdefault(running[thread], []).append(message)
            else:
                waiting.setdefault(thread, []).append(message)
        else:
            report.finished.add(running.pop(thread, BATCH))
    for messages in waiting.values():
        report.warnings.setdefault(BATCH, []).extend(messages)
    return report


def java_problem() -> str | None:
    """Why the matrix cannot run here, or None."""
    java = shutil.which("java")
    if java is None:
        return f"java is not installed: {NEEDS_JAVA}"
    version = subprocess.run(
        [java, "-XshowSettings:properties", "-version"],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"java\.specification\.version = (\d+)", version.stderr)
    if found is None or int(found[1]) < MIN_JAVA:
        seen = found[1] if found else "unknown"
        return f"java {seen} is too old: {NEEDS_JAVA}"
    return None


def run_batch(spec: Path, out: Path, labels: list[str]) -> tuple[int, list[str]]:
    """Write one batch config per target into `out` and run them in one JVM."""
    configs = []
    for label in labels:
        settings = TARGETS[label]
        config = out / f"{label}.json"
        body = {"inputSpec": str(spec), "outputDir": str(out / label), **settings}
        config.write_text(json.dumps(body, indent=1), encoding="utf-8")
        configs.append(str(config))
    logback = out / "logback.xml"
    logback.write_text(LOGBACK, encoding="utf-8")
    jar = importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"
    java = shutil.which("java") or "java"
    command = [
        java,
        # a short run: the client compiler alone starts faster than tiered compilation
        "-XX:TieredStopAtLevel=1",
        f"-Dlogback.configurationFile={logback}",
        "-jar",
        str(jar),
        "batch",
        "--fail-fast",
        "--root-dir",
        str(out),
        *configs,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    return result.returncode, (result.stdout + result.stderr).splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--keep", type=Path, help="write the clients here and keep them")
    parser.add_argument("--only", action="append", choices=sorted(TARGETS), help="one target")
    args = parser.parse_args()
    labels: list[str] = args.only or list(TARGETS)

    problem = java_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1

    shared = [label for label in labels if label not in TARGET_ALLOWED_WARNINGS]
    groups = [shared] * bool(shared) + [[lb] for lb in labels if lb in TARGET_ALLOWED_WARNINGS]
    report = Report()
    returncode, lines = 0, []
    with tempfile.TemporaryDirectory(prefix="eko-matrix-") as tmp:
        out = Path(tmp) if args.keep is None else args.keep.resolve()
        out.mkdir(parents=True, exist_ok=True)
        for group in groups:
            code, logged = run_batch(args.spec.resolve(), out, group)
            returncode, lines = returncode or code, lines + logged
            part = read_log(logged, group)
            report.warnings.update(part.warnings)
            report.finished |= part.finished

    refused = report.refused()
    print(f"openapi-generator {version('openapi-generator-cli')} on {args.spec}:")
    for label in labels:
        settings = TARGETS[label]
        generator = str(settings["generatorName"])
        if "library" in settings:
            generator += f" ({settings['library']})"
        state = "generated" if label in report.finished else "NOT generated"
        counts = f"{len(report.warnings[label])} warning(s), {len(refused.get(label, []))} refused"
        print(f"  {label:<18} {generator:<24} {state}, {counts}")
    if BATCH in report.warnings:
        print(f"  {BATCH:<18} {'':<24} {len(report.warnings[BATCH])} warning(s), all refused")
    print(
        "  (openapi-generator logs some warnings once per JVM: a warning that several targets "
        "hit is counted for the first of them)"
    )

    missing = [label for label in labels if label not in report.finished]
    if returncode != 0 or refused or missing:
        print("FAILED:", file=sys.stderr)
        for label, messages in refused.items():
            for message in messages:
                print(f"  {label}: {message}", file=sys.stderr)
        if missing:
            print(f"  not generated: {', '.join(missing)}", file=sys.stderr)
        if returncode != 0:
            print(f"  openapi-generator exited with {returncode}; its output:", file=sys.stderr)
            for line in lines:
                print(f"    {line}", file=sys.stderr)
        return 1
    print("no warnings but the 3.1 beta notice (and, for python, its generator bug above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
