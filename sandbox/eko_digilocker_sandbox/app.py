"""`create_app`: the sandbox as a Starlette application, its routes taken from the spec.

`SandboxApp` is also the sandbox's last line of defence: request targets that are not a
path (`*`, absolute-form `http://host/...`, `CONNECT host:443`) get an Eko envelope,
Starlette's own errors (an unknown method on a control route) are answered in JSON, and
an exception escaping any handler becomes the internal-error envelope, counted in
`internal_errors`, instead of Starlette's plain-text 500.
"""

from __future__ import annotations

import logging
from itertools import groupby

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eko_digilocker.spec import Operation, operations
from eko_digilocker_sandbox import answers
from eko_digilocker_sandbox.api import INTERNAL_ERROR, ApiPath, NotFoundPath, json_answer
from eko_digilocker_sandbox.config import SandboxConfig
from eko_digilocker_sandbox.consent import consent_routes
from eko_digilocker_sandbox.control import control_routes
from eko_digilocker_sandbox.faults import RAW_SEND_KEY
from eko_digilocker_sandbox.state import ServerState

logger = logging.getLogger("eko_digilocker_sandbox")


def _odd_target(scope: Scope) -> tuple[int, str] | None:
    """(HTTP status, message) for a request target that is not a path, else None."""
    if scope["method"] == "CONNECT":
        return 405, "Method not allowed: CONNECT (the sandbox is not a proxy)"
    if not scope["path"].startswith("/"):
        return 404, "Not found: the request target must be a path starting with / (origin-form)"
    return None


async def _send_json(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's 404/405 (e.g. DELETE on a GET-only control route) in JSON."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if request.url.path.startswith("/_sandbox/"):
        return JSONResponse({"error": exc.detail}, exc.status_code, headers=headers)
    envelope = answers.http_error(exc.status_code, exc.detail)
    return JSONResponse(envelope, exc.status_code, headers=headers)


class SandboxApp(Starlette):
    """A Starlette app that also hands the server's own `send` to the fault injector.

    Dropping a connection or truncating an answer needs the server's socket, which
    Starlette's middleware wrappers hide; the raw `send` of uvicorn leads to it.
    """

    sandbox: ServerState

    def build_middleware_stack(self) -> ASGIApp:
        # Without Starlette's ServerErrorMiddleware: `__call__` answers exceptions itself.
        return ExceptionMiddleware(self.router, handlers={HTTPException: _http_exception})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        scope[RAW_SEND_KEY] = send
        odd = _odd_target(scope)
        if odd is not None:
            answer = json_answer(odd[0], answers.http_error(*odd), close=True)
            await _send_json(send, answer.status, answer.body, answer.headers())
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await super().__call__(scope, receive, tracking_send)
        except ClientDisconnect:
            return
        except Exception:
            logger.exception("internal error answering %s %s", scope["method"], scope["path"])
            self.sandbox.counters.add("internal_errors")
            if not started:
                envelope = answers.envelope(500, INTERNAL_ERROR, answers.FAILURE)
                answer = json_answer(200, envelope, close=True)
                await _send_json(send, answer.status, answer.body, answer.headers())


def _spec_routes(state: ServerState) -> list[BaseRoute]:
    by_path = sorted(operations().values(), key=lambda op: op.path)
    routes: list[BaseRoute] = []
    for path, ops in groupby(by_path, key=lambda op: op.path):
        group: list[Operation] = list(ops)
        routes.append(Route(path, ApiPath(state, group), name=group[0].operation_id))
    return routes


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """The sandbox application; its state is at `app.sandbox` (a `ServerState`)."""
    state = ServerState(config or SandboxConfig())
    routes: list[BaseRoute] = [
        *_spec_routes(state),
        *control_routes(state),
        *consent_routes(state),
        Route("/{path:path}", NotFoundPath(), name="not_found"),
    ]
    app = SandboxApp(routes=routes)
    app.sandbox = state
    return app
