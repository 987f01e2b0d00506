// Every documented answer example of every operation in the spec, served to the
// TypeScript client as the HTTP answer it documents, decodes as the intended kind.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createEkoClient,
  readAnswer,
  type SessionState,
} from "../../overlay/typescript/index.js";
import { documentedExamples, field, type Example } from "./spec-examples.js";
import { INITIATOR, UAT_KEYS } from "./support.js";

type Expected =
  | { kind: "success" }
  | { kind: "business_error"; code: number | null; state?: SessionState }
  | { kind: "validation_error"; code: number }
  | { kind: "forbidden" }
  | { kind: "http_error" };

const success: Expected = { kind: "success" };
const business = (code: number | null, state?: SessionState): Expected =>
  state === undefined ? { kind: "business_error", code } : { kind: "business_error", code, state };
const validation: Expected = { kind: "validation_error", code: 461 };
const forbidden: Expected = { kind: "forbidden" };
const httpError: Expected = { kind: "http_error" };

// "<operationId> <HTTP status> <example name>" -> what it must decode as. Written by hand
// from the examples' summaries, so that a reader that misfiles one fails here; a new
// example in the spec fails the test until it is listed.
const EXPECTED: Record<string, Expected> = {
  "createDigilockerUrl 200 success": success,
  "createDigilockerUrl 200 success_legacy": success,
  "createDigilockerUrl 200 invalid_redirect_url": business(301),
  "createDigilockerUrl 200 invalid_redirect_url_legacy": business(301),
  "createDigilockerUrl 200 user_not_onboarded": business(346),
  "createDigilockerUrl 200 invalid_initiator": business(319),
  "createDigilockerUrl 200 validation_error": validation,
  "getDigilockerVerificationStatus 200 authenticated": success,
  "getDigilockerVerificationStatus 200 authenticated_legacy": success,
  "getDigilockerVerificationStatus 200 pending": business(null),
  "getDigilockerVerificationStatus 200 invalid_reference": business(null),
  "getDigilockerVerificationStatus 200 pending_upstream": business(null, "PENDING"),
  "getDigilockerVerificationStatus 200 pending_327": business(327),
  "getDigilockerVerificationStatus 200 not_found_463": business(463),
  "getDigilockerVerificationStatus 200 consent_denied": business(null, "CONSENT_DENIED"),
  "getDigilockerVerificationStatus 200 expired": business(null, "EXPIRED"),
  "getDigilockerVerificationStatus 200 validation_error": validation,
  "getDigilockerDocument 200 success": success,
  "getDigilockerDocument 200 pending": business(327),
  "getDigilockerDocument 200 pending_legacy": business(327),
  "getDigilockerDocument 200 not_found": business(463),
  "getDigilockerDocument 200 not_found_legacy": business(463),
  "getDigilockerDocument 200 validation_error": validation,
};
for (const operation of [
  "createDigilockerUrl",
  "getDigilockerVerificationStatus",
  "getDigilockerDocument",
]) {
  EXPECTED[`${operation} 403 bad_signature`] = forbidden;
  EXPECTED[`${operation} 404 not_found`] = httpError;
  EXPECTED[`${operation} 405 method_not_allowed`] = httpError;
  EXPECTED[`${operation} 500 server_error`] = httpError;
}
for (const operation of ["createDigilockerUrl", "getDigilockerDocument"]) {
  EXPECTED[`${operation} 413 too_large`] = httpError;
  EXPECTED[`${operation} 415 unsupported_media_type`] = httpError;
}

// --- serving one example to the client ---

async function decode(example: Example) {
  const eko = createEkoClient({
    baseUrl: "http://eko.invalid",
    ...UAT_KEYS,
    fetch: async () => Response.json(example.value, { status: example.httpStatus }),
  });
  const client_ref_id = "EXAMPLES-1";
  switch (example.operationId) {
    case "createDigilockerUrl":
      return readAnswer(
        await eko.POST("/tools/kyc/digilocker", {
          body: {
            ...INITIATOR,
            client_ref_id,
            document_requested: ["AADHAAR"],
            redirect_url: "https://yourapp.example/kyc/callback",
          },
        }),
      );
    case "getDigilockerVerificationStatus":
      return readAnswer(
        await eko.GET("/tools/kyc/digilocker/status", {
          params: { query: { ...INITIATOR, client_ref_id, reference_id: 7483920 } },
        }),
      );
    case "getDigilockerDocument":
      return readAnswer(
        await eko.POST("/tools/kyc/digilocker/document", {
          body: {
            ...INITIATOR,
            client_ref_id,
            document_type: ["AADHAAR"],
            verification_id: "VER-7483920",
            reference_id: "7483920",
          },
        }),
      );
    default:
      throw new Error(`no call for ${example.operationId}: add it to examples.test.ts`);
  }
}

const ALL = documentedExamples();

test("every documented answer example is listed with its intended kind", () => {
  assert.deepEqual(ALL.map((example) => example.key).sort(), Object.keys(EXPECTED).sort());
});

for (const example of ALL) {
  test(`decodes: ${example.key}`, async () => {
    const expected = EXPECTED[example.key];
    assert.ok(expected !== undefined, `${example.key} is not listed in EXPECTED`);
    const answer = await decode(example);
    assert.equal(answer.kind, expected.kind, JSON.stringify(answer));
    const message = field(example.value, "message");
    switch (answer.kind) {
      case "success":
        assert.deepEqual(answer.data, field(example.value, "data"));
        break;
      case "business_error":
        assert.ok(expected.kind === "business_error");
        assert.equal(answer.code, expected.code);
        assert.equal(answer.state, expected.state ?? null);
        assert.equal(answer.message, message);
        break;
      case "validation_error":
        assert.ok(expected.kind === "validation_error");
        assert.equal(answer.code, expected.code);
        assert.deepEqual(answer.invalidParams, field(example.value, "invalid_params"));
        break;
      case "forbidden":
        assert.equal(answer.message, message);
        break;
      case "http_error":
        assert.equal(answer.httpStatus, example.httpStatus);
        assert.equal(answer.message, message);
        break;
    }
  });
}
