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

for (const example of documentedExamples()) {
  test(`typescript-fetch decodes ${example.key}`, () => {
    const roundTrip = example.httpStatus === 200 ? ANSWER_MODEL[example.operationId] : envelope;
    assert.ok(roundTrip !== undefined, `no model listed for ${example.operationId}`);
    assert.deepEqual(asJson(roundTrip(example.value)), example.value);
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
