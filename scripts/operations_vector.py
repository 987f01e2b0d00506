"""`tests/vectors/operations.json`: what the spec says about each operation, with every
`$ref` resolved, so that a language with no YAML parser or `$ref` resolver needs nothing
else. `make generate` writes it (scripts/generate.py) and `make check-generated` fails
when it drifts from the spec.

Per operation: its method, path and security headers; each parameter (where it goes, its
JSON type, whether it is required and every limit); the schemas of the 200 answer's
envelope and of a success's `data` (`x-eko-success-data`); what a success requires; and
the operation's effective client policy (the root `x-eko-client` with the operation's
own keys merged over it). Schemas keep only what a check needs: descriptions and
examples are left out, so the file stays readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

# the client's own merge of an operation's x-eko-client over the root's: one rule
from eko_digilocker.policy import merged as merge_policy

ABOUT = (
    "Written by `make generate` from openapi/eko-digilocker.yaml (scripts/operations_vector.py);"
    " do not edit. Per operation: method, path, security headers, each parameter (in: query,"
    " body or header; its JSON type, required, and every limit), the 200 answer's envelope"
    " schema and a success's data schema (x-eko-success-data), every $ref resolved and"
    " descriptions left out; `success`: what a success requires (status 0, the data fields"
    " listed, and no state field saying otherwise, docs/answer-rule.md); `policy`: the"
    " operation's effective x-eko-client (the root's, with the operation's keys merged over"
    " it; `idempotent` is false unless the operation says true). `policy` at the top is the"
    " root x-eko-client without its description."
)
# annotations: they say nothing a check needs, and would make the file hard to read
ANNOTATIONS = frozenset({"description", "examples", "example", "title", "$comment"})
# keywords whose value is a schema, a list of schemas, or a map of names to schemas
SCHEMA_VALUED = frozenset({"items", "additionalProperties", "not", "contains", "propertyNames"})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs"})
SESSION_STATE = "#/components/schemas/SessionState"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _pointer(spec: dict[str, Any], ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $refs are resolved, not {ref}")
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _follow(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A non-schema object (parameter, response, request body) behind its `$ref`s."""
    while "$ref" in node:
        node = _pointer(spec, node["$ref"])
    return node


def resolve_schema(spec: dict[str, Any], schema: Any, seen: tuple[str, ...] = ()) -> Any:
    """`schema` with every `$ref` replaced by what it names, and annotations dropped.
    Keywords beside a `$ref` apply with it (OpenAPI 3.1), so they are merged in; one that
    contradicts the referenced schema is an error rather than a silent choice."""
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            raise ValueError(f"recursive schema {ref}: operations.json cannot inline it")
        target = resolve_schema(spec, _pointer(spec, ref), (*seen, ref))
        siblings = resolve_schema(spec, {k: v for k, v in schema.items() if k != "$ref"}, seen)
        for key, value in siblings.items():
            if key in target and target[key] != value:
                raise ValueError(f"{ref}: {key} beside the $ref contradicts the schema's own")
        return {**target, **siblings}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        if key in SCHEMA_VALUED:
            out[key] = resolve_schema(spec, value, seen)
        elif key in SCHEMA_LISTS:
            out[key] = [resolve_schema(spec, item, seen) for item in value]
        elif key in SCHEMA_MAPS:
            out[key] = {name: resolve_schema(spec, sub, seen) for name, sub in value.items()}
        else:
            out[key] = value
    return out


def root_policy(spec: dict[str, Any]) -> dict[str, Any]:
    """The root `x-eko-client` without its prose."""
    policy = spec.get("x-eko-client")
    if not isinstance(policy, dict):
        raise ValueError("the spec has no root x-eko-client")
    return {key: value for key, value in policy.items() if key != "description"}


def operation_policy(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    own = op.get("x-eko-client", {})
    return merge_policy({**root_policy(spec), "idempotent": False}, own)


def _parameter(name: str, where: str, required: bool, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, **schema}


def _parameters(spec: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for raw in op.get("parameters", []):
        param = _follow(spec, raw)
        if param["in"] not in ("query", "header"):
            raise ValueError(f"{op['operationId']}: {param['in']} parameters are not modelled")
        schema = resolve_schema(spec, param["schema"])
        found.append(_parameter(param["name"], param["in"], bool(param.get("required")), schema))
    body = op.get("requestBody")
    if body is not None:
        media = _follow(spec, body)["content"]["application/json"]
        schema = resolve_schema(spec, media["schema"])
        if schema.get("type") != "object":
            raise ValueError(f"{op['operationId']}: the body must be a JSON object")
        required = set(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            found.append(_parameter(name, "body", name in required, sub))
    return found


def _security_headers(spec: dict[str, Any], op: dict[str, Any]) -> list[str]:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    names = []
    for requirement in op.get("security", spec.get("security", [])):
        for scheme in requirement:
            found = schemes[scheme]
            if found["type"] != "apiKey" or found["in"] != "header":
                raise ValueError(f"security scheme {scheme}: only header API keys are modelled")
            names.append(found["name"])
    return names


def _state_fields(spec: dict[str, Any], data_schema: dict[str, Any]) -> list[str]:
    """The `data` fields typed as a SessionState (read before inlining loses the name)."""
    schema = _follow(spec, data_schema)
    return [
        name
        for name, prop in schema.get("properties", {}).items()
        if prop.get("$ref") == SESSION_STATE
    ]


def operation_entry(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> Any:
    answer = _follow(spec, op["responses"]["200"])
    envelope = resolve_schema(spec, answer["content"]["application/json"]["schema"])
    success_raw = answer["x-eko-success-data"]
    success_data = resolve_schema(spec, success_raw)
    return {
        "operation_id": op["operationId"],
        "method": method.upper(),
        "path": path,
        "security_headers": _security_headers(spec, op),
        "parameters": _parameters(spec, op),
        "envelope_schema": envelope,
        "success_data_schema": success_data,
        "success": {
            "status": 0,
            "data_required": success_data.get("required", []),
            "state_fields": _state_fields(spec, success_raw),
        },
        "policy": operation_policy(spec, op),
    }


def operations_vector(spec: dict[str, Any]) -> dict[str, Any]:
    operations = [
        operation_entry(spec, path, method, item[method])
        for path, item in spec["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]
    return {
        "about": ABOUT,
        "spec_version": spec["info"]["version"],
        "policy": root_policy(spec),
        "operations": operations,
    }


def operations_json(spec_path: Path) -> str:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    return json.dumps(operations_vector(spec), indent=1, ensure_ascii=False) + "\n"
