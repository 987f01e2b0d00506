// The TypeScript client's conformance runner (protocol: docs/conformance.md), through
// the public API a user calls: EkoClient, waitForConsent, parseRedirect.
//
//   node build/typescript/tests/conformance/typescript/runner.js answers FILE
//   ... behaviour FILE | redirects FILE | journey BASE_URL PROFILE | policy
//
// Each prints one JSON line per case or step; the harness (tests/conformance/harness.py)
// does every comparison. `outcomeOf` maps the client's presentation (a value or an
// EkoError) to the protocol's outcome names. Corpus files are read with the client's
// own exact JSON reader, so a large integer in a case reaches the client unrounded.
import { readFileSync } from "node:fs";
import {
  EkoApiError,
  EkoClient,
  EkoConfigurationError,
  EkoConnectionError,
  EkoError,
  EkoResponseError,
  EkoResponseTooLargeError,
  EkoTimeoutError,
  EkoValidationError,
  EkoVerificationPendingError,
  POLICY,
  parseRedirect,
  type ConsentResult,
  type EkoClientOptions,
} from "../../../overlay/typescript/index.js";
import { parseJson, stringifyJson } from "../../../overlay/typescript/json.js";

// Eko's public UAT keys (the sandbox's default pair), for the journey.
const UAT = {
  developerKey: "becbbce45f79c6f5109f848acd540567",
  accessKey: "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
  initiatorId: "9962981729",
  userCode: "20810200",
};
const REDIRECT_URL = "https://yourapp.example/kyc/callback";

type Json = Record<string, unknown>;

interface Reading {
  outcome: string;
  code: number | null;
  values: unknown;
  error: string | null;
  /** an error's message: Eko's own for an EkoApiError, as Python's runner prints it */
  message?: string;
}

function emit(line: Json): void {
  process.stdout.write(`${stringifyJson(line)}\n`);
}

// Where the corpus has `0.0`-like number tokens, to send them back as written.
let corpusFloats: ReturnType<typeof parseJson>["wholeFloats"] = null;

function readCorpus(path: string): Json {
  const parsed = parseJson(readFileSync(path, "utf8"));
  corpusFloats = parsed.wholeFloats;
  return parsed.value as Json;
}

function field(node: unknown, name: string): unknown {
  return typeof node === "object" && node !== null ? Reflect.get(node, name) : undefined;
}

/** The protocol's outcome and code for an error the client threw. */
function outcomeOf(error: unknown): { outcome: string; code: number | null } {
  if (error instanceof EkoValidationError || error instanceof EkoConfigurationError) return { outcome: "invalid_input", code: null };
  if (error instanceof EkoApiError) {
    if (error.httpStatus !== 200) return { outcome: "http_error", code: null };
    return { outcome: error instanceof EkoVerificationPendingError ? "pending" : "business_error", code: error.code };
  }
  if (error instanceof EkoResponseTooLargeError) return { outcome: "too_large", code: null };
  if (error instanceof EkoResponseError) {
    return { outcome: error.httpStatus === 200 || error.httpStatus === null ? "malformed" : "http_error", code: null };
  }
  if (error instanceof EkoTimeoutError) return { outcome: "timeout", code: null };
  if (error instanceof EkoConnectionError) return { outcome: "connection_error", code: null };
  // Not an EkoError: a bug this runner must show, not hide.
  return { outcome: "escaped", code: null };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

async function reading(call: () => Promise<unknown>): Promise<Reading> {
  try {
    return { outcome: "success", code: null, values: await call(), error: null };
  } catch (error) {
    if (!(error instanceof EkoError)) console.error(error);
    const message = error instanceof EkoApiError ? error.ekoMessage : error instanceof Error ? error.message : String(error);
    return { ...outcomeOf(error), values: {}, error: errorName(error), message };
  }
}

// --- answers ---------------------------------------------------------------------------

async function answerCase(c: Json): Promise<Json> {
  const bodyText = field(c, "body_text");
  const text = typeof bodyText === "string" ? bodyText : typeof c["body"] === "string" ? String(c["body"]) : stringifyJson(c["body"], corpusFloats);
  const status = Number(c["http_status"]);
  const eko = new EkoClient({
    ...UAT,
    baseUrl: "http://eko.test",
    maxRetries: 0,
    fetch: async () => new Response(text, { status, headers: { "content-type": "application/json" } }),
  });
  const operation = String(c["operation"]);
  const got = await reading(() => {
    switch (operation) {
      case "createDigilockerUrl":
        return eko.createDigilockerUrl({ redirectUrl: "https://x.test/", documentRequested: ["AADHAAR"] });
      case "getDigilockerVerificationStatus":
        return eko.getVerificationStatus(1n);
      default:
        return eko.getDocument(1n, "V", { documentType: ["AADHAAR"] });
    }
  });
  return { name: c["name"], ...got };
}

// --- behaviour -------------------------------------------------------------------------

function clientFor(c: Json, keys: Json): EkoClient {
  const call = c["call"] as Json;
  const options = (call["options"] ?? {}) as Json;
  const given = (call["input"] ?? {}) as Json;
  const settings: EkoClientOptions = {
    developerKey: String(keys["developer_key"]),
    accessKey: String(keys["access_key"]),
    initiatorId: (given["initiator_id"] ?? keys["initiator_id"]) as string,
    userCode: String(keys["user_code"]),
    baseUrl: String(c["base_url"]),
  };
  if (options["timeout_ms"] !== undefined && call["operation"] !== "waitForConsent") settings.timeoutMs = options["timeout_ms"] as number;
  if (options["max_retries"] !== undefined) settings.maxRetries = options["max_retries"] as number;
  if (options["max_response_bytes"] !== undefined) settings.maxResponseBytes = options["max_response_bytes"] as number;
  return new EkoClient(settings);
}

/** The public call a case names, with its wire-named input (deliberately untyped: the
 * corpus gives wrong types on purpose, for the client to refuse). */
function invoke(eko: EkoClient, call: Json): Promise<unknown> {
  const given = (call["input"] ?? {}) as Record<string, any>;
  const options = (call["options"] ?? {}) as Json;
  switch (call["operation"]) {
    case "createDigilockerUrl":
      return eko.createDigilockerUrl({
        redirectUrl: given["redirect_url"],
        documentRequested: given["document_requested"],
        clientRefId: given["client_ref_id"],
        userCode: given["user_code"],
      });
    case "getDigilockerVerificationStatus":
      return eko.getVerificationStatus(given["reference_id"], { clientRefId: given["client_ref_id"], userCode: given["user_code"] });
    case "getDigilockerDocument":
      return eko.getDocument(given["reference_id"], given["verification_id"], {
        documentType: given["document_type"],
        clientRefId: given["client_ref_id"],
        userCode: given["user_code"],
      });
    case "waitForConsent":
      return eko.waitForConsent(given["reference_id"], {
        ...(options["timeout_ms"] === undefined ? {} : { timeoutMs: options["timeout_ms"] as number }),
        ...(options["interval_ms"] === undefined ? {} : { intervalMs: options["interval_ms"] as number }),
      });
    default:
      throw new Error(`unknown operation ${String(call["operation"])}`);
  }
}

/** A wait's result: its state, and the outcome that state stands for. */
function consentReading(result: ConsentResult): Reading {
  const state = result.state;
  if (result.details !== null) return { outcome: "success", code: null, values: { state, ...result.details }, error: null };
  if (state === "TIMED_OUT") return { outcome: "timeout", code: null, values: { state }, error: null };
  const error = result.error;
  return { outcome: "business_error", code: error?.code ?? null, values: { state }, error: error === null ? null : errorName(error) };
}

async function behaviourCase(c: Json, keys: Json): Promise<Json> {
  const started = performance.now();
  let got: Reading;
  let eko: EkoClient | undefined;
  try {
    eko = clientFor(c, keys);
  } catch (error) {
    got = { ...outcomeOf(error), values: {}, error: errorName(error) };
  }
  if (eko !== undefined) {
    const client = eko;
    const call = c["call"] as Json;
    if (call["operation"] === "waitForConsent") {
      try {
        got = consentReading((await invoke(client, call)) as ConsentResult);
      } catch (error) {
        got = { ...outcomeOf(error), values: {}, error: errorName(error) };
      }
    } else {
      got = await reading(() => invoke(client, call));
    }
    await client.close();
  }
  return { name: c["name"], ...got!, elapsed_ms: Math.round(performance.now() - started) };
}

// --- redirects -------------------------------------------------------------------------

function redirectCase(c: Json): Json {
  try {
    const back = parseRedirect(String(c["url"]));
    const values = { reference_id: back.referenceId, verification_id: back.verificationId, denied: back.denied, error: back.error };
    return { name: c["name"], outcome: "ok", code: null, values, error: null };
  } catch (error) {
    return { name: c["name"], ...outcomeOf(error), values: {}, error: errorName(error) };
  }
}

// --- journey ---------------------------------------------------------------------------

/** Create, a forced 301, pending status, approval (the sandbox's control surface) with
 * the customer's return read by parseRedirect, status, document: one API call each, as
 * tests/conformance/test_journey.py counts them (waitForConsent and getDocument's own
 * status call: the install test's journey). */
async function journey(url: string, profile: string): Promise<Json[]> {
  const prefix = `TS${profile.slice(0, 1).toUpperCase()}${process.pid % 100000}`;
  const eko = new EkoClient({ ...UAT, baseUrl: url, maxRetries: 0, timeoutMs: 30_000 });
  const lines: Json[] = [];
  const step = async (name: string, call: () => Promise<unknown>, extra: Json = {}): Promise<Reading> => {
    const got = await reading(call);
    lines.push({ name, ...got, ...extra });
    return got;
  };
  try {
    const createRef = `${prefix}-create`;
    const created = await step(
      "create",
      () => eko.createDigilockerUrl({ redirectUrl: REDIRECT_URL, documentRequested: ["AADHAAR"], clientRefId: createRef }),
      { client_ref_id: createRef },
    );
    const referenceId = field(created.values, "reference_id") as bigint;
    await step("forced_301", () => eko.createDigilockerUrl({ redirectUrl: REDIRECT_URL, clientRefId: "SCENARIO-301" }), {
      client_ref_id: "SCENARIO-301",
    });
    await step("pending", () => eko.getVerificationStatus(referenceId, { clientRefId: `${prefix}-pending` }));
    const approved = await fetch(`${url}/_sandbox/sessions/${String(referenceId)}/approve`, { method: "POST" });
    const session = parseJson(await approved.text()).value;
    // The customer's return, where the server says where it sends the customer back.
    const location = field(session, "redirect_location");
    const back = typeof location === "string" ? parseRedirect(location) : null;
    const verificationId = back?.verificationId ?? field(session, "verification_id");
    const ok = approved.status === 200 && typeof verificationId === "string" && (back === null || back.approved);
    lines.push({
      name: "approve",
      outcome: ok ? "success" : "http_error",
      code: null,
      error: null,
      values: { reference_id: back?.referenceId ?? referenceId, verification_id: verificationId },
    });
    await step("status", () => eko.getVerificationStatus(referenceId, { clientRefId: `${prefix}-status` }));
    await step("document", () =>
      eko.getDocument(referenceId, String(verificationId), {
        documentType: ["AADHAAR"],
        clientRefId: `${prefix}-doc`,
      }),
    );
  } finally {
    await eko.close();
  }
  return lines;
}

// --- policy ----------------------------------------------------------------------------

/** The client's effective defaults, read from a client made with no options. */
function policy(): Json {
  const eko = new EkoClient({ ...UAT, baseUrl: "http://127.0.0.1:9" });
  return {
    ...POLICY,
    timeout_ms: eko.timeoutMs,
    max_response_bytes: eko.maxResponseBytes,
    retry: { ...POLICY.retry, max_retries: eko.maxRetries },
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === "answers" && args.length === 1) {
    for (const c of readCorpus(String(args[0]))["cases"] as Json[]) emit(await answerCase(c));
  } else if (command === "behaviour" && args.length === 1) {
    const corpus = readCorpus(String(args[0]));
    for (const c of corpus["cases"] as Json[]) emit(await behaviourCase(c, corpus["keys"] as Json));
  } else if (command === "redirects" && args.length === 1) {
    for (const c of readCorpus(String(args[0]))["cases"] as Json[]) emit(redirectCase(c));
  } else if (command === "journey" && args.length === 2) {
    for (const line of await journey(String(args[0]), String(args[1]))) emit(line);
  } else if (command === "policy" && args.length === 0) {
    emit(policy());
  } else {
    console.error("usage: runner.js answers FILE | behaviour FILE | redirects FILE | journey BASE_URL PROFILE | policy");
    return 2;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
