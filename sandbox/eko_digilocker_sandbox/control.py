"""The test-control surface under `/_sandbox/`: off the spec, unsigned, loopback clients only,
addressed by a loopback name (`Host`) and not sent for another site's page.

GET    /_sandbox/state                        counters, session count, fault settings, profile
GET    /_sandbox/sessions?limit=N&cursor=C    {"sessions": [...], "next_cursor": "..." | null}
GET    /_sandbox/sessions/{reference_id}      one session
POST   /_sandbox/sessions/{reference_id}/approve | /deny | /expire
POST   /_sandbox/reset                        forget sessions and the answer queue, restore
                                              the run's faults and profile
GET    /_sandbox/faults                       fault settings
PUT    /_sandbox/faults                       change some settings: {"drop_probability": 0.2}
DELETE /_sandbox/faults                       switch every fault off, scheduled failures too
GET    /_sandbox/profile                      {"profile": "eps" | "legacy"}
PUT    /_sandbox/profile                      {"profile": "legacy"}
POST   /_sandbox/scenarios                    queue a forced answer (steering.py): {"scenario": 463}
GET    /_sandbox/scenarios                    the queued forced scenarios
DELETE /_sandbox/scenarios                    clear them
POST   /_sandbox/fail-next                    queue a failure: the next N matching API requests
                                              fail {"count": 2, "http_status": 503, ...}
GET    /_sandbox/fail-next                    the scheduled failures still due
GET    /_sandbox/bare                         a constant body (the benchmark's baseline)

Every field: docs/sandbox.md and openapi/sandbox-control.yaml. Every JSON body goes
through `jsonbody.parse`; errors are `{"error": "<message>"}` with a 4xx status.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from eko_digilocker.spec import operations, resolve
from eko_digilocker_sandbox import jsonbody, scenarios
from eko_digilocker_sandbox.faults import FaultKind, FaultSettings
from eko_digilocker_sandbox.sessions import DecisionConflict, SessionNotFound, reference_id_in
from eko_digilocker_sandbox.state import ServerState
from eko_digilocker_sandbox.steering import Entry, ForcedScenario, ScheduledFailure

logger = logging.getLogger("eko_digilocker_sandbox")

MAX_CONTROL_BODY = 16 * 1024
DEFAULT_PAGE = 100
MAX_PAGE = 1000
_CURSOR_PREFIX = b"after:"
_DIGITS = re.compile(r"[0-9]{1,4}")
BARE_BODY = b'{"status":0,"message":"bare","response_status_id":-1,"response_type_id":0,"data":{}}'

Endpoint = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str) -> bool:
    """Loopback, IPv4-mapped IPv6 loopback (`::ffff:127.0.0.1`, the peer of an IPv4
    client on a dual-stack `--host ::`) included."""
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


#: A Host header: a bracketed IPv6 address or a name, and an optional port.
_HOST_HEADER = re.compile(
    r"(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<name>[^\[\]:@/\\]+))(?::[0-9]{1,5})?"
)


def is_loopback_host(host_header: str, public_host: str | None = None) -> bool:
    """Whether a request's `Host` names the sandbox by a loopback name: `localhost`,
    127.0.0.0/8, `[::1]` (any port), or the host of `--public-base-url`. A DNS-rebinding
    page (`evil.example` re-resolved to 127.0.0.1) is a loopback peer and its own origin,
    so only the name it uses tells it apart."""
    match = _HOST_HEADER.fullmatch(host_header)
    if match is None:
        return False
    host = (match["ipv6"] or match["name"]).lower()
    return host == "localhost" or host == public_host or is_loopback(host)


def _from_another_site(headers: Mapping[str, str]) -> bool:
    """A browser request made by another site's page: a form or fetch that a web page
    aims at localhost. A loopback peer, but not the developer: a cross-site form POST
    needs no CORS preflight, so it could switch faults on or approve sessions."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != headers.get("host")


def control_refusal(peer: str, headers: Mapping[str, str], public_host: str | None) -> str | None:
    """Why the control surface refuses a request from `peer` (an IP address) with these
    headers (lower-case names), or None when it may answer. The one rule for the sandbox
    and for the proxy in front of it (`eko-digilocker proxy`), which sees the caller."""
    if not is_loopback(peer):
        return "the sandbox control surface answers loopback clients only"
    host = headers.get("host", "")
    if not is_loopback_host(host, public_host):
        return (
            f"the sandbox control surface answers only requests addressed to localhost, "
            f"a loopback address or the --public-base-url host, not Host {host[:80]!r}"
        )
    if _from_another_site(headers):
        return "the sandbox control surface refuses requests from other sites' pages"
    return None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _loopback_only(endpoint: Endpoint, public_host: str | None) -> Endpoint:
    async def guarded(request: Request) -> Response:
        peer = request.client.host if request.client else ""
        refusal = control_refusal(peer, request.headers, public_host)
        if refusal is not None:
            return _error(403, refusal)
        return await endpoint(request)

    return guarded


async def _json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object (an empty body is `{}`); `JsonBodyError` otherwise."""
    body = await jsonbody.read_limited(request.stream(), MAX_CONTROL_BODY)
    value = jsonbody.parse(body, empty={})
    if not isinstance(value, dict):
        raise jsonbody.JsonBodyError("send a JSON object")
    return value


def encode_cursor(reference_id: int) -> str:
    return base64.urlsafe_b64encode(_CURSOR_PREFIX + str(reference_id).encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The reference_id a cursor stands for; ValueError if it is not one we made."""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii"))
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError("malformed cursor: pass next_cursor from the previous page") from None
    digits = raw.removeprefix(_CURSOR_PREFIX)
    if raw == digits or not digits.isdigit() or len(digits) > 18 or len(cursor) > 64:
        raise ValueError("malformed cursor: pass next_cursor from the previous page")
    return int(digits)


def _page_limit(text: str | None) -> int:
    if text is None:
        return DEFAULT_PAGE
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_PAGE:
        raise ValueError(f"limit must be an integer from 1 to {MAX_PAGE}")
    return int(text)


def _queue_request(operation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """A body for the answer queue (`forceScenario`, `failNext`), checked against the
    control document's schema, with the schema's defaults for the fields left out;
    ValueError saying what is wrong."""
    from eko_digilocker_sandbox.control_client import control_operations, control_spec

    schema = control_operations()[operation_id].body
    assert schema is not None
    errors = schema.errors(body)
    if errors:
        raise ValueError("; ".join(map(str, errors))[:500])
    operation = body.get("operation")
    if operation is not None and operation not in operations():
        raise ValueError(f"operation must be one of {', '.join(sorted(operations()))}")
    spec = control_spec()
    properties = resolve(schema.schema, spec)["properties"]
    rules = {name: resolve(rule, spec) for name, rule in properties.items()}
    defaults = {name: rule["default"] for name, rule in rules.items() if "default" in rule}
    return {**defaults, **body}


def _forced_entry(body: dict[str, Any]) -> tuple[int, str | None, str | None, int]:
    """(scenario, operation, client_ref_id, times) of a POST /_sandbox/scenarios body."""
    body = _queue_request("forceScenario", body)
    if body["scenario"] not in scenarios.SCENARIOS:
        known = ", ".join(str(c) for c in scenarios.SCENARIOS)
        raise ValueError(f"scenario must be one of the forcible codes: {known}")
    if "client_ref_id" in body:
        logger.warning(
            "a forced answer matched on client_ref_id is deprecated: client_ref_id is only "
            "the idempotency key; queue it for its operation instead"
        )
    return body["scenario"], body.get("operation"), body.get("client_ref_id"), body["times"]


def _scheduled_failure(body: dict[str, Any]) -> tuple[int, int, str | None, FaultKind]:
    """(count, http_status, operation, fault) of a POST /_sandbox/fail-next body."""
    body = _queue_request("failNext", body)
    return body["count"], body["http_status"], body.get("operation"), body["fault"]


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


def control_routes(state: ServerState) -> list[Route]:
    public_base_url = state.config.public_base_url
    public_host = urlsplit(public_base_url).hostname if public_base_url else None
    queue = state.steering.queue

    def state_json() -> dict[str, Any]:
        return {
            "sessions": state.store.count(),
            "session_store_bytes": state.store.bytes_used(),
            **state.counters.to_json(),
            "faults": state.steering.faults.settings.to_json(),
            "profile": state.profile,
        }

    async def get_state(request: Request) -> Response:
        return JSONResponse(state_json())

    async def list_sessions(request: Request) -> Response:
        try:
            limit = _page_limit(request.query_params.get("limit"))
            cursor = request.query_params.get("cursor")
            after = None if cursor is None else decode_cursor(cursor)
        except ValueError as exc:
            return _error(400, str(exc))
        sessions, last = state.store.page(after, limit)
        next_cursor = None if last is None else encode_cursor(last)
        return JSONResponse({"sessions": sessions, "next_cursor": next_cursor})

    async def get_session(request: Request) -> Response:
        reference_id = reference_id_in(request.path_params["reference_id"])
        summary = None if reference_id is None else state.store.snapshot(reference_id)
        if summary is None:
            return _error(404, "no such session")
        return JSONResponse(summary)

    def decision(action: str) -> Endpoint:
        async def decide(request: Request) -> Response:
            store = state.store
            act = {"approve": store.approve, "deny": store.deny, "expire": store.expire}[action]
            reference_id = reference_id_in(request.path_params["reference_id"])
            if reference_id is None:
                return _error(404, "no such session")
            try:
                return JSONResponse(act(reference_id))
            except SessionNotFound:
                return _error(404, "no such session")
            except DecisionConflict as exc:
                return _error(409, str(exc))

        return decide

    async def reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"reset": True, **state_json()})

    async def get_faults(request: Request) -> Response:
        return JSONResponse(state.steering.faults.settings.to_json())

    async def set_faults(request: Request) -> Response:
        try:
            changes = await _json_object(request)
            changes.pop("enabled", None)
            settings = state.steering.faults.settings.updated(changes)
        except ValueError as exc:
            return _error(400, str(exc))
        state.steering.faults.configure(settings)
        return JSONResponse(settings.to_json())

    async def clear_faults(request: Request) -> Response:
        state.steering.faults.configure(FaultSettings())
        queue.clear(ScheduledFailure)
        return JSONResponse(state.steering.faults.settings.to_json())

    def queued(add: Callable[[dict[str, Any]], Entry]) -> Endpoint:
        """Queues the entry `add` makes of a request's body (201), or answers 400."""

        async def add_entry(request: Request) -> Response:
            try:
                entry = add(await _json_object(request))
            except ValueError as exc:
                return _error(400, str(exc))
            return JSONResponse(entry.to_json(), status_code=201)

        return add_entry

    def listed(kind: type[Entry], key: str) -> Endpoint:
        async def list_entries(request: Request) -> Response:
            return JSONResponse({key: [entry.to_json() for entry in queue.entries(kind)]})

        return list_entries

    async def get_profile(request: Request) -> Response:
        return JSONResponse({"profile": state.profile})

    async def set_profile(request: Request) -> Response:
        try:
            body = await _json_object(request)
            if set(body) != {"profile"} or not isinstance(body["profile"], str):
                raise ValueError('send {"profile": "eps"} or {"profile": "legacy"}')
            state.set_profile(body["profile"])
        except ValueError as exc:
            return _error(400, str(exc))
        return JSONResponse({"profile": state.profile})

    async def clear_scenarios(request: Request) -> Response:
        queue.clear(ForcedScenario)
        return JSONResponse({"scenarios": []})

    routes = [
        ("/_sandbox/state", get_state, ["GET"]),
        ("/_sandbox/sessions", list_sessions, ["GET"]),
        ("/_sandbox/sessions/{reference_id}", get_session, ["GET"]),
        ("/_sandbox/sessions/{reference_id}/approve", decision("approve"), ["POST"]),
        ("/_sandbox/sessions/{reference_id}/deny", decision("deny"), ["POST"]),
        ("/_sandbox/sessions/{reference_id}/expire", decision("expire"), ["POST"]),
        ("/_sandbox/reset", reset, ["POST"]),
        ("/_sandbox/faults", get_faults, ["GET"]),
        ("/_sandbox/faults", set_faults, ["PUT", "POST"]),
        ("/_sandbox/faults", clear_faults, ["DELETE"]),
        (
            "/_sandbox/fail-next",
            queued(lambda body: queue.fail(*_scheduled_failure(body))),
            ["POST"],
        ),
        ("/_sandbox/fail-next", listed(ScheduledFailure, "failures"), ["GET"]),
        ("/_sandbox/profile", get_profile, ["GET"]),
        ("/_sandbox/profile", set_profile, ["PUT"]),
        (
            "/_sandbox/scenarios",
            queued(lambda body: queue.force(*_forced_entry(body))),
            ["POST"],
        ),
        ("/_sandbox/scenarios", listed(ForcedScenario, "scenarios"), ["GET"]),
        ("/_sandbox/scenarios", clear_scenarios, ["DELETE"]),
    ]
    by_path: dict[str, dict[str, Endpoint]] = {}
    for path, fn, methods in routes:
        for method in methods:
            by_path.setdefault(path, {})[method] = fn
    return [
        Route("/_sandbox/bare", BareEndpoint()),
        *(Route(path, _ByMethod(fns, public_host)) for path, fns in by_path.items()),
        Route("/_sandbox/{rest:path}", _UnknownRoute()),
    ]


class _UnknownRoute:
    """Any other path under /_sandbox/, any method: the control surface's JSON 404."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _error(404, "no such control route")(scope, receive, send)


class _ByMethod:
    """One ASGI route per path (any method), so a method the path lacks gets a JSON 405
    with `Allow` instead of falling through to the catch-all 404."""

    def __init__(self, endpoints: dict[str, Endpoint], public_host: str | None) -> None:
        self.endpoints = {
            method: _loopback_only(fn, public_host) for method, fn in endpoints.items()
        }
        self.allow = ", ".join(sorted(endpoints))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        endpoint = self.endpoints.get(request.method)
        if endpoint is None:
            response: Response = _error(405, f"method not allowed: use {self.allow}")
            response.headers["allow"] = self.allow
        else:
            response = await endpoint(request)
        await response(scope, receive, send)
