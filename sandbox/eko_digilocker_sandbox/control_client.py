"""Typed client of the sandbox's test-control surface (`/_sandbox/`), sync and async.

    control = SandboxControl("http://127.0.0.1:8080")
    session = control.approve(reference_id)        # a SandboxSession
    control.force(463, operation="getDigilockerDocument")
    control.fail_next(2, operation="createDigilockerUrl")  # the next two creates get 503
    control.set_faults(http_5xx_probability=0.5, seed=3)

Paths and methods come from the control surface's own OpenAPI document
(`openapi/sandbox-control.yaml`, bundled into this package as `control-openapi.json` by
`make generate`); input is checked against it before sending and every answer is
validated against it, with the same compiled validators the client uses for Eko's API.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx

from eko_digilocker.spec import FieldError, HttpOperation, http_operations
from eko_digilocker_client.models import SessionState
from eko_digilocker_sandbox.faults import FaultKind, FaultSettings
from eko_digilocker_sandbox.steering import ForcedScenario, ScheduledFailure

T = TypeVar("T")

SPEC_RESOURCE = "control-openapi.json"
DEFAULT_TIMEOUT = 10.0


@cache
def control_spec() -> dict[str, Any]:
    """The control surface's OpenAPI document, as bundled into this package."""
    text = resources.files("eko_digilocker_sandbox").joinpath(SPEC_RESOURCE).read_text("utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


@cache
def control_operations() -> dict[str, HttpOperation]:
    return http_operations(control_spec())


# --- errors ---------------------------------------------------------------------------


class SandboxControlError(Exception):
    """The control surface refused a call (HTTP 4xx with `{"error": ...}`), e.g. 404 for an
    unknown session or 409 for a decision the session can no longer take."""

    def __init__(self, operation_id: str, status_code: int, message: str) -> None:
        super().__init__(f"{operation_id}: HTTP {status_code}: {message}")
        self.operation_id = operation_id
        self.status_code = status_code
        self.message = message


class SandboxControlInputError(ValueError):
    """Arguments the control spec does not allow; nothing was sent."""

    def __init__(self, operation_id: str, errors: list[FieldError]) -> None:
        super().__init__(f"{operation_id}: " + "; ".join(map(str, errors)))
        self.operation_id = operation_id
        self.errors = errors


class SandboxControlResponseError(Exception):
    """An answer the control spec does not allow (status, JSON or shape): the server at
    `base_url` is not a matching sandbox, or it has a bug."""

    def __init__(self, operation_id: str, response: httpx.Response, reason: str) -> None:
        super().__init__(f"{operation_id}: HTTP {response.status_code}: {reason}")
        self.operation_id = operation_id
        self.response = response


# --- typed results --------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxSession:
    """One DigiLocker session as the sandbox holds it."""

    reference_id: int
    client_ref_id: str | None
    session_status: SessionState
    verification_id: str | None
    document_requested: tuple[str, ...]
    redirect_url: str
    redirect_location: str | None
    created_at: float
    expires_at: float

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> SandboxSession:
        return cls(
            reference_id=body["reference_id"],
            client_ref_id=body["client_ref_id"],
            session_status=SessionState(body["session_status"]),
            verification_id=body["verification_id"],
            document_requested=tuple(body["document_requested"]),
            redirect_url=body["redirect_url"],
            redirect_location=body["redirect_location"],
            created_at=body["created_at"],
            expires_at=body["expires_at"],
        )


@dataclass(frozen=True)
class SessionPage:
    sessions: tuple[SandboxSession, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class SandboxState:
    sessions: int
    api_requests: int
    internal_errors: int
    self_check_failures: int
    faults: FaultSettings
    profile: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> SandboxState:
        return cls(
            sessions=body["sessions"],
            api_requests=body["api_requests"],
            internal_errors=body["internal_errors"],
            self_check_failures=body["self_check_failures"],
            faults=_faults(body["faults"]),
            profile=body["profile"],
        )


def _failures(body: Mapping[str, Any]) -> list[ScheduledFailure]:
    return [ScheduledFailure.from_json(entry) for entry in body["failures"]]


def _faults(body: Mapping[str, Any]) -> FaultSettings:
    return FaultSettings(**{key: value for key, value in body.items() if key != "enabled"})


def _scenarios(body: Mapping[str, Any]) -> list[ForcedScenario]:
    return [ForcedScenario.from_json(entry) for entry in body["scenarios"]]


def _page(body: Mapping[str, Any]) -> SessionPage:
    sessions = tuple(SandboxSession.from_json(item) for item in body["sessions"])
    return SessionPage(sessions, body["next_cursor"])


# --- one call, described once for both clients ----------------------------------------


@dataclass(frozen=True)
class _Call(Generic[T]):
    operation: HttpOperation
    url: str
    query: dict[str, Any]
    body: Any
    parse: Callable[[Any], T]

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        body = {} if self.body is None else {"json": self.body}
        return http.build_request(
            self.operation.method, self.url, params=self.query or None, **body
        )

    def read(self, response: httpx.Response) -> T:
        op = self.operation
        validator = op.responses.get(str(response.status_code))
        if validator is None:
            raise SandboxControlResponseError(op.operation_id, response, "status not in the spec")
        try:
            answer = response.json()
        except ValueError:
            raise SandboxControlResponseError(op.operation_id, response, "not JSON") from None
        errors = validator.errors(answer)
        if errors:
            reason = "answer does not match the spec: " + "; ".join(map(str, errors))
            raise SandboxControlResponseError(op.operation_id, response, reason)
        if response.status_code >= 400:
            raise SandboxControlError(op.operation_id, response.status_code, answer["error"])
        return self.parse(answer)


def _call(
    operation_id: str,
    parse: Callable[[Any], T],
    *,
    path: Mapping[str, Any] | None = None,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
) -> _Call[T]:
    op = control_operations()[operation_id]
    given_query = {key: value for key, value in (query or {}).items() if value is not None}
    errors: list[FieldError] = []
    if op.query is not None:
        errors += op.query.errors(given_query)
    if op.body is not None:
        errors += op.body.errors(body)
    if errors:
        raise SandboxControlInputError(operation_id, errors)
    return _Call(op, op.path.format_map(path or {}), given_query, body, parse)


def _given(**fields: Any) -> dict[str, Any]:
    """The fields given; one left out takes the control document's default, on the server."""
    return {name: value for name, value in fields.items() if value is not None}


class _Calls:
    """Each control call as a `_Call`: what to send and how to read the answer."""

    @staticmethod
    def state() -> _Call[SandboxState]:
        return _call("getState", SandboxState.from_json)

    @staticmethod
    def page(limit: int | None, cursor: str | None) -> _Call[SessionPage]:
        return _call("listSessions", _page, query={"limit": limit, "cursor": cursor})

    @staticmethod
    def session(operation_id: str, reference_id: int) -> _Call[SandboxSession]:
        # The id is formatted into the URL: refuse anything that would change its meaning.
        if isinstance(reference_id, bool) or not isinstance(reference_id, int):
            problem = FieldError("reference_id", f"{reference_id!r} is not an integer")
            raise SandboxControlInputError(operation_id, [problem])
        path = {"reference_id": reference_id}
        return _call(operation_id, SandboxSession.from_json, path=path)

    @staticmethod
    def reset() -> _Call[SandboxState]:
        return _call("resetSandbox", SandboxState.from_json)

    @staticmethod
    def faults(operation_id: str, changes: Mapping[str, Any] | None = None) -> _Call[FaultSettings]:
        return _call(operation_id, _faults, body=None if changes is None else dict(changes))

    @staticmethod
    def profile(name: str | None = None) -> _Call[str]:
        if name is None:
            return _call("getProfile", lambda body: str(body["profile"]))
        return _call("setProfile", lambda body: str(body["profile"]), body={"profile": name})

    @staticmethod
    def force(
        scenario: int, operation: str | None, client_ref_id: str | None, times: int | None
    ) -> _Call[ForcedScenario]:
        entry = _given(
            scenario=scenario, operation=operation, client_ref_id=client_ref_id, times=times
        )
        return _call("forceScenario", ForcedScenario.from_json, body=entry)

    @staticmethod
    def scenarios(operation_id: str) -> _Call[list[ForcedScenario]]:
        return _call(operation_id, _scenarios)

    @staticmethod
    def fail_next(
        count: int, http_status: int | None, operation: str | None, fault: str | None
    ) -> _Call[ScheduledFailure]:
        entry = _given(count=count, http_status=http_status, operation=operation, fault=fault)
        return _call("failNext", ScheduledFailure.from_json, body=entry)

    @staticmethod
    def scheduled_failures() -> _Call[list[ScheduledFailure]]:
        return _call("listScheduledFailures", _failures)


# --- the clients ----------------------------------------------------------------------


class SandboxControl:
    """The sandbox at `base_url`, controlled over HTTP (loopback only)."""

    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def _send(self, call: _Call[T]) -> T:
        return call.read(self._http.send(call.request(self._http)))

    def state(self) -> SandboxState:
        return self._send(_Calls.state())

    def sessions(self, *, page_size: int | None = None) -> Iterator[SandboxSession]:
        """Every session, oldest first, fetched page by page as the iteration goes."""
        cursor: str | None = None
        while True:
            page = self.sessions_page(limit=page_size, cursor=cursor)
            yield from page.sessions
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def sessions_page(self, *, limit: int | None = None, cursor: str | None = None) -> SessionPage:
        return self._send(_Calls.page(limit, cursor))

    def session(self, reference_id: int) -> SandboxSession:
        return self._send(_Calls.session("getSession", reference_id))

    def approve(self, reference_id: int) -> SandboxSession:
        """What the customer's Approve does; `redirect_location` is where they would land."""
        return self._send(_Calls.session("approveSession", reference_id))

    def deny(self, reference_id: int) -> SandboxSession:
        return self._send(_Calls.session("denySession", reference_id))

    def expire(self, reference_id: int) -> SandboxSession:
        return self._send(_Calls.session("expireSession", reference_id))

    def reset(self) -> SandboxState:
        """Forget sessions, forced scenarios and scheduled failures; restore the run's
        faults and profile."""
        return self._send(_Calls.reset())

    def faults(self) -> FaultSettings:
        return self._send(_Calls.faults("getFaults"))

    def set_faults(self, **changes: Any) -> FaultSettings:
        """Change some fault settings, e.g. `set_faults(http_5xx_probability=0.5, seed=3)`."""
        return self._send(_Calls.faults("setFaults", changes))

    def clear_faults(self) -> FaultSettings:
        """Switch every fault off, scheduled failures (`fail_next`) included."""
        return self._send(_Calls.faults("clearFaults"))

    def fail_next(
        self,
        count: int,
        http_status: int | None = None,
        operation: str | None = None,
        *,
        fault: FaultKind | None = None,
    ) -> ScheduledFailure:
        """Exactly the next `count` API requests to `operation` (an operationId of Eko's
        API, e.g. "createDigilockerUrl"; None: any) fail before the operation runs: with
        HTTP `http_status` (500-599), or the `fault` "drop", "truncate" or "html".
        None takes the control document's default (503, "http_5xx"). Deterministic,
        and independent of `set_faults`. An entry of the sandbox's one answer queue
        (see `force`)."""
        return self._send(_Calls.fail_next(count, http_status, operation, fault))

    def scheduled_failures(self) -> list[ScheduledFailure]:
        """The `fail_next` entries still due, oldest first."""
        return self._send(_Calls.scheduled_failures())

    def profile(self) -> str:
        return self._send(_Calls.profile())

    def set_profile(self, name: str) -> str:
        return self._send(_Calls.profile(name))

    def force(
        self,
        scenario: int,
        operation: str | None = None,
        client_ref_id: str | None = None,
        times: int | None = None,
    ) -> ForcedScenario:
        """The next `times` signed, schema-valid API requests to `operation` (an
        operationId of Eko's API; None: any) get the documented answer of `scenario`
        (None: the control document's default, once). An entry of the sandbox's one
        answer queue, as `fail_next`'s are; the oldest matching entry answers first.
        `client_ref_id` (deprecated: the sandbox logs a warning) narrows it to the
        requests carrying that idempotency key."""
        return self._send(_Calls.force(scenario, operation, client_ref_id, times))

    def forced(self) -> list[ForcedScenario]:
        return self._send(_Calls.scenarios("listScenarios"))

    def clear_forced(self) -> list[ForcedScenario]:
        return self._send(_Calls.scenarios("clearScenarios"))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncSandboxControl:
    """`SandboxControl` with `await`."""

    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def _send(self, call: _Call[T]) -> T:
        return call.read(await self._http.send(call.request(self._http)))

    async def state(self) -> SandboxState:
        return await self._send(_Calls.state())

    async def sessions(self, *, page_size: int | None = None) -> AsyncIterator[SandboxSession]:
        cursor: str | None = None
        while True:
            page = await self.sessions_page(limit=page_size, cursor=cursor)
            for session in page.sessions:
                yield session
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def sessions_page(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> SessionPage:
        return await self._send(_Calls.page(limit, cursor))

    async def session(self, reference_id: int) -> SandboxSession:
        return await self._send(_Calls.session("getSession", reference_id))

    async def approve(self, reference_id: int) -> SandboxSession:
        return await self._send(_Calls.session("approveSession", reference_id))

    async def deny(self, reference_id: int) -> SandboxSession:
        return await self._send(_Calls.session("denySession", reference_id))

    async def expire(self, reference_id: int) -> SandboxSession:
        return await self._send(_Calls.session("expireSession", reference_id))

    async def reset(self) -> SandboxState:
        return await self._send(_Calls.reset())

    async def faults(self) -> FaultSettings:
        return await self._send(_Calls.faults("getFaults"))

    async def set_faults(self, **changes: Any) -> FaultSettings:
        return await self._send(_Calls.faults("setFaults", changes))

    async def clear_faults(self) -> FaultSettings:
        return await self._send(_Calls.faults("clearFaults"))

    async def fail_next(
        self,
        count: int,
        http_status: int | None = None,
        operation: str | None = None,
        *,
        fault: FaultKind | None = None,
    ) -> ScheduledFailure:
        return await self._send(_Calls.fail_next(count, http_status, operation, fault))

    async def scheduled_failures(self) -> list[ScheduledFailure]:
        return await self._send(_Calls.scheduled_failures())

    async def profile(self) -> str:
        return await self._send(_Calls.profile())

    async def set_profile(self, name: str) -> str:
        return await self._send(_Calls.profile(name))

    async def force(
        self,
        scenario: int,
        operation: str | None = None,
        client_ref_id: str | None = None,
        times: int | None = None,
    ) -> ForcedScenario:
        return await self._send(_Calls.force(scenario, operation, client_ref_id, times))

    async def forced(self) -> list[ForcedScenario]:
        return await self._send(_Calls.scenarios("listScenarios"))

    async def clear_forced(self) -> list[ForcedScenario]:
        return await self._send(_Calls.scenarios("clearScenarios"))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
