// Reads an answer of the generated client into a union that TypeScript narrows by `kind`:
// Eko answers business and validation errors with HTTP 200, so the HTTP status alone
// cannot tell success from error. The rules are the spec's (its envelope description).
import {
  sessionStateValues,
  type components,
  type operations,
} from "../../generated/typescript/eko-digilocker.js";
import { JsonSyntaxError, parseJson } from "./json.js";
import { ANSWER_SCHEMAS, mismatch, operationOfUrl, resolve, type Floats } from "./schema.js";

// The exact text of each answer createEkoClient received, so that readAnswer reads the
// bytes (a repeated key, `0.0`) rather than what JSON.parse made of them.
const ANSWER_TEXT = new WeakMap<Response, string>();

/** Keeps an answer's exact text for readAnswer (createEkoClient's middleware). */
export function keepAnswerText(response: Response, text: string): void {
  ANSWER_TEXT.set(response, text);
}

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
function successProblem(body: object, data: unknown, operation: string | undefined, floats: Floats): string | null {
  const schemas = operation === undefined ? undefined : ANSWER_SCHEMAS.get(operation);
  if (schemas !== undefined) {
    return mismatch(body, schemas.envelope, "answer", floats) ?? mismatch(data, schemas.success, "answer.data", floats);
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

/** What kind of error a non-success envelope is (Python's `responses.error_class`). */
export type ErrorKind =
  | "pending"
  | "invalid_params"
  | "not_found"
  | "session_expired"
  | "consent_denied"
  | "authentication"
  | "other";

const CODE_ERRORS = new Map<number, ErrorKind>([
  [301, "other"],
  [319, "other"],
  [327, "pending"],
  [346, "other"],
  [461, "invalid_params"],
  [463, "not_found"],
]);

// eps.eko.in answers the status call for an unknown or expired reference as it answers
// a pending session (`status` 1, `response_status_id` -1, `data: {}`): the message is
// the only tell (api-specs.ts: "Invalid or expired reference_id" / "Invalid reference_id").
const UNKNOWN_REFERENCE_MESSAGES = new Set(["invalid reference_id", "invalid or expired reference_id"]);

function namesUnknownReference(body: object): boolean {
  const message: unknown = Reflect.get(body, "message");
  return typeof message === "string" && UNKNOWN_REFERENCE_MESSAGES.has(message.trim().replace(/\.$/, "").toLowerCase());
}

/** The kind of a non-success envelope: by Eko's code first (pending and invalid
 * parameters), then by the session's ending (CONSENT_DENIED, EXPIRED), then by the rest
 * of the codes, then by the unknown-reference message, `invalid_params`, and a PENDING
 * state. */
export function errorKind(body: AnswerBody): ErrorKind {
  const code = errorCode(body);
  const byCode = code === null ? undefined : CODE_ERRORS.get(code);
  if (byCode === "pending" || byCode === "invalid_params") return byCode;
  const state = sessionState(body.data);
  if (state === "CONSENT_DENIED") return "consent_denied";
  if (state === "EXPIRED") return "session_expired";
  if (byCode !== undefined) return byCode;
  if (namesUnknownReference(body)) return "not_found";
  if (isObject(body.invalid_params) && Object.keys(body.invalid_params).length > 0) return "invalid_params";
  if (state === "PENDING") return "pending";
  return "other";
}

/** How an answer reads under the answer rule, before any presentation. */
export type Reading =
  | { kind: "success"; envelope: AnswerBody & Record<string, unknown>; data: Record<string, unknown> }
  /** an envelope with a non-zero status (or one that says the session is not
   * authenticated yet): HTTP 200, or a status the operation documents */
  | { kind: "error"; errorKind: ErrorKind; envelope: AnswerBody & Record<string, unknown>; code: number | null }
  | { kind: "http_error"; reason: string; envelope: (AnswerBody & Record<string, unknown>) | undefined }
  | { kind: "malformed"; reason: string };

function isEnvelope(body: unknown, floats: Floats): body is AnswerBody & Record<string, unknown> {
  return isObject(body) && mismatch(body, ENVELOPE, "answer", floats) === null && Reflect.get(body, "status") !== null;
}

const ENVELOPE = resolve({ $ref: "#/components/schemas/Envelope" });

function documentedStatuses(operation: string | undefined): ReadonlySet<string> | undefined {
  return operation === undefined ? undefined : ANSWER_SCHEMAS.get(operation)?.statuses;
}

/**
 * The answer rule (docs/answer-rule.md) for one answer: its HTTP status, its body as
 * read (undefined: not JSON), and the operation it answers. `floats` marks the number
 * tokens with a fraction or exponent (`json.ts`), which are never integers.
 */
export function readBody(httpStatus: number, body: unknown, operation: string | undefined, floats: Floats = null): Reading {
  if (httpStatus !== 200) {
    const envelope = isEnvelope(body, floats) ? body : undefined;
    if (httpStatus === 403) {
      return { kind: "error", errorKind: "authentication", envelope: envelope ?? { status: null }, code: null };
    }
    const documented = documentedStatuses(operation)?.has(String(httpStatus)) ?? httpStatus < 500;
    if (envelope !== undefined && httpStatus < 500 && documented && envelope.status !== 0) {
      return { kind: "error", errorKind: errorKind(envelope), envelope, code: errorCode(envelope) };
    }
    return { kind: "http_error", reason: `unexpected HTTP status ${httpStatus}`, envelope };
  }
  if (!isObject(body)) {
    return { kind: "malformed", reason: body === undefined ? "the answer is not JSON" : "the answer is not an Eko envelope" };
  }
  const status: unknown = Reflect.get(body, "status");
  if (typeof status !== "number" || !Number.isInteger(status) || floats?.get(body)?.has("status") === true) {
    return { kind: "malformed", reason: "the answer's status is not an integer" };
  }
  const answer = body as AnswerBody & Record<string, unknown>;
  if (status !== 0) {
    return { kind: "error", errorKind: errorKind(answer), envelope: answer, code: errorCode(answer) };
  }
  const data = answer.data;
  const problem = successProblem(answer, data, operation, floats);
  if (problem !== null) {
    return { kind: "malformed", reason: problem };
  }
  const state = sessionState(data);
  if (state !== null && state !== "AUTHENTICATED") {
    // A success envelope saying the session is not authenticated yet, as the upstream
    // provider answers a pending session: not a success.
    return { kind: "error", errorKind: errorKind(answer), envelope: answer, code: errorCode(answer) };
  }
  if (operation === DOCUMENT_OPERATION && isObject(data) && Reflect.get(data, "verification_status") === DOCUMENT_PENDING) {
    return { kind: "error", errorKind: "pending", envelope: answer, code: null };
  }
  return { kind: "success", envelope: answer, data: data as Record<string, unknown> };
}

/** An answer's exact text under the answer rule. An integer past 2^53, which the
 * low-level client's types hold as a number, is refused rather than rounded (EkoClient
 * keeps it exactly, as a bigint). */
function readText(httpStatus: number, text: string, operation: string | undefined): Reading {
  let parsed: ReturnType<typeof parseJson> | undefined;
  try {
    parsed = parseJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
  }
  if (parsed?.bigints === true && httpStatus === 200) {
    return { kind: "malformed", reason: "an integer past 2^53 cannot be read exactly here: use EkoClient, which reads it as a bigint" };
  }
  return readBody(httpStatus, parsed?.value, operation, parsed?.wholeFloats ?? null);
}

/**
 * The answer rule (docs/answer-rule.md) for an answer of the low-level client
 * (`createEkoClient`, whose middleware keeps each answer's exact text, read here: `0.0`
 * and a repeated key are malformed, and an integer past 2^53 is refused, not rounded).
 * A success is held to the spec's schemas of the operation: `operation`, or else the one
 * whose path the response's URL ends with.
 */
export function readAnswer<Body extends AnswerBody>(
  result: CallResult<Body>,
  operation?: OperationId,
): Answer<Body> {
  const httpStatus = result.response.status;
  const answered = operation ?? operationOfUrl(result.response.url);
  const text = ANSWER_TEXT.get(result.response);
  let reading: Reading;
  if (text === undefined) {
    // not createEkoClient's: only what JSON.parse kept can be read
    reading = readBody(httpStatus, httpStatus === 200 ? result.data : result.error, answered);
  } else {
    reading = readText(httpStatus, text, answered);
  }
  switch (reading.kind) {
    case "malformed":
      return { kind: "malformed", httpStatus, message: reading.reason };
    case "http_error": {
      const message = reading.envelope?.message ?? `HTTP ${httpStatus}`;
      return { kind: "http_error", httpStatus, message, body: reading.envelope };
    }
    case "success":
      return { kind: "success", data: reading.data as NonNullable<Body["data"]>, body: reading.envelope as Body };
    case "error": {
      const body = reading.envelope as Body;
      const message = typeof body.message === "string" ? body.message : "";
      if (reading.errorKind === "authentication" || httpStatus !== 200) {
        const shown = message === "" ? `HTTP ${httpStatus}` : message;
        return httpStatus === 403
          ? { kind: "forbidden", message: shown, body: isObject(result.error) ? result.error : undefined }
          : { kind: "http_error", httpStatus, message: shown, body: reading.envelope };
      }
      const state = sessionState(body.data);
      if (reading.errorKind === "pending") {
        return { kind: "pending", code: reading.code, message, state, body };
      }
      if (reading.errorKind === "invalid_params") {
        const invalidParams = isObject(body.invalid_params) ? body.invalid_params : {};
        return { kind: "validation_error", code: reading.code, message, invalidParams, body };
      }
      return { kind: "business_error", code: reading.code, message, state, body };
    }
  }
}
