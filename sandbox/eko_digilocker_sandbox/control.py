"""The test-control surface under `/_sandbox/`: off the spec, unsigned, loopback clients only.

GET    /_sandbox/state                        counters, session count, fault settings
GET    /_sandbox/sessions                     {"count": n, "sessions": [...]}
GET    /_sandbox/sessions/{reference_id}      one session
POST   /_sandbox/sessions/{reference_id}/approve | /deny | /expire
POST   /_sandbox/reset                        forget sessions, restore the run's faults
GET    /_sandbox/faults                       fault settings
PUT    /_sandbox/faults                       change some settings: {"drop_probability": 0.2}
DELETE /_sandbox/faults                       switch every fault off
GET    /_sandbox/bare                         a constant body (the benchmark's baseline)
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from eko_digilocker_sandbox.faults import FaultSettings
from eko_digilocker_sandbox.sessions import DecisionConflict, SessionNotFound
from eko_digilocker_sandbox.state import SandboxState

_MAX_CONTROL_BODY = 16 * 1024
BARE_BODY = b'{"status":0,"message":"bare","response_status_id":-1,"response_type_id":0,"data":{}}'

Endpoint = Callable[[Request], Awaitable[Response]]


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _loopback_only(endpoint: Endpoint) -> Endpoint:
    async def guarded(request: Request) -> Response:
        if not _is_loopback(request):
            return _error(403, "the sandbox control surface answers loopback clients only")
        return await endpoint(request)

    return guarded


async def _json_body(request: Request) -> Any:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > _MAX_CONTROL_BODY:
            raise ValueError("body too large")
    return json.loads(body.decode("utf-8")) if body.strip() else {}


class BareEndpoint:
    """A constant JSON answer on the same server stack: what the benchmark compares with."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(BARE_BODY)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": BARE_BODY})


def control_routes(state: SandboxState) -> list[Route]:
    def state_json() -> dict[str, Any]:
        return {
            "sessions": state.store.count(),
            **state.counters.to_json(),
            "faults": state.faults.settings.to_json(),
        }

    async def get_state(request: Request) -> Response:
        return JSONResponse(state_json())

    async def list_sessions(request: Request) -> Response:
        sessions = state.store.summaries()
        return JSONResponse({"count": len(sessions), "sessions": sessions})

    async def get_session(request: Request) -> Response:
        summary = state.store.snapshot(request.path_params["reference_id"])
        if summary is None:
            return _error(404, "no such session")
        return JSONResponse(summary)

    def decision(action: str) -> Endpoint:
        async def decide(request: Request) -> Response:
            store = state.store
            act = {"approve": store.approve, "deny": store.deny, "expire": store.expire}[action]
            try:
                return JSONResponse(act(request.path_params["reference_id"]))
            except SessionNotFound:
                return _error(404, "no such session")
            except DecisionConflict as exc:
                return _error(409, str(exc))

        return decide

    async def reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"reset": True, **state_json()})

    async def get_faults(request: Request) -> Response:
        return JSONResponse(state.faults.settings.to_json())

    async def set_faults(request: Request) -> Response:
        try:
            changes = await _json_body(request)
            if not isinstance(changes, dict):
                raise ValueError("send a JSON object of fault settings")
            changes.pop("enabled", None)
            settings = state.faults.settings.updated(changes)
        except ValueError as exc:
            return _error(400, str(exc))
        state.faults.configure(settings)
        return JSONResponse(settings.to_json())

    async def clear_faults(request: Request) -> Response:
        state.faults.configure(FaultSettings())
        return JSONResponse(state.faults.settings.to_json())

    routes = [
        ("/_sandbox/state", get_state, ["GET"]),
        ("/_sandbox/sessions", list_sessions, ["GET"]),
        ("/_sandbox/sessions/{reference_id:int}", get_session, ["GET"]),
        ("/_sandbox/sessions/{reference_id:int}/approve", decision("approve"), ["POST"]),
        ("/_sandbox/sessions/{reference_id:int}/deny", decision("deny"), ["POST"]),
        ("/_sandbox/sessions/{reference_id:int}/expire", decision("expire"), ["POST"]),
        ("/_sandbox/reset", reset, ["POST"]),
        ("/_sandbox/faults", get_faults, ["GET"]),
        ("/_sandbox/faults", set_faults, ["PUT", "POST"]),
        ("/_sandbox/faults", clear_faults, ["DELETE"]),
    ]
    return [
        Route("/_sandbox/bare", BareEndpoint()),
        *(Route(path, _loopback_only(fn), methods=methods) for path, fn, methods in routes),
    ]
