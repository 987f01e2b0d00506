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
