// The spec itself at run time (the JSON copy generated/eko_digilocker_client carries), and
// a check of an answer against its schemas: the same rules the Python client validates a
// success with (jsonschema), for the keywords the spec's answer schemas use.
import spec from "../../generated/eko_digilocker_client/openapi.json" with { type: "json" };

const SPEC: unknown = spec;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function get(node: unknown, name: string): unknown {
  return isObject(node) ? node[name] : undefined;
}

/** Follows local `$ref`s ("#/components/...") to the object they name. */
function resolve(node: unknown): unknown {
  const ref = get(node, "$ref");
  return typeof ref === "string" ? resolve(ref.slice(2).split("/").reduce<unknown>(get, SPEC)) : node;
}

export interface AnswerSchemas {
  /** the schema of the operation's HTTP 200 answer */
  envelope: unknown;
  /** what a success's `data` must also be: the 200 answer's `x-eko-success-data` */
  success: unknown;
}

/** The answer schemas of each operation, by operationId. */
export const ANSWER_SCHEMAS: ReadonlyMap<string, AnswerSchemas> = new Map(
  Object.values(get(SPEC, "paths") as Record<string, unknown>).flatMap((item) =>
    Object.values(item as Record<string, unknown>).map((operation): [string, AnswerSchemas] => {
      const answer = resolve(get(get(operation, "responses"), "200"));
      const media = get(get(answer, "content"), "application/json");
      return [
        String(get(operation, "operationId")),
        { envelope: get(media, "schema"), success: get(answer, "x-eko-success-data") },
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

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

// An absolute URI (RFC 3986: a scheme, ":", then no whitespace), as `format: uri` asks.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

/**
 * Where `value` breaks `schema` ("data.reference_id: ..."), or null when it matches.
 * Knows the keywords the spec's answer schemas use: $ref, type, enum, format uri,
 * minLength/maxLength, properties, required, additionalProperties, items.
 */
export function mismatch(value: unknown, schema: unknown, where = "answer"): string | null {
  const rule = resolve(schema);
  const type = get(rule, "type");
  const types: unknown[] = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if (types.length > 0 && !types.some((one) => hasType(value, one))) {
    return `${where}: not ${types.join(" or ")}`;
  }
  const allowed = get(rule, "enum");
  if (Array.isArray(allowed) && !allowed.some((one) => one === value)) {
    return `${where}: not one of ${allowed.join(", ")}`;
  }
  if (typeof value === "string") {
    const length = [...value].length;
    const min = get(rule, "minLength");
    const max = get(rule, "maxLength");
    if ((typeof min === "number" && length < min) || (typeof max === "number" && length > max)) {
      return `${where}: length ${length} out of bounds`;
    }
    if (get(rule, "format") === "uri" && !URI.test(value)) {
      return `${where}: not a URI`;
    }
  }
  if (Array.isArray(value)) {
    const items = get(rule, "items");
    for (const [index, item] of value.entries()) {
      const found = items === undefined ? null : mismatch(item, items, `${where}[${index}]`);
      if (found !== null) return found;
    }
  }
  if (isObject(value)) {
    const required = get(rule, "required");
    for (const name of Array.isArray(required) ? required : []) {
      if (!(String(name) in value)) return `${where}.${String(name)}: missing`;
    }
    const properties = get(rule, "properties");
    const extra = get(rule, "additionalProperties");
    for (const [name, item] of Object.entries(value)) {
      const own = get(properties, name);
      const sub = own !== undefined ? own : isObject(extra) ? extra : undefined;
      const found = sub === undefined ? null : mismatch(item, sub, `${where}.${name}`);
      if (found !== null) return found;
    }
  }
  return null;
}
