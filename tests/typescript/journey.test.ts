// The whole consent journey through the TypeScript client against a real sandbox process:
// every answer is narrowed by `kind`, never cast.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createEkoClient, readAnswer, type EkoFetchClient } from "../../overlay/typescript/index.js";
import { INITIATOR, UAT_KEYS, startSandbox, type Sandbox } from "./support.js";

let sandbox: Sandbox;
let eko: EkoFetchClient;

before(async () => {
  sandbox = await startSandbox();
  eko = createEkoClient({ baseUrl: sandbox.baseUrl, ...UAT_KEYS });
});

after(async () => {
  await sandbox.stop();
});

let refs = 0;
/** A fresh client_ref_id (at most 20 characters) for each call. */
function clientRef(): string {
  refs += 1;
  return `TS-${process.pid}-${refs}`;
}

function create(client_ref_id: string) {
  return eko.POST("/tools/kyc/digilocker", {
    body: {
      ...INITIATOR,
      client_ref_id,
      document_requested: ["AADHAAR"],
      redirect_url: "https://yourapp.example/kyc/callback",
    },
  });
}

function status(reference_id: number) {
  const query = { ...INITIATOR, reference_id, client_ref_id: clientRef() };
  return eko.GET("/tools/kyc/digilocker/status", { params: { query } });
}

async function approve(referenceId: number): Promise<string> {
  const url = `${sandbox.baseUrl}/_sandbox/sessions/${referenceId}/approve`;
  const response = await fetch(url, { method: "POST" });
  assert.equal(response.status, 200);
  const session: unknown = await response.json();
  assert.ok(typeof session === "object" && session !== null && "verification_id" in session);
  const verificationId = session.verification_id;
  assert.ok(typeof verificationId === "string" && verificationId.length > 0);
  return verificationId;
}

test("create, approve, status, document", async () => {
  const created = readAnswer(await create(clientRef()));
  assert.equal(created.kind, "success", JSON.stringify(created));
  if (created.kind !== "success") return;
  const referenceId = created.data.reference_id;
  assert.ok(typeof referenceId === "number" && referenceId > 0);
  assert.match(created.data.url ?? "", /^https?:\/\//);

  const early = readAnswer(await status(referenceId));
  assert.equal(early.kind, "pending", JSON.stringify(early));

  const verificationId = await approve(referenceId);

  const done = readAnswer(await status(referenceId));
  assert.equal(done.kind, "success", JSON.stringify(done));
  if (done.kind !== "success") return;
  assert.equal(done.data.session_status, "AUTHENTICATED");
  assert.equal(typeof done.data.user_details?.name, "string");

  const fetched = readAnswer(
    await eko.POST("/tools/kyc/digilocker/document", {
      body: {
        ...INITIATOR,
        client_ref_id: clientRef(),
        document_type: ["AADHAAR"],
        verification_id: verificationId,
        reference_id: String(referenceId),
      },
    }),
  );
  assert.equal(fetched.kind, "success", JSON.stringify(fetched));
  if (fetched.kind !== "success") return;
  const documents = fetched.data.documents ?? [];
  assert.equal(documents.length, 1);
  assert.equal(documents[0]?.document_type, "AADHAAR");
  assert.match(documents[0]?.masked_aadhaar ?? "", /^XXXX-XXXX-\d{4}$/);
});

test("SCENARIO-301 decodes as a business error with code 301", async () => {
  const answer = readAnswer(await create("SCENARIO-301"));
  assert.equal(answer.kind, "business_error", JSON.stringify(answer));
  if (answer.kind !== "business_error") return;
  assert.equal(answer.code, 301);
  assert.ok(answer.message.length > 0);
});

test("a bad field decodes as a validation error naming it", async () => {
  const answer = readAnswer(await create("X".repeat(21)));
  assert.equal(answer.kind, "validation_error", JSON.stringify(answer));
  if (answer.kind !== "validation_error") return;
  assert.deepEqual(Object.keys(answer.invalidParams), ["client_ref_id"]);
});

test("a wrong access key decodes as forbidden (HTTP 403)", async () => {
  const wrong = createEkoClient({
    baseUrl: sandbox.baseUrl,
    developerKey: UAT_KEYS.developerKey,
    accessKey: "not-the-access-key",
  });
  const result = await wrong.GET("/tools/kyc/digilocker/status", {
    params: { query: { ...INITIATOR, reference_id: 1 } },
  });
  assert.equal(result.response.status, 403);
  const answer = readAnswer(result);
  assert.equal(answer.kind, "forbidden", JSON.stringify(answer));
  if (answer.kind !== "forbidden") return;
  assert.match(answer.message, /secret-key/);
});
