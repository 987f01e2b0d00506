"""Build each operation's request from user input, validated against the spec.

Paths, methods and wire formats come from the generated client's request builders
(`_get_kwargs`), read once per operation; field rules come from the spec; nothing is
written down twice. Each call then sends the validated values as JSON (or a query)
directly: the same wire format as the generated models' `to_dict()`, without building
a model per call. The overlay sends the request itself so it can retry and read any
answer, which the generated `sync_detailed` cannot do for non-JSON bodies or unusual
status codes.
"""

from __future__ import annotations

import itertools
import json
import json.encoder
import os
import re
import time
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar
from urllib.parse import urlencode

from . import policy
from .errors import EkoValidationError
from .spec import FieldError, Operation, SchemaValidator, operation, resolve

if TYPE_CHECKING:
    from eko_digilocker_client.models import (
        DigilockerDocumentPayload,
        DigilockerUrlSuccess,
        VerificationStatusPayload,
    )

    from .options import Settings
    from .responses import SuccessModel


# The generated model of a success answer's `data` (responses.M, whose module loads the
# generated models: imported when the first answer is read, not with the package).
M = TypeVar("M", bound="SuccessModel")


class DocumentIds(NamedTuple):
    """What names one get_document call: the session, the verification, the documents
    (None: those the session requested) and the optional identifiers."""

    reference_id: int | str
    verification_id: str
    document_type: Iterable[str] | None
    client_ref_id: str | None
    user_code: str | None


class Call(NamedTuple, Generic[M]):
    """One prepared call: what to send, whether it is safe to repeat, and the generated
    model of its success answer's `data`."""

    name: str  # the client method, as errors name it
    operation: Operation
    request: dict[str, Any]  # method, url, headers (the route's, as sent) and content
    idempotent: bool
    success: type[M]
    client_ref_id: str | None


# --- client_ref_id -------------------------------------------------------------------

# Eko allows at most 20 characters. Ours: 11 hex digits of the millisecond clock, 3 of a
# per-process counter and 6 random to this process: unique within a process (4,096 a
# millisecond) and, with the random part, across processes; cheaper than a UUID. A
# forked child (gunicorn --preload, Celery prefork) draws its own random part and
# counter, or every worker would hand out the same ids.
_PROCESS_TAG = ""
_SEQUENCE = itertools.count()


def _new_process() -> None:
    global _PROCESS_TAG, _SEQUENCE
    _PROCESS_TAG = os.urandom(3).hex()
    _SEQUENCE = itertools.count()


_new_process()
os.register_at_fork(after_in_child=_new_process)


def new_client_ref_id() -> str:
    """A fresh `client_ref_id` (20 characters) for one call."""
    return f"{time.time_ns() // 1_000_000:011x}{next(_SEQUENCE) & 0xFFF:03x}{_PROCESS_TAG}"


# --- the generated client's request builders, read once ------------------------------


WireHeaders = tuple[tuple[bytes, bytes], ...]


def _wire(headers: Iterable[tuple[str, str]]) -> WireHeaders:
    return tuple((name.encode(), value.encode()) for name, value in headers)


class Route(NamedTuple):
    method: str
    url: str
    headers: WireHeaders  # as sent


@cache
def _route(operation_id: str) -> Route:
    """Method, path and headers of an operation, from its generated request builder
    applied to the spec's own example."""
    from eko_digilocker_client.api.digilocker import (
        create_digilocker_url,
        get_digilocker_document,
        get_digilocker_verification_status,
    )
    from eko_digilocker_client.models import (
        CreateDigilockerUrlRequest,
        GetDigilockerDocumentRequest,
    )

    from .spec import example

    if operation_id == "createDigilockerUrl":
        create = CreateDigilockerUrlRequest.from_dict(example(operation_id))
        kwargs = create_digilocker_url._get_kwargs(body=create)
    elif operation_id == "getDigilockerDocument":
        document = GetDigilockerDocumentRequest.from_dict(example(operation_id))
        kwargs = get_digilocker_document._get_kwargs(body=document)
    else:
        kwargs = get_digilocker_verification_status._get_kwargs(
            initiator_id="", user_code="", reference_id=0
        )
    headers = kwargs.get("headers", {}).items()
    return Route(kwargs["method"].upper(), kwargs["url"], _wire(headers))


def _idempotent(op: Operation, client_ref_id: str | None) -> bool:
    """Whether a call may be repeated: the operation's `x-eko-client` says it is safe,
    and a body that carries the idempotency key carries one (without a client_ref_id Eko
    cannot tell a repeat from a second request)."""
    return policy.of(op.operation_id).idempotent and client_ref_id is not None


@cache
def _success(operation_id: str) -> type[Any]:
    from eko_digilocker_client import models

    names = {
        "createDigilockerUrl": models.DigilockerUrlSuccess,
        "getDigilockerVerificationStatus": models.VerificationStatusPayload,
        "getDigilockerDocument": models.DigilockerDocumentPayload,
    }
    return names[operation_id]


# --- validation ----------------------------------------------------------------------


def _checked(name: str, validator: SchemaValidator | None, values: dict[str, Any]) -> None:
    assert validator is not None, f"the spec defines no input for {name}"
    try:
        errors = validator.errors(values)
    except ValueError:  # jsonschema-rs refuses values JSON cannot carry (bytes, sets...)
        errors = [
            FieldError(field, f"is a {type(value).__name__}, which cannot be sent as JSON")
            for field, value in values.items()
            if not _json_compatible(value)
        ]
    if errors:
        raise EkoValidationError(name, [_plain(error) for error in errors])


# jsonschema-rs messages that start with the offending value ("'x' is too long"), and the
# caller's phrasing of the rule each states.
_RULES = (
    (r"^(.*) is a required property$", "is required"),
    (r"^.* is longer than (\d+) characters?$", r"is longer than \1 characters"),
    (r"^.* is shorter than (\d+) characters?$", r"is shorter than \1 characters"),
    (r"^.* is not of type \"?([^\"]*)\"?$", r"must be of type \1"),
    (r"^.* is not one of (.*)$", r"must be one of \1"),
    (r"^.* is not a \"(.*)\"$", r"must be a valid \1"),
    (r"^.* does not match (.*)$", r"must match \1"),
    (r"^.* is less than the minimum of (.*)$", r"must be at least \1"),
    (r"^.* has less than (\d+) items?$", r"must have at least \1 item(s)"),
    (r"^.* has more than (\d+) items?$", r"must have at most \1 item(s)"),
)


def _plain(error: FieldError) -> FieldError:
    """The schema's complaint in the caller's words, without echoing the value."""
    for pattern, phrase in _RULES:
        match = re.match(pattern, error.message, re.DOTALL)  # compiled on the error path only
        if match:
            return FieldError(error.field, match.expand(phrase))
    return error


def _json_compatible(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(map(_json_compatible, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_compatible(v) for k, v in value.items())
    return False


def _unencodable(name: str, values: dict[str, Any]) -> EkoValidationError:
    """The error for strings UTF-8 cannot carry (lone surrogates), by field."""

    def bad(value: Any) -> bool:
        if isinstance(value, str):
            try:
                value.encode()
            except UnicodeEncodeError:
                return True
            return False
        return isinstance(value, list) and any(map(bad, value))

    return EkoValidationError(
        name,
        [
            FieldError(field, "contains characters UTF-8 cannot encode (lone surrogates)")
            for field, value in values.items()
            if bad(value)
        ],
    )


_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _not_json(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} cannot be sent as JSON")


# JSONEncoder.encode builds its C encoder anew on every call; built once here it costs a
# third. No circular-reference check: the values are the validated, flat request fields.
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE = (
    _C_ENCODER(None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    if _C_ENCODER is not None
    else None
)


def _json_body(name: str, values: dict[str, Any]) -> bytes:
    """Compact JSON as UTF-8, the same text `_JSON.encode` gives."""
    try:
        text = "".join(_ENCODE(values, 0)) if _ENCODE is not None else _JSON.encode(values)
        return text.encode()
    except UnicodeEncodeError:
        raise _unencodable(name, values) from None


def _query(name: str, values: dict[str, Any]) -> str:
    try:
        return urlencode(values)
    except UnicodeEncodeError:
        raise _unencodable(name, values) from None


# --- input normalisation -------------------------------------------------------------


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _as_list(value: Any) -> Any:
    """Any iterable of values (tuple, set, generator) as the JSON array it stands for; a
    string or mapping goes to the schema as is, to be reported."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    return list(value)


def as_reference_id(name: str, value: Any) -> Any:
    """A reference id as the integer create returned, from an int, an integral float or a
    string of digits (what a callback URL hands you); anything else goes to the spec's
    schema as is, to be reported there. A string of more digits than a reference id
    has is refused here: Python will not even read one of over 4,300 digits."""
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON Schema counts 5.0 as an integer; the wire needs 5
    text = value.strip() if isinstance(value, str) else ""
    digits = text.removeprefix("-")  # "-5" is read, to be told it must be at least 1
    if digits.isascii() and digits.isdigit():
        if len(digits) > max_reference_digits():
            raise EkoValidationError(name, [too_many_digits(len(digits))])
        return int(text)
    return value


@cache
def max_reference_digits() -> int:
    """The most digits a reference id has: the spec's limit on the document call's
    `reference_id` (the one place the spec bounds it)."""
    body = operation("getDigilockerDocument").body
    assert body is not None
    limit: int = resolve(body.schema)["properties"]["reference_id"]["maxLength"]
    return limit


def too_many_digits(digits: int) -> FieldError:
    return FieldError(
        "reference_id", f"has {digits} digits; a reference id has at most {max_reference_digits()}"
    )


@cache
def default_documents() -> tuple[str, ...]:
    """The spec's default for create's `document_requested`."""
    body = operation("createDigilockerUrl").body
    assert body is not None
    return tuple(resolve(resolve(body.schema)["properties"]["document_requested"])["default"])


def _user_code(settings: Settings, user_code: str | None) -> str | None:
    return settings.user_code if user_code is None else user_code


# The generated GET sends no content type, but Eko lists `content-type: application/json`
# as required on every call, this one included (see the spec).
_STATUS_HEADERS = _wire([("Content-Type", "application/json")])


# --- the calls -----------------------------------------------------------------------


def create_digilocker_url(
    settings: Settings,
    *,
    redirect_url: str,
    document_requested: Iterable[str] | None,
    client_ref_id: str | None,
    user_code: str | None,
) -> Call[DigilockerUrlSuccess]:
    name, op = "create_digilocker_url", operation("createDigilockerUrl")
    payload = _present(
        {
            "initiator_id": settings.initiator_id,
            "user_code": _user_code(settings, user_code),
            "client_ref_id": client_ref_id,
            "document_requested": list(default_documents())
            if document_requested is None
            else _as_list(document_requested),
            "redirect_url": redirect_url,
        }
    )
    _checked(name, op.body, payload)
    route = _route(op.operation_id)
    request: dict[str, Any] = {"method": route.method, "url": route.url, "headers": route.headers}
    request["content"] = _json_body(name, payload)
    return Call(
        name, op, request, _idempotent(op, client_ref_id), _success(op.operation_id), client_ref_id
    )


def get_verification_status(
    settings: Settings,
    *,
    reference_id: int | str,
    client_ref_id: str | None,
    user_code: str | None,
    name: str | None = None,
) -> Call[VerificationStatusPayload]:
    """`name`: the public call its errors name, if not this one (get_document, when it
    asks which documents a session requested)."""
    name, op = name or "get_verification_status", operation("getDigilockerVerificationStatus")
    params = _present(
        {
            "initiator_id": settings.initiator_id,
            "user_code": _user_code(settings, user_code),
            "client_ref_id": client_ref_id,
            "reference_id": as_reference_id(name, reference_id),
        }
    )
    _checked(name, op.query, params)
    route = _route(op.operation_id)
    url = f"{route.url}?{_query(name, params)}"
    request = {"method": route.method, "url": url, "headers": _STATUS_HEADERS}
    idempotent = policy.of(op.operation_id).idempotent
    return Call(name, op, request, idempotent, _success(op.operation_id), client_ref_id)


def get_document(
    settings: Settings,
    *,
    reference_id: int | str,
    verification_id: str,
    document_type: Iterable[str],
    client_ref_id: str | None,
    user_code: str | None,
) -> Call[DigilockerDocumentPayload]:
    name, op = "get_document", operation("getDigilockerDocument")
    reference = as_reference_id(name, reference_id)
    payload = _present(
        {
            "initiator_id": settings.initiator_id,
            "user_code": _user_code(settings, user_code),
            "client_ref_id": client_ref_id,
            "document_type": _as_list(document_type),
            "verification_id": verification_id,
            # Create returns reference_id as a number; this call takes it as a string.
            "reference_id": str(reference) if type(reference) is int else reference,
        }
    )
    _checked(name, op.body, payload)
    route = _route(op.operation_id)
    request: dict[str, Any] = {"method": route.method, "url": route.url, "headers": route.headers}
    request["content"] = _json_body(name, payload)
    return Call(
        name, op, request, _idempotent(op, client_ref_id), _success(op.operation_id), client_ref_id
    )
