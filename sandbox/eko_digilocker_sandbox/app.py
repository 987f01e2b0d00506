"""`create_app`: the sandbox as a Starlette application, its routes taken from the spec."""

from __future__ import annotations

from itertools import groupby

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from eko_digilocker.spec import Operation, operations
from eko_digilocker_sandbox.api import ApiPath, NotFoundPath
from eko_digilocker_sandbox.config import SandboxConfig
from eko_digilocker_sandbox.consent import consent_routes
from eko_digilocker_sandbox.control import control_routes
from eko_digilocker_sandbox.faults import RAW_SEND_KEY
from eko_digilocker_sandbox.state import SandboxState


class SandboxApp(Starlette):
    """A Starlette app that also hands the server's own `send` to the fault injector.

    Dropping a connection or truncating an answer needs the server's socket, which
    Starlette's middleware wrappers hide; the raw `send` of uvicorn leads to it.
    """

    sandbox: SandboxState

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND_KEY] = send
        await super().__call__(scope, receive, send)


def _spec_routes(state: SandboxState) -> list[BaseRoute]:
    by_path = sorted(operations().values(), key=lambda op: op.path)
    routes: list[BaseRoute] = []
    for path, ops in groupby(by_path, key=lambda op: op.path):
        group: list[Operation] = list(ops)
        routes.append(Route(path, ApiPath(state, group), name=group[0].operation_id))
    return routes


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """The sandbox application; its state is at `app.sandbox` (a `SandboxState`)."""
    state = SandboxState(config or SandboxConfig())
    routes: list[BaseRoute] = [
        *_spec_routes(state),
        *control_routes(state),
        *consent_routes(state),
        Route("/{path:path}", NotFoundPath(), name="not_found"),
    ]
    app = SandboxApp(routes=routes)
    app.sandbox = state
    return app
