// Reads an answer of the generated client into a union that TypeScript narrows by `kind`:
// Eko answers business and validation errors with HTTP 200, so the HTTP status alone
// cannot tell success from error. The rules are the spec's (its envelope description).
import {
  sessionStateValues,
  type components,
  type operations,
} from "../../generated/typescript/eko-digilocker.js";

export type Envelope = components["schemas"]["Envelope"];
export type SessionState = components["schemas"]["SessionState"];

/** The fields every operation's envelope shares; `data` is the operation's own. */
export type AnswerBody = Pick<
  Envelope,
  "status" | "message" | "response_status_id" | "response_type_id" | "invalid_params"
> & { data?: unknown };

export type Answer<Body extends AnswerBody> =
  | { kind: "success"; data: NonNullable<Body["data"]>; body: Body }
  | {
      kind: "business_error";
      /** Eko's code (e.g. 301, 327, 463), or null when the answer carries none */
      code: number | null;
      message: string;
      /** the session's state when `data` reports one (PENDING, EXPIRED...) */
      state: SessionState | null;
      body: Body;
    }
  | {
      kind: "validation_error";
      code: number | null;
      message: string;
      invalidParams: Record<string, string>;
      body: Body;
    }
  | { kind: "forbidden"; message: string; body: object | undefined }
  | { kind: "http_error"; httpStatus: number; message: string; body: object | undefined }
  | { kind: "malformed"; httpStatus: number; message: string };

/** What openapi-fetch returns for one call. */
export interface CallResult<Body extends AnswerBody> {
  data?: Body;
  error?: Envelope;
  response: Response;
}

/**
 * Eko's error code. Sources disagree on where it sits, so it is whichever of `status`
 * and `response_status_id` is not a generic value (`status` 0 or 1,
 * `response_status_id` -2..5), `status` first; null when both are generic.
 */
export function errorCode(body: AnswerBody): number | null {
  if (body.status !== null && body.status !== 0 && body.status !== 1) {
    return body.status;
  }
  const detail = body.response_status_id;
  if (detail !== undefined && (detail < -2 || detail > 5)) {
    return detail;
  }
  return null;
}

// The `data` fields the spec types as a SessionState: `status` where the upstream
// provider reports it, `session_status` where the local sandbox does.
const STATE_FIELDS = ["status", "session_status"] as const satisfies ReadonlyArray<
  keyof components["schemas"]["VerificationStatusPayload"]
>;

/** What a success's `data` must carry, per operation: the fields the spec's
 * `x-eko-success-data` schema requires, with their types (tests/typescript checks this
 * table against the spec). */
export const SUCCESS_REQUIRES = {
  createDigilockerUrl: { reference_id: "integer", url: "string" },
  getDigilockerVerificationStatus: {},
  getDigilockerDocument: {},
} as const satisfies Record<keyof operations, Record<string, "integer" | "string">>;

export type OperationId = keyof typeof SUCCESS_REQUIRES;

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The session state an answer's `data` reports, or null. */
export function sessionState(data: unknown): SessionState | null {
  if (!isObject(data)) {
    return null;
  }
  for (const field of STATE_FIELDS) {
    const value: unknown = Reflect.get(data, field);
    const state = sessionStateValues.find((known) => known === value);
    if (state !== undefined) {
      return state;
    }
  }
  return null;
}

/** Why a success's `data` is not what the spec says, or null when it is. */
function successProblem(data: unknown, operation: OperationId | undefined): string | null {
  if (!isObject(data)) {
    return "a successful answer whose `data` is not an object";
  }
  for (const field of STATE_FIELDS) {
    const value: unknown = Reflect.get(data, field);
    if (value !== undefined && !sessionStateValues.some((known) => known === value)) {
      return `\`data.${field}\` is not a session state the spec knows`;
    }
  }
  const required: Record<string, "integer" | "string"> =
    operation === undefined ? {} : SUCCESS_REQUIRES[operation];
  for (const [field, type] of Object.entries(required)) {
    const value: unknown = Reflect.get(data, field);
    const ok = type === "integer" ? Number.isSafeInteger(value) : typeof value === type;
    if (!ok) {
      return `a successful answer without \`data.${field}\` as ${type === "integer" ? "an" : "a"} ${type}`;
    }
  }
  return null;
}

/**
 * The answer rule (docs/answer-rule.md). `operation` names the call, so that a success
 * is held to what that operation's success must carry; without it, only the envelope is.
 */
export function readAnswer<Body extends AnswerBody>(
  result: CallResult<Body>,
  operation?: OperationId,
): Answer<Body> {
  const httpStatus = result.response.status;
  const body: unknown = result.data;
  if (httpStatus !== 200) {
    const error = isObject(result.error) ? result.error : undefined;
    const message = error?.message ?? `HTTP ${httpStatus}`;
    if (httpStatus === 403) {
      return { kind: "forbidden", message, body: error };
    }
    return { kind: "http_error", httpStatus, message, body: error };
  }
  if (!isObject(body) || !Number.isSafeInteger(Reflect.get(body, "status"))) {
    return { kind: "malformed", httpStatus, message: "the answer is not an Eko envelope" };
  }
  const answer = body as Body;
  const message = typeof answer.message === "string" ? answer.message : "";
  const data = answer.data;
  const state = sessionState(data);
  if (answer.status === 0) {
    const problem = successProblem(data, operation);
    if (problem !== null) {
      return { kind: "malformed", httpStatus, message: problem };
    }
    if (state === null || state === "AUTHENTICATED") {
      return { kind: "success", data: data as NonNullable<Body["data"]>, body: answer };
    }
  }
  // A non-zero status, or a success envelope saying the session is not authenticated
  // yet (the upstream provider answers a pending session so).
  const code = errorCode(answer);
  if (isObject(answer.invalid_params)) {
    return { kind: "validation_error", code, message, invalidParams: answer.invalid_params, body: answer };
  }
  return { kind: "business_error", code, message, state, body: answer };
}
