"""The spec's operations over HTTP: a raw ASGI handler per spec path.

Each request goes through, in this order: method (405), authentication (403), content
type of a body (415), body size (413, refused from Content-Length or while streaming,
never read whole), JSON parsing (`jsonbody`), a recorded answer when the sandbox replays
a HAR file (`replay`), schema validation against the spec (Eko's validation error),
a forced answer (steering.py: the answer queue, then `eps_scenario`), then the operation
itself. A queued failure or a drawn fault strikes before or after that. Whatever happens
inside, the client gets an envelope: an unexpected exception becomes an internal-error
envelope and is counted, never a 500.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.types import Receive, Scope, Send

from eko_digilocker.spec import Operation
from eko_digilocker_sandbox import answers, faults, jsonbody, scenarios
from eko_digilocker_sandbox.auth import AuthFailure
from eko_digilocker_sandbox.routing import integer_in, query_coercer
from eko_digilocker_sandbox.sessions import (
    IdempotencyConflict,
    Session,
    SessionState,
    StoreFull,
)
from eko_digilocker_sandbox.state import ServerState

logger = logging.getLogger("eko_digilocker_sandbox")

INTERNAL_ERROR = "Sandbox internal error; this is a sandbox bug, please report it."
_JSON_TYPE = b"application/json"
_MAX_MESSAGE = 300
_HOST = re.compile(rb"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, JSON body, and whether to close the connection after it."""

    status: int
    body: bytes
    close: bool = False
    allow: bytes = b""
    content_type: bytes = _JSON_TYPE  # another only for a replayed answer (--replay)

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-type", self.content_type),
            (b"content-length", str(len(self.body)).encode()),
        ]
        if self.allow:
            headers.append((b"allow", self.allow))
        if self.close:
            headers.append((b"connection", b"close"))
        return headers


def json_answer(status: int, envelope: dict[str, Any], *, close: bool = False) -> Answer:
    return Answer(status, answers.encode(envelope), close=close)


class Refused(Exception):
    """Ends the pipeline early with an answer."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer


class ClientGone(Exception):
    """The client disconnected while we read its body."""


# --- helpers -----------------------------------------------------------------------


def _short(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."


def _invalid(field: str, message: str) -> Refused:
    return Refused(json_answer(200, answers.validation_error({field: _short(message)})))


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def _parse_json(body: bytes) -> Any:
    try:
        return jsonbody.parse(body)
    except jsonbody.JsonBodyError as exc:
        raise _invalid("(body)", str(exc)) from None


def _has_body(headers: Mapping[bytes, bytes]) -> bool:
    length = headers.get(b"content-length")
    return b"transfer-encoding" in headers or (length is not None and length != b"0")


def _fingerprint(body: dict[str, Any]) -> str:
    """The body in canonical form: equal JSON gives an equal fingerprint."""
    try:
        return _CANONICAL.encode(body)
    except (RecursionError, ValueError):  # pragma: no cover - nested past the encoder
        return repr(body)


@functools.lru_cache(maxsize=1024)
def is_absolute_http_url(url: str) -> bool:
    """The sandbox's rule for `redirect_url` (Eko publishes none): absolute http(s) only."""
    if not _VISIBLE_ASCII.fullmatch(url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass
class Request:
    """What the operation handlers need of a validated request."""

    scope: Scope
    headers: dict[bytes, bytes]
    developer_key: bytes
    params: dict[str, Any]


# --- the handler -------------------------------------------------------------------


class ApiPath:
    """The ASGI app for one spec path, with every operation the spec defines on it."""

    def __init__(self, state: ServerState, operations: list[Operation]) -> None:
        self.state = state
        self.path = operations[0].path
        self.operations = {op.method: op for op in operations}
        self.allow = ", ".join(sorted(self.operations)).encode()
        self.coercers = {
            op.method: {
                name: query_coercer(schema)
                for name, schema in op.query.schema.get("properties", {}).items()
            }
            for op in operations
            if op.query is not None
        }
        self.handlers: dict[str, Callable[[Request], Answer]] = {
            "createDigilockerUrl": self._create,
            "getDigilockerVerificationStatus": self._status,
            "getDigilockerDocument": self._document,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state
        state.counters.add("api_requests")
        op = self.operations.get(scope["method"])
        plan = state.steering.on_arrival(None if op is None else op.operation_id)
        if plan.latency_seconds:
            await asyncio.sleep(plan.latency_seconds)
        if plan.kind is not None and not plan.after:
            before = json_answer(200, answers.envelope(1, "Temporarily unavailable", 1))
            await self._fault(plan, scope, receive, send, before)
            return
        try:
            answer = await self._answer(scope, receive)
        except ClientGone:
            return
        except Exception:
            logger.exception("internal error answering %s %s", scope["method"], self.path)
            state.counters.add("internal_errors")
            answer = json_answer(
                200,
                answers.envelope(500, INTERNAL_ERROR, answers.FAILURE),
            )
        if state.config.self_check:
            self._self_check(scope, answer)
        if plan.kind is not None:
            await self._fault(plan, scope, receive, send, answer)
            return
        await send(
            {"type": "http.response.start", "status": answer.status, "headers": answer.headers()}
        )
        await send({"type": "http.response.body", "body": answer.body})

    async def _fault(
        self, plan: faults.FaultPlan, scope: Scope, receive: Receive, send: Send, answer: Answer
    ) -> None:
        raw_send = scope.get(faults.RAW_SEND_KEY)
        if plan.kind in ("drop", "truncate"):
            # Read what is left of the request first: closing a socket with unread data
            # makes the kernel send a reset, and the client would see "connection reset"
            # at random instead of the fault that was asked for.
            await self._drain(scope, receive)
        if plan.kind == "http_5xx":
            await faults.send_5xx(send, plan.status)
        elif plan.kind == "html":
            await faults.send_html(send, plan.status)
        elif plan.kind == "drop":
            await faults.drop(raw_send)
        else:
            await faults.truncate(send, raw_send, answer.status, answer.headers(), answer.body)

    async def _drain(self, scope: Scope, receive: Receive) -> None:
        if scope.get("_body_read"):
            return
        total = 0
        while total <= self.state.config.max_body_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return
            total += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    def _self_check(self, scope: Scope, answer: Answer) -> None:
        """The answer matches the spec: its response schema and, for a success, the data
        the operation's `x-eko-success-data` schema requires."""
        op = self.operations.get(scope["method"]) or next(iter(self.operations.values()))
        validator = op.responses.get(str(answer.status))
        try:
            body = json.loads(answer.body)
            valid = validator is not None and validator.is_valid(body)
            if valid and answer.status == 200 and body["status"] == 0:
                valid = op.success_data.is_valid(body.get("data"))
        except ValueError:
            valid = False
        if not valid:
            self.state.counters.add("self_check_failures")
            logger.error("answer does not match the spec: %s %s", answer.status, answer.body[:500])

    async def _answer(self, scope: Scope, receive: Receive) -> Answer:
        headers: dict[bytes, bytes] = dict(scope["headers"])
        try:
            return await self._pipeline(scope, receive, headers)
        except Refused as refused:
            answer = refused.answer
            if not answer.close and _has_body(headers) and not scope.get("_body_read"):
                # The body was not read: do not leave it in the connection for the next request.
                answer = Answer(answer.status, answer.body, close=True, allow=answer.allow)
            return answer

    async def _pipeline(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]
    ) -> Answer:
        op = self.operations.get(scope["method"])
        if op is None:
            answer = json_answer(405, answers.http_error(405, "Method not allowed"))
            raise Refused(Answer(405, answer.body, allow=self.allow))
        try:
            developer_key = self.state.authenticator.check(headers, op.security_headers)
        except AuthFailure as failure:
            raise Refused(json_answer(403, answers.http_error(403, str(failure)))) from None

        query = self._query(scope, op)
        if op.body is not None:
            params = await self._body(scope, receive, headers)
            errors_of: Callable[[Any], list[Any]] = op.body.errors
        else:
            params = query
            errors_of = op.query.errors if op.query is not None else lambda _: []
        replay = self.state.config.replay
        recorded = None if replay is None else replay.answer(op, scope, params, developer_key)
        if recorded is not None:  # before validation: what Eko answered is replayed as it was
            return Answer(recorded.status, recorded.answer, content_type=recorded.content_type)
        try:
            errors = errors_of(params)
        except ValueError as exc:  # jsonschema-rs refuses values nested beyond its limit
            raise _invalid("(body)", f"could not be validated: {exc}") from None
        if errors:
            invalid: dict[str, str] = {}
            for error in errors:
                message = _short(error.message)
                invalid[error.field] = (
                    f"{invalid[error.field]}; {message}" if error.field in invalid else message
                )
            raise Refused(json_answer(200, answers.validation_error(invalid)))

        eps_scenario = query.get(scenarios.QUERY_PARAMETER)
        try:
            forced = self.state.steering.forced(
                op.operation_id,
                params.get("client_ref_id"),
                None if eps_scenario is None else str(eps_scenario),
            )
        except scenarios.UnknownScenario as exc:
            raise _invalid("client_ref_id", str(exc)) from None
        if forced is not None:
            status, envelope = scenarios.answer(forced, self.state.profile, op.operation_id)
            return json_answer(status, envelope)
        return self.handlers[op.operation_id](Request(scope, headers, developer_key, params))

    def _query(self, scope: Scope, op: Operation) -> dict[str, Any]:
        raw = scope.get("query_string", b"")
        if not raw:
            return {}
        try:
            pairs = parse_qsl(
                raw.decode("utf-8"), keep_blank_values=True, max_num_fields=50, errors="strict"
            )
        except ValueError as exc:  # invalid UTF-8 or too many fields
            raise _invalid("(query)", f"query string could not be read: {exc}") from None
        coercers = self.coercers.get(op.method, {})
        params: dict[str, Any] = {}
        for name, value in pairs:
            if name not in params:
                coerce = coercers.get(name)
                params[name] = coerce(value) if coerce is not None else value
        return params

    async def _body(self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]) -> Any:
        content_type = headers.get(b"content-type", b"")
        media_type, _, parameters = content_type.partition(b";")
        charset = parameters.strip().lower()
        if media_type.strip().lower() != _JSON_TYPE or charset not in (
            b"",
            b"charset=utf-8",
            b'charset="utf-8"',
            b"charset=utf8",
        ):
            raise Refused(
                json_answer(
                    415, answers.http_error(415, "Unsupported media type: send application/json")
                )
            )
        limit = self.state.config.max_body_bytes
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            raise Refused(self._too_large())
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > limit:
                raise Refused(self._too_large())
            chunks.append(chunk)
            more = message.get("more_body", False)
        scope["_body_read"] = True
        return _parse_json(b"".join(chunks))

    def _too_large(self) -> Answer:
        limit = self.state.config.max_body_bytes
        message = f"Request body too large: at most {limit} bytes"
        return json_answer(413, answers.http_error(413, message), close=True)

    # --- the operations ------------------------------------------------------------

    def _base_url(self, request: Request) -> str:
        configured = self.state.config.public_base_url
        if configured:
            return configured
        host = request.headers.get(b"host", b"")
        # uvicorn takes the scheme from a loopback peer's X-Forwarded-Proto, `ws` included.
        scheme = request.scope.get("scheme", "http")
        if scheme not in ("http", "https"):
            scheme = "http"
        if host and _HOST.fullmatch(host):
            candidate = f"{scheme}://{host.decode('ascii')}"
            if is_absolute_http_url(candidate):  # not `Host: a:99999`
                return candidate
        server = request.scope.get("server") or ("127.0.0.1", 80)
        name = f"[{server[0]}]" if ":" in str(server[0]) else str(server[0])
        return f"{scheme}://{name}:{server[1]}"

    def _create(self, request: Request) -> Answer:
        body = request.params
        if not is_absolute_http_url(body["redirect_url"]):
            return json_answer(
                200, answers.business_error(self.state.profile, answers.INVALID_REDIRECT_ID)
            )
        base = self._base_url(request)
        profile = self.state.profile

        def render(session: Session) -> bytes:
            url = f"{base}/consent/{session.reference_id}?token={session.token}"
            return answers.encode(answers.created(profile, session, url))

        client_ref_id = body.get("client_ref_id")
        try:
            session = self.state.store.create(
                developer_key=request.developer_key,
                client_ref_id=client_ref_id,
                fingerprint=_fingerprint(body),
                initiator_id=body["initiator_id"],
                user_code=body.get("user_code", ""),
                document_requested=list(body["document_requested"]),
                redirect_url=body["redirect_url"],
                render_answer=render,
            )
        except IdempotencyConflict:
            return json_answer(
                200,
                answers.failure(  # the sandbox's own message
                    f"client_ref_id {client_ref_id} was already used with a different request "
                    "body: send the same body to repeat a call, or a new client_ref_id."
                ),
            )
        except StoreFull as full:
            return json_answer(200, answers.envelope(1, str(full), answers.FAILURE))
        return Answer(200, session.answer)

    def _session(self, request: Request, reference_id: int | None) -> Session | None:
        if reference_id is None:
            return None
        session = self.state.store.get(reference_id)
        if session is None or session.developer_key != request.developer_key:
            return None
        return session

    def _status(self, request: Request) -> Answer:
        session = self._session(request, request.params["reference_id"])
        profile = self.state.profile
        if session is None:
            return json_answer(200, answers.not_found(profile, answers.STATUS))
        return json_answer(200, answers.status(profile, session))

    def _document(self, request: Request) -> Answer:
        body = request.params
        text = body["reference_id"].strip()
        reference_id = integer_in(text)
        session = self._session(request, reference_id)
        profile = self.state.profile
        if session is None:
            return json_answer(200, answers.not_found(profile, answers.DOCUMENT))
        if session.state is SessionState.PENDING:
            return json_answer(200, answers.pending(profile, answers.DOCUMENT))
        if session.state is not SessionState.AUTHENTICATED:
            return json_answer(200, answers.session_closed(session.state))
        if body["verification_id"] != session.verification_id:
            return json_answer(
                200,
                answers.not_found(  # the sandbox's own message
                    profile,
                    answers.DOCUMENT,
                    "No DigiLocker session found for this reference_id and verification_id: "
                    "the verification_id does not match the one given on consent.",
                ),
            )
        missing = [doc for doc in body["document_type"] if doc not in session.document_requested]
        if missing:
            return json_answer(
                200,
                answers.failure(  # the sandbox's own message
                    f"Document type(s) {', '.join(dict.fromkeys(missing))} were not requested "
                    f"for this session (requested: {', '.join(session.document_requested)})."
                ),
            )
        documents = list(body["document_type"])
        return json_answer(200, answers.document(profile, session, documents))


class NotFoundPath:
    """Any path outside the spec, the consent pages and the control surface."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: dict[bytes, bytes] = dict(scope["headers"])
        answer = json_answer(404, answers.http_error(404, "Not found"), close=_has_body(headers))
        await send({"type": "http.response.start", "status": 404, "headers": answer.headers()})
        await send({"type": "http.response.body", "body": answer.body})
