// Evidence from another generator: the models openapi-generator's typescript-fetch writes
// from the spec (`make generator-matrix` leaves them in build/generator-matrix) decode
// every documented answer example and write it back unchanged, every field included.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DigilockerDocumentEnvelopeFromJSON,
  DigilockerDocumentEnvelopeToJSON,
  DigilockerUrlEnvelopeFromJSON,
  DigilockerUrlEnvelopeToJSON,
  EnvelopeFromJSON,
  EnvelopeToJSON,
  VerificationStatusEnvelopeFromJSON,
  VerificationStatusEnvelopeToJSON,
} from "../../build/generator-matrix/typescript-fetch/models/index.js";
import { documentedExamples, field } from "../typescript/spec-examples.js";

type RoundTrip = (json: unknown) => unknown;

// The HTTP 200 answer's model of each operation; every other answer is an Envelope.
const ANSWER_MODEL: Record<string, RoundTrip> = {
  createDigilockerUrl: (json) => DigilockerUrlEnvelopeToJSON(DigilockerUrlEnvelopeFromJSON(json)),
  getDigilockerVerificationStatus: (json) =>
    VerificationStatusEnvelopeToJSON(VerificationStatusEnvelopeFromJSON(json)),
  getDigilockerDocument: (json) =>
    DigilockerDocumentEnvelopeToJSON(DigilockerDocumentEnvelopeFromJSON(json)),
};
const envelope: RoundTrip = (json) => EnvelopeToJSON(EnvelopeFromJSON(json));

/** As JSON would carry it: fields the model left undefined disappear. */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Every field of `expected`, at every level, is in `actual` with the same value. The
 * models allow unknown fields (`additionalProperties: true`), so they keep what they were
 * given beside their own camel-cased fields, and write both back. */
function assertCarries(actual: unknown, expected: unknown, where = "answer"): void {
  if (typeof expected !== "object" || expected === null || Array.isArray(expected)) {
    if (Array.isArray(expected)) {
      assert.ok(Array.isArray(actual), `${where} is not an array`);
      assert.equal(actual.length, expected.length, `${where} length`);
      expected.forEach((item, index) => assertCarries(actual[index], item, `${where}[${index}]`));
      return;
    }
    assert.deepEqual(actual, expected, where);
    return;
  }
  for (const [name, value] of Object.entries(expected)) {
    assertCarries(field(actual, name), value, `${where}.${name}`);
  }
}

for (const example of documentedExamples()) {
  test(`typescript-fetch decodes ${example.key}`, () => {
    const roundTrip = example.httpStatus === 200 ? ANSWER_MODEL[example.operationId] : envelope;
    assert.ok(roundTrip !== undefined, `no model listed for ${example.operationId}`);
    assertCarries(asJson(roundTrip(example.value)), example.value);
  });
}

test("a successful create decodes with its reference_id (the bug a oneOf answer had)", () => {
  const success = documentedExamples().find(
    (example) => example.key === "createDigilockerUrl 200 success",
  );
  assert.ok(success !== undefined);
  const decoded = DigilockerUrlEnvelopeFromJSON(success.value);
  assert.equal(decoded.status, 0);
  assert.equal(decoded.data?.referenceId, field(field(success.value, "data"), "reference_id"));
});

test("an answer with unknown fields at every level and a reference_id past 2^31 decodes", () => {
  const answer = {
    status: 0,
    message: "ok",
    response_status_id: 0,
    response_type_id: 1388,
    added_by_eko: { any: ["thing"] },
    data: {
      reference_id: 3000000001,
      url: "https://digilocker.gov.in/auth?session_id=abc",
      added_by_eko: 1,
    },
  };
  const decoded = DigilockerUrlEnvelopeFromJSON(answer);
  assert.equal(decoded.data?.referenceId, 3000000001);
  assertCarries(asJson(DigilockerUrlEnvelopeToJSON(decoded)), answer);
  const document = {
    status: 0,
    data: {
      verification_status: "SUCCESS",
      new_top: true,
      documents: [{ document_type: "AADHAAR", new_field: "x", address: { pincode: "1", new: 2 } }],
    },
  };
  const read = DigilockerDocumentEnvelopeFromJSON(document);
  assert.equal(read.data?.documents?.[0]?.address?.pincode, "1");
  assertCarries(asJson(DigilockerDocumentEnvelopeToJSON(read)), document);
});
