// EkoClient against real loopback servers: one deadline for hangs and drips, the read
// limit counted after decompression, retries with one client_ref_id and fresh
// signatures, redirects never followed, proxies from the environment, typed errors.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { test } from "node:test";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import {
  EkoClient,
  EkoConfigurationError,
  EkoConnectionError,
  EkoConsentDeniedError,
  EkoError,
  EkoInvalidParamsError,
  EkoResponseError,
  EkoResponseTooLargeError,
  EkoSessionExpiredError,
  EkoNotFoundError,
  EkoTimeoutError,
  EkoValidationError,
  EkoVerificationPendingError,
  POLICY,
  USER_AGENT,
  createEkoClient,
  parseRedirect,
  readAnswer,
  signSecretKey,
  type EkoClientOptions,
} from "../../overlay/typescript/index.js";
import { UAT_KEYS } from "./support.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (request: Seen, response: ServerResponse, attempt: number) => void;

async function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const one = { method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(one);
      handler(one, response, seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SUCCESS = JSON.stringify({
  status: 0,
  message: "ok",
  response_status_id: 0,
  data: { reference_id: 9223372036854775807n.toString(), url: "https://digilocker.example/x" },
}).replace('"9223372036854775807"', "9223372036854775807");

function client(baseUrl: string, options: EkoClientOptions = {}): EkoClient {
  return new EkoClient({ ...UAT_KEYS, initiatorId: "9962981729", baseUrl, env: {}, ...options });
}

async function rejectsWith<T extends EkoError>(work: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${type.name}, got a result`);
}

test("a success: reference_id exact at 2^63 - 1, a User-Agent, the spec's default document", async () => {
  const server = await serve((_, response) => response.end(SUCCESS));
  try {
    const session = await client(server.url).createDigilockerUrl({ redirectUrl: "https://yourapp.example/cb" });
    assert.equal(session.reference_id, 2n ** 63n - 1n);
    assert.equal(session.url, "https://digilocker.example/x");
    const sent = server.seen[0];
    assert.equal(sent?.headers["user-agent"], USER_AGENT);
    const body = JSON.parse(sent?.body ?? "") as Record<string, unknown>;
    assert.deepEqual(body["document_requested"], ["AADHAAR"]);
    assert.match(String(body["client_ref_id"]), /^[0-9a-f]{20}$/);
  } finally {
    await server.close();
  }
});

test("a server that never answers ends in EkoTimeoutError at the deadline", async () => {
  const server = await serve(() => undefined);
  try {
    const started = performance.now();
    await rejectsWith(client(server.url, { timeoutMs: 400 }).getVerificationStatus(1n), EkoTimeoutError);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 390 && elapsed < 3000, `elapsed ${elapsed}`);
  } finally {
    await server.close();
  }
});

test("a drip (one byte every 50 ms) ends in EkoTimeoutError at the deadline", async () => {
  const server = await serve((_, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    const timer = setInterval(() => response.write(" "), 50);
    response.on("close", () => clearInterval(timer));
  });
  try {
    const started = performance.now();
    await rejectsWith(client(server.url, { timeoutMs: 500 }).getVerificationStatus(1n), EkoTimeoutError);
    assert.ok(performance.now() - started < 3000);
  } finally {
    await server.close();
  }
});

test("a body over maxResponseBytes, plain or a gzip bomb, stops at the limit", async () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  const server = await serve((request, response) => {
    if (request.url.includes("reference_id=2")) {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(bomb);
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(Buffer.alloc(200_000, 0x20));
    }
  });
  try {
    const eko = client(server.url, { maxResponseBytes: 100_000 });
    const error = await rejectsWith(eko.getVerificationStatus(1n), EkoResponseTooLargeError);
    assert.equal(error.limit, 100_000);
    assert.ok(error instanceof EkoResponseError);
    const before = process.memoryUsage().rss;
    await rejectsWith(eko.getVerificationStatus(2n), EkoResponseTooLargeError);
    assert.ok(process.memoryUsage().rss - before < 32 * 1024 * 1024, "the bomb was not inflated whole");
  } finally {
    await server.close();
  }
});

test("a 503 is retried with the same body bytes and client_ref_id, freshly signed", async () => {
  const server = await serve((_, response, attempt) => {
    if (attempt < 3) {
      response.writeHead(503, { "retry-after": "0" });
      response.end("busy");
    } else {
      response.end(SUCCESS);
    }
  });
  try {
    const raw = await client(server.url).withRawResponse.createDigilockerUrl({ redirectUrl: "https://yourapp.example/cb" });
    assert.equal(raw.attempts, 3);
    assert.equal(server.seen.length, 3);
    const [first, ...rest] = server.seen;
    let last = 0;
    for (const seen of server.seen) {
      const stamp = Number(seen.headers["secret-key-timestamp"]);
      assert.ok(stamp > last, "each attempt signed later than the last");
      last = stamp;
      assert.equal(seen.headers["secret-key"], signSecretKey(UAT_KEYS.accessKey, String(stamp)));
    }
    for (const seen of rest) assert.equal(seen.body, first?.body);
    assert.equal(raw.clientRefId, (JSON.parse(first?.body ?? "{}") as { client_ref_id: string }).client_ref_id);
  } finally {
    await server.close();
  }
});

test("a refused connection is a typed EkoConnectionError, retried then given up", async () => {
  const server = await serve(() => undefined);
  const url = server.url;
  await server.close();
  const error = await rejectsWith(client(url, { maxRetries: 1 }).getVerificationStatus(1n), EkoConnectionError);
  assert.ok(!(error instanceof EkoTimeoutError));
  assert.match(error.message, /2 attempts/);
});

test("a redirect is never followed: its signing headers stay home", async () => {
  const elsewhere = await serve((_, response) => response.end(SUCCESS));
  const server = await serve((_, response) => {
    response.writeHead(307, { location: `${elsewhere.url}/steal` });
    response.end();
  });
  try {
    const error = await rejectsWith(client(server.url).getVerificationStatus(1n), EkoResponseError);
    assert.equal(error.httpStatus, 307);
    assert.equal(elsewhere.seen.length, 0);
  } finally {
    await server.close();
    await elsewhere.close();
  }
});

test("the caller's AbortSignal ends the call as a deadline does", async () => {
  const server = await serve(() => undefined);
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectsWith(client(server.url).getVerificationStatus(1n, { signal: controller.signal }), EkoTimeoutError);
    assert.match(error.message, /caller's signal/);
  } finally {
    await server.close();
  }
});

test("the answer rule read from exact bytes: 0.0, a repeated key, an id past int64", async () => {
  const answers = [
    '{"status":0.0,"message":"ok","data":{"reference_id":5,"url":"https://x.example/"}}',
    '{"status":0,"status":0,"data":{"reference_id":5,"url":"https://x.example/"}}',
    '{"status":0,"data":{"reference_id":9223372036854775808,"url":"https://x.example/"}}',
    '{"status":0,"data":{"reference_id":1e3,"url":"https://x.example/"}}',
  ];
  for (const text of answers) {
    const eko = client("http://eko.test", { fetch: async () => new Response(text) });
    const error = await rejectsWith(eko.createDigilockerUrl({ redirectUrl: "https://yourapp.example/cb" }), EkoResponseError);
    assert.equal(error.httpStatus, 200, text);
  }
});

test("session endings are typed: denied, expired, pending, unknown, invalid params", async () => {
  const cases: [string, abstract new (...args: never[]) => EkoError][] = [
    ['{"status":1,"message":"x","response_status_id":-1,"data":{"session_status":"CONSENT_DENIED"}}', EkoConsentDeniedError],
    ['{"status":1,"message":"x","response_status_id":-1,"data":{"session_status":"EXPIRED"}}', EkoSessionExpiredError],
    ['{"status":327,"message":"x","data":{}}', EkoVerificationPendingError],
    ['{"status":1,"message":"Invalid reference_id","response_status_id":-1,"data":{}}', EkoNotFoundError],
    ['{"status":461,"message":"x","invalid_params":{"reference_id":"bad"}}', EkoInvalidParamsError],
  ];
  for (const [text, type] of cases) {
    const eko = client("http://eko.test", { fetch: async () => new Response(text) });
    await rejectsWith(eko.getVerificationStatus(1n), type);
  }
  const expired = await rejectsWith(
    client("http://eko.test", { fetch: async () => new Response(cases[1]?.[0] ?? "") }).getVerificationStatus(1n),
    EkoNotFoundError,
  );
  assert.ok(expired instanceof EkoSessionExpiredError);
});

test("waitForConsent polls until an ending, and returns denial as a result", async () => {
  let polls = 0;
  const eko = client("http://eko.test", {
    fetch: async () => {
      polls += 1;
      const state = polls < 3 ? "PENDING" : "CONSENT_DENIED";
      return new Response(`{"status":1,"message":"x","response_status_id":-1,"data":{"session_status":"${state}"}}`);
    },
  });
  const result = await eko.waitForConsent(7n, { intervalMs: 10, timeoutMs: 5000 });
  assert.equal(result.state, "CONSENT_DENIED");
  assert.equal(result.authenticated, false);
  assert.ok(result.error instanceof EkoConsentDeniedError);
  assert.equal(polls, 3);
});

test("input the spec refuses is an EkoValidationError, and nothing is sent", async () => {
  let sent = 0;
  const eko = client("http://eko.test", {
    fetch: async () => {
      sent += 1;
      return new Response(SUCCESS);
    },
  });
  const bad = await rejectsWith(
    eko.createDigilockerUrl({ redirectUrl: "not a url", documentRequested: ["PASSPORT"], clientRefId: "X".repeat(21) }),
    EkoValidationError,
  );
  assert.deepEqual(bad.fields, ["client_ref_id", "document_requested[0]", "redirect_url"]);
  await rejectsWith(eko.getVerificationStatus(0n), EkoValidationError);
  await rejectsWith(eko.getVerificationStatus(2n ** 63n), EkoValidationError);
  await rejectsWith(eko.getVerificationStatus(2 ** 60), EkoValidationError);
  await rejectsWith(eko.getVerificationStatus("abc"), EkoValidationError);
  assert.equal(sent, 0);
});

test("settings: EKO_* variables, environments, and what is missing said at once", () => {
  const eko = new EkoClient({
    env: { EKO_DEVELOPER_KEY: "dk", EKO_ACCESS_KEY: "ak", EKO_INITIATOR_ID: "1", EKO_ENVIRONMENT: "production" },
  });
  assert.equal(eko.baseUrl, "https://api.eko.in/ekoicici/v3");
  assert.equal(new EkoClient({ ...UAT_KEYS, initiatorId: "1", env: {} }).baseUrl, "https://staging.eko.in/ekoapi/v3");
  assert.equal(eko.timeoutMs, POLICY.timeout_ms);
  assert.throws(() => new EkoClient({ env: {} }), (error: unknown) => {
    assert.ok(error instanceof EkoConfigurationError);
    assert.match(error.message, /developerKey \(or EKO_DEVELOPER_KEY\), accessKey .*, initiatorId/);
    return true;
  });
  assert.throws(() => new EkoClient({ ...UAT_KEYS, initiatorId: "1", environment: "mars", env: {} }), EkoConfigurationError);
  assert.throws(() => new EkoClient({ ...UAT_KEYS, initiatorId: "1", baseUrl: "ftp://x", env: {} }), EkoConfigurationError);
  assert.throws(() => client("http://x.test", { timeoutMs: -1 }), EkoConfigurationError);
  const shown = inspect(client("http://x.test"), { depth: 5 });
  assert.ok(!shown.includes(UAT_KEYS.developerKey) && !shown.includes(UAT_KEYS.accessKey), shown);
  const signingKey = Buffer.from(UAT_KEYS.accessKey).toString("base64");
  assert.ok(!shown.includes(signingKey), "the HMAC key is not shown either");
});

/** A tunnelling proxy (HTTP CONNECT) that keeps each tunnel's destination. */
async function tunnellingProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const server = createServer();
  server.on("connect", (request: IncomingMessage, socket: Socket, head: Buffer) => {
    tunnels.push(request.url ?? "");
    const [host = "", port = "80"] = (request.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test("HTTP_PROXY carries the call; NO_PROXY exempts a host", async () => {
  const target = await serve((_, response) => response.end(SUCCESS));
  const proxy = await tunnellingProxy();
  try {
    const proxied = client(target.url, { env: { HTTP_PROXY: proxy.url } });
    await proxied.createDigilockerUrl({ redirectUrl: "https://yourapp.example/cb" });
    await proxied.close();
    assert.deepEqual(proxy.tunnels, [new URL(target.url).host]);
    assert.equal(target.seen.length, 1);
    const exempt = client(target.url, { env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } });
    await exempt.createDigilockerUrl({ redirectUrl: "https://yourapp.example/cb" });
    await exempt.close();
    assert.equal(proxy.tunnels.length, 1);
    assert.equal(target.seen.length, 2);
  } finally {
    await proxy.close();
    await target.close();
  }
});

test("parseRedirect: approval, denial, tampering", () => {
  const back = parseRedirect("https://yourapp.example/cb?reference_id=9223372036854775807&verification_id=V1");
  assert.equal(back.referenceId, 2n ** 63n - 1n);
  assert.equal(back.approved, true);
  assert.equal(parseRedirect("reference_id=5&status=CONSENT_DENIED").denied, true);
  assert.throws(() => parseRedirect("?reference_id=abc"), EkoValidationError);
  assert.throws(() => parseRedirect("?reference_id=9223372036854775808&verification_id=V"), EkoValidationError);
  assert.throws(() => parseRedirect("?verification_id=a&verification_id=b"), EkoValidationError);
});

test("the low-level readAnswer reads createEkoClient's exact bytes too", async () => {
  const kinds: string[] = [];
  for (const text of [
    '{"status":0.0,"data":{"reference_id":5,"url":"https://x.example/"}}',
    '{"status":0,"status":0,"data":{"reference_id":5,"url":"https://x.example/"}}',
    '{"status":0,"data":{"reference_id":9007199254740993,"url":"https://x.example/"}}',
    '{"status":0,"data":{"reference_id":5,"url":"https://x.example/"}}',
  ]) {
    const low = createEkoClient({ ...UAT_KEYS, baseUrl: "http://eko.test", fetch: async () => new Response(text) });
    const body = { initiator_id: "1", document_requested: ["AADHAAR" as const], redirect_url: "https://x.example/" };
    kinds.push(readAnswer(await low.POST("/tools/kyc/digilocker", { body })).kind);
  }
  // 0.0, a repeated key, and an integer it cannot keep exactly (refused, never rounded)
  assert.deepEqual(kinds, ["malformed", "malformed", "malformed", "success"]);
});
