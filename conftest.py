"""Hypothesis profiles: `ci` (default) is derandomized and quick; `fuzz` hunts longer.

Select with HYPOTHESIS_PROFILE=fuzz (what `make fuzz` does). Also: the reports folder
schemathesis writes into, and no EKO_* client settings leaking in from the shell.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

# pytester: the kit's plugin is tested in throw-away projects (tests/kit/test_plugin.py).
pytest_plugins = ["pytester"]

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure() -> None:
    # schemathesis writes its JUnit report (schemathesis.toml) at session end and does not
    # create the folder itself.
    os.makedirs("reports", exist_ok=True)


CLIENT_SETTINGS = (
    "EKO_DEVELOPER_KEY",
    "EKO_ACCESS_KEY",
    "EKO_INITIATOR_ID",
    "EKO_USER_CODE",
    "EKO_BASE_URL",
    "EKO_ENVIRONMENT",
)


@pytest.fixture(autouse=True)
def _no_client_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests set what they need; keys a developer exported for UAT must not leak in."""
    for name in CLIENT_SETTINGS:
        monkeypatch.delenv(name, raising=False)
