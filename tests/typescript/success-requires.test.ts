// readAnswer's table of what a success must carry (SUCCESS_REQUIRES) is the spec's rule:
// for each operation, the fields that the 200 answer's `x-eko-success-data` schema
// requires, each with the JSON type the spec gives it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SUCCESS_REQUIRES } from "../../overlay/typescript/answers.js";
import { field } from "./spec-examples.js";
import { readJson } from "./support.js";

const SPEC = readJson("generated/eko_digilocker_client/openapi.json");

function resolve(node: unknown): unknown {
  const ref = field(node, "$ref");
  return typeof ref === "string"
    ? resolve(ref.slice(2).split("/").reduce<unknown>(field, SPEC))
    : node;
}

function specRequirements(): Record<string, Record<string, unknown>> {
  const found: Record<string, Record<string, unknown>> = {};
  for (const pathItem of Object.values(field(SPEC, "paths") as object)) {
    for (const operation of Object.values(pathItem as object)) {
      const answer = resolve(field(field(operation, "responses"), "200"));
      const rule = resolve(field(answer, "x-eko-success-data"));
      const required = (field(rule, "required") ?? []) as string[];
      const properties = field(rule, "properties");
      found[field(operation, "operationId") as string] = Object.fromEntries(
        required.map((name) => [name, field(resolve(field(properties, name)), "type")]),
      );
    }
  }
  return found;
}

test("SUCCESS_REQUIRES lists what each operation's x-eko-success-data requires", () => {
  assert.deepEqual(specRequirements(), SUCCESS_REQUIRES);
});
