"""The breaking-change gate: compare the spec with an earlier one and say what a client
generated from the earlier one would suffer.

    python scripts/check_breaking.py                  against the last release kept in
                                                      openapi/released/<version>.yaml
    python scripts/check_breaking.py --base OLD.yaml  against any other spec
    --spec NEW.yaml                                   the spec to check (default: ours)
    --require-major-bump                              fail only when a breaking change
                                                      comes without a new major version
                                                      (what `make test` runs)

Each change found is named by a rule of RULES (breaking, minor or patch) and placed in
the spec (the operation, then the way down the schema, `[Name]` marking where a `$ref`
led). Exit status: 1 when a breaking change is found (or, with --require-major-bump,
when one is found and info.version has not moved to a new major), else 0. Every run says
which part of the version the changes need bumped: major, minor or patch.

Requests and answers are read in opposite directions: a client built from the base spec
sends what the base allowed, so a request schema may only accept more; it reads answers
with the base's types, so an answer may only promise more (fewer values, more fields).
oasdiff's rule catalogue is the model; no maintained tool that installs from the
registries here covers these rules (see docs/development.md).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

# the client's own merge of an operation's x-eko-client over the root's: one rule
from eko_digilocker.policy import merged as merge_policy

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "eko-digilocker.yaml"
RELEASED = ROOT / "openapi" / "released"

Level = Literal["major", "minor", "patch"]

#: rule -> (the version part it needs, what it means). Major is breaking.
RULES: dict[str, tuple[Level, str]] = {
    "path-removed": ("major", "a path is gone"),
    "operation-removed": ("major", "an operation (method on a path) is gone"),
    "operation-id-changed": ("major", "generated clients name their calls after operationId"),
    "operation-tags-changed": ("major", "generated clients group calls by tag (DigilockerApi)"),
    "parameter-removed": ("major", "a parameter clients send is gone"),
    "required-parameter-added": ("major", "a new parameter clients must send"),
    "parameter-made-required": ("major", "an optional parameter became required"),
    "request-body-made-required": ("major", "the request body became required"),
    "request-media-type-removed": ("major", "a request content type clients send is gone"),
    "request-field-removed": ("major", "a request field clients send is gone"),
    "required-request-field-added": ("major", "a new request field clients must send"),
    "request-field-made-required": ("major", "an optional request field became required"),
    "request-type-changed": ("major", "a request value no longer accepts a type it did"),
    "request-format-changed": ("major", "a request value's format changed (not widened)"),
    "request-enum-value-removed": ("major", "a request value clients may send is refused"),
    "request-constraint-narrowed": ("major", "a request limit got tighter"),
    "request-additional-properties-narrowed": ("major", "extra request fields now refused"),
    "request-default-changed": ("major", "callers who omit the field get another value"),
    "response-removed": ("major", "an answer status clients handle is gone"),
    "response-media-type-removed": ("major", "an answer content type clients read is gone"),
    "response-field-removed": ("major", "an answer field clients read is gone"),
    "response-field-made-optional": ("major", "an answer field clients rely on may be missing"),
    "response-type-changed": ("major", "an answer value may have a type clients do not read"),
    "response-format-changed": ("major", "an answer value's format changed (not narrowed)"),
    "response-enum-value-added": ("major", "an answer value generated enums cannot decode"),
    "response-constraint-widened": ("major", "answers may exceed a limit clients validate"),
    "response-additional-properties-widened": (
        "major",
        "answers may carry fields strict models refuse",
    ),
    "composition-changed": ("major", "allOf/oneOf/anyOf/not changed shape"),
    "schema-removed": ("major", "a named schema (a generated type) is gone"),
    "security-changed": ("major", "the headers or schemes a call must carry changed"),
    "server-removed": ("major", "a server (environment) clients select is gone"),
    "policy-removed": ("major", "a key of the client policy (x-eko-client) is gone"),
    "policy-limit-lowered": (
        "major",
        "calls give up sooner or read less (timeout_ms, max_response_bytes, consent_wait "
        "timeout_ms lower)",
    ),
    "policy-retries-reduced": (
        "major",
        "a failure clients recovered from reaches callers (max_retries lower, a retried "
        "status removed, not_sent or maybe_sent narrowed, idempotent true -> false)",
    ),
    "policy-rule-changed": (
        "major",
        "a rule clients follow means something else (redirects, the idempotency field, "
        "jitter, a value of a key this table does not know)",
    ),
    "path-added": ("minor", "a new path"),
    "operation-added": ("minor", "a new operation"),
    "optional-parameter-added": ("minor", "a new optional parameter"),
    "parameter-made-optional": ("minor", "a required parameter became optional"),
    "request-body-made-optional": ("minor", "the request body became optional"),
    "optional-request-field-added": ("minor", "a new optional request field"),
    "request-field-made-optional": ("minor", "a required request field became optional"),
    "request-type-widened": ("minor", "a request value accepts more types"),
    "request-enum-value-added": ("minor", "a request value accepts a new value"),
    "request-constraint-widened": ("minor", "a request limit got looser"),
    "response-added": ("minor", "a new answer status"),
    "response-field-added": ("minor", "a new answer field"),
    "response-field-made-required": ("minor", "an answer field is now always there"),
    "response-type-narrowed": ("minor", "an answer value has fewer possible types"),
    "response-enum-value-removed": ("minor", "an answer value is no longer sent"),
    "response-constraint-narrowed": ("minor", "an answer limit got tighter"),
    "schema-added": ("minor", "a new named schema"),
    "server-added": ("minor", "a new server"),
    "policy-added": ("minor", "a new key of the client policy, or an operation's own"),
    "policy-limit-raised": (
        "minor",
        "calls may take longer or read more (timeout_ms, max_response_bytes, consent_wait "
        "timeout_ms higher)",
    ),
    "policy-retries-increased": (
        "minor",
        "more failures are retried (max_retries higher, a status added, not_sent or "
        "maybe_sent widened, idempotent false -> true)",
    ),
    "policy-timing-changed": (
        "patch",
        "waits inside a call, bounded by its deadline (backoff, the Retry-After cap, the "
        "consent poll interval)",
    ),
    "description-changed": ("patch", "documentation only (description, summary, examples...)"),
}

#: limit keyword -> which way is tighter ("max": a lower value, "min": a higher one)
LIMITS: dict[str, Literal["max", "min"]] = {
    "maxLength": "max",
    "maxItems": "max",
    "maxProperties": "max",
    "maximum": "max",
    "exclusiveMaximum": "max",
    "minLength": "min",
    "minItems": "min",
    "minProperties": "min",
    "minimum": "min",
    "exclusiveMinimum": "min",
}
#: keywords whose change can only be called tighter (regexes cannot be compared)
OPAQUE_LIMITS = ("pattern", "multipleOf", "uniqueItems")
#: format pairs where the second accepts every value of the first
WIDER_FORMAT = {("int32", "int64"), ("float", "double")}
# What a successful answer's `data` must match (docs/answer-rule.md): clients hold answers
# to it, and its schema is reached through this extension only, not through `content`.
SUCCESS_DATA = "x-eko-success-data"
DOCUMENTATION = ("description", "summary", "title", "example", "examples", "externalDocs")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ORDER: dict[Level, int] = {"major": 3, "minor": 2, "patch": 1}
# The client policy (x-eko-client, at the root and per operation), judged by what a
# caller of a client that follows it would see: giving up sooner, reading less or
# retrying less breaks callers who relied on it (major); the reverse only adds (minor);
# a change of the waits inside one call's deadline is timing (patch); prose is patch.
POLICY = "x-eko-client"
POLICY_PROSE = frozenset({"description", "idempotent_because", "idempotency.generated"})
POLICY_LIMITS = frozenset({"timeout_ms", "max_response_bytes", "consent_wait.timeout_ms"})
POLICY_TIMING = frozenset(
    {
        "retry.backoff.initial_ms",
        "retry.backoff.max_ms",
        "retry.backoff.multiplier",
        "retry.retry_after.max_ms",
        "consent_wait.interval_ms",
    }
)
# what is retried, from least to most (x-eko-client's description)
POLICY_REACH = {"never": 0, "idempotent": 1, "all": 2}


@dataclass(frozen=True)
class Change:
    rule: str
    where: str
    detail: str

    @property
    def level(self) -> Level:
        return RULES[self.rule][0]

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.detail}"


@dataclass
class Comparison:
    old: dict[str, Any]
    new: dict[str, Any]
    changes: list[Change] = field(default_factory=list)

    def add(self, rule: str, where: str, detail: str) -> None:
        assert rule in RULES, rule
        change = Change(rule, where, detail)
        if change not in self.changes:
            self.changes.append(change)

    # --- $ref ---------------------------------------------------------------------

    def resolve(self, spec: dict[str, Any], node: Any) -> tuple[Any, str | None]:
        """`node` with its local `$ref`s followed, and the name of the last one."""
        name = None
        for _ in range(64):  # a chain of refs longer than this is a loop
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node, name
            ref: str = node["$ref"]
            if not ref.startswith("#/"):
                raise SystemExit(f"only local $refs are supported, not {ref}")
            name = ref.rsplit("/", 1)[-1]
            target: Any = spec
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        raise SystemExit(f"$ref loop at {name}")

    # --- the document ---------------------------------------------------------------

    def run(self) -> list[Change]:
        self.servers()
        self.policies()
        self.named("schemas", "schema-removed", "schema-added")
        self.security_schemes()
        old_paths, new_paths = self.old.get("paths", {}), self.new.get("paths", {})
        for path, old_item in old_paths.items():
            if path not in new_paths:
                self.add("path-removed", path, "removed")
                continue
            self.path(path, old_item, new_paths[path])
        for path in sorted(new_paths.keys() - old_paths.keys()):
            self.add("path-added", path, "added")
        return self.changes

    def servers(self) -> None:
        # clients pick a server by its URL, or (ours) by its x-eko-environment name
        for key in ("url", "x-eko-environment"):
            old = {s[key] for s in self.old.get("servers", []) if key in s}
            new = {s[key] for s in self.new.get("servers", []) if key in s}
            for name in sorted(old - new):
                self.add("server-removed", f"servers {key} {name}", "removed")
            for name in sorted(new - old):
                self.add("server-added", f"servers {key} {name}", "added")

    def policies(self) -> None:
        """The root policy, then each operation's effective one (its own keys over the
        root's), reporting for an operation only what the root's change does not say."""
        old_root, new_root = self.old.get(POLICY, {}), self.new.get(POLICY, {})
        root = Comparison(self.old, self.new)
        root.policy(POLICY, old_root, new_root)
        self.changes.extend(root.changes)
        said = {(c.rule, c.detail) for c in root.changes}
        for path, old_item in self.old.get("paths", {}).items():
            new_item = self.new.get("paths", {}).get(path, {})
            for method in METHODS:
                old_op, new_op = old_item.get(method), new_item.get(method)
                if old_op is None or new_op is None:
                    continue
                one = Comparison(self.old, self.new)
                one.policy(
                    f"{method.upper()} {path} {POLICY}",
                    merge_policy({**old_root, "idempotent": False}, old_op.get(POLICY, {})),
                    merge_policy({**new_root, "idempotent": False}, new_op.get(POLICY, {})),
                )
                for change in one.changes:
                    if (change.rule, change.detail) not in said:
                        self.add(change.rule, change.where, change.detail)

    def policy(self, where: str, old: Any, new: Any, key: str = "") -> None:
        if isinstance(old, dict) and isinstance(new, dict):
            for name in sorted(old.keys() | new.keys()):
                self.policy(where, old.get(name), new.get(name), f"{key}.{name}".lstrip("."))
            return
        if old == new:
            return
        if key in POLICY_PROSE or key.rsplit(".", 1)[-1] in POLICY_PROSE:
            self.add("description-changed", where, key)
        elif old is None:
            self.add("policy-added", where, f"{key} added")
        elif new is None:
            self.add("policy-removed", where, f"{key} removed")
        else:
            self.add(policy_rule(key, old, new), where, f"{key}: {old!r} -> {new!r}")

    def named(self, kind: str, removed: str, added: str) -> None:
        old = self.old.get("components", {}).get(kind, {})
        new = self.new.get("components", {}).get(kind, {})
        for name in sorted(old.keys() - new.keys()):
            self.add(removed, f"components.{kind}.{name}", "removed")
        for name in sorted(new.keys() - old.keys()):
            self.add(added, f"components.{kind}.{name}", "added")

    def security_schemes(self) -> None:
        old = self.old.get("components", {}).get("securitySchemes", {})
        new = self.new.get("components", {}).get("securitySchemes", {})
        for name, scheme in old.items():
            other = new.get(name)
            essence = ("type", "in", "name", "scheme")
            if other is None or any(scheme.get(k) != other.get(k) for k in essence):
                self.add("security-changed", f"components.securitySchemes.{name}", "changed")

    def path(self, path: str, old_item: dict[str, Any], new_item: dict[str, Any]) -> None:
        for method in METHODS:
            old_op, new_op = old_item.get(method), new_item.get(method)
            where = f"{method.upper()} {path}"
            if old_op is not None and new_op is None:
                self.add("operation-removed", where, "removed")
            elif old_op is None and new_op is not None:
                self.add("operation-added", where, "added")
            elif old_op is not None and new_op is not None:
                shared = (old_item.get("parameters", []), new_item.get("parameters", []))
                self.operation(where, old_op, new_op, shared)

    def operation(
        self, where: str, old: dict[str, Any], new: dict[str, Any], shared: tuple[Any, Any]
    ) -> None:
        if old.get("operationId") != new.get("operationId"):
            detail = f"{old.get('operationId')} -> {new.get('operationId')}"
            self.add("operation-id-changed", where, detail)
        if old.get("tags") != new.get("tags"):
            self.add("operation-tags-changed", where, f"{old.get('tags')} -> {new.get('tags')}")
        self.documentation(where, old, new)
        old_security = old.get("security", self.old.get("security"))
        if old_security != new.get("security", self.new.get("security")):
            self.add("security-changed", where, "security requirements changed")
        self.parameters(
            where,
            [*shared[0], *old.get("parameters", [])],
            [*shared[1], *new.get("parameters", [])],
        )
        self.request_body(where, old.get("requestBody"), new.get("requestBody"))
        self.responses(where, old.get("responses", {}), new.get("responses", {}))

    def documentation(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in DOCUMENTATION:
            if old.get(key) != new.get(key):
                self.add("description-changed", where, key)

    def parameters(self, where: str, old_list: list[Any], new_list: list[Any]) -> None:
        def by_key(spec: dict[str, Any], items: list[Any]) -> dict[str, dict[str, Any]]:
            found = {}
            for item in items:
                parameter, _ = self.resolve(spec, item)
                found[f"{parameter['in']} parameter {parameter['name']}"] = parameter
            return found

        old, new = by_key(self.old, old_list), by_key(self.new, new_list)
        for key, parameter in old.items():
            here = f"{where} {key}"
            other = new.get(key)
            if other is None:
                self.add("parameter-removed", here, "removed")
                continue
            if other.get("required", False) and not parameter.get("required", False):
                self.add("parameter-made-required", here, "now required")
            elif parameter.get("required", False) and not other.get("required", False):
                self.add("parameter-made-optional", here, "now optional")
            self.documentation(here, parameter, other)
            self.schema("request", here, parameter.get("schema", {}), other.get("schema", {}))
        for key in sorted(new.keys() - old.keys()):
            required = new[key].get("required", False)
            rule = "required-parameter-added" if required else "optional-parameter-added"
            self.add(rule, f"{where} {key}", "added")

    def request_body(self, where: str, old_ref: Any, new_ref: Any) -> None:
        old, _ = self.resolve(self.old, old_ref or {})
        new, _ = self.resolve(self.new, new_ref or {})
        here = f"{where} request body"
        if new.get("required", False) and not old.get("required", False):
            self.add("request-body-made-required", here, "now required")
        elif old.get("required", False) and not new.get("required", False):
            self.add("request-body-made-optional", here, "now optional")
        self.content("request", here, old.get("content", {}), new.get("content", {}))

    def responses(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status, old_ref in old.items():
            here = f"{where} answer {status}"
            if status not in new:
                self.add("response-removed", here, "removed")
                continue
            old_answer, _ = self.resolve(self.old, old_ref)
            new_answer, _ = self.resolve(self.new, new[status])
            self.documentation(here, old_answer, new_answer)
            self.content(
                "response", here, old_answer.get("content", {}), new_answer.get("content", {})
            )
            self.schema(
                "response",
                f"{here} {SUCCESS_DATA}",
                old_answer.get(SUCCESS_DATA, {}),
                new_answer.get(SUCCESS_DATA, {}),
            )
        for status in sorted(new.keys() - old.keys()):
            self.add("response-added", f"{where} answer {status}", "added")

    def content(self, side: str, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for media_type, old_media in old.items():
            here = f"{where} ({media_type})"
            if media_type not in new:
                self.add(f"{side}-media-type-removed", here, "removed")
                continue
            self.documentation(here, old_media, new[media_type])
            self.schema(side, here, old_media.get("schema", {}), new[media_type].get("schema", {}))

    # --- schemas --------------------------------------------------------------------

    def schema(
        self,
        side: str,
        where: str,
        old_ref: Any,
        new_ref: Any,
        seen: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        old, old_name = self.resolve(self.old, old_ref)
        new, new_name = self.resolve(self.new, new_ref)
        if old_name is not None or new_name is not None:
            pair = (old_name or "", new_name or "")
            if pair in seen:
                return  # a recursive schema: this pair is being compared further up
            seen = seen | {pair}
            where += f" [{old_name}]" if old_name == new_name else f" [{old_name} -> {new_name}]"
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new:  # boolean schemas
                self.add(f"{side}-type-changed", where, f"{old!r} -> {new!r}")
            return
        self.documentation(where, old, new)
        self.types(side, where, old, new)
        self.format(side, where, format_of(old), format_of(new))
        self.enum(side, where, old, new)
        self.limits(side, where, old, new)
        if side == "request" and "default" in old and old.get("default") != new.get("default"):
            self.add(
                "request-default-changed",
                where,
                f"{old.get('default')!r} -> {new.get('default')!r}",
            )
        self.properties(side, where, old, new, seen)
        self.additional_properties(side, where, old, new, seen)
        if "items" in old or "items" in new:
            self.schema(side, f"{where} items", old.get("items", {}), new.get("items", {}), seen)
        for keyword in ("allOf", "oneOf", "anyOf", "not"):
            old_parts, new_parts = old.get(keyword), new.get(keyword)
            if old_parts is None and new_parts is None:
                continue
            if (
                keyword == "not"
                or old_parts is None
                or new_parts is None
                or len(old_parts) != len(new_parts)
            ):
                self.add("composition-changed", where, keyword)
                continue
            for index, (old_part, new_part) in enumerate(zip(old_parts, new_parts, strict=True)):
                self.schema(side, f"{where} {keyword}[{index}]", old_part, new_part, seen)

    def types(self, side: str, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_types, new_types = type_set(old), type_set(new)
        if old_types == new_types:
            return
        detail = f"type {sorted(old_types or {'any'})} -> {sorted(new_types or {'any'})}"
        # a request may accept more; an answer may promise less
        wider, narrower = (new_types, old_types) if side == "request" else (old_types, new_types)
        if accepts_all(wider, narrower):
            self.add(
                "request-type-widened" if side == "request" else "response-type-narrowed",
                where,
                detail,
            )
        else:
            self.add(f"{side}-type-changed", where, detail)

    def format(self, side: str, where: str, old: str | None, new: str | None) -> None:
        if old == new:
            return
        detail = f"format {old} -> {new}"
        if side == "request" and (new is None or (old, new) in WIDER_FORMAT):
            self.add("request-type-widened", where, detail)
        elif side == "response" and (old is None or (new, old) in WIDER_FORMAT):
            self.add("response-type-narrowed", where, detail)
        else:
            self.add(f"{side}-format-changed", where, detail)

    def enum(self, side: str, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_values, new_values = allowed_values(old), allowed_values(new)
        if old_values == new_values:
            return
        if side == "request":
            removed = old_values is None or (
                new_values is not None and not set(old_values) <= set(new_values)
            )
            if removed:
                lost = (
                    "any value"
                    if old_values is None
                    else [v for v in old_values if v not in new_values]
                )
                self.add("request-enum-value-removed", where, f"no longer accepts {lost}")
            else:
                self.add("request-enum-value-added", where, f"{old_values} -> {new_values}")
        else:
            added = new_values is None or (
                old_values is not None and not set(new_values) <= set(old_values)
            )
            if added:
                extra = (
                    "any value"
                    if new_values is None
                    else [v for v in new_values if v not in old_values]
                )
                self.add("response-enum-value-added", where, f"may now send {extra}")
            else:
                self.add("response-enum-value-removed", where, f"{old_values} -> {new_values}")

    def limits(self, side: str, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        tighter_rule = (
            "request-constraint-narrowed" if side == "request" else "response-constraint-narrowed"
        )
        looser_rule = (
            "request-constraint-widened" if side == "request" else "response-constraint-widened"
        )
        for keyword, tighter_is in LIMITS.items():
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            detail = f"{keyword} {before} -> {after}"
            if before is None:
                tighter = True
            elif after is None:
                tighter = False
            else:
                tighter = after < before if tighter_is == "max" else after > before
            self.add(tighter_rule if tighter else looser_rule, where, detail)
        for keyword in OPAQUE_LIMITS:
            before, after = old.get(keyword), new.get(keyword)
            if before != after:
                rule = looser_rule if after in (None, False) else tighter_rule
                self.add(rule, where, f"{keyword} {before!r} -> {after!r}")

    def properties(
        self,
        side: str,
        where: str,
        old: dict[str, Any],
        new: dict[str, Any],
        seen: frozenset[tuple[str, str]],
    ) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name, old_prop in old_props.items():
            here = f"{where}.{name}"
            if name not in new_props:
                self.add(f"{side}-field-removed", here, "removed")
                continue
            if side == "request" and name in new_required - old_required:
                self.add("request-field-made-required", here, "now required")
            elif side == "request" and name in old_required - new_required:
                self.add("request-field-made-optional", here, "now optional")
            elif side == "response" and name in old_required - new_required:
                self.add("response-field-made-optional", here, "no longer always sent")
            elif side == "response" and name in new_required - old_required:
                self.add("response-field-made-required", here, "now always sent")
            self.schema(side, here, old_prop, new_props[name], seen)
        for name in sorted(new_props.keys() - old_props.keys()):
            here = f"{where}.{name}"
            if side == "request":
                rule = (
                    "required-request-field-added"
                    if name in new_required
                    else "optional-request-field-added"
                )
            else:
                rule = "response-field-added"
            self.add(rule, here, "added")
        # `required` may name a field no `properties` entry describes: still required
        undescribed = old_props.keys() | new_props.keys()
        if side == "request":
            for name in sorted(new_required - old_required - undescribed):
                self.add("required-request-field-added", f"{where}.{name}", "now required")
        else:
            for name in sorted(old_required - new_required - undescribed):
                self.add("response-field-made-optional", f"{where}.{name}", "no longer always sent")

    def additional_properties(
        self,
        side: str,
        where: str,
        old: dict[str, Any],
        new: dict[str, Any],
        seen: frozenset[tuple[str, str]],
    ) -> None:
        if (
            "properties" not in old
            and "additionalProperties" not in old
            and "additionalProperties" not in new
        ):
            return
        before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if isinstance(before, dict) and isinstance(after, dict):
            self.schema(side, f"{where} additionalProperties", before, after, seen)
            return
        if before == after:
            return
        detail = f"additionalProperties {before!r} -> {after!r}"
        if side == "request" and after is not True:
            self.add("request-additional-properties-narrowed", where, detail)
        elif side == "response" and after is not False:
            self.add("response-additional-properties-widened", where, detail)
        else:
            self.add(
                "request-constraint-widened"
                if side == "request"
                else "response-constraint-narrowed",
                where,
                detail,
            )


def format_of(schema: dict[str, Any]) -> str | None:
    """The schema's format; an integer without one is what generators make of it, int32
    (Java Integer, Go int32, C# int), so `int64` added to an answer's integer breaks them."""
    declared = schema.get("format")
    if declared is None and "integer" in type_set(schema):
        return "int32"
    return declared if isinstance(declared, str) else None


def type_set(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema allows (empty: any). 3.0's `nullable` adds null."""
    declared = schema.get("type")
    types = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    if schema.get("nullable") is True:
        types.add("null")
    return types


def accepts_all(wider: set[str], narrower: set[str]) -> bool:
    """Whether a value of every type in `narrower` is also one of `wider`."""
    if not wider:
        return True
    if not narrower:
        return False
    return all(t in wider or (t == "integer" and "number" in wider) for t in narrower)


def allowed_values(schema: dict[str, Any]) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    values = schema.get("enum")
    return list(values) if values is not None else None


def policy_rule(key: str, old: Any, new: Any) -> str:
    """The rule for one policy value that changed (neither side missing)."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (old, new))
    if key in POLICY_LIMITS and numbers:
        return "policy-limit-lowered" if new < old else "policy-limit-raised"
    if key in POLICY_TIMING and numbers:
        return "policy-timing-changed"
    if key == "retry.max_retries" and numbers:
        return "policy-retries-reduced" if new < old else "policy-retries-increased"
    if key == "retry.statuses" and isinstance(old, list) and isinstance(new, list):
        return "policy-retries-reduced" if set(old) - set(new) else "policy-retries-increased"
    if key == "idempotent" and isinstance(old, bool) and isinstance(new, bool):
        return "policy-retries-reduced" if old else "policy-retries-increased"
    if key in ("retry.not_sent", "retry.maybe_sent") and {old, new} <= POLICY_REACH.keys():
        less = POLICY_REACH[new] < POLICY_REACH[old]
        return "policy-retries-reduced" if less else "policy-retries-increased"
    return "policy-rule-changed"


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return Comparison(old, new).run()


def needed_bump(changes: list[Change]) -> Level | None:
    if not changes:
        return None
    return max((change.level for change in changes), key=ORDER.__getitem__)


def version_tuple(version: str) -> tuple[int, int, int]:
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if found is None:
        raise SystemExit(f"info.version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def last_release(folder: Path = RELEASED) -> Path:
    released = sorted(folder.glob("*.yaml"), key=lambda path: version_tuple(path.stem))
    if not released:
        raise SystemExit(f"no released spec in {folder}")
    return released[-1]


def next_version(base: str, bump: Level) -> str:
    major, minor, patch = version_tuple(base)
    return {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[bump]


def report(changes: list[Change]) -> Iterator[str]:
    for level in ("major", "minor", "patch"):
        found = [change for change in changes if change.level == level]
        if found:
            title = {
                "major": "Breaking",
                "minor": "Compatible (minor)",
                "patch": "Documentation (patch)",
            }[level]
            yield f"{title}: {len(found)}"
            yield from (f"  {change}" for change in found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the earlier spec (default: the last release)")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the spec to check")
    parser.add_argument(
        "--require-major-bump",
        action="store_true",
        help="fail only on a breaking change without a new major version",
    )
    args = parser.parse_args(argv)
    base_path: Path = args.base or last_release()
    old = yaml.safe_load(base_path.read_text(encoding="utf-8"))
    new = yaml.safe_load(args.spec.read_text(encoding="utf-8"))
    changes = compare(old, new)
    print(f"{args.spec} against {base_path}:")
    for line in report(changes):
        print(line)
    bump = needed_bump(changes)
    base_version, version = str(old["info"]["version"]), str(new["info"]["version"])
    if bump is None:
        print("No change to the contract.")
        return 0
    needed = next_version(base_version, bump)
    print(f"The next version must be a {bump} release: {needed} or later (base {base_version}).")
    breaking = bump == "major"
    if args.require_major_bump:
        bumped = version_tuple(version)[0] > version_tuple(base_version)[0]
        if breaking and not bumped:
            print(f"info.version is {version}: breaking changes need {needed} or later.")
            return 1
        return 0
    return 1 if breaking else 0


if __name__ == "__main__":
    sys.exit(main())
