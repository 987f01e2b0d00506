// documentConsents: both documented shapes of a `document_consent` item (the spec's
// DocumentConsentItem), from the spec's own eps.eko.in and legacy examples.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  documentConsents,
  type VerificationStatusPayload,
} from "../../overlay/typescript/index.js";
import { documentedExamples, field } from "./spec-examples.js";

function exampleData(key: string): VerificationStatusPayload {
  const example = documentedExamples().find((found) => found.key === key);
  assert.ok(example !== undefined, key);
  return field(example.value, "data") as VerificationStatusPayload;
}

test("the eps.eko.in example: an object per document", () => {
  const data = exampleData("getDigilockerVerificationStatus 200 authenticated");
  assert.deepEqual(documentConsents(data), [{ consent: "Y", documentType: "AADHAAR" }]);
});

test("the legacy README 7.2 example: a bare string", () => {
  const data = exampleData("getDigilockerVerificationStatus 200 authenticated_legacy");
  assert.deepEqual(documentConsents(data), [{ consent: "Y", documentType: null }]);
});

test("both shapes in one answer, unknown fields ignored; none without the field", () => {
  const items = [{ document_type: "AADHAAR", consent: "N", at: "2030-01-01" }, "Y"];
  assert.deepEqual(documentConsents({ document_consent: items }), [
    { consent: "N", documentType: "AADHAAR" },
    { consent: "Y", documentType: null },
  ]);
  assert.deepEqual(documentConsents({}), []);
});

const NEITHER = [7, null, ["Y"], { document_type: "AADHAAR" }, { consent: 1 }, { consent: "Y", document_type: 2 }];
for (const item of NEITHER) {
  test(`an item of neither shape is a TypeError: ${JSON.stringify(item)}`, () => {
    assert.throws(() => documentConsents({ document_consent: ["Y", item] }), {
      name: "TypeError",
      message: /^document_consent\[1\] is neither/,
    });
  });
}
