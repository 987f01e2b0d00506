// Reads an answer of the generated client into a union that TypeScript narrows by `kind`:
// Eko answers business and validation errors with HTTP 200, so the HTTP status alone
// cannot tell success from error. The rules are the spec's (its envelope description).
import {
  sessionStateValues,
  type components,
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
  | { kind: "forbidden"; message: string; body: Envelope | undefined }
  | { kind: "http_error"; httpStatus: number; message: string; body: Envelope | undefined }
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

/** The session state an answer's `data` reports, or null. */
export function sessionState(data: unknown): SessionState | null {
  if (typeof data !== "object" || data === null) {
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

export function readAnswer<Body extends AnswerBody>(result: CallResult<Body>): Answer<Body> {
  const httpStatus = result.response.status;
  const body = result.data;
  if (body === undefined) {
    const error = result.error;
    const message = error?.message ?? `HTTP ${httpStatus}`;
    if (httpStatus === 403) {
      return { kind: "forbidden", message, body: error };
    }
    return { kind: "http_error", httpStatus, message, body: error };
  }
  if (typeof body.status !== "number") {
    return { kind: "malformed", httpStatus, message: "the answer has no numeric `status`" };
  }
  const message = body.message ?? "";
  const data = body.data;
  const state = sessionState(data);
  if (body.status === 0 && (state === null || state === "AUTHENTICATED")) {
    if (data === undefined || data === null) {
      return { kind: "malformed", httpStatus, message: "a successful answer without `data`" };
    }
    return { kind: "success", data, body };
  }
  // A non-zero status, or a success envelope saying the session is not authenticated
  // yet (the upstream provider answers a pending session so).
  const code = errorCode(body);
  if (body.invalid_params !== undefined) {
    return { kind: "validation_error", code, message, invalidParams: body.invalid_params, body };
  }
  return { kind: "business_error", code, message, state, body };
}
