"""The control document describes exactly what the sandbox serves under /_sandbox/:
every path, and for each path exactly the methods it answers (others get 405)."""

from __future__ import annotations

import re

import httpx
import pytest

from eko_digilocker.spec import HTTP_METHODS
from eko_digilocker_sandbox import SandboxConfig, create_app
from eko_digilocker_sandbox.control_client import control_spec

CONTROL_PATHS = sorted(control_spec()["paths"])
# The benchmark's baseline is a bare ASGI endpoint that answers every method alike
# (nothing to refuse on it); the document lists the GET the benchmark sends.
ANY_METHOD = {"/_sandbox/bare"}


def test_the_document_lists_every_control_path_the_server_routes() -> None:
    # A `{...:path}` route is the catch-all that answers unknown paths with a JSON 404.
    served = {
        re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for route in create_app(SandboxConfig()).routes
        if getattr(route, "path", "").startswith("/_sandbox/") and ":path}" not in route.path
    }
    assert served == set(CONTROL_PATHS)


@pytest.mark.parametrize("path", CONTROL_PATHS)
def test_each_path_answers_exactly_the_documented_methods(sandbox: str, path: str) -> None:
    documented = {method.upper() for method in control_spec()["paths"][path]} & {
        method.upper() for method in HTTP_METHODS
    }
    url = sandbox + path.replace("{reference_id}", "7000001")
    with httpx.Client(timeout=10) as client:
        for method in ("GET", "PUT", "POST", "DELETE", "PATCH"):
            status = client.request(method, url, json={}).status_code
            if method in documented or path in ANY_METHOD:
                assert status != 405, (method, path)
            else:
                assert status == 405, (method, path, status)
