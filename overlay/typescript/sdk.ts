// EkoClient: the Python client's calls (overlay/eko_digilocker) in TypeScript's idiom.
// Each call checks its input against the spec before sending anything, then sends
// signed attempts under one deadline, retrying as the spec's `x-eko-client` policy says
// with the same client_ref_id and body bytes, reads each answer within a byte limit, and
// returns the success's `data` or throws an EkoError.
import { createHmac } from "node:crypto";
import { Agent, EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from "undici";
import type { components } from "../../generated/typescript/eko-digilocker.js";
import { readBody as readAnswerBody, type AnswerBody, type ErrorKind } from "./answers.js";
import { BodyTooLarge, readBody as readStream } from "./body.js";
import { Deadline, checkMs } from "./deadline.js";
import {
  EkoApiError,
  EkoAuthenticationError,
  EkoConfigurationError,
  EkoConnectionError,
  EkoConsentDeniedError,
  EkoError,
  EkoInvalidParamsError,
  EkoNotFoundError,
  EkoResponseError,
  EkoResponseTooLargeError,
  EkoSessionExpiredError,
  EkoTimeoutError,
  EkoValidationError,
  EkoVerificationPendingError,
} from "./errors.js";
import { JsonSyntaxError, parseJson } from "./json.js";
import { POLICY, inputProperty, operation, type Operation } from "./policy.js";
import { SPEC, get, problems, type Floats } from "./schema.js";
import { resolveSettings, type Environment, type Settings, type SettingsInput } from "./settings.js";

type Schemas = components["schemas"];

/** A created session: `reference_id` is a bigint, exact to 2^63 - 1. */
export type CreatedSession = Omit<Schemas["DigilockerUrlSuccess"], "reference_id"> & {
  reference_id: bigint;
} & Record<string, unknown>;
/** An authenticated session's details. */
export type VerificationStatus = Schemas["VerificationStatusPayload"];
/** A completed verification's documents. */
export type DigilockerDocuments = Schemas["DigilockerDocumentPayload"];
export type DocumentType = Schemas["DocumentType"];

/** A reference id as create returned it (bigint), or as a callback hands it (a string of
 * digits); a number only up to 2^53 - 1, where it is exact. */
export type ReferenceId = bigint | string | number;

/** Fetch as EkoClient calls it (globalThis.fetch and undici's fit). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface EkoClientOptions extends SettingsInput {
  /** the whole call's deadline (default: the spec's `x-eko-client.timeout_ms`) */
  timeoutMs?: number | undefined;
  /** retries after the first attempt (default: `x-eko-client.retry.max_retries`) */
  maxRetries?: number | undefined;
  /** the most bytes of one answer read, after decompression (default:
   * `x-eko-client.max_response_bytes`) */
  maxResponseBytes?: number | undefined;
  /** replaces the HTTP transport (tests); by default undici's fetch through a proxy
   * when HTTPS_PROXY / HTTP_PROXY say so, NO_PROXY honoured */
  fetch?: Fetch | undefined;
  /** replaces the default User-Agent */
  userAgent?: string | undefined;
  /** where EKO_* and proxy variables are read (default: process.env) */
  env?: Environment | undefined;
}

/** Limits of one call, over the client's. */
export interface CallOptions {
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  maxResponseBytes?: number | undefined;
  /** ends the call early, as its deadline would (EkoTimeoutError) */
  signal?: AbortSignal | undefined;
  /** Eko's idempotency key; by default one is made per call */
  clientRefId?: string | undefined;
  /** over the client's userCode */
  userCode?: string | undefined;
}

export interface CreateInput {
  redirectUrl: string;
  /** default: the spec's default (`["AADHAAR"]`) */
  documentRequested?: readonly string[] | undefined;
}

export interface DocumentOptions extends CallOptions {
  /** default: what the session requested (a status call first asks) */
  documentType?: readonly string[] | undefined;
}

export interface WaitOptions extends Omit<CallOptions, "timeoutMs"> {
  /** how long to wait in all (default: `x-eko-client.consent_wait.timeout_ms`; 0: poll once) */
  timeoutMs?: number | undefined;
  /** between polls (default: `x-eko-client.consent_wait.interval_ms`) */
  intervalMs?: number | undefined;
}

/** A call's whole answer: `client.withRawResponse.<call>(...)`. */
export interface RawResponse<Data> {
  data: Data;
  /** the whole envelope Eko answered with, as read (big integers as bigints) */
  envelope: AnswerBody & Record<string, unknown>;
  httpStatus: number;
  headers: Headers;
  /** the answer's text as received */
  text: string;
  clientRefId: string | null;
  attempts: number;
}

export type ConsentState = Schemas["SessionState"] | "TIMED_OUT";

/** How a wait for consent ended. TIMED_OUT: we stopped waiting; the session may still
 * complete. */
export interface ConsentResult {
  state: Exclude<ConsentState, "PENDING">;
  authenticated: boolean;
  details: VerificationStatus | null;
  error: EkoApiError | null;
}

const VERSION = String(get(get(SPEC, "info"), "version"));
export const USER_AGENT = `eko-digilocker-typescript/${VERSION} Node.js/${process.versions.node}`;
// The encodings fetch decodes as the body streams (body.ts counts what comes out).
const ACCEPT_ENCODING = "gzip, deflate";
const MAX_RETRIES_LIMIT = 100;
// The least a poll gets, so a nearly spent wait still polls once.
const MIN_POLL_MS = 1000;

const CREATE = operation("createDigilockerUrl");
const STATUS = operation("getDigilockerVerificationStatus");
const DOCUMENT = operation("getDigilockerDocument");
const DEFAULT_DOCUMENTS = get(inputProperty("createDigilockerUrl", "document_requested"), "default") as string[];

// --- client_ref_id -------------------------------------------------------------------
// Eko allows at most 20 characters. 11 hex digits of the millisecond clock, 3 of a
// per-process counter and 6 random to this process: unique within a process (4,096 a
// millisecond) and, with the random part, across processes.
const PROCESS_TAG = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, "0")).join("");
let sequence = 0;

export function newClientRefId(): string {
  sequence = (sequence + 1) & 0xfff;
  return Date.now().toString(16).padStart(11, "0") + sequence.toString(16).padStart(3, "0") + PROCESS_TAG;
}

// --- input ---------------------------------------------------------------------------

function checkInput(name: string, op: Operation, values: Record<string, unknown>): void {
  const found = problems(values, op.input, "");
  if (found.length > 0) throw new EkoValidationError(name, found);
}

function present(values: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(values)) if (values[key] === undefined || values[key] === null) delete values[key];
  return values;
}

/** A reference id as the integer create returned, where it can be one; anything else
 * goes to the spec's schema as is, to be reported there. */
function asReferenceId(name: string, value: unknown): unknown {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) {
    if (Number.isSafeInteger(value)) return BigInt(value);
    throw new EkoValidationError(name, [
      { field: "reference_id", message: "is a number past 2^53, which may have been rounded: pass the bigint create returned, or a string" },
    ]);
  }
  if (typeof value === "string" && /^\s*-?[0-9]{1,40}\s*$/.test(value)) return BigInt(value.trim());
  return value;
}

function asList(value: unknown): unknown {
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

function checkCallOptions(options: object): void {
  if (typeof options !== "object" || options === null) {
    throw new EkoConfigurationError(`options must be an object, not ${String(options)}`);
  }
}

// --- the client ----------------------------------------------------------------------

interface Prepared {
  name: string;
  op: Operation;
  url: string;
  /** the JSON body, sent as the same bytes on every attempt */
  body: string | undefined;
  clientRefId: string | null;
}

interface Exchange {
  response: Response;
  text: string;
  attempts: number;
}

interface Limits {
  deadline: Deadline;
  maxRetries: number;
  maxResponseBytes: number;
}

export class EkoClient {
  readonly baseUrl: string;
  readonly initiatorId: string;
  readonly userCode: string | null;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxResponseBytes: number;
  /** each call with its whole answer: data, envelope, status, headers, attempts */
  readonly withRawResponse: RawCalls;
  // #private: util.inspect and console.log do not show them, so keys stay out of logs
  readonly #hmacKey: Buffer;
  readonly #baseHeaders: Record<string, string>;
  private readonly host: string;
  private readonly transport: Fetch;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(options: EkoClientOptions = {}) {
    checkCallOptions(options);
    const env = options.env ?? process.env;
    const settings: Settings = resolveSettings(
      {
        developerKey: options.developerKey,
        accessKey: options.accessKey,
        initiatorId: options.initiatorId,
        userCode: options.userCode,
        baseUrl: options.baseUrl,
        environment: options.environment,
      },
      env,
    );
    this.baseUrl = settings.baseUrl;
    this.host = new URL(settings.baseUrl).host;
    this.initiatorId = settings.initiatorId;
    this.userCode = settings.userCode;
    // Eko's HMAC key is the base64 *text* of the access key (tests/vectors/signing.json).
    this.#hmacKey = Buffer.from(Buffer.from(settings.accessKey, "utf8").toString("base64"), "utf8");
    this.timeoutMs = options.timeoutMs === undefined ? POLICY.timeout_ms : checkMs("timeoutMs", options.timeoutMs);
    this.maxRetries = options.maxRetries === undefined ? POLICY.retry.max_retries : checkRetries(options.maxRetries);
    this.maxResponseBytes =
      options.maxResponseBytes === undefined ? POLICY.max_response_bytes : checkBytes(options.maxResponseBytes);
    const userAgent = options.userAgent ?? USER_AGENT;
    if (typeof userAgent !== "string" || !/^[\x20-\x7e]+$/.test(userAgent)) {
      throw new EkoConfigurationError("userAgent must be a string of printable ASCII");
    }
    this.#baseHeaders = {
      "content-type": "application/json",
      accept: "application/json",
      "accept-encoding": ACCEPT_ENCODING,
      "user-agent": userAgent,
      developer_key: settings.developerKey,
    };
    if (options.fetch !== undefined) {
      if (typeof options.fetch !== "function") throw new EkoConfigurationError("fetch must be a function");
      this.transport = options.fetch;
    } else {
      const dispatcher = proxyAgent(env);
      this.dispatcher = dispatcher;
      this.transport = (url, init) =>
        undiciFetch(url, { ...(init as object), dispatcher } as Parameters<typeof undiciFetch>[1]) as unknown as Promise<Response>;
    }
    this.withRawResponse = new RawCalls(this);
  }

  /** Creates a DigiLocker session: the URL to send the customer to, and its reference. */
  async createDigilockerUrl(input: CreateInput & CallOptions): Promise<CreatedSession> {
    return (await this.withRawResponse.createDigilockerUrl(input)).data;
  }

  /** The session's details once the customer has consented; EkoVerificationPendingError
   * before, EkoConsentDeniedError / EkoSessionExpiredError when it ended otherwise. */
  async getVerificationStatus(referenceId: ReferenceId, options: CallOptions = {}): Promise<VerificationStatus> {
    return (await this.withRawResponse.getVerificationStatus(referenceId, options)).data;
  }

  /** The verified documents. Without `documentType`, a status call first asks which
   * documents the session requested; both share the call's one deadline. */
  async getDocument(referenceId: ReferenceId, verificationId: string, options: DocumentOptions = {}): Promise<DigilockerDocuments> {
    return (await this.withRawResponse.getDocument(referenceId, verificationId, options)).data;
  }

  /** Polls the status until the session is authenticated, denied or expired, or
   * `timeoutMs` passes (then state TIMED_OUT). Each poll's deadline is what is left of
   * the wait, but at least 1 s. Throws for an answer waiting cannot change (bad keys,
   * bad input, unknown reference). */
  async waitForConsent(referenceId: ReferenceId, options: WaitOptions = {}): Promise<ConsentResult> {
    checkCallOptions(options);
    const name = "waitForConsent";
    const waited = options.timeoutMs === 0 ? 0 : checkMs(`${name}'s timeoutMs`, options.timeoutMs ?? POLICY.consent_wait.timeout_ms);
    const interval = checkMs(`${name}'s intervalMs`, options.intervalMs ?? POLICY.consent_wait.interval_ms);
    const prepared = this.statusCall(name, referenceId, options);
    const whole = new Deadline(waited, options.signal);
    let last: EkoApiError | null = null;
    try {
      for (;;) {
        const limits = this.limits({ ...options, timeoutMs: Math.max(whole.remaining(), MIN_POLL_MS) });
        let answer: VerificationStatus | EkoApiError;
        try {
          answer = (await this.run(prepared, limits)).data as VerificationStatus;
        } catch (error) {
          limits.deadline.clear();
          if (error instanceof EkoApiError) {
            answer = error;
          } else if (error instanceof EkoTimeoutError && whole.remaining() <= 0 && !limits.deadline.byCaller) {
            return ended("TIMED_OUT", null, last);
          } else {
            throw error;
          }
        }
        limits.deadline.clear();
        if (!(answer instanceof EkoApiError)) return ended("AUTHENTICATED", answer, null);
        if (answer instanceof EkoConsentDeniedError) return ended("CONSENT_DENIED", null, answer);
        if (answer instanceof EkoSessionExpiredError) return ended("EXPIRED", null, answer);
        if (isFinal(answer)) throw answer;
        last = answer;
        const remaining = whole.remaining();
        if (remaining <= 0) return ended("TIMED_OUT", null, last);
        try {
          await whole.sleep(Math.min(interval, remaining));
        } catch {
          if (whole.byCaller) throw new EkoTimeoutError(`${name}: stopped by the caller's signal`);
          return ended("TIMED_OUT", null, last);
        }
      }
    } finally {
      whole.clear();
    }
  }

  /** Closes the connections of the default transport (a custom `fetch` is yours). */
  async close(): Promise<void> {
    await this.dispatcher?.close();
  }

  // --- each call's request --------------------------------------------------------------

  /** @internal */
  createCall(input: CreateInput & CallOptions): Prepared {
    const name = "createDigilockerUrl";
    checkCallOptions(input);
    const clientRefId = input.clientRefId ?? newClientRefId();
    const payload = present({
      initiator_id: this.initiatorId,
      user_code: input.userCode ?? this.userCode,
      client_ref_id: clientRefId,
      document_requested: input.documentRequested === undefined ? [...DEFAULT_DOCUMENTS] : asList(input.documentRequested),
      redirect_url: input.redirectUrl,
    });
    checkInput(name, CREATE, payload);
    return { name, op: CREATE, url: this.baseUrl + CREATE.path, body: JSON.stringify(payload), clientRefId };
  }

  /** @internal */
  statusCall(name: string, referenceId: ReferenceId, options: CallOptions): Prepared {
    checkCallOptions(options);
    const query = present({
      initiator_id: this.initiatorId,
      user_code: options.userCode ?? this.userCode,
      client_ref_id: options.clientRefId,
      reference_id: asReferenceId(name, referenceId),
    });
    checkInput(name, STATUS, query);
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) search.append(key, String(value));
    const url = `${this.baseUrl}${STATUS.path}?${search.toString()}`;
    return { name, op: STATUS, url, body: undefined, clientRefId: options.clientRefId ?? null };
  }

  /** @internal */
  documentCall(referenceId: ReferenceId, verificationId: string, documents: unknown, options: CallOptions): Prepared {
    const name = "getDocument";
    const clientRefId = options.clientRefId ?? newClientRefId();
    const reference = asReferenceId(name, referenceId);
    const payload = present({
      initiator_id: this.initiatorId,
      user_code: options.userCode ?? this.userCode,
      client_ref_id: clientRefId,
      document_type: asList(documents),
      verification_id: verificationId,
      // Create returns reference_id as a number; this call takes it as a string.
      reference_id: typeof reference === "bigint" ? reference.toString() : reference,
    });
    checkInput(name, DOCUMENT, payload);
    return { name, op: DOCUMENT, url: this.baseUrl + DOCUMENT.path, body: JSON.stringify(payload), clientRefId };
  }

  /** @internal the call's limits: its own options over the client's */
  limits(options: CallOptions): Limits {
    checkCallOptions(options);
    const timeoutMs = options.timeoutMs === undefined ? this.timeoutMs : checkMs("timeoutMs", options.timeoutMs);
    const maxRetries = options.maxRetries === undefined ? this.maxRetries : checkRetries(options.maxRetries);
    const maxResponseBytes =
      options.maxResponseBytes === undefined ? this.maxResponseBytes : checkBytes(options.maxResponseBytes);
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new EkoConfigurationError("signal must be an AbortSignal");
    }
    return { deadline: new Deadline(timeoutMs, options.signal), maxRetries, maxResponseBytes };
  }

  // --- sending ------------------------------------------------------------------------------

  /** @internal one exchange: attempts under the deadline, then its answer read (the
   * caller clears the deadline, which a call may share between exchanges) */
  async run(prepared: Prepared, limits: Limits): Promise<RawResponse<unknown>> {
    return read(prepared, await this.send(prepared, limits));
  }

  /** @internal one call of one exchange, under its own deadline */
  async call(prepared: Prepared, options: CallOptions): Promise<RawResponse<unknown>> {
    const limits = this.limits(options);
    try {
      return await this.run(prepared, limits);
    } finally {
      limits.deadline.clear();
    }
  }

  /** Attempts until an answer is final, the retries are spent or the deadline passes;
   * each attempt signed afresh, with a timestamp later than the previous attempt's. */
  private async send(prepared: Prepared, limits: Limits): Promise<Exchange> {
    const { deadline } = limits;
    const policy = prepared.op.policy.retry;
    const idempotent = prepared.op.idempotent;
    let stamp = 0;
    for (let attempt = 0; ; attempt += 1) {
      stamp = Math.max(Date.now(), stamp + 1);
      const timestamp = String(stamp);
      const headers = {
        ...this.#baseHeaders,
        "secret-key-timestamp": timestamp,
        "secret-key": createHmac("sha256", this.#hmacKey).update(timestamp).digest("base64"),
      };
      let response: Response;
      let text: string;
      try {
        if (deadline.aborted) throw deadline.signal.reason;
        response = await deadline.race(
          this.transport(prepared.url, {
            method: prepared.op.method,
            headers,
            body: prepared.body,
            signal: deadline.signal,
            // never followed: a redirect would carry the signing headers elsewhere
            redirect: "manual",
          }),
        );
        text = decode(await deadline.race(readStream(response, limits.maxResponseBytes)));
      } catch (error) {
        if (deadline.aborted) throw this.timeout(prepared, attempt, deadline);
        if (error instanceof BodyTooLarge) {
          throw new EkoResponseTooLargeError(
            `${prepared.name}: the answer is larger than maxResponseBytes (${limits.maxResponseBytes} bytes decoded); reading stopped there`,
            limits.maxResponseBytes,
          );
        }
        const notSent = neverSent(error);
        const retry =
          attempt < limits.maxRetries &&
          !certificateRefused(error) &&
          (notSent ? policy.not_sent === "all" : policy.maybe_sent === "idempotent" && idempotent);
        const delay = retry ? backoff(policy, attempt) : 0;
        if (retry && delay < deadline.remaining()) {
          await this.wait(deadline, delay, prepared, attempt);
          continue;
        }
        throw this.failure(prepared, error, attempt);
      }
      if (attempt < limits.maxRetries && idempotent && policy.statuses.includes(response.status)) {
        const delay = retryAfter(response.headers.get("retry-after"), policy.retry_after.max_ms) ?? backoff(policy, attempt);
        if (delay < deadline.remaining()) {
          await this.wait(deadline, delay, prepared, attempt);
          continue;
        }
      }
      return { response, text, attempts: attempt + 1 };
    }
  }

  private async wait(deadline: Deadline, delay: number, prepared: Prepared, attempt: number): Promise<void> {
    try {
      await deadline.sleep(delay);
    } catch {
      throw this.timeout(prepared, attempt + 1, deadline);
    }
  }

  private timeout(prepared: Prepared, attempt: number, deadline: Deadline): EkoTimeoutError {
    const tries = `${attempt + 1} attempt${attempt > 0 ? "s" : ""}`;
    const why = deadline.byCaller ? "stopped by the caller's signal" : "the call's deadline passed";
    return new EkoTimeoutError(`${prepared.name}: no complete answer from ${this.host}: ${why} (${tries})`, {
      cause: deadline.signal.reason,
    });
  }

  private failure(prepared: Prepared, error: unknown, attempt: number): EkoError {
    if (error instanceof EkoError) return error;
    const tries = `${attempt + 1} attempt${attempt > 0 ? "s" : ""}`;
    const what = describe(error);
    if (certificateRefused(error)) {
      return new EkoConnectionError(`${prepared.name}: ${this.host}'s TLS certificate failed verification (not retried): ${what}`, { cause: error });
    }
    if (error instanceof TypeError && /invalid url|failed to parse url/i.test(error.message)) {
      return new EkoConfigurationError(`${prepared.name}: invalid URL: ${error.message}`, { cause: error });
    }
    return new EkoConnectionError(`${prepared.name}: request to ${this.host} failed (${tries}; last: ${what})`, { cause: error });
  }
}

function checkRetries(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_RETRIES_LIMIT) {
    throw new EkoConfigurationError(`maxRetries must be a whole number from 0 to ${MAX_RETRIES_LIMIT}, not ${String(value)}`);
  }
  return value;
}

function checkBytes(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new EkoConfigurationError(`maxResponseBytes must be a positive whole number, not ${String(value)}`);
  }
  return value;
}

/** undici's agent that follows HTTPS_PROXY / HTTP_PROXY and NO_PROXY (upper or lower
 * case), as Python's httpx does; Node's own fetch reads none of them. Without a proxy
 * variable, a plain agent (undici warns that its proxy agent is experimental). */
function proxyAgent(env: Environment): Dispatcher {
  const pick = (name: string): string | undefined => env[name] || env[name.toLowerCase()] || undefined;
  const httpsProxy = pick("HTTPS_PROXY");
  const httpProxy = pick("HTTP_PROXY");
  const noProxy = pick("NO_PROXY");
  if (httpsProxy === undefined && httpProxy === undefined) return new Agent();
  return new EnvHttpProxyAgent({
    ...(httpProxy === undefined ? {} : { httpProxy }),
    ...(httpsProxy === undefined ? {} : { httpsProxy }),
    ...(noProxy === undefined ? {} : { noProxy }),
  });
}

// --- retries -----------------------------------------------------------------------------

// Errors that mean no byte of the request reached the server.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function codes(error: unknown): string[] {
  const found: string[] = [];
  let seen: unknown = error;
  for (let depth = 0; depth < 5 && typeof seen === "object" && seen !== null; depth += 1) {
    const code: unknown = Reflect.get(seen, "code");
    if (typeof code === "string") found.push(code);
    const inner: unknown = Reflect.get(seen, "errors");
    if (Array.isArray(inner)) found.push(...inner.flatMap(codes));
    seen = Reflect.get(seen, "cause");
  }
  return found;
}

function neverSent(error: unknown): boolean {
  const found = codes(error);
  return found.length > 0 && found.every((code) => NOT_SENT_CODES.has(code));
}

/** Whether the server's TLS certificate failed verification: trying again meets the
 * same certificate, so it is never retried. */
function certificateRefused(error: unknown): boolean {
  return codes(error).some((code) => /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/.test(code));
}

function describe(error: unknown): string {
  const found = codes(error);
  const message = error instanceof Error ? error.message : String(error);
  let cause: unknown = error instanceof Error ? error.cause : undefined;
  let detail = "";
  while (cause instanceof Error) {
    detail = cause.message;
    cause = cause.cause;
  }
  return [message, detail, found.join(",")].filter((part) => part !== "").join(": ").slice(0, 300);
}

/** The wait before retry `attempt + 1`: uniform in [0, min(max_ms, initial_ms *
 * multiplier^attempt)] (full jitter). */
function backoff(policy: Operation["policy"]["retry"], attempt: number): number {
  const { initial_ms, max_ms, multiplier } = policy.backoff;
  return Math.random() * Math.min(max_ms, initial_ms * multiplier ** attempt);
}

/** Milliseconds from a Retry-After (delta-seconds or HTTP-date) between 0 and `max`;
 * else null, and the backoff applies. */
export function retryAfter(value: string | null, max: number): number | null {
  if (value === null || value.trim() === "") return null;
  const text = value.trim();
  let ms: number;
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (/^-/.test(text)) {
    return null;
  } else {
    const when = Date.parse(text);
    if (Number.isNaN(when)) return null;
    ms = Math.max(0, when - Date.now());
  }
  return ms >= 0 && ms <= max ? ms : null;
}

// --- answers ------------------------------------------------------------------------------

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The body's text; an invalid UTF-8 body is no JSON, read as such. */
function decode(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return "\uFFFD";
  }
}

const ERRORS: Record<ErrorKind, typeof EkoApiError> = {
  pending: EkoVerificationPendingError,
  invalid_params: EkoInvalidParamsError,
  not_found: EkoNotFoundError,
  session_expired: EkoSessionExpiredError,
  consent_denied: EkoConsentDeniedError,
  authentication: EkoAuthenticationError,
  other: EkoApiError,
};

function integerOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : typeof value === "bigint" ? Number(value) : null;
}

/** The success of a call, or the EkoError its answer stands for. */
function read(prepared: Prepared, exchange: Exchange): RawResponse<unknown> {
  const { response, text } = exchange;
  const httpStatus = response.status;
  let value: unknown;
  let floats: Floats = null;
  try {
    const parsed = parseJson(text);
    value = parsed.value;
    floats = parsed.wholeFloats;
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    value = undefined;
  }
  const reading = readAnswerBody(httpStatus, value, prepared.op.id, floats);
  switch (reading.kind) {
    case "success": {
      const data = reading.data;
      if (prepared.op.id === "createDigilockerUrl" && typeof data["reference_id"] === "number") {
        data["reference_id"] = BigInt(data["reference_id"]);
      }
      return {
        data,
        envelope: reading.envelope,
        httpStatus,
        headers: response.headers,
        text,
        clientRefId: prepared.clientRefId,
        attempts: exchange.attempts,
      };
    }
    case "malformed":
      throw new EkoResponseError(`${prepared.name}: ${reading.reason}`, httpStatus, text);
    case "http_error":
      throw new EkoResponseError(
        `${prepared.name}: ${httpStatus >= 500 ? `server error (HTTP ${httpStatus})` : reading.reason}`,
        httpStatus,
        text,
      );
    case "error": {
      const envelope = reading.envelope;
      const message =
        typeof envelope.message === "string" && envelope.message !== ""
          ? envelope.message
          : reading.errorKind === "authentication"
            ? "authentication failed"
            : "Eko returned an error";
      const invalid = envelope.invalid_params;
      throw new ERRORS[reading.errorKind](message, {
        call: prepared.name,
        httpStatus,
        status: integerOrNull(envelope.status),
        responseStatusId: integerOrNull(envelope.response_status_id),
        responseTypeId: integerOrNull(envelope.response_type_id),
        invalidParams: typeof invalid === "object" && invalid !== null ? { ...invalid } : {},
        data: envelope.data,
        body: text,
        code: reading.code,
      });
    }
  }
}

// Codes that waiting cannot change (Python's responses.ERROR_CODES, `final`).
const FINAL_CODES = new Set([301, 319, 346, 461, 463]);

/** Whether polling again can change this answer. */
function isFinal(error: EkoApiError): boolean {
  if (error instanceof EkoAuthenticationError || error instanceof EkoInvalidParamsError || error instanceof EkoNotFoundError) {
    return true;
  }
  return error.code !== null && FINAL_CODES.has(error.code);
}

function ended(state: ConsentResult["state"], details: VerificationStatus | null, error: EkoApiError | null): ConsentResult {
  return { state, authenticated: state === "AUTHENTICATED", details, error };
}

/** Each call with its whole answer. */
export class RawCalls {
  constructor(private readonly eko: EkoClient) {}

  async createDigilockerUrl(input: CreateInput & CallOptions): Promise<RawResponse<CreatedSession>> {
    const prepared = this.eko.createCall(input);
    return (await this.eko.call(prepared, input)) as RawResponse<CreatedSession>;
  }

  async getVerificationStatus(referenceId: ReferenceId, options: CallOptions = {}): Promise<RawResponse<VerificationStatus>> {
    const prepared = this.eko.statusCall("getVerificationStatus", referenceId, options);
    return (await this.eko.call(prepared, options)) as RawResponse<VerificationStatus>;
  }

  async getDocument(referenceId: ReferenceId, verificationId: string, options: DocumentOptions = {}): Promise<RawResponse<DigilockerDocuments>> {
    checkCallOptions(options);
    const given = options.documentType;
    // The input is checked whole before anything is sent.
    let prepared = this.eko.documentCall(referenceId, verificationId, given ?? DEFAULT_DOCUMENTS, options);
    const limits = this.eko.limits(options);
    try {
      if (given === undefined) prepared = await this.requested(prepared, referenceId, verificationId, options, limits);
      return (await this.eko.run(prepared, limits)) as RawResponse<DigilockerDocuments>;
    } finally {
      limits.deadline.clear();
    }
  }

  /** The document call for the documents the session requested (its status answer),
   * or `prepared` as it is when the status call says nothing useful. */
  private async requested(
    prepared: Prepared,
    referenceId: ReferenceId,
    verificationId: string,
    options: DocumentOptions,
    limits: Limits,
  ): Promise<Prepared> {
    const status = this.eko.statusCall("getDocument", referenceId, { userCode: options.userCode });
    try {
      const answer = await this.eko.run(status, limits);
      const requested = (answer.data as VerificationStatus).document_requested;
      const documents = Array.isArray(requested) && requested.length > 0 ? requested : DEFAULT_DOCUMENTS;
      return this.eko.documentCall(referenceId, verificationId, documents, {
        ...options,
        clientRefId: prepared.clientRefId ?? undefined,
      });
    } catch (error) {
      // the document call itself will say what is wrong
      if (!(error instanceof EkoApiError || error instanceof EkoResponseError) || error instanceof EkoResponseTooLargeError) throw error;
      return prepared;
    }
  }
}

