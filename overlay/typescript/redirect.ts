// The customer's return to your `redirect_url`, read into a typed result (the Python
// client's redirect.py). What a return carries, by source:
// - Eko's legacy page (README 7.1): `?verification_id=...`;
// - eps.eko.in: only that the customer comes back; pair it with the reference you stored;
// - the local sandbox: `reference_id` + `verification_id` on approval, `reference_id` +
//   `status=CONSENT_DENIED` on denial;
// - DigiLocker's OAuth return, passed through: `error` (`access_denied`) and
//   `error_description`.
// Exactly one of `approved`, `denied` and `error` holds for every parsed return.
import { EkoValidationError } from "./errors.js";
import { inputProperty } from "./policy.js";
import { problems } from "./schema.js";

const OPERATION = "parseRedirect";
/** The return URL comes from the customer's browser: what is read of it is bounded. */
export const MAX_REDIRECT_LENGTH = 8192;
// DigiLocker's OAuth error for a customer who declines (RFC 6749 section 4.1.2.1).
const OAUTH_DENIED = "access_denied";
// Eko's `verification_status` of a completed verification.
const EKO_SUCCESS = "SUCCESS";

export interface ConsentRedirect {
  /** null when the return does not carry it; a bigint, exact to 2^63 - 1 */
  referenceId: bigint | null;
  verificationId: string | null;
  denied: boolean;
  error: string | null;
  /** consent given: a verification id to fetch the document with, and no denial */
  approved: boolean;
}

/** A query as web frameworks hand it: URLSearchParams, or a record of strings or lists. */
export type QueryParams = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Reads the return to `redirect_url`: the full URL, its query string, or the query as
 * parsed by your framework. Throws EkoValidationError for a malformed value (a
 * non-numeric `reference_id`, two different values of one parameter, an empty
 * `verification_id`, a URL over `maxLength` characters).
 */
export function parseRedirect(url: string | QueryParams, options: { maxLength?: number } = {}): ConsentRedirect {
  const params = paramsOf(url, options.maxLength ?? MAX_REDIRECT_LENGTH);
  const reference = one(params, "reference_id");
  const verificationId = one(params, "verification_id");
  const status = (one(params, "status") ?? "").toUpperCase();
  const errorCode = one(params, "error");
  const description = one(params, "error_description");
  if (verificationId !== null && verificationId.trim() === "") invalid("verification_id", "is empty");
  const denied = status === "CONSENT_DENIED" || (errorCode ?? "").toLowerCase() === OAUTH_DENIED;
  let error: string | null = null;
  if (!denied) {
    if (errorCode !== null) error = description ? `${errorCode}: ${description}` : errorCode;
    else if (status !== "" && status !== "AUTHENTICATED" && status !== EKO_SUCCESS) error = `status ${status}`;
    else if (verificationId === null) error = "the return carries neither a verification_id nor a status";
  }
  return {
    referenceId: referenceIdOf(reference),
    verificationId,
    denied,
    error,
    approved: verificationId !== null && !denied && error === null,
  };
}

function invalid(field: string, message: string): never {
  throw new EkoValidationError(OPERATION, [{ field, message }]);
}

function paramsOf(url: string | QueryParams, maxLength: number): Map<string, string[]> {
  if (typeof url === "string") {
    if (url.length > maxLength) invalid("url", `is longer than ${maxLength} characters`);
    const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url);
    const withoutFragment = url.split("#", 1)[0] ?? "";
    const query = hasScheme || url.includes("?") ? (withoutFragment.split("?").slice(1).join("?")) : withoutFragment;
    return parseQuery(query);
  }
  const params = new Map<string, string[]>();
  if (url instanceof URLSearchParams) {
    for (const name of new Set(url.keys())) params.set(name, url.getAll(name));
    return params;
  }
  if (typeof url !== "object" || url === null) {
    invalid("url", `must be a URL string or a query, not ${url === null ? "null" : typeof url}`);
  }
  for (const [name, value] of Object.entries(url)) {
    if (value === undefined) continue;
    const values: unknown[] = typeof value === "string" ? [value] : Array.isArray(value) ? value : [value];
    if (!values.every((item) => typeof item === "string")) invalid(name, "must be a string or a list of strings");
    params.set(name, values as string[]);
  }
  return params;
}

/** Name-value pairs of a query as Python's parse_qs reads them: `+` is a space, blank
 * values kept, a percent-escape that is not hex left as it is, bytes that are not UTF-8
 * refused. */
function parseQuery(query: string): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    if (at < 0) continue; // parse_qs drops a name without "=" (strict_parsing off)
    const name = unescape(pair.slice(0, at));
    const value = unescape(pair.slice(at + 1));
    params.set(name, [...(params.get(name) ?? []), value]);
  }
  return params;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function unescape(text: string): string {
  const plain = text.replace(/\+/g, " ");
  if (!plain.includes("%")) return plain;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < plain.length; ) {
    const hex = plain.slice(i + 1, i + 3);
    if (plain[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const point = plain.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(point);
      bytes.push(...encoder.encode(char));
      i += char.length;
    }
  }
  try {
    return UTF8.decode(new Uint8Array(bytes));
  } catch {
    return invalid("url", "has percent-escapes that are not UTF-8");
  }
}

function one(params: Map<string, string[]>, name: string): string | null {
  const values = new Set(params.get(name) ?? []);
  if (values.size > 1) invalid(name, `has ${values.size} different values`);
  const [value] = values;
  return value ?? null;
}

// The status call's reference_id rule (integer, 1 .. 2^63 - 1) and the most digits the
// document call's takes: both the spec's.
const REFERENCE_RULE = inputProperty("getDigilockerVerificationStatus", "reference_id");
const MAX_DIGITS = Number((inputProperty("getDigilockerDocument", "reference_id") as { maxLength?: number }).maxLength ?? 20);

function referenceIdOf(value: string | null): bigint | null {
  if (value === null) return null;
  const text = value.trim();
  if (!/^[0-9]+$/.test(text) || /^0+$/.test(text)) {
    invalid("reference_id", `must be a positive whole number, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  if (text.length > MAX_DIGITS) invalid("reference_id", `has ${text.length} digits; a reference id has at most ${MAX_DIGITS}`);
  const reference = BigInt(text);
  const found = problems(reference, REFERENCE_RULE, "reference_id");
  if (found.length > 0) invalid("reference_id", found[0]?.message ?? "is out of range");
  return reference;
}
