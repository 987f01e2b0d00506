"""The opt-in pytest plugin, run in throw-away projects (pytester)."""

from __future__ import annotations

import importlib.metadata
import threading
import tomllib
from pathlib import Path

import pytest

PLUGIN = "eko_digilocker_sandbox.pytest_plugin"
ROOT = Path(__file__).resolve().parents[2]

# The inner runs share this process (and its own sandbox threads): count only those
# started after the outer test wrote BASELINE.
THREADS = """
import threading
from pathlib import Path


def sandbox_threads():
    named = [t for t in threading.enumerate() if t.name == "eko-digilocker-sandbox"]
    return len(named) - BASELINE
"""


def threads_module() -> str:
    running = [t for t in threading.enumerate() if t.name == "eko-digilocker-sandbox"]
    return f"BASELINE = {len(running)}\n{THREADS}"


JOURNEY = """
import pytest

from threads import sandbox_threads


def test_journey(eko_client, eko_control, eko_customer):
    created = eko_client.create_digilocker_url("https://app.example/cb")
    back = eko_customer.approve(created.url)
    assert back.redirect.approved
    document = eko_client.get_document(created.reference_id, back.redirect.verification_id)
    assert document.documents
    assert [s.reference_id for s in eko_control.sessions()] == [created.reference_id]
    eko_control.force(463)
    eko_control.set_faults(latency_probability=0.5)


def test_state_is_clean_between_tests(eko_control):
    assert list(eko_control.sessions()) == []
    assert eko_control.forced() == []
    assert not eko_control.faults().enabled


def test_the_shared_sandbox_takes_the_config_fixture(eko_client, eko_control):
    created = eko_client.create_digilocker_url("https://app.example/cb")
    session = eko_control.session(created.reference_id)
    assert session.expires_at - session.created_at == 77


@pytest.mark.eko_sandbox(session_ttl_seconds=42)
def test_a_sandbox_of_its_own(eko_sandbox, eko_client, eko_sandbox_url):
    assert eko_sandbox.base_url != eko_sandbox_url
    created = eko_client.create_digilocker_url("https://app.example/cb")
    session = eko_sandbox.control.session(created.reference_id)
    assert session.expires_at - session.created_at == 42


# Both event loops: the fixture holds nothing that ties it to one (trio comes with selenium).
@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_async_client(eko_async_client, eko_control, anyio_backend):
    created = await eko_async_client.create_digilocker_url("https://app.example/cb")
    eko_control.approve(created.reference_id)
    result = await eko_async_client.wait_for_consent(created.reference_id, timeout=5)
    assert result.authenticated


def test_sandbox_threads_stop_with_their_scope():
    assert sandbox_threads() == 1  # the shared one; the test's own has stopped
"""

CONFTEST = """
import pytest

from eko_digilocker_sandbox import SandboxConfig


@pytest.fixture(scope="session")
def eko_sandbox_config():
    return SandboxConfig(session_ttl_seconds=77)
"""


def test_the_fixtures_drive_a_whole_journey(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_journey=JOURNEY, threads=threads_module())
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(passed=7)


def test_loaded_but_unused_it_starts_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        threads=threads_module(),
        test_plain="""
        from threads import sandbox_threads

        def test_plain(eko_customer):
            assert sandbox_threads() == 0
        """,
    )
    pytester.runpytest("-p", PLUGIN).assert_outcomes(passed=1)


def test_a_marker_with_positional_arguments_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
        import pytest

        @pytest.mark.eko_sandbox(5)
        def test_bad(eko_sandbox):
            pass
        """
    )
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*takes SandboxConfig keywords only*"])


@pytest.mark.parametrize(
    ("marker", "said"),
    [
        ("bogus=1", "*takes SandboxConfig keywords only: *session_ttl_seconds*; not bogus*"),
        ("session_ttl_seconds=0", "*eko_sandbox: session_ttl_seconds must be positive*"),
    ],
)
def test_a_marker_with_an_unknown_or_bad_argument_is_a_usage_error(
    pytester: pytest.Pytester, marker: str, said: str
) -> None:
    pytester.makepyfile(
        test_bad=f"""
        import pytest

        @pytest.mark.eko_sandbox({marker})
        def test_bad(eko_sandbox):
            pass
        """
    )
    result = pytester.runpytest("-p", PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*UsageError: {said}"])
    assert "TypeError" not in result.stdout.str()


def test_a_project_that_does_not_opt_in_sees_no_change(pytester: pytest.Pytester) -> None:
    # A separate interpreter, as a project of its own runs it, with the package installed.
    pytester.makepyfile(
        test_untouched="""
        import sys
        import threading

        def test_untouched():
            assert not [m for m in sys.modules if m.startswith("eko_digilocker")]
            assert "eko-digilocker-sandbox" not in [t.name for t in threading.enumerate()]
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    assert "eko_" not in pytester.runpytest_subprocess("--fixtures").stdout.str()
    assert "eko_sandbox" not in pytester.runpytest("--markers").stdout.str()
    # ...while the same commands with the plugin show them (so the checks above can fail).
    assert "eko_client" in pytester.runpytest("-p", PLUGIN, "--fixtures").stdout.str()
    assert "eko_sandbox" in pytester.runpytest("-p", PLUGIN, "--markers").stdout.str()
    # And were the plugin an entry point, the same unchanged project would see it: a
    # distribution on its path (nothing installed) whose pytest11 entry point names it.
    registered = pytester.mkdir("autoload-0.dist-info")
    (registered / "METADATA").write_text("Metadata-Version: 2.1\nName: autoload\nVersion: 0\n")
    (registered / "entry_points.txt").write_text(f"[pytest11]\neko = {PLUGIN}\n")
    pytester.runpytest_subprocess().assert_outcomes(failed=1)
    assert "eko_client" in pytester.runpytest_subprocess("--fixtures").stdout.str()


def test_the_package_registers_no_pytest_entry_point() -> None:
    # An entry point (group pytest11) would load the plugin into every pytest run of
    # every project installed next to it; opting in with -p is the decision.
    entry_points = importlib.metadata.distribution("eko-digilocker").entry_points
    assert [ep for ep in entry_points if ep.group == "pytest11"] == []
    assert importlib.metadata.entry_points(group="pytest11", name=PLUGIN) == ()
    # The installed metadata may predate an edit: read the source of truth too.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "pytest11" not in pyproject["project"].get("entry-points", {})


def test_the_documented_example_runs_as_written(pytester: pytest.Pytester) -> None:
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    ini_line = code.splitlines()[0]
    assert ini_line == f"# pytest.ini: [pytest] addopts = -p {PLUGIN}"
    pytester.makeini(f"[pytest]\naddopts = -p {PLUGIN}\n")
    pytester.makepyfile(test_readme=code)
    pytester.runpytest().assert_outcomes(passed=1)
