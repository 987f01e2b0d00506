// readAnswer without an operation finds it from the response's URL: the spec's path the
// URL ends with, the longest first (".../digilocker/status" is not ".../digilocker").
import assert from "node:assert/strict";
import { test } from "node:test";
import { operationOfUrl } from "../../overlay/typescript/schema.js";

test("the operation comes from the path the URL ends with", () => {
  const base = "https://staging.eko.in/ekoapi/v3/tools/kyc/digilocker";
  assert.equal(operationOfUrl(base), "createDigilockerUrl");
  assert.equal(operationOfUrl(`${base}/status?reference_id=1`), "getDigilockerVerificationStatus");
  assert.equal(operationOfUrl(`${base}/document`), "getDigilockerDocument");
  assert.equal(operationOfUrl("https://staging.eko.in/ekoapi/v3/other"), undefined);
  assert.equal(operationOfUrl(""), undefined);
});
