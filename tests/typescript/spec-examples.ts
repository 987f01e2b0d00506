// The documented answer examples of the spec, read from the JSON copy that
// generated/eko_digilocker_client carries (the spec the clients were generated from).
import assert from "node:assert/strict";
import { readJson } from "./support.js";

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function entries(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : [];
}

export function field(value: unknown, name: string): unknown {
  return isObject(value) ? Reflect.get(value, name) : undefined;
}

const SPEC = readJson("generated/eko_digilocker_client/openapi.json");

/** Follows local `$ref`s ("#/components/...") to the object they name. */
function resolve(node: unknown): unknown {
  const ref = field(node, "$ref");
  if (typeof ref !== "string") {
    return node;
  }
  assert.ok(ref.startsWith("#/"), ref);
  return resolve(ref.slice(2).split("/").reduce<unknown>(field, SPEC));
}

export interface Example {
  /** "<operationId> <HTTP status> <example name>" */
  key: string;
  operationId: string;
  httpStatus: number;
  value: unknown;
}

export function documentedExamples(): Example[] {
  const found: Example[] = [];
  for (const [, pathItem] of entries(field(SPEC, "paths"))) {
    for (const [, operation] of entries(pathItem)) {
      const operationId = field(operation, "operationId");
      assert.ok(typeof operationId === "string");
      for (const [status, response] of entries(field(operation, "responses"))) {
        const media = field(field(resolve(response), "content"), "application/json");
        for (const [name, example] of entries(field(media, "examples"))) {
          const key = `${operationId} ${status} ${name}`;
          const value = field(resolve(example), "value");
          found.push({ key, operationId, httpStatus: Number(status), value });
        }
      }
    }
  }
  assert.ok(found.length > 0, "the spec documents no answer examples");
  return found;
}
