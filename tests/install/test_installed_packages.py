"""The artifacts of `make dist`, installed as a user installs them: the wheel into an empty
venv, the npm tarball into an empty npm project. Nothing of the repository is on their
paths; the sandbox they talk to is the one the wheel installed, run as its own process.

`make install-test` (part of `make test`) runs them; they build dist/ with `make dist`
first."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
import tomllib
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
LOCK = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Eko's public UAT keys: the sandbox's default credentials (FACTS.md)
UAT_KEYS = {
    "EKO_DEVELOPER_KEY": "becbbce45f79c6f5109f848acd540567",
    "EKO_ACCESS_KEY": "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
    "EKO_INITIATOR_ID": "9962981729",
    "EKO_USER_CODE": "20810200",
}

pytestmark = pytest.mark.timeout(600)


def spec_version() -> str:
    spec = yaml.safe_load((ROOT / "openapi" / "eko-digilocker.yaml").read_text(encoding="utf-8"))
    version: str = spec["info"]["version"]
    return version


def distribution_name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


@dataclass(frozen=True)
class Artifacts:
    version: str
    wheel: Path
    sdist: Path
    tarball: Path


@pytest.fixture(scope="module")
def artifacts() -> Artifacts:
    version = spec_version()
    found = Artifacts(
        version,
        DIST / f"eko_digilocker-{version}-py3-none-any.whl",
        DIST / f"eko_digilocker-{version}.tar.gz",
        DIST / f"eko-digilocker-{version}.tgz",
    )
    # built afresh: a dist/ left from other sources must not pass for this tree's
    subprocess.run(["make", "-s", "dist"], cwd=ROOT, check=True, timeout=300)
    assert all(path.is_file() for path in (found.wheel, found.sdist, found.tarball))
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would let the repository's code in."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "NODE_PATH"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def run(command: list[str], cwd: Path, **env: str) -> str:
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=cwd,
        env=clean_env(**env),
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel_venv(artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty venv with the wheel and its runtime dependencies installed by pip."""
    home = tmp_path_factory.mktemp("wheel-venv") / "venv"
    venv.EnvBuilder(with_pip=True).create(home)
    # the constraints pin each dependency to the version the suite tests; which
    # dependencies are installed is the wheel's own metadata's choice
    pip = [str(home / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    run([*pip, "--quiet", "-c", str(CONSTRAINTS), f"{artifacts.wheel}[sandbox]"], cwd=home)
    return home


@pytest.fixture(scope="module")
def client_venv(artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty venv with the wheel alone, as an app that only calls Eko installs it."""
    home = tmp_path_factory.mktemp("client-venv") / "venv"
    venv.EnvBuilder(with_pip=True).create(home)
    pip = [str(home / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    run([*pip, "--quiet", "-c", str(CONSTRAINTS), str(artifacts.wheel)], cwd=home)
    return home


def installed_names(home: Path) -> set[str]:
    listed = run([str(home / "bin" / "python"), "-m", "pip", "list", "--format=json"], cwd=home)
    return {distribution_name(item["name"]) for item in json.loads(listed)}


@pytest.fixture(scope="module")
def installed_sandbox(wheel_venv: Path) -> Iterator[str]:
    """`eko-digilocker sandbox --port 0` of the installed wheel, as its own process."""
    process = subprocess.Popen(
        [str(wheel_venv / "bin" / "eko-digilocker"), "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
        cwd=wheel_venv,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()  # printed once it listens
        assert base_url.startswith("http://127.0.0.1:"), "the installed sandbox did not start"
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def npm(*args: str, cwd: Path) -> None:
    run(["npm", *args, "--no-audit", "--no-fund", "--loglevel=error"], cwd=cwd)


def locked_version(name: str) -> str:
    version: str = LOCK["packages"][f"node_modules/{name}"]["version"]
    return version


@pytest.fixture(scope="module")
def npm_project(artifacts: Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty npm project that installed the tarball (which brings openapi-fetch), plus
    the TypeScript compiler and Node's types a TypeScript user has, at our pinned versions."""
    project = tmp_path_factory.mktemp("npm-project")
    package = {"name": "kyc-app", "version": "0.0.0", "private": True, "type": "module"}
    (project / "package.json").write_text(json.dumps(package), encoding="utf-8")
    npm("install", str(artifacts.tarball), cwd=project)
    tools = [f"{name}@{locked_version(name)}" for name in ("typescript", "@types/node")]
    npm("install", "--save-dev", *tools, cwd=project)
    return project


# --- the wheel -------------------------------------------------------------------------


def test_the_wheel_requires_only_the_runtime_dependencies(artifacts: Artifacts) -> None:
    with zipfile.ZipFile(artifacts.wheel) as wheel:
        metadata = Parser().parsestr(
            wheel.read(f"eko_digilocker-{artifacts.version}.dist-info/METADATA").decode()
        )
    assert metadata["Version"] == artifacts.version
    unconditional = [req for req in metadata.get_all("Requires-Dist", []) if ";" not in req]
    runtime = PYPROJECT["project"]["dependencies"]
    assert sorted(map(distribution_name, unconditional)) == sorted(map(distribution_name, runtime))


def test_the_sdist_builds_the_same_package(artifacts: Artifacts) -> None:
    with tarfile.open(artifacts.sdist) as sdist:
        names = sdist.getnames()
    prefix = f"eko_digilocker-{artifacts.version}/"
    for needed in ("pyproject.toml", "README.md", "openapi/eko-digilocker.yaml"):
        assert prefix + needed in names
    assert not [name for name in names if name.startswith(prefix + "tests/")]


# --- issue 23, item 12: both packages declare MIT and carry its text


def test_the_wheel_and_the_tarball_carry_the_licence_text(artifacts: Artifacts) -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    with zipfile.ZipFile(artifacts.wheel) as wheel:
        info = f"eko_digilocker-{artifacts.version}.dist-info/"
        shipped = [name for name in wheel.namelist() if name.startswith(info + "licenses/")]
        assert [wheel.read(name).decode() for name in shipped] == [licence]
    with tarfile.open(artifacts.tarball) as tarball:
        member = tarball.extractfile("package/LICENSE")
        assert member is not None
        assert member.read().decode() == licence


def test_the_venv_holds_no_development_tool(wheel_venv: Path) -> None:
    installed = installed_names(wheel_venv)
    runtime = set(map(distribution_name, PYPROJECT["project"]["dependencies"]))
    dev_only = set(map(distribution_name, PYPROJECT["project"]["optional-dependencies"]["dev"]))
    assert "eko-digilocker" in installed
    assert runtime <= installed
    assert installed & (dev_only - runtime) == set()
    # a tool moved into the runtime list would pass the lines above: anyio is the one
    # package both lists name (the client runs on it; the tests use its pytest plugin)
    assert runtime & dev_only == {"anyio"}


def test_the_installed_cli_reports_the_spec_version(wheel_venv: Path, artifacts: Artifacts) -> None:
    out = run([str(wheel_venv / "bin" / "eko-digilocker"), "--version"], cwd=wheel_venv)
    assert out.strip() == f"eko-digilocker {artifacts.version}"


# --- issue 23, item 11: `pip install eko-digilocker` brings the client and no web server


def test_the_client_alone_installs_no_web_server(client_venv: Path) -> None:
    installed = installed_names(client_venv)
    client = set(map(distribution_name, PYPROJECT["project"]["dependencies"]))
    sandbox = set(map(distribution_name, PYPROJECT["project"]["optional-dependencies"]["sandbox"]))
    assert sandbox == {"starlette", "uvicorn"}
    assert client <= installed
    assert installed & sandbox == set()


def test_the_client_alone_says_in_one_line_how_to_get_the_sandbox(client_venv: Path) -> None:
    for command in ("sandbox", "proxy"):
        done = subprocess.run(
            [str(client_venv / "bin" / "eko-digilocker"), command, "--port", "0"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
            env=clean_env(),
            cwd=client_venv,
        )
        assert done.returncode == 1
        [line] = done.stderr.splitlines()
        assert line.startswith(f"eko-digilocker {command}: needs the sandbox's dependencies")
        assert line.endswith("pip install 'eko-digilocker[sandbox]'")


NO_SANDBOX_PY = """\
import importlib, pkgutil, sys
import eko_digilocker

for module in pkgutil.walk_packages(eko_digilocker.__path__, "eko_digilocker."):
    importlib.import_module(module.name)
sandbox_side = ("eko_digilocker_sandbox", "starlette", "uvicorn")
print(sorted(name for name in sys.modules if name.split(".")[0] in sandbox_side))
"""


def test_the_client_alone_creates_a_session(client_venv: Path, installed_sandbox: str) -> None:
    python = str(client_venv / "bin" / "python")
    out = run(
        [python, "-I", "-c", CREATE_SESSION_PY, installed_sandbox], cwd=client_venv, **UAT_KEYS
    )
    assert int(out.split()[1]) > 0
    # every module of the client imports without the sandbox's
    assert run([python, "-I", "-c", NO_SANDBOX_PY], cwd=client_venv).strip() == "[]"


CREATE_SESSION_PY = """\
import sys
import eko_digilocker
from eko_digilocker import EkoClient

assert eko_digilocker.__file__.startswith(sys.prefix), eko_digilocker.__file__
with EkoClient(base_url=sys.argv[1]) as eko:
    session = eko.create_digilocker_url("https://yourapp.example/kyc/callback")
print(eko_digilocker.__version__, session.reference_id, session.url)
"""


def test_the_installed_wheel_creates_a_session(
    wheel_venv: Path, installed_sandbox: str, artifacts: Artifacts
) -> None:
    # -I: neither the working directory nor PYTHON* variables reach sys.path
    python = str(wheel_venv / "bin" / "python")
    out = run(
        [python, "-I", "-c", CREATE_SESSION_PY, installed_sandbox], cwd=wheel_venv, **UAT_KEYS
    )
    version, reference_id, url = out.split()
    assert version == artifacts.version
    assert int(reference_id) > 0
    assert url.startswith(f"{installed_sandbox}/consent/{reference_id}?")


# --- the npm tarball -------------------------------------------------------------------


def test_the_tarball_is_an_installable_package(artifacts: Artifacts) -> None:
    with tarfile.open(artifacts.tarball) as tarball:
        member = tarball.extractfile("package/package.json")
        assert member is not None
        package = json.load(member)
        names = tarball.getnames()
    assert package["version"] == artifacts.version
    assert "private" not in package
    assert package["dependencies"] == {
        name: locked_version(name) for name in ("openapi-fetch", "undici")
    }
    entry = package["exports"]["."]
    for path in (entry["import"], entry["types"]):
        assert "package/" + path.removeprefix("./") in names
    assert not [name for name in names if name.endswith(".ts") and not name.endswith(".d.ts")]


def test_the_readme_links_resolve_inside_the_tarball(artifacts: Artifacts) -> None:
    """npm shows the package's README; each of its relative links must reach a file the
    tarball ships (issue 23 item 13)."""
    with tarfile.open(artifacts.tarball) as tarball:
        names = set(tarball.getnames())
        member = tarball.extractfile("package/README.md")
        assert member is not None
        readme = member.read().decode("utf-8")
    links = re.findall(r"\]\(([^)#\s]+)", readme)
    local = sorted({link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link)})
    missing = [link for link in local if f"package/{link.removeprefix('./')}" not in names]
    assert local, "the README has no relative links: the test reads the wrong file"
    assert not missing, f"README links the tarball lacks: {missing}"


def test_the_npm_project_installed_only_the_runtime_dependencies(npm_project: Path) -> None:
    modules = npm_project / "node_modules"
    assert (modules / "eko-digilocker").is_dir()
    assert (modules / "openapi-fetch").is_dir()
    assert (modules / "undici").is_dir()
    assert not (modules / "openapi-typescript").exists()


CREATE_SESSION_MJS = """\
import { createEkoClient, readAnswer } from "eko-digilocker";

const eko = createEkoClient({
  baseUrl: process.argv[2],
  developerKey: process.env.EKO_DEVELOPER_KEY,
  accessKey: process.env.EKO_ACCESS_KEY,
});
const answer = readAnswer(
  await eko.POST("/tools/kyc/digilocker", {
    body: {
      initiator_id: process.env.EKO_INITIATOR_ID,
      document_requested: ["AADHAAR"],
      redirect_url: "https://yourapp.example/kyc/callback",
    },
  }),
);
if (answer.kind !== "success") throw new Error(JSON.stringify(answer));
console.log(answer.data.reference_id, answer.data.url);
"""

# The same from TypeScript, with the answer types by name: it only compiles if the
# package's .d.ts give `answer.data` its operation's type once narrowed by `kind`.
CREATE_SESSION_TS = """\
import {
  createEkoClient,
  readAnswer,
  type Answer,
  type AnswerBody,
  type CallResult,
  type Envelope,
  type SessionState,
} from "eko-digilocker";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

function describe<Body extends AnswerBody>(answer: Answer<Body>): string {
  const state: SessionState | null = answer.kind === "business_error" ? answer.state : null;
  return `${answer.kind} ${String(state)}`;
}

const eko = createEkoClient({
  baseUrl: process.argv[2] ?? "",
  developerKey: env("EKO_DEVELOPER_KEY"),
  accessKey: env("EKO_ACCESS_KEY"),
});
const result = await eko.POST("/tools/kyc/digilocker", {
  body: {
    initiator_id: env("EKO_INITIATOR_ID"),
    document_requested: ["AADHAAR"],
    redirect_url: "https://yourapp.example/kyc/callback",
  },
});
const call: CallResult<NonNullable<typeof result.data>> = result;
const envelope: Envelope | undefined = call.error;
const answer = readAnswer(call);
if (answer.kind !== "success") throw new Error(describe(answer) + JSON.stringify(envelope));
const referenceId: number | undefined = answer.data.reference_id;
const url: string | undefined = answer.data.url;
console.log(referenceId, url);
"""

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "target": "es2022",
        "types": ["node"],
        "outDir": "out",
    },
    "files": ["session.ts"],
}


def assert_a_session(out: str, base_url: str) -> None:
    reference_id, url = out.split()
    assert int(reference_id) > 0
    assert url.startswith(f"{base_url}/consent/{reference_id}?")


def test_plain_node_creates_a_session(npm_project: Path, installed_sandbox: str) -> None:
    (npm_project / "session.mjs").write_text(CREATE_SESSION_MJS, encoding="utf-8")
    out = run(["node", "session.mjs", installed_sandbox], cwd=npm_project, **UAT_KEYS)
    assert_a_session(out, installed_sandbox)


def test_strict_typescript_creates_a_session(npm_project: Path, installed_sandbox: str) -> None:
    (npm_project / "session.ts").write_text(CREATE_SESSION_TS, encoding="utf-8")
    (npm_project / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
    run([str(npm_project / "node_modules" / ".bin" / "tsc"), "-p", "."], cwd=npm_project)
    out = run(["node", "out/session.js", installed_sandbox], cwd=npm_project, **UAT_KEYS)
    assert_a_session(out, installed_sandbox)


def test_the_package_exposes_only_its_entry_point(npm_project: Path) -> None:
    deep = (
        "import('eko-digilocker/lib/overlay/typescript/client.js').catch(e => console.log(e.code))"
    )
    out = run(["node", "--input-type=module", "-e", deep], cwd=npm_project)
    assert out.strip() == "ERR_PACKAGE_PATH_NOT_EXPORTED"


# --- the SDK (EkoClient) from the tarball, under tsc --strict --------------------------

# The journey as the README tells it: create, pending, approval (the sandbox's control
# surface plays the customer), waitForConsent, the customer's return read by
# parseRedirect, getDocument. Compiles only if the narrowed types need no `!`.
JOURNEY_TS = """\
import {
  EkoClient,
  EkoVerificationPendingError,
  parseRedirect,
  type CreatedSession,
  type DigilockerDocuments,
} from "eko-digilocker";

const baseUrl = process.argv[2] ?? "";
const eko = new EkoClient({ baseUrl }); // keys from the EKO_* variables
const session: CreatedSession = await eko.createDigilockerUrl({
  redirectUrl: "https://yourapp.example/kyc/callback",
});
const referenceId: bigint = session.reference_id;
const url: string = session.url;
let pending = false;
try {
  await eko.getVerificationStatus(referenceId);
} catch (error) {
  pending = error instanceof EkoVerificationPendingError;
}
const control = `${baseUrl}/_sandbox/sessions/${referenceId}/approve`;
const approved = await fetch(control, { method: "POST" });
const { redirect_location } = (await approved.json()) as { redirect_location: string };
const done = await eko.waitForConsent(referenceId, { timeoutMs: 20_000, intervalMs: 200 });
const back = parseRedirect(redirect_location);
if (!back.approved || back.verificationId === null) throw new Error(JSON.stringify(back));
const documents: DigilockerDocuments = await eko.getDocument(referenceId, back.verificationId);
await eko.close();
console.log(JSON.stringify({
  url, pending, state: done.state, same: back.referenceId === referenceId,
  verification_status: documents.verification_status, documents: documents.documents?.length,
}));
"""

# Each hostile answer against the client's deadline and read limit, in one process
# whose memory is measured: its resident size after loading, and its peak.
HOSTILE_TS = """\
import { EkoClient, EkoError } from "eko-digilocker";

const [timeoutMs, ...targets] = process.argv.slice(2);
const start = process.memoryUsage().rss;
const lines = [];
for (const target of targets) {
  const [name, baseUrl] = target.split("=");
  const eko = new EkoClient({ baseUrl, timeoutMs: Number(timeoutMs) });
  const begun = performance.now();
  let error = "none";
  try {
    await eko.getVerificationStatus(1n);
  } catch (caught) {
    error = caught instanceof EkoError ? caught.constructor.name : `untyped ${String(caught)}`;
  }
  lines.push({ name, error, elapsed_ms: Math.round(performance.now() - begun) });
  await eko.close();
}
const peak = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ lines, start, peak }));
"""

HOSTILE = {
    "hang": ([{"hang": True}], "EkoTimeoutError"),
    "drip": (
        [{"json": {"status": 0, "message": "x" * 200, "data": {}}, "drip_ms": 200}],
        "EkoTimeoutError",
    ),
    "huge": ([{"bytes": 200_000_000}], "EkoResponseTooLargeError"),
    "bomb": ([{"gzip_bomb": 1024 * 1024 * 1024}], "EkoResponseTooLargeError"),
}
HOSTILE_TIMEOUT_MS = 3000
MEMORY_SLACK = 64 * 1024 * 1024


def compile_strict(project: Path, name: str, source: str) -> None:
    (project / f"{name}.ts").write_text(source, encoding="utf-8")
    config = {**TSCONFIG, "files": [f"{name}.ts"]}
    (project / f"tsconfig.{name}.json").write_text(json.dumps(config), encoding="utf-8")
    tsc = str(project / "node_modules" / ".bin" / "tsc")
    run([tsc, "-p", f"tsconfig.{name}.json"], cwd=project)


def test_strict_typescript_runs_the_sdk_journey(npm_project: Path, installed_sandbox: str) -> None:
    compile_strict(npm_project, "journey", JOURNEY_TS)
    command = ["node", "out/journey.js", installed_sandbox]
    out = json.loads(run(command, cwd=npm_project, **UAT_KEYS))
    assert out["url"].startswith(f"{installed_sandbox}/consent/")
    assert out == {**out, "pending": True, "state": "AUTHENTICATED", "same": True}
    assert out["verification_status"] == "SUCCESS"
    assert out["documents"] >= 1


def test_hostile_answers_end_typed_on_time_within_bounded_memory(npm_project: Path) -> None:
    from tests.conformance.scenario_server import ScenarioServer

    compile_strict(npm_project, "hostile", HOSTILE_TS)
    with ScenarioServer() as server:
        cases = [{"server": steps} for steps, _ in HOSTILE.values()]
        filled = server.load(cases, "npm")
        targets = [f"{name}={case['base_url']}" for name, case in zip(HOSTILE, filled, strict=True)]
        command = ["node", "out/hostile.js", str(HOSTILE_TIMEOUT_MS), *targets]
        out = json.loads(run(command, cwd=npm_project, **UAT_KEYS))
    for line in out["lines"]:
        assert line["error"] == HOSTILE[line["name"]][1], line
        # the deadline, plus slack for a machine under load
        assert line["elapsed_ms"] <= HOSTILE_TIMEOUT_MS + 2000, line
    grown = out["peak"] - out["start"]
    start, peak = out["start"] / 2**20, out["peak"] / 2**20
    print(f"npm SDK hostile answers: {out['lines']}")
    print(f"npm SDK memory: start {start:.1f} MiB, peak {peak:.1f} MiB")
    assert grown <= MEMORY_SLACK, f"peak {peak:.1f} MiB is over 64 MiB above the start {start:.1f}"


# --- the Go modules, as the README's Install section says to depend on them -------------

GO_PROGRAM = """\
package main

import (
	"context"
	"fmt"
	"os"

	eko "{overlay}"
)

func main() {
	// keys, initiator and user code from the EKO_* variables
	client, err := eko.New(eko.Options{BaseURL: os.Args[1]})
	if err != nil {
		panic(err)
	}
	session, err := client.CreateDigilockerURL(context.Background(),
		eko.CreateInput{RedirectURL: "https://yourapp.example/kyc/callback"})
	if err != nil {
		panic(err)
	}
	fmt.Println(session.ReferenceID, session.URL)
}
"""


def readme_go_mod() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Go\n", 1)[1].split("\n### ", 1)[0]
    return section.split("```go\n", 1)[1].split("```", 1)[0]


def test_a_go_module_depends_on_the_go_client_as_the_readme_says(
    tmp_path: Path, installed_sandbox: str, artifacts: Artifacts
) -> None:
    app = tmp_path / "kycapp"
    app.mkdir()
    requirements = readme_go_mod().replace("../eko-digilocker/", f"{ROOT}/")
    assert f"v{artifacts.version}\n" in requirements
    go_mod = f"module example.com/kycapp\n\ngo 1.19\n\n{requirements}"
    (app / "go.mod").write_text(go_mod, encoding="utf-8")
    # the import paths are the modules the README requires (from v2 on they end in /vN)
    modules = dict(re.findall(r"^\t(\S+/(generated|overlay)/go(?:/v\d+)?) v", requirements, re.M))
    # the SDK's module; the README requires the generated one under it as well
    assert {"generated", "overlay"} <= set(modules.values())
    program = GO_PROGRAM.replace("{overlay}", next(m for m, f in modules.items() if f == "overlay"))
    (app / "main.go").write_text(program, encoding="utf-8")
    go_env = {
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",  # nothing but the two modules of this repository
        "GOTOOLCHAIN": "local",
        "GOCACHE": str(ROOT / "build" / "go-cache"),
        "GOPATH": str(tmp_path / "gopath"),
    }
    run(["go", "build", "-o", "kycapp", "."], cwd=app, **go_env)
    out = run([str(app / "kycapp"), installed_sandbox], cwd=app, **UAT_KEYS)
    assert_a_session(out, installed_sandbox)


# --- the Java sources, compiled as the README's Install section says ---------------------

JAVA_PROGRAM = """\
import eko.digilocker.CreateInput;
import eko.digilocker.DigilockerSession;
import eko.digilocker.EkoClient;

public class KycApp {
  public static void main(String[] args) {
    EkoClient eko = EkoClient.builder().baseUrl(args[0]).build(); // keys from EKO_* variables
    DigilockerSession s = eko.createDigilockerUrl(CreateInput.of("https://yourapp.example/kyc/callback"));
    System.out.println(s.referenceId() + " " + s.url());
  }
}
"""
# Jackson (core, databind, annotations), jsr305 and the javax.annotation API, as the
# README names them: Debian's jars (libjackson2-*-java, libjsr305-java,
# libgeronimo-annotation-1.3-spec-java)
JAVA_JARS = [
    Path("/usr/share/java") / f"{name}.jar"
    for name in (
        "jackson-core",
        "jackson-databind",
        "jackson-annotations",
        "jsr305",
        "geronimo-annotation-1.3-spec",
    )
]


def test_a_java_program_compiles_the_java_sources_as_the_readme_says(
    tmp_path: Path, installed_sandbox: str
) -> None:
    missing = [str(jar) for jar in JAVA_JARS if not jar.is_file()]
    assert missing == [], f"missing jars: {missing} (make setup installs them as root)"
    (tmp_path / "KycApp.java").write_text(JAVA_PROGRAM, encoding="utf-8")
    sources = [
        str(path)
        for folder in ("generated/java/src/main", "overlay/java/src/main")
        for path in sorted((ROOT / folder).rglob("*.java"))
    ]
    classes = tmp_path / "classes"
    classpath = ":".join(map(str, JAVA_JARS))
    run(
        ["javac", "-nowarn", "-d", str(classes), "-cp", classpath, *sources, "KycApp.java"],
        cwd=tmp_path,
    )
    # the spec beside the classes: the SDK's input checks and policy come from it
    (classes / "eko" / "digilocker" / "openapi.json").write_bytes(
        (ROOT / "generated" / "eko_digilocker_client" / "openapi.json").read_bytes()
    )
    out = run(
        ["java", "-cp", f"{classes}:{classpath}", "KycApp", installed_sandbox],
        cwd=tmp_path,
        **UAT_KEYS,
    )
    assert_a_session(out, installed_sandbox)


# --- the PHP package, installed by Composer as the README's Install section says -------

PHP_PROGRAM = """\
<?php
require __DIR__ . '/vendor/autoload.php';

$eko = new Eko\\DigiLocker\\EkoClient(['base_url' => $argv[1]]);  // keys from EKO_* variables
$session = $eko->createDigilockerUrl(redirectUrl: 'https://yourapp.example/kyc/callback');
echo Eko\\DigiLocker\\Version::get(), ' ', $session->referenceId, ' ', $session->url, "\\n";
"""


def readme_composer_json() -> dict[str, object]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### PHP\n", 1)[1].split("\n### ", 1)[0]
    document: dict[str, object] = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    return document


def test_an_empty_composer_project_installs_the_php_package_as_the_readme_says(
    tmp_path: Path, installed_sandbox: str, artifacts: Artifacts
) -> None:
    project = tmp_path / "kycapp"
    project.mkdir()
    manifest = readme_composer_json()
    # only a `require` and one `path` repository: enough without Packagist, because the
    # package finds Debian's Guzzle (php-guzzlehttp-guzzle) when Composer has not installed it
    assert set(manifest) == {"require", "repositories"}
    assert manifest["require"] == {"eko/digilocker": artifacts.version}
    [repository] = manifest["repositories"]  # type: ignore[misc]
    assert repository["type"] == "path"
    repository["url"] = repository["url"].replace("../eko-digilocker/", f"{ROOT}/")
    (project / "composer.json").write_text(json.dumps(manifest, indent=4), encoding="utf-8")
    composer_env = {
        "COMPOSER_HOME": str(tmp_path / "composer-home"),
        "COMPOSER_DISABLE_NETWORK": "1",  # nothing but the path repository
        "COMPOSER_NO_INTERACTION": "1",
    }
    run(["composer", "install", "--no-progress"], cwd=project, **composer_env)
    (project / "session.php").write_text(PHP_PROGRAM, encoding="utf-8")
    out = run(["php", "session.php", installed_sandbox], cwd=project, **UAT_KEYS)
    version, rest = out.split(" ", 1)
    assert version == artifacts.version
    assert_a_session(rest, installed_sandbox)
