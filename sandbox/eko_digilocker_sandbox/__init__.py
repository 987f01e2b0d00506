"""A local emulator of Eko's DigiLocker API, validated against the same spec as the client.

    eko-digilocker sandbox --port 0        # or: python -m eko_digilocker_sandbox --port 0

prints its base URL as the first line of stdout. In tests: `running_sandbox()`, driven by
`SandboxControl` (approve, deny, expire, force, fail_next, faults...) and a `Customer` who answers
the consent page; or the pytest fixtures of `eko_digilocker_sandbox.pytest_plugin`.
"""

from eko_digilocker_sandbox.app import create_app
from eko_digilocker_sandbox.config import (
    UAT_ACCESS_KEY,
    UAT_DEVELOPER_KEY,
    UAT_TEST_ACCOUNT,
    SandboxConfig,
)
from eko_digilocker_sandbox.control_client import (
    AsyncSandboxControl,
    SandboxControl,
    SandboxControlError,
    SandboxSession,
    SandboxState,
)
from eko_digilocker_sandbox.customer import (
    ConsentExpiredError,
    ConsentPageError,
    Customer,
    CustomerReturn,
)
from eko_digilocker_sandbox.faults import FaultSettings
from eko_digilocker_sandbox.server import main, running_sandbox
from eko_digilocker_sandbox.steering import ForcedScenario, ScheduledFailure

__all__ = [
    "UAT_ACCESS_KEY",
    "UAT_DEVELOPER_KEY",
    "UAT_TEST_ACCOUNT",
    "AsyncSandboxControl",
    "ConsentExpiredError",
    "ConsentPageError",
    "Customer",
    "CustomerReturn",
    "FaultSettings",
    "ForcedScenario",
    "SandboxConfig",
    "SandboxControl",
    "SandboxControlError",
    "SandboxSession",
    "SandboxState",
    "ScheduledFailure",
    "create_app",
    "main",
    "running_sandbox",
]
