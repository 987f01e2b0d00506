// Reads an answer of the generated client into a union that TypeScript narrows by `kind`:
// Eko answers business and validation errors with HTTP 200, so the HTTP status alone
// cannot tell success from error. The rules are the spec's (its envelope description).
import {
  sessionStateValues,
  type components,
  type operations,
} from "../../generated/typescript/eko-digilocker.js";
import { ANSWER_SCHEMAS, mismatch, operationOfUrl } from "./schema.js";

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
      /** the customer has not consented yet: poll again (code 327, a PENDING state, or a
       * document answer whose verification_status is PENDING) */
      kind: "pending";
      code: number | null;
      message: string;
      state: SessionState | null;
      body: Body;
    }
  | {
      kind: "business_error";
      /** Eko's code (e.g. 301, 346, 463), or null when the answer carries none */
      code: number | null;
      message: string;
      /** the session's state when `data` reports one (PENDING, EXPIRED...) */
      state: SessionState | null;
      body: Body;
    }
  | {
      /** code 461 or `invalid_params`: the request itself was refused */
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

/** The kind of answer each of Eko's codes makes (the Python client's ERROR_CODES; the
 * answer corpus holds every code in both placements). */
const CODE_KINDS = new Map<number, "pending" | "validation_error" | "business_error">([
  [301, "business_error"],
  [319, "business_error"],
  [327, "pending"],
  [346, "business_error"],
  [461, "validation_error"],
  [463, "business_error"],
]);

/** An operation of the spec, by its operationId. */
export type OperationId = keyof operations;

// Eko's document answer says in `data.verification_status` whether verification is done:
// SUCCESS or PENDING (eps.eko.in, api-specs.ts `digilocker-get-document`). With PENDING
// its documents are empty or partial, so it is not a success (docs/answer-rule.md, step 4).
const DOCUMENT_OPERATION: OperationId = "getDigilockerDocument";
const DOCUMENT_PENDING = "PENDING";

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

/** Why a success answer is not what the spec says (null when it is): without an
 * operation, only that `data` is an object whose session state, if any, is known. */
function successProblem(body: object, data: unknown, operation: string | undefined): string | null {
  const schemas = operation === undefined ? undefined : ANSWER_SCHEMAS.get(operation);
  if (schemas !== undefined) {
    return mismatch(body, schemas.envelope) ?? mismatch(data, schemas.success, "answer.data");
  }
  if (!isObject(data)) {
    return "answer.data: not object";
  }
  for (const field of STATE_FIELDS) {
    const value: unknown = Reflect.get(data, field);
    if (value !== undefined && !sessionStateValues.some((known) => known === value)) {
      return `answer.data.${field}: not one of ${sessionStateValues.join(", ")}`;
    }
  }
  return null;
}

/**
 * The answer rule (docs/answer-rule.md). A success is held to the spec's schemas of the
 * operation: `operation`, or else the one whose path the response's URL ends with.
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
    const answered = operation ?? operationOfUrl(result.response.url);
    const problem = successProblem(answer, data, answered);
    if (problem !== null) {
      return { kind: "malformed", httpStatus, message: problem };
    }
    if (
      answered === DOCUMENT_OPERATION &&
      isObject(data) &&
      Reflect.get(data, "verification_status") === DOCUMENT_PENDING
    ) {
      return { kind: "pending", code: null, message, state, body: answer };
    }
    if (state === null || state === "AUTHENTICATED") {
      return { kind: "success", data: data as NonNullable<Body["data"]>, body: answer };
    }
  }
  // A non-zero status, or a success envelope saying the session is not authenticated
  // yet (the upstream provider answers a pending session so). By Eko's code first, then
  // by `invalid_params`, then by a PENDING state (docs/answer-rule.md).
  const code = errorCode(answer);
  const meaning = code === null ? undefined : CODE_KINDS.get(code);
  const invalidParams = isObject(answer.invalid_params) ? answer.invalid_params : undefined;
  if (meaning === "pending" || (meaning === undefined && invalidParams === undefined && state === "PENDING")) {
    return { kind: "pending", code, message, state, body: answer };
  }
  if (meaning === "validation_error" || (meaning === undefined && invalidParams !== undefined)) {
    return { kind: "validation_error", code, message, invalidParams: invalidParams ?? {}, body: answer };
  }
  return { kind: "business_error", code, message, state, body: answer };
}
