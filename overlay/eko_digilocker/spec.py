"""The OpenAPI document the generated client was made from, and validators compiled from it.

This is the only place field rules come from: the client validates its input here and
the sandbox validates requests and its own answers here. Nothing is copied by hand.
The same machinery reads other OpenAPI documents when given one (`http_operations(spec)`):
the sandbox's control client uses it for the control surface's own document.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from typing import Any


@cache
def load_spec() -> dict[str, Any]:
    """The spec carried by the generated package (`eko_digilocker_client/openapi.json`).

    Read through the package's loader without importing the package (its models cost
    tens of milliseconds), so the client policy can be read at import (`policy.py`)."""
    import importlib.util  # imports here and below wait for first use: cold start
    import os

    package = importlib.util.find_spec("eko_digilocker_client")
    if package is None or package.loader is None or not package.submodule_search_locations:
        raise ImportError("the generated package eko_digilocker_client is not installed")
    where = os.path.join(package.submodule_search_locations[0], "openapi.json")
    spec: dict[str, Any] = json.loads(package.loader.get_data(where))  # type: ignore[attr-defined]
    return spec


def standalone(schema: dict[str, Any], spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """A schema that resolves the `#/components/...` refs of `spec` (default: the
    client's spec) on its own."""
    return {**schema, "components": (spec or load_spec())["components"]}


@dataclass(frozen=True)
class FieldError:
    """One invalid field: its dotted location (`document_requested.0`) and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class SchemaValidator:
    """A compiled validator that reports every error by field name (a plain class: made
    at import for a fraction of a dataclass's cost)."""

    __slots__ = ("_compiled", "schema", "spec")

    def __init__(self, schema: dict[str, Any], spec: dict[str, Any] | None = None) -> None:
        """`spec`: the document whose `#/components/...` the schema refers to; None: the
        client's spec."""
        import jsonschema_rs

        self.schema = schema
        self.spec = spec
        whole = standalone(schema, spec)
        self._compiled: Any = jsonschema_rs.validator_for(whole, validate_formats=True)

    def __repr__(self) -> str:
        return f"SchemaValidator(schema={self.schema!r})"

    def is_valid(self, instance: Any) -> bool:
        return bool(self._compiled.is_valid(instance))

    def errors(self, instance: Any) -> list[FieldError]:
        """Every violation, located by field; empty when `instance` is valid."""
        if self._compiled.is_valid(instance):  # the fast path for valid input
            return []
        found: list[FieldError] = []
        for error in self._compiled.iter_errors(instance):
            path = [str(part) for part in error.instance_path]
            if not path and type(error.kind).__name__ == "Required":
                path = [str(error.kind.property)]
            found.append(FieldError(".".join(path) or "(body)", error.message))
        return found


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


class HttpOperation:
    """What any OpenAPI document says about one operation: its route and validators.
    (Plain classes here and below: made at import for a fraction of a dataclass's cost.)"""

    __slots__ = ("body", "method", "operation_id", "path", "query", "responses", "security_headers")

    def __init__(
        self,
        *,
        operation_id: str,
        method: str,
        path: str,
        body: SchemaValidator | None,
        query: SchemaValidator | None,
        responses: dict[str, SchemaValidator],
        security_headers: tuple[str, ...],
    ) -> None:
        self.operation_id = operation_id
        self.method = method
        self.path = path
        self.body = body
        self.query = query
        self.responses = responses
        self.security_headers = security_headers

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.operation_id!r}: {self.method} {self.path})"


class Operation(HttpOperation):
    """One operation of Eko's API, with what its successful answer must carry."""

    __slots__ = ("state_fields", "success_data")

    def __init__(
        self, http: HttpOperation, success_data: SchemaValidator, state_fields: tuple[str, ...]
    ) -> None:
        super().__init__(**{name: getattr(http, name) for name in HttpOperation.__slots__})
        # What a successful (`status` 0) answer's `data` must be: the schema the 200
        # answer names in `x-eko-success-data`. The answer schemas themselves cannot say
        # it (see the spec's description: no unions in answers).
        self.success_data = success_data
        # The fields of that `data` that carry a `SessionState` (where a status answer
        # reports the session's state; see the spec's SessionState).
        self.state_fields = state_fields


def resolve(node: dict[str, Any], spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """Follow local `$ref`s (`#/components/...`) of `spec` (default: the client's spec)
    to the object they name."""
    while "$ref" in node:
        target: Any = spec or load_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _query_schema(parameters: list[dict[str, Any]], spec: dict[str, Any]) -> dict[str, Any] | None:
    query = [p for p in (resolve(p, spec) for p in parameters) if p["in"] == "query"]
    if not query:
        return None
    return {
        "type": "object",
        "properties": {p["name"]: p["schema"] for p in query},
        "required": [p["name"] for p in query if p.get("required")],
    }


SESSION_STATE_REF = "#/components/schemas/SessionState"


def _state_fields(schema: dict[str, Any]) -> tuple[str, ...]:
    """The properties of `schema` (following refs and allOf) typed as a SessionState."""
    schema = resolve(schema)
    found = [
        name
        for name, prop in schema.get("properties", {}).items()
        if prop.get("$ref") == SESSION_STATE_REF
    ]
    for part in schema.get("allOf", []):
        found.extend(_state_fields(part))
    return tuple(found)


def _security_headers(op: dict[str, Any], spec: dict[str, Any]) -> tuple[str, ...]:
    schemes = spec["components"].get("securitySchemes", {})
    names: list[str] = []
    for requirement in op.get("security", []):
        for scheme in requirement:
            if schemes[scheme]["type"] == "apiKey" and schemes[scheme]["in"] == "header":
                names.append(schemes[scheme]["name"])
    return tuple(names)


def http_operations(spec: dict[str, Any]) -> dict[str, HttpOperation]:
    """Every operation in `spec`, by operationId, with validators compiled against it."""
    found: dict[str, HttpOperation] = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:  # path-level `parameters`, `summary`...
                continue
            body = op.get("requestBody")
            body_schema = (
                resolve(body, spec)["content"]["application/json"]["schema"] if body else None
            )
            query_schema = _query_schema(op.get("parameters", []), spec)
            responses = {
                status: SchemaValidator(media["schema"], spec)
                for status, response in op["responses"].items()
                for ctype, media in resolve(response, spec).get("content", {}).items()
                if ctype == "application/json"
            }
            found[op["operationId"]] = HttpOperation(
                operation_id=op["operationId"],
                method=method.upper(),
                path=path,
                body=SchemaValidator(body_schema, spec) if body_schema else None,
                query=SchemaValidator(query_schema, spec) if query_schema else None,
                responses=responses,
                security_headers=_security_headers(op, spec),
            )
    return found


@cache
def operations() -> dict[str, Operation]:
    """Every operation in the client's spec, by operationId."""
    found: dict[str, Operation] = {}
    for operation_id, http in http_operations(load_spec()).items():
        success_schema = resolve(_raw_operation(operation_id)["responses"]["200"])[
            "x-eko-success-data"
        ]
        found[operation_id] = Operation(
            http, SchemaValidator(success_schema), _state_fields(success_schema)
        )
    return found


def operation(operation_id: str) -> Operation:
    return operations()[operation_id]


def _raw_operation(operation_id: str) -> dict[str, Any]:
    for item in load_spec()["paths"].values():
        for op in item.values():
            if op.get("operationId") == operation_id:
                found: dict[str, Any] = op
                return found
    raise LookupError(f"no operation {operation_id!r} in the spec")


def example_values(operation_id: str, status: str) -> list[Any]:
    """Every named example of one response of an operation."""
    holder = resolve(_raw_operation(operation_id)["responses"][status])
    examples = holder["content"]["application/json"].get("examples", {})
    return [copy.deepcopy(resolve(e)["value"]) for e in examples.values()]


def example(operation_id: str, name: str | None = None, *, status: str | None = None) -> Any:
    """A named example from the spec: of a response (`status="200"`; without a name, the
    first one) or, without a status, the request body's (its schema's first example)."""
    op = _raw_operation(operation_id)
    if status is None:
        body_schema = resolve(resolve(op["requestBody"])["content"]["application/json"]["schema"])
        return copy.deepcopy(body_schema["examples"][0])
    examples = resolve(op["responses"][status])["content"]["application/json"]["examples"]
    chosen = examples[name] if name else next(iter(examples.values()))
    return copy.deepcopy(resolve(chosen)["value"])
