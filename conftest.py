"""Hypothesis profiles: `ci` (default) is derandomized and quick; `fuzz` hunts longer.

Select with HYPOTHESIS_PROFILE=fuzz (what `make fuzz` does).
"""

import os

from hypothesis import HealthCheck, settings

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
