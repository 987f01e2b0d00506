"""Hypothesis strategies for the spec's JSON shapes, drawn by schemathesis's generator.

schemathesis generates request data only, so response schemas are fuzzed by loading a
derived document in which each (operation, status) response schema is the request body
of a synthetic operation. Every schema still comes from the spec; none is copied.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

from eko_digilocker.spec import load_spec, operations


def success_schema(operation_id: str) -> dict[str, Any]:
    """A successful 200 answer: the operation's envelope with `status` 0 and the data its
    `x-eko-success-data` schema requires (the rule the client checks; see the spec)."""
    op = operations()[operation_id]
    return {
        "allOf": [
            op.responses["200"].schema,
            {
                "type": "object",
                "required": ["status", "data"],
                "properties": {"status": {"const": 0}, "data": op.success_data.schema},
            },
        ]
    }


@cache
def _response_schemas() -> Any:
    successes = {
        f"/{operation_id}/success": {
            "post": {
                "operationId": f"{operation_id}_success",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": success_schema(operation_id)}},
                },
                "responses": {"200": {"description": "unused"}},
            }
        }
        for operation_id in operations()
    }
    paths = {
        **successes,
        **{
            f"/{op.operation_id}/{status}": {
                "post": {
                    "operationId": f"{op.operation_id}_{status}",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": validator.schema}},
                    },
                    "responses": {"200": {"description": "unused"}},
                }
            }
            for op in operations().values()
            for status, validator in op.responses.items()
        },
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "response shapes of the Eko DigiLocker spec", "version": "1"},
        "paths": paths,
        "components": {"schemas": load_spec()["components"]["schemas"]},
    }
    return schemathesis.openapi.from_dict(document)


def successes(operation_id: str) -> st.SearchStrategy[Any]:
    """Successful 200 answers of one operation."""
    operation = _response_schemas()[f"/{operation_id}/success"]["POST"]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(
        lambda case: case.body
    )


def response_keys() -> list[tuple[str, str]]:
    return [(op, status) for op, o in operations().items() for status in o.responses]


def responses(operation_id: str, status: str) -> st.SearchStrategy[Any]:
    """JSON bodies valid for one documented response of one operation."""
    operation = _response_schemas()[f"/{operation_id}/{status}"]["POST"]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(
        lambda case: case.body
    )


@cache
def spec_schema() -> Any:
    return schemathesis.openapi.from_dict(load_spec())


def request_bodies(path: str, method: str) -> st.SearchStrategy[Any]:
    """Valid request bodies of a real operation."""
    operation = spec_schema()[path][method]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(
        lambda case: case.body
    )


def query_parameters(path: str, method: str) -> st.SearchStrategy[Any]:
    operation = spec_schema()[path][method]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(
        lambda case: case.query
    )


def reference_validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """python-jsonschema, independent of the jsonschema-rs the client itself uses."""
    # Without rfc3986-validator installed, python-jsonschema skips `format: uri` silently.
    assert "uri" in jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers
    return jsonschema.Draft202012Validator(
        {**schema, "components": load_spec()["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
