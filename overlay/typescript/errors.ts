// Every error EkoClient throws, in one tree under EkoError (the Python client's tree,
// overlay/eko_digilocker/errors.py), so `instanceof` tells what went wrong:
//
// EkoError
//   EkoConfigurationError          missing or bad settings or options (nothing was sent)
//   EkoValidationError             input the spec refuses (nothing was sent)
//   EkoApiError                    Eko answered with a non-zero status (or HTTP 403)
//     EkoAuthenticationError       HTTP 403: signature, timestamp or developer_key refused
//     EkoInvalidParamsError        Eko's own validation error (461 or invalid_params)
//     EkoVerificationPendingError  327 or a PENDING state: not consented yet
//     EkoConsentDeniedError        the customer declined (state CONSENT_DENIED)
//     EkoNotFoundError             463 or "Invalid reference_id": unknown reference
//       EkoSessionExpiredError     the session expired (state EXPIRED)
//   EkoResponseError               the answer is not a valid envelope, or an HTTP error
//     EkoResponseTooLargeError     the answer is over maxResponseBytes (decoded)
//   EkoConnectionError             the request could not be completed
//     EkoTimeoutError              the call's deadline passed (or the caller's signal)

const BODY_EXCERPT = 200; // characters of a body shown in a message
const KEPT_BODY = 2000; // characters of an unreadable body kept on EkoResponseError

function excerpt(body: string): string {
  return body.length > BODY_EXCERPT ? `${body.slice(0, BODY_EXCERPT)}...` : body;
}

export class EkoError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}

export class EkoConfigurationError extends EkoError {}

/** One input field the spec refuses: its location (`document_requested[0]`) and why. */
export interface FieldError {
  field: string;
  message: string;
}

export class EkoValidationError extends EkoError {
  readonly operation: string;
  readonly errors: readonly FieldError[];

  constructor(operation: string, errors: readonly FieldError[]) {
    super(`${operation}: ${errors.map((e) => `${e.field} ${e.message}`).join("; ")}`);
    this.operation = operation;
    this.errors = errors;
  }

  /** The invalid fields' names, in the order reported, each once. */
  get fields(): string[] {
    return [...new Set(this.errors.map((e) => e.field))];
  }
}

export interface ApiErrorDetails {
  httpStatus: number;
  status: number | null;
  responseStatusId: number | null;
  responseTypeId: number | null;
  invalidParams: Record<string, string>;
  data: unknown;
  /** the answer's text as received */
  body: string;
  /** Eko's error code, from `status` or `response_status_id`, wherever Eko put it */
  code: number | null;
  /** the client method that got the answer, named in the error's text */
  call?: string;
}

export class EkoApiError extends EkoError {
  /** the message of Eko's answer (or a default when it has none); `message` adds the
   * call and the status */
  readonly ekoMessage: string;
  readonly httpStatus: number;
  readonly status: number | null;
  readonly responseStatusId: number | null;
  readonly responseTypeId: number | null;
  readonly invalidParams: Record<string, string>;
  readonly data: unknown;
  readonly body: string;
  readonly code: number | null;

  constructor(message: string, details: ApiErrorDetails) {
    super(
      `${details.call === undefined ? "" : `${details.call}: `}${message} (HTTP ${details.httpStatus}, ` +
        `status ${String(details.status)}, response_status_id ${String(details.responseStatusId)})`,
    );
    this.ekoMessage = message;
    this.httpStatus = details.httpStatus;
    this.status = details.status;
    this.responseStatusId = details.responseStatusId;
    this.responseTypeId = details.responseTypeId;
    this.invalidParams = details.invalidParams;
    this.data = details.data;
    this.body = details.body;
    this.code = details.code;
  }
}

export class EkoAuthenticationError extends EkoApiError {}
export class EkoInvalidParamsError extends EkoApiError {}
export class EkoVerificationPendingError extends EkoApiError {}
export class EkoConsentDeniedError extends EkoApiError {}
export class EkoNotFoundError extends EkoApiError {}
export class EkoSessionExpiredError extends EkoNotFoundError {}

export class EkoResponseError extends EkoError {
  readonly reason: string;
  readonly httpStatus: number | null;
  /** the start of the body (the body may be anything up to the read limit) */
  readonly body: string;

  constructor(reason: string, httpStatus: number | null, body = "") {
    const where = httpStatus === null ? "" : `HTTP ${httpStatus}, `;
    super(`${reason} (${where}body ${JSON.stringify(excerpt(body))})`);
    this.reason = reason;
    this.httpStatus = httpStatus;
    this.body = body.slice(0, KEPT_BODY);
  }
}

export class EkoResponseTooLargeError extends EkoResponseError {
  readonly limit: number;

  constructor(reason: string, limit: number) {
    super(reason, null);
    this.limit = limit;
  }
}

export class EkoConnectionError extends EkoError {}
export class EkoTimeoutError extends EkoConnectionError {}
