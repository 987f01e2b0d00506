// The spec itself at run time (the JSON copy generated/eko_digilocker_client carries), and
// a check of an answer against its schemas: the same rules the Python client validates a
// success with (jsonschema), for the keywords the spec's answer schemas use.
import spec from "../../generated/eko_digilocker_client/openapi.json" with { type: "json" };

/** The spec, as the generated client carries it. */
export const SPEC: unknown = spec;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function get(node: unknown, name: string): unknown {
  return isObject(node) ? node[name] : undefined;
}

const RESOLVED = new Map<string, unknown>();

/** Follows local `$ref`s ("#/components/...") to the object they name. */
export function resolve(node: unknown): unknown {
  const ref = get(node, "$ref");
  if (typeof ref !== "string") return node;
  let target = RESOLVED.get(ref);
  if (target === undefined) {
    target = resolve(ref.slice(2).split("/").reduce<unknown>(get, SPEC));
    RESOLVED.set(ref, target);
  }
  return target;
}

export interface AnswerSchemas {
  /** the schema of the operation's HTTP 200 answer */
  envelope: unknown;
  /** what a success's `data` must also be: the 200 answer's `x-eko-success-data` */
  success: unknown;
  /** the HTTP statuses the operation documents */
  statuses: ReadonlySet<string>;
}

/** The answer schemas of each operation, by operationId. */
export const ANSWER_SCHEMAS: ReadonlyMap<string, AnswerSchemas> = new Map(
  Object.values(get(SPEC, "paths") as Record<string, unknown>).flatMap((item) =>
    Object.values(item as Record<string, unknown>).map((operation): [string, AnswerSchemas] => {
      const answer = resolve(get(get(operation, "responses"), "200"));
      const media = get(get(answer, "content"), "application/json");
      return [
        String(get(operation, "operationId")),
        {
          envelope: get(media, "schema"),
          success: get(answer, "x-eko-success-data"),
          statuses: new Set(Object.keys(get(operation, "responses") as object)),
        },
      ];
    }),
  ),
);

/** The operationId whose path the URL ends with, if any (the longest path first). */
export function operationOfUrl(url: string): string | undefined {
  const path = url === "" ? "" : new URL(url).pathname;
  const paths = Object.entries(get(SPEC, "paths") as Record<string, unknown>).sort(
    ([a], [b]) => b.length - a.length,
  );
  for (const [template, item] of paths) {
    if (path !== "" && path.endsWith(template)) {
      const operation = Object.values(item as Record<string, unknown>)[0];
      return String(get(operation, "operationId"));
    }
  }
  return undefined;
}

/** The integers the answer rule allows: 64-bit signed. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Where a value sits: its container and key, to find a whole float (`0.0`) there. */
export type Floats = WeakMap<object, Set<string | number>> | null;

function isInteger(value: unknown, floats: Floats, container: object | null, key: string | number): boolean {
  if (typeof value === "bigint") return value >= INT64_MIN && value <= INT64_MAX;
  if (!Number.isInteger(value)) return false;
  return floats === null || container === null || floats.get(container)?.has(key) !== true;
}

function hasType(
  value: unknown,
  type: unknown,
  floats: Floats,
  container: object | null,
  key: string | number,
): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return isInteger(value, floats, container, key);
    case "number":
      return typeof value === "number" || typeof value === "bigint";
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

// An absolute URI (RFC 3986: a scheme, ":", then no whitespace), as `format: uri` asks.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || (text.charCodeAt(i - 1) & 0xfc00) !== 0xd800) count += 1;
  }
  return count;
}

function below(value: number | bigint, bound: unknown): boolean {
  return (typeof bound === "number" || typeof bound === "bigint") && value < bound;
}

function above(value: number | bigint, bound: unknown): boolean {
  return (typeof bound === "number" || typeof bound === "bigint") && value > bound;
}

const PATTERNS = new Map<string, RegExp>();

/** A problem found: where, and what is wrong (phrased for the caller: "is required"). */
export interface Problem {
  field: string;
  message: string;
}

/**
 * Every way `value` breaks `schema`, in order, at most `limit`. Knows the keywords the
 * spec's schemas use: $ref (with sibling keywords), type (integer: 64-bit, no fraction
 * or exponent on the wire), enum, format uri, minLength/maxLength, pattern,
 * minimum/maximum, properties, required, additionalProperties, items, minItems/maxItems.
 */
export function problems(value: unknown, schema: unknown, where: string, floats: Floats = null, limit = 50): Problem[] {
  const found: Problem[] = [];
  check(value, schema, where, found, floats, null, "", limit);
  return found;
}

/** Where `value` breaks `schema` ("answer.data.reference_id: not integer"), or null. */
export function mismatch(value: unknown, schema: unknown, where = "answer", floats: Floats = null): string | null {
  const first = problems(value, schema, where, floats, 1)[0];
  return first === undefined ? null : `${first.field}: ${first.message}`;
}

function check(
  value: unknown,
  schema: unknown,
  where: string,
  out: Problem[],
  floats: Floats,
  container: object | null,
  key: string | number,
  limit: number,
): void {
  if (!isObject(schema) || out.length >= limit) return;
  const ref = schema["$ref"];
  if (typeof ref === "string") {
    check(value, resolve(schema), where, out, floats, container, key, limit);
  }
  const add = (message: string): void => {
    if (out.length < limit) out.push({ field: where, message });
  };
  const type = schema["type"];
  if (type !== undefined) {
    const types: unknown[] = Array.isArray(type) ? type : [type];
    if (!types.some((one) => hasType(value, one, floats, container, key))) {
      add(`must be of type ${types.join(" or ")}`);
      return;
    }
  }
  const allowed = schema["enum"];
  if (Array.isArray(allowed) && !allowed.some((one) => one === value)) {
    add(`must be one of ${allowed.join(", ")}`);
  }
  if (typeof value === "string") {
    const min = schema["minLength"];
    const max = schema["maxLength"];
    if (typeof max === "number" && value.length > max && codePoints(value) > max) {
      add(`is longer than ${max} characters`);
    }
    if (typeof min === "number" && value.length < min * 2 && codePoints(value) < min) {
      add(`is shorter than ${min} characters`);
    }
    if (schema["format"] === "uri" && !URI.test(value)) add("must be a valid uri");
    const pattern = schema["pattern"];
    if (typeof pattern === "string") {
      let compiled = PATTERNS.get(pattern);
      if (compiled === undefined) {
        compiled = new RegExp(pattern, "u");
        PATTERNS.set(pattern, compiled);
      }
      if (!compiled.test(value)) add(`must match ${pattern}`);
    }
  } else if (typeof value === "number" || typeof value === "bigint") {
    if (below(value, schema["minimum"])) add(`must be at least ${String(schema["minimum"])}`);
    if (above(value, schema["maximum"])) add(`must be at most ${String(schema["maximum"])}`);
  } else if (Array.isArray(value)) {
    const min = schema["minItems"];
    const max = schema["maxItems"];
    if (typeof min === "number" && value.length < min) add(`must have at least ${min} item(s)`);
    if (typeof max === "number" && value.length > max) add(`must have at most ${max} item(s)`);
    const items = schema["items"];
    if (items !== undefined) {
      for (let index = 0; index < value.length; index += 1) {
        check(value[index], items, `${where}[${index}]`, out, floats, value, index, limit);
      }
    }
  } else if (isObject(value)) {
    const required = schema["required"];
    for (const name of Array.isArray(required) ? required : []) {
      if (!Object.hasOwn(value, String(name))) {
        if (out.length < limit) out.push({ field: join(where, String(name)), message: "is required" });
      }
    }
    const properties = schema["properties"];
    const extra = schema["additionalProperties"];
    for (const name in value) {
      const own = isObject(properties) ? properties[name] : undefined;
      const sub = own !== undefined ? own : isObject(extra) ? extra : undefined;
      if (sub !== undefined) check(value[name], sub, join(where, name), out, floats, value, name, limit);
    }
  }
}

function join(where: string, name: string): string {
  return where === "" ? name : `${where}.${name}`;
}
