"""The spec itself: valid OpenAPI, and every named example valid against its schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi" / "eko-digilocker.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (examples, responses) to the object it names."""
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def media_types() -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody")
            if body:
                for ctype, media in resolve(body)["content"].items():
                    yield f"{method.upper()} {path} request {ctype}", media
            for status, response in op["responses"].items():
                for ctype, media in resolve(response).get("content", {}).items():
                    yield f"{method.upper()} {path} {status} {ctype}", media


EXAMPLES = [
    pytest.param(media["schema"], name, resolve(example)["value"], id=f"{where} {name}")
    for where, media in media_types()
    for name, example in media.get("examples", {}).items()
]


def test_spec_is_valid_openapi_31() -> None:
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def test_every_operation_has_examples_for_success_and_errors() -> None:
    for item in SPEC["paths"].values():
        for op in item.values():
            ok = resolve(op["responses"]["200"])["content"]["application/json"]["examples"]
            assert any(resolve(e)["value"]["status"] == 0 for e in ok.values())
            assert any(resolve(e)["value"]["status"] != 0 for e in ok.values())


@pytest.mark.parametrize(("schema", "name", "value"), EXAMPLES)
def test_example_matches_its_schema(schema: dict[str, Any], name: str, value: Any) -> None:
    assert "uri" in jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers
    # A schema with the spec's components beside it resolves every "#/components/..." ref.
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": SPEC["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert not errors, f"example {name!r} does not match its schema: {errors}"


def test_a_wrong_example_is_caught() -> None:
    schema = SPEC["paths"]["/tools/kyc/digilocker"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    bad = {"initiator_id": "1", "user_code": "2", "document_requested": [], "redirect_url": "x"}
    bad["client_ref_id"] = "X" * 21
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": SPEC["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "is not a 'uri'" in messages
    assert "too long" in messages
    assert "should be non-empty" in messages or "is too short" in messages


def test_generated_package_carries_this_spec() -> None:
    carried = resources.files("eko_digilocker_client").joinpath("openapi.json").read_text()
    assert json.loads(carried) == SPEC


# --- constructs every mainstream generator decodes (issue 10) ----------------------------

# Generators drop `not`, and cannot tell apart the branches of a `oneOf`/`anyOf` without a
# string discriminator, which Eko's integer `status` cannot be.
UNION_KEYWORDS = ("oneOf", "anyOf", "not")
# The suffixes generators give their own operation types (hey-api: <Op>Data, <Op>Response,
# <Op>Responses, <Op>Error, <Op>Errors; orval: <op>Response...).
GENERATOR_SUFFIXES = ("Data", "Response", "Responses", "Error", "Errors")


def constructs_generators_drop(node: Any, where: str, seen: set[str]) -> list[str]:
    """Every union, `not`, or `minimum == maximum` stand-in for `const` under `node`,
    following refs (each named schema once)."""
    found: list[str] = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += constructs_generators_drop(item, f"{where}[{index}]", seen)
        return found
    if not isinstance(node, dict):
        return found
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref not in seen:
            seen.add(ref)
            found += constructs_generators_drop(resolve(node), ref, seen)
        return found
    for keyword in UNION_KEYWORDS:
        if keyword in node:
            found.append(f"{where}: {keyword}")
    if "minimum" in node and node.get("minimum") == node.get("maximum"):
        found.append(f"{where}: minimum == maximum (a const generators cannot see)")
    for key, value in node.items():
        if key not in ("examples", "example", "default", "enum", "const"):
            found += constructs_generators_drop(value, f"{where}/{key}", seen)
    return found


def response_schemas() -> Iterator[tuple[str, Any]]:
    for where, media in media_types():
        if " request " not in where:
            yield where, media["schema"]


def test_response_schemas_use_only_constructs_every_generator_decodes() -> None:
    found = [
        problem
        for where, schema in response_schemas()
        for problem in constructs_generators_drop(schema, where, set())
    ]
    assert not found, found


def test_the_construct_check_catches_what_it_refuses() -> None:
    union = {"oneOf": [{"$ref": "#/components/schemas/Envelope"}, {"type": "object"}]}
    assert constructs_generators_drop(union, "x", set()) == ["x: oneOf"]
    nested = {"properties": {"status": {"type": "integer", "not": {"const": 0}}}}
    assert constructs_generators_drop(nested, "x", set()) == ["x/properties/status: not"]
    fake_const = {"items": {"minimum": 0, "maximum": 0}}
    assert len(constructs_generators_drop(fake_const, "x", set())) == 1
    assert constructs_generators_drop({"anyOf": []}, "x", set()) == ["x: anyOf"]


def operation_ids() -> list[str]:
    return [op["operationId"] for item in SPEC["paths"].values() for op in item.values()]


def names_generators_would_rename(names: list[str], operation_ids: list[str]) -> list[str]:
    taken = {f"{op}{suffix}".lower() for op in operation_ids for suffix in GENERATOR_SUFFIXES}
    return [name for name in names if name.endswith(GENERATOR_SUFFIXES) or name.lower() in taken]


def test_no_schema_name_collides_with_a_generated_name() -> None:
    names = list(SPEC["components"]["schemas"])
    assert not names_generators_would_rename(names, operation_ids())


def test_the_name_check_catches_collisions() -> None:
    assert names_generators_would_rename(
        ["CreateDigilockerUrlData", "createdigilockerurlbody", "Envelope", "VerificationErrors"],
        ["createDigilockerUrl"],
    ) == ["CreateDigilockerUrlData", "VerificationErrors"]
    assert names_generators_would_rename(["GETTHINGRESPONSE"], ["getThing"]) == ["GETTHINGRESPONSE"]


def test_named_examples_are_refs_to_components() -> None:
    # openapi-generator warns "Failed to get the schema name: null" for every named example
    # written inline under an operation.
    inline = [
        f"{where} {name}"
        for where, media in media_types()
        for name, example in media.get("examples", {}).items()
        if "$ref" not in example
    ]
    assert not inline, inline


def test_every_operation_names_its_success_data_schema() -> None:
    for item in SPEC["paths"].values():
        for op in item.values():
            rule = resolve(op["responses"]["200"])["x-eko-success-data"]
            assert resolve(rule)["type"] == "object"
            assert not constructs_generators_drop(rule, op["operationId"], set())


def test_request_bodies_carry_their_examples_on_the_schema() -> None:
    # openapi-generator's Java targets warn "Ignoring complex example on request body" for
    # any example on the request body's media type; the body schema's `examples` are fine.
    on_media = [
        where
        for where, media in media_types()
        if " request " in where and ("examples" in media or "example" in media)
    ]
    assert not on_media, on_media


SCHEMA_EXAMPLES = [
    pytest.param(name, value, id=f"{name} example {index}")
    for name, schema in SPEC["components"]["schemas"].items()
    if isinstance(schema.get("examples"), list)
    for index, value in enumerate(schema["examples"])
]


@pytest.mark.parametrize(("name", "value"), SCHEMA_EXAMPLES)
def test_schema_examples_match_their_schema(name: str, value: Any) -> None:
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert not errors, errors


def test_document_consent_items_show_both_documented_shapes() -> None:
    # Untyped on purpose (docs/other-languages.md): the shapes live in its examples, which
    # the project's readers must accept.
    from eko_digilocker import document_consents
    from eko_digilocker_client.models import VerificationStatusPayload

    item = SPEC["components"]["schemas"]["DocumentConsentItem"]
    assert not {"type", "oneOf", "anyOf"} & set(item)
    assert sorted(type(example).__name__ for example in item["examples"]) == ["dict", "str"]
    payload = VerificationStatusPayload.from_dict({"document_consent": item["examples"]})
    assert [c.document_type for c in document_consents(payload)] == ["AADHAAR", None]
