"""The breaking-change gate (scripts/check_breaking.py): one minimal spec pair per rule of
its table, the exit statuses, and the repository's spec against its last release."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_breaking.py"
sys.path.insert(0, str(ROOT / "scripts"))

from check_breaking import RULES, compare, last_release, needed_bump, version_tuple  # noqa: E402

Spec = dict[str, Any]

BASE: Spec = {
    "openapi": "3.1.0",
    "info": {"title": "items", "version": "1.0.0"},
    "servers": [{"url": "https://uat.example/v1", "x-eko-environment": "uat"}],
    "x-eko-client": {
        "description": "The client policy.",
        "timeout_ms": 60000,
        "max_response_bytes": 1048576,
        "retry": {
            "max_retries": 2,
            "statuses": [429, 500, 502, 503, 504],
            "not_sent": "all",
            "maybe_sent": "idempotent",
            "backoff": {"initial_ms": 500, "max_ms": 8000, "multiplier": 2, "jitter": "full"},
            "retry_after": {"max_ms": 60000},
        },
        "idempotency": {"field": "client_ref_id", "generated": "per call"},
        "redirects": "never_follow",
        "consent_wait": {"interval_ms": 3000, "timeout_ms": 600000},
    },
    "paths": {
        "/items": {
            "post": {
                "operationId": "createItem",
                "x-eko-client": {"idempotent": True, "idempotent_because": "a key"},
                "description": "Creates an item.",
                "security": [{"key": []}],
                "parameters": [
                    {
                        "name": "trace",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "tenant",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ItemRequest"}}
                    },
                },
                "responses": {
                    "200": {
                        "description": "the item",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "key"}},
        "schemas": {
            "ItemRequest": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 10},
                    "note": {"type": "string"},
                    "kind": {"type": "string", "enum": ["a", "b"], "default": "a"},
                    "count": {"type": "integer", "format": "int32", "maximum": 100},
                    "tags": {"type": "array", "maxItems": 5, "items": {"type": "string"}},
                },
            },
            "Item": {
                "type": "object",
                "required": ["id"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer", "format": "int32"},
                    "state": {"type": "string", "enum": ["open", "closed"]},
                    "label": {"type": "string", "maxLength": 50},
                    "child": {"$ref": "#/components/schemas/Item"},  # a recursive schema
                },
            },
            "Legacy": {"type": "string"},
        },
    },
}

Edit = Callable[[Spec], None]


def op(spec: Spec) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/items"]["post"]
    return operation


def request(spec: Spec) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"]["ItemRequest"]
    return schema


def answer(spec: Spec) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"]["Item"]
    return schema


def edited(edit: Edit) -> Spec:
    spec = copy.deepcopy(BASE)
    edit(spec)
    return spec


def forward(edit: Edit) -> tuple[Spec, Spec]:
    return copy.deepcopy(BASE), edited(edit)


def backward(edit: Edit) -> tuple[Spec, Spec]:
    """The same edit undone: what a breaking edit takes away, its reverse adds."""
    return edited(edit), copy.deepcopy(BASE)


def move_operation(spec: Spec) -> None:
    spec["paths"]["/items"]["put"] = spec["paths"]["/items"].pop("post")


def remove_200(spec: Spec) -> None:
    op(spec)["responses"]["201"] = op(spec)["responses"].pop("200")


def drop_trace(spec: Spec) -> None:
    del op(spec)["parameters"][0]


def trace_required(spec: Spec) -> None:
    op(spec)["parameters"][0]["required"] = True


def body_required(spec: Spec) -> None:
    op(spec)["requestBody"]["required"] = True


def drop_note(spec: Spec) -> None:
    del request(spec)["properties"]["note"]


def note_required(spec: Spec) -> None:
    request(spec)["required"].append("note")


def kind_only_a(spec: Spec) -> None:
    request(spec)["properties"]["kind"]["enum"] = ["a"]


def name_max_5(spec: Spec) -> None:
    request(spec)["properties"]["name"]["maxLength"] = 5


def drop_label(spec: Spec) -> None:
    del answer(spec)["properties"]["label"]


def id_optional(spec: Spec) -> None:
    answer(spec)["required"] = []


def id_int64(spec: Spec) -> None:
    answer(spec)["properties"]["id"]["format"] = "int64"


def state_archived(spec: Spec) -> None:
    answer(spec)["properties"]["state"]["enum"].append("archived")


def label_max_100(spec: Spec) -> None:
    answer(spec)["properties"]["label"]["maxLength"] = 100


def drop_legacy(spec: Spec) -> None:
    del spec["components"]["schemas"]["Legacy"]


def drop_server(spec: Spec) -> None:
    spec["servers"] = []


def add_get(spec: Spec) -> None:
    spec["paths"]["/items"]["get"] = {"operationId": "listItems", "responses": {}}


def drop_items(spec: Spec) -> None:
    del spec["paths"]["/items"]


def drop_redirects(spec: Spec) -> None:
    del spec["x-eko-client"]["redirects"]


def drop_503(spec: Spec) -> None:
    spec["x-eko-client"]["retry"]["statuses"].remove(503)


def set_(path: str, value: Any) -> Edit:
    """An edit setting one value, the path's parts split by '/' (from the spec's root)."""

    def edit(spec: Spec) -> None:
        *parents, last = path.split("/")
        node: Any = spec
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value

    return edit


BASE_PARAMETERS = BASE["paths"]["/items"]["post"]["parameters"]
REQ = "components/schemas/ItemRequest/properties"
RES = "components/schemas/Item/properties"


def post(path: str, value: Any) -> Edit:
    """An edit setting one value of POST /items."""

    def edit(spec: Spec) -> None:
        set_(path, value)(op(spec))

    return edit


# (rule, base spec, edited spec): each rule of the table, from the smallest edit that shows it
CASES: list[tuple[str, Spec, Spec]] = [
    ("path-removed", *forward(drop_items)),
    ("operation-removed", *forward(move_operation)),
    ("operation-id-changed", *forward(post("operationId", "makeItem"))),
    ("operation-tags-changed", *forward(post("tags", ["catalogue"]))),
    ("parameter-removed", *forward(drop_trace)),
    (
        "required-parameter-added",
        *forward(
            post("parameters", [*BASE_PARAMETERS, {"name": "x", "in": "header", "required": True}])
        ),
    ),
    ("parameter-made-required", *forward(trace_required)),
    ("request-body-made-required", *forward(body_required)),
    (
        "request-media-type-removed",
        *forward(post("requestBody/content", {"text/plain": {"schema": {"type": "string"}}})),
    ),
    ("request-field-removed", *forward(drop_note)),
    (
        "required-request-field-added",
        *forward(set_("components/schemas/ItemRequest/required", ["name", "colour"])),
    ),
    ("request-field-made-required", *forward(note_required)),
    ("request-type-changed", *forward(set_(f"{REQ}/note/type", "integer"))),
    ("request-format-changed", *forward(set_(f"{REQ}/note/format", "email"))),
    ("request-enum-value-removed", *forward(kind_only_a)),
    ("request-constraint-narrowed", *forward(name_max_5)),
    (
        "request-additional-properties-narrowed",
        *forward(set_("components/schemas/ItemRequest/additionalProperties", False)),
    ),
    ("request-default-changed", *forward(set_(f"{REQ}/kind/default", "b"))),
    ("response-removed", *forward(remove_200)),
    (
        "response-media-type-removed",
        *forward(post("responses/200/content", {"text/html": {"schema": {"type": "string"}}})),
    ),
    ("response-field-removed", *forward(drop_label)),
    ("response-field-made-optional", *forward(id_optional)),
    ("response-type-changed", *forward(set_(f"{RES}/id/type", "string"))),
    ("response-format-changed", *forward(id_int64)),  # widening an answer's integer
    ("response-enum-value-added", *forward(state_archived)),
    ("response-constraint-widened", *forward(label_max_100)),
    (
        "response-additional-properties-widened",
        *forward(set_("components/schemas/Item/additionalProperties", True)),
    ),
    (
        "composition-changed",
        *forward(set_(f"{REQ}/note", {"anyOf": [{"type": "string"}, {"type": "integer"}]})),
    ),
    ("schema-removed", *forward(drop_legacy)),
    ("security-changed", *forward(set_("components/securitySchemes/key/name", "api-key"))),
    ("server-removed", *forward(drop_server)),
    ("policy-removed", *forward(drop_redirects)),
    ("policy-limit-lowered", *forward(set_("x-eko-client/timeout_ms", 30000))),
    ("policy-retries-reduced", *forward(drop_503)),
    ("policy-rule-changed", *forward(set_("x-eko-client/redirects", "follow"))),
    ("path-added", *backward(drop_items)),
    ("operation-added", *forward(add_get)),
    ("optional-parameter-added", *backward(drop_trace)),
    ("parameter-made-optional", *backward(trace_required)),
    ("request-body-made-optional", *backward(body_required)),
    ("optional-request-field-added", *backward(drop_note)),
    ("request-field-made-optional", *backward(note_required)),
    ("request-type-widened", *forward(set_(f"{REQ}/count/format", "int64"))),
    ("request-enum-value-added", *backward(kind_only_a)),
    ("request-constraint-widened", *backward(name_max_5)),
    ("response-added", *forward(post("responses/404", {"description": "not found"}))),
    ("response-field-added", *backward(drop_label)),
    ("response-field-made-required", *backward(id_optional)),
    ("response-type-narrowed", *backward(id_int64)),
    ("response-enum-value-removed", *backward(state_archived)),
    ("response-constraint-narrowed", *backward(label_max_100)),
    ("schema-added", *backward(drop_legacy)),
    ("server-added", *backward(drop_server)),
    ("policy-added", *backward(drop_redirects)),
    ("policy-limit-raised", *backward(set_("x-eko-client/timeout_ms", 30000))),
    ("policy-retries-increased", *backward(drop_503)),
    ("policy-timing-changed", *forward(set_("x-eko-client/retry/backoff/initial_ms", 250))),
    ("description-changed", *forward(post("description", "Creates one item."))),
]


def test_every_rule_has_a_case() -> None:
    assert sorted(rule for rule, _, _ in CASES) == sorted(RULES)


@pytest.mark.parametrize(("rule", "old", "new"), CASES, ids=[rule for rule, _, _ in CASES])
def test_each_rule_finds_its_change(rule: str, old: Spec, new: Spec) -> None:
    changes = compare(old, new)
    assert rule in {change.rule for change in changes}, [str(c) for c in changes]
    level = RULES[rule][0]
    # a compatible edit is never called breaking, and a breaking one needs a major release
    assert needed_bump(changes) == level


@pytest.mark.parametrize(
    ("side", "rule"),
    [("request", "request-type-widened"), ("response", "response-format-changed")],
)
def test_an_integer_without_format_is_read_as_int32(side: str, rule: str) -> None:
    # int64 added to an integer generators typed as int32: a request accepts more, an
    # answer may now carry ids a 32-bit field cannot hold
    properties = "ItemRequest" if side == "request" else "Item"
    field = "count" if side == "request" else "id"
    old, new = forward(set_(f"components/schemas/{properties}/properties/{field}/format", "int64"))
    del old["components"]["schemas"][properties]["properties"][field]["format"]
    [change] = compare(old, new)
    assert (change.rule, change.detail) == (rule, "format int32 -> int64")


def test_a_renamed_recursive_schema_is_compared_once() -> None:
    def rename(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        schemas["Thing"] = schemas.pop("Item")
        schemas["Thing"]["properties"]["child"] = {"$ref": "#/components/schemas/Thing"}
        op(spec)["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/Thing"
        }

    rules = [change.rule for change in compare(*forward(rename))]
    assert sorted(rules) == ["schema-added", "schema-removed"]


def test_what_a_success_must_carry_is_compared_as_an_answer() -> None:
    # x-eko-success-data names a schema no `content` reaches; clients reject a success
    # without its required fields, so making one optional breaks them
    def success_data(required: list[str]) -> Edit:
        def edit(spec: Spec) -> None:
            item = spec["components"]["schemas"]["Item"]
            spec["components"]["schemas"]["ItemSuccess"] = {**item, "required": required}
            ref = {"$ref": "#/components/schemas/ItemSuccess"}
            op(spec)["responses"]["200"]["x-eko-success-data"] = ref

        return edit

    old, new = edited(success_data(["id", "label"])), edited(success_data(["id"]))
    [change] = compare(old, new)
    assert change.rule == "response-field-made-optional"
    assert change.where == "POST /items answer 200 x-eko-success-data [ItemSuccess].label"


def test_the_spec_s_success_requirements_are_guarded() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "eko-digilocker.yaml").read_text(encoding="utf-8"))
    edited_spec = copy.deepcopy(spec)
    edited_spec["components"]["schemas"]["DigilockerUrlSuccess"]["required"] = ["reference_id"]
    assert needed_bump(compare(spec, edited_spec)) == "major"


def test_the_same_spec_has_no_change() -> None:
    assert compare(copy.deepcopy(BASE), copy.deepcopy(BASE)) == []
    assert needed_bump([]) is None


def test_a_change_is_placed_where_the_spec_holds_it() -> None:
    [change] = compare(*forward(name_max_5))
    assert change.where == "POST /items request body (application/json) [ItemRequest].name"
    assert change.detail == "maxLength 10 -> 5"


def test_a_shared_schema_is_reported_from_each_use() -> None:
    old, new = forward(name_max_5)
    for spec in (old, new):
        spec["paths"]["/items"]["patch"] = copy.deepcopy(op(spec)) | {"operationId": "patchItem"}
    places = {change.where.split(" ")[0] for change in compare(old, new)}
    assert places == {"POST", "PATCH"}


def write(path: Path, spec: Spec) -> Path:
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def gate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_gate_exits_1_listing_each_breaking_change(tmp_path: Path) -> None:
    old, new = forward(name_max_5)
    drop_label(new)
    done = gate(
        "--base", write(tmp_path / "old.yaml", old), "--spec", write(tmp_path / "new.yaml", new)
    )
    assert done.returncode == 1, done.stdout
    assert "request-constraint-narrowed: POST /items" in done.stdout
    assert "response-field-removed: POST /items answer 200" in done.stdout
    assert "must be a major release: 2.0.0" in done.stdout


def test_the_gate_exits_0_on_a_compatible_change(tmp_path: Path) -> None:
    old, new = backward(drop_label)
    done = gate(
        "--base", write(tmp_path / "old.yaml", old), "--spec", write(tmp_path / "new.yaml", new)
    )
    assert done.returncode == 0, done.stdout
    assert "response-field-added" in done.stdout
    assert "must be a minor release: 1.1.0" in done.stdout


def test_a_major_bump_lets_a_breaking_change_through_the_test_gate(tmp_path: Path) -> None:
    old, new = forward(drop_label)
    base = write(tmp_path / "old.yaml", old)
    args = ("--require-major-bump", "--base", base, "--spec")
    unbumped = gate(*args, write(tmp_path / "new.yaml", new))
    assert unbumped.returncode == 1
    assert "breaking changes need 2.0.0" in unbumped.stdout
    new["info"]["version"] = "2.0.0"
    assert gate(*args, write(tmp_path / "bumped.yaml", new)).returncode == 0


def test_the_last_release_is_the_highest_version(tmp_path: Path) -> None:
    for version in ("1.9.0", "1.10.0", "1.2.3"):
        write(tmp_path / f"{version}.yaml", BASE)
    assert last_release(tmp_path).name == "1.10.0.yaml"


def test_the_spec_breaks_nothing_without_a_major_version() -> None:
    # What `make test` enforces: against openapi/released/<last>.yaml
    done = gate("--require-major-bump")
    assert done.returncode == 0, done.stdout


def test_the_last_release_is_kept_as_released() -> None:
    release = last_release()
    spec = yaml.safe_load(release.read_text(encoding="utf-8"))
    assert spec["info"]["version"] == release.stem


def test_every_version_the_changelog_dates_is_kept_as_released() -> None:
    # Without the released spec the gate compares with an older release, and a breaking
    # edit after this version passes `make test` because the major already moved.
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    dated = re.findall(r"^## (\d+\.\d+\.\d+) \(\d{4}-\d{2}-\d{2}\)$", changelog, re.MULTILINE)
    newest = max(dated, key=version_tuple)
    assert last_release().stem == newest


POLICY_EDITS = [
    # (edit, rule, bump): what a caller of a client following the policy would see
    (set_("x-eko-client/max_response_bytes", 1024), "policy-limit-lowered", "major"),
    (set_("x-eko-client/max_response_bytes", 2**21), "policy-limit-raised", "minor"),
    (set_("x-eko-client/consent_wait/timeout_ms", 60000), "policy-limit-lowered", "major"),
    (set_("x-eko-client/retry/max_retries", 1), "policy-retries-reduced", "major"),
    (set_("x-eko-client/retry/max_retries", 5), "policy-retries-increased", "minor"),
    (
        set_("x-eko-client/retry/statuses", [429, 500, 502, 503, 504, 408]),
        "policy-retries-increased",
        "minor",
    ),
    (set_("x-eko-client/retry/maybe_sent", "never"), "policy-retries-reduced", "major"),
    (set_("x-eko-client/retry/not_sent", "idempotent"), "policy-retries-reduced", "major"),
    (post("x-eko-client/idempotent", False), "policy-retries-reduced", "major"),
    (set_("x-eko-client/idempotency/field", "request_id"), "policy-rule-changed", "major"),
    (set_("x-eko-client/retry/backoff/jitter", "none"), "policy-rule-changed", "major"),
    (set_("x-eko-client/retry/retry_after/max_ms", 1000), "policy-timing-changed", "patch"),
    (set_("x-eko-client/consent_wait/interval_ms", 5000), "policy-timing-changed", "patch"),
    (set_("x-eko-client/retry/backoff/multiplier", 3), "policy-timing-changed", "patch"),
    (post("x-eko-client/idempotent_because", "another reason"), "description-changed", "patch"),
    (set_("x-eko-client/idempotency/generated", "made per call"), "description-changed", "patch"),
]


@pytest.mark.parametrize(("edit", "rule", "bump"), POLICY_EDITS)
def test_a_policy_change_is_judged_by_what_callers_see(edit: Edit, rule: str, bump: str) -> None:
    changes = compare(copy.deepcopy(BASE), edited(edit))
    assert {change.rule for change in changes} == {rule}, [str(c) for c in changes]
    assert needed_bump(changes) == bump


def test_a_root_policy_change_is_reported_once_not_per_operation() -> None:
    changes = compare(copy.deepcopy(BASE), edited(set_("x-eko-client/timeout_ms", 1000)))
    assert [c.where for c in changes] == ["x-eko-client"]


def test_an_operations_own_policy_is_compared_as_it_takes_effect() -> None:
    # an operation that waited longer than the root, and no longer does
    longer = edited(post("x-eko-client/timeout_ms", 120000))
    changes = compare(longer, copy.deepcopy(BASE))
    assert [(c.rule, c.where) for c in changes] == [
        ("policy-limit-lowered", "POST /items x-eko-client")
    ]
    # an operation without its own `idempotent` is not safe to repeat
    dropped = compare(copy.deepcopy(BASE), edited(lambda spec: op(spec).pop("x-eko-client")))
    assert "policy-retries-reduced" in {c.rule for c in dropped}
