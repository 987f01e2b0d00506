// What the spec says a client does, read from its embedded copy at load time: the
// client policy (`x-eko-client`, at the root and per operation), each operation's
// method, path and input schema, and the named environments (`x-eko-environment`).
// Nothing here is a number or rule of its own.
import { SPEC, get, isObject, resolve } from "./schema.js";

export interface RetryPolicy {
  max_retries: number;
  statuses: number[];
  /** "all": a request that never left is retried for every operation */
  not_sent: string;
  /** "idempotent": one that may have reached the server, only for idempotent operations */
  maybe_sent: string;
  backoff: { initial_ms: number; max_ms: number; multiplier: number; jitter: string };
  retry_after: { max_ms: number };
}

/** The root `x-eko-client` without its prose (`description`, `idempotency.generated`). */
export interface ClientPolicy {
  timeout_ms: number;
  max_response_bytes: number;
  retry: RetryPolicy;
  idempotency: { field: string };
  redirects: string;
  consent_wait: { interval_ms: number; timeout_ms: number };
}

function fail(what: string): never {
  throw new Error(`the embedded spec's ${what} is missing or invalid: rebuild with \`make generate\``);
}

function number(node: unknown, path: string): number {
  const value = path.split(".").reduce<unknown>(get, node);
  return typeof value === "number" ? value : fail(`x-eko-client.${path}`);
}

function text(node: unknown, path: string): string {
  const value = path.split(".").reduce<unknown>(get, node);
  return typeof value === "string" ? value : fail(`x-eko-client.${path}`);
}

/** A policy from an `x-eko-client` object, every key checked (and only the known kept). */
function readPolicy(node: unknown): ClientPolicy {
  const statuses = get(get(node, "retry"), "statuses");
  if (!Array.isArray(statuses) || !statuses.every((s) => typeof s === "number")) fail("x-eko-client.retry.statuses");
  return {
    timeout_ms: number(node, "timeout_ms"),
    max_response_bytes: number(node, "max_response_bytes"),
    retry: {
      max_retries: number(node, "retry.max_retries"),
      statuses: statuses as number[],
      not_sent: text(node, "retry.not_sent"),
      maybe_sent: text(node, "retry.maybe_sent"),
      backoff: {
        initial_ms: number(node, "retry.backoff.initial_ms"),
        max_ms: number(node, "retry.backoff.max_ms"),
        multiplier: number(node, "retry.backoff.multiplier"),
        jitter: text(node, "retry.backoff.jitter"),
      },
      retry_after: { max_ms: number(node, "retry.retry_after.max_ms") },
    },
    idempotency: { field: text(node, "idempotency.field") },
    redirects: text(node, "redirects"),
    consent_wait: {
      interval_ms: number(node, "consent_wait.interval_ms"),
      timeout_ms: number(node, "consent_wait.timeout_ms"),
    },
  };
}

const ROOT_POLICY_NODE = get(SPEC, "x-eko-client");

/** The client's default policy: the spec's root `x-eko-client`. */
export const POLICY: ClientPolicy = readPolicy(ROOT_POLICY_NODE);

export type OperationName = "createDigilockerUrl" | "getDigilockerVerificationStatus" | "getDigilockerDocument";

export interface Operation {
  id: OperationName;
  method: "GET" | "POST";
  path: string;
  /** the root policy with the operation's own `x-eko-client` keys over it */
  policy: ClientPolicy;
  idempotent: boolean;
  /** the JSON body's schema (POST) or one object schema of the query parameters (GET) */
  input: unknown;
}

function operationOf(path: string, method: string, node: unknown): Operation {
  const own = get(node, "x-eko-client");
  const merged = isObject(own) && isObject(ROOT_POLICY_NODE) ? { ...ROOT_POLICY_NODE, ...own } : ROOT_POLICY_NODE;
  let input: unknown;
  if (method === "get") {
    const parameters = get(node, "parameters");
    const list = Array.isArray(parameters) ? parameters.map(resolve) : [];
    input = {
      type: "object",
      required: list.filter((p) => get(p, "required") === true).map((p) => get(p, "name")),
      properties: Object.fromEntries(list.map((p) => [String(get(p, "name")), get(p, "schema")])),
    };
  } else {
    input = get(get(get(get(node, "requestBody"), "content"), "application/json"), "schema");
  }
  return {
    id: String(get(node, "operationId")) as OperationName,
    method: method.toUpperCase() as "GET" | "POST",
    path,
    policy: readPolicy(merged),
    idempotent: get(own, "idempotent") === true,
    input,
  };
}

/** Each operation of the spec, by operationId. */
export const OPERATIONS: ReadonlyMap<OperationName, Operation> = new Map(
  Object.entries(get(SPEC, "paths") as Record<string, unknown>).flatMap(([path, item]) =>
    Object.entries(item as Record<string, unknown>).map(([method, node]): [OperationName, Operation] => {
      const operation = operationOf(path, method, node);
      return [operation.id, operation];
    }),
  ),
);

export function operation(id: OperationName): Operation {
  return OPERATIONS.get(id) ?? fail(`operation ${id}`);
}

/** Base URL of each named environment (`uat`, `production`...), from the spec's servers. */
export const ENVIRONMENTS: ReadonlyMap<string, string> = new Map(
  (get(SPEC, "servers") as unknown[])
    .filter((server) => typeof get(server, "x-eko-environment") === "string")
    .map((server) => [String(get(server, "x-eko-environment")), String(get(server, "url"))]),
);

/** A property's schema in an operation's input (e.g. the spec's default of create's
 * `document_requested`). */
export function inputProperty(id: OperationName, name: string): unknown {
  return resolve(get(get(resolve(operation(id).input), "properties"), name));
}
