// Reads an answer of the generated client into a union that TypeScript narrows by `kind`:
// Eko answers business and validation errors with HTTP 200, so the HTTP status alone
// cannot tell success from error.
import type { components } from "../../generated/typescript/eko-digilocker.js";

export type Envelope = components["schemas"]["Envelope"];

/** The fields every operation's envelope shares; `data` is the operation's own. */
export type AnswerBody = Omit<Envelope, "data"> & { data?: unknown };

export type Answer<Body extends AnswerBody> =
  | { kind: "success"; data: NonNullable<Body["data"]>; body: Body }
  | { kind: "business_error"; code: number; message: string; body: Body }
  | {
      kind: "validation_error";
      code: number;
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
 * Eko's error code: sources disagree on where it sits (see the spec's envelope
 * description), so it is whichever of `status` and `response_status_id` is not a generic
 * value (`status` 1, `response_status_id` -2..5).
 */
export function errorCode(body: AnswerBody): number {
  const detail = body.response_status_id;
  if (body.status === 1 && detail !== undefined && (detail < -2 || detail > 5)) {
    return detail;
  }
  return body.status;
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
  if (body.status === 0) {
    const data = body.data;
    if (data === undefined || data === null) {
      return { kind: "malformed", httpStatus, message: "a successful answer without `data`" };
    }
    return { kind: "success", data, body };
  }
  const code = errorCode(body);
  if (body.invalid_params !== undefined) {
    return { kind: "validation_error", code, message, invalidParams: body.invalid_params, body };
  }
  return { kind: "business_error", code, message, body };
}
