"""Build each operation's request from user input, validated against the spec.

Paths, methods and wire formats come from the generated client's request builders
(`_get_kwargs`), field rules from the spec; nothing is written down twice. The overlay
sends the request itself so it can retry and read any answer, which the generated
`sync_detailed` cannot do for non-JSON bodies or unusual status codes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Generic, NamedTuple

from eko_digilocker_client.api.digilocker import (
    create_digilocker_url as create_api,
)
from eko_digilocker_client.api.digilocker import (
    get_digilocker_document as document_api,
)
from eko_digilocker_client.api.digilocker import (
    get_digilocker_verification_status as status_api,
)
from eko_digilocker_client.models import (
    CreateDigilockerUrlRequest,
    DigilockerDocumentPayload,
    DigilockerUrlSuccess,
    GetDigilockerDocumentRequest,
    VerificationStatusPayload,
)

from .errors import EkoValidationError
from .responses import M
from .settings import Settings
from .spec import FieldError, Operation, SchemaValidator, operation, resolve


class Call(NamedTuple, Generic[M]):
    """One prepared call: what to send, whether it is safe to repeat, and the generated
    model of its success answer's `data`."""

    operation: Operation
    request: dict[str, Any]
    idempotent: bool
    success: type[M]


def _checked(op: Operation, validator: SchemaValidator | None, values: dict[str, Any]) -> None:
    assert validator is not None, f"the spec defines no input for {op.operation_id}"
    try:
        errors = validator.errors(values)
    except ValueError:  # jsonschema-rs refuses values JSON cannot carry (bytes, sets...)
        errors = [
            FieldError(name, f"{type(value).__name__} cannot be sent as JSON")
            for name, value in values.items()
            if not _json_compatible(value)
        ]
    if errors:
        raise EkoValidationError(op.operation_id, errors)


def _json_compatible(value: Any) -> bool:
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(map(_json_compatible, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_compatible(v) for k, v in value.items())
    return False


JSON_CONTENT_TYPE = "application/json"
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)  # built once, not per call


def _encoded(request: dict[str, Any]) -> dict[str, Any]:
    """Send the generated JSON body as compact bytes: the same JSON, cheaper than httpx's
    `json=`, which re-serialises and rebuilds headers on every request."""
    if "json" in request:
        request["content"] = _JSON.encode(request.pop("json")).encode()
    return request


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _as_list(value: Any) -> Any:
    """Any iterable of values (tuple, set, generator) as the JSON array it stands for; a
    string or mapping goes to the schema as is, to be reported."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return value
    return list(value)


def _as_integer(value: Any) -> Any:
    # JSON Schema counts 5.0 as an integer, but it must go on the wire as 5.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _as_reference_string(value: Any) -> Any:
    # Create returns reference_id as a number; the document call takes it as a string.
    value = _as_integer(value)
    return str(value) if type(value) is int else value


@cache
def _default(operation_id: str, field: str) -> tuple[Any, ...]:
    """The spec's default for a request body field."""
    body = operation(operation_id).body
    assert body is not None
    return tuple(resolve(body.schema)["properties"][field]["default"])


def create_digilocker_url(
    settings: Settings,
    *,
    redirect_url: str,
    document_requested: Iterable[str] | None,
    client_ref_id: str | None,
    user_code: str | None,
) -> Call[DigilockerUrlSuccess]:
    op = operation("createDigilockerUrl")
    payload = _present(
        {
            "initiator_id": settings.initiator_id,
            "user_code": settings.user_code if user_code is None else user_code,
            "client_ref_id": client_ref_id,
            "document_requested": list(_default(op.operation_id, "document_requested"))
            if document_requested is None
            else _as_list(document_requested),
            "redirect_url": redirect_url,
        }
    )
    _checked(op, op.body, payload)
    request = _encoded(create_api._get_kwargs(body=CreateDigilockerUrlRequest.from_dict(payload)))
    # A POST is safe to repeat only when Eko can recognise the repeat by client_ref_id.
    return Call(op, request, client_ref_id is not None, DigilockerUrlSuccess)


def get_verification_status(
    settings: Settings,
    *,
    reference_id: int,
    client_ref_id: str | None,
    user_code: str | None,
) -> Call[VerificationStatusPayload]:
    op = operation("getDigilockerVerificationStatus")
    params = _present(
        {
            "initiator_id": settings.initiator_id,
            "user_code": settings.user_code if user_code is None else user_code,
            "client_ref_id": client_ref_id,
            "reference_id": _as_integer(reference_id),
        }
    )
    _checked(op, op.query, params)
    request = status_api._get_kwargs(**params)
    # The generated GET sends no content type, but Eko lists `content-type:
    # application/json` as required on every call, this one included (see the spec).
    request["headers"] = {**request.get("headers", {}), "Content-Type": JSON_CONTENT_TYPE}
    return Call(op, request, True, VerificationStatusPayload)


def get_document(
    settings: Settings,
    *,
    reference_id: int | str,
    verification_id: str,
    document_type: Iterable[str] | None,
    client_ref_id: str | None,
    user_code: str | None,
) -> Call[DigilockerDocumentPayload]:
    op = operation("getDigilockerDocument")
    payload = _present(
        {
            "initiator_id": settings.initiator_id,
            "user_code": settings.user_code if user_code is None else user_code,
            "client_ref_id": client_ref_id,
            # By default, what create requests by default.
            "document_type": list(_default("createDigilockerUrl", "document_requested"))
            if document_type is None
            else _as_list(document_type),
            "verification_id": verification_id,
            "reference_id": _as_reference_string(reference_id),
        }
    )
    _checked(op, op.body, payload)
    request = _encoded(
        document_api._get_kwargs(body=GetDigilockerDocumentRequest.from_dict(payload))
    )
    return Call(op, request, client_ref_id is not None, DigilockerDocumentPayload)
