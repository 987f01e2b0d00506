// docs/other-languages.md's workaround for typescript-fetch's signing limit (it asks for `secret-key`
// before `secret-key-timestamp`): a `pre` middleware that reads the clock once and sets
// the three headers, against a real sandbox process. The sandbox issues ids from
// 3,000,000,001, so the generated model reads a reference_id past 2^31 from a live server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  Configuration,
  DigilockerApi,
  DocumentType,
  type Middleware,
} from "../../build/generator-matrix/typescript-fetch/index.js";
import { signSecretKey } from "../../overlay/typescript/signing.js";
import { INITIATOR, UAT_KEYS, startSandbox, type Sandbox } from "../typescript/support.js";

function ekoSigning(developerKey: string, accessKey: string): Middleware {
  return {
    async pre({ url, init }) {
      const timestamp = String(Date.now());
      const headers = new Headers(init.headers);
      headers.set("developer_key", developerKey);
      headers.set("secret-key-timestamp", timestamp);
      headers.set("secret-key", signSecretKey(accessKey, timestamp));
      return { url, init: { ...init, headers } };
    },
  };
}

const PAST_2_31 = 3000000001;
let sandbox: Sandbox;

before(async () => {
  sandbox = await startSandbox(["--first-reference-id", String(PAST_2_31)]);
});

after(async () => {
  await sandbox.stop();
});

function digilocker(accessKey: string): DigilockerApi {
  const middleware = [ekoSigning(UAT_KEYS.developerKey, accessKey)];
  return new DigilockerApi(new Configuration({ basePath: sandbox.baseUrl, middleware }));
}

const createDigilockerUrlRequest = {
  initiatorId: INITIATOR.initiator_id,
  userCode: INITIATOR.user_code,
  documentRequested: [DocumentType.Aadhaar],
  redirectUrl: "https://yourapp.example/kyc/callback",
};

test("typescript-fetch, signed by a pre middleware, creates a session", async () => {
  const answer = await digilocker(UAT_KEYS.accessKey).createDigilockerUrl({
    createDigilockerUrlRequest,
  });
  assert.equal(answer.status, 0, JSON.stringify(answer));
  assert.equal(answer.data?.referenceId, PAST_2_31);
  assert.match(answer.data?.url ?? "", /^https?:\/\//);
});

test("typescript-fetch with a wrong key gets HTTP 403", async () => {
  await assert.rejects(
    digilocker("not-the-access-key").createDigilockerUrl({ createDigilockerUrlRequest }),
    (error: unknown) =>
      typeof error === "object" &&
      error !== null &&
      "response" in error &&
      error.response instanceof Response &&
      error.response.status === 403,
  );
});
