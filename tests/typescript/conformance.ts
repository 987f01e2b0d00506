// The answer corpus (tests/vectors/answers.json, rule: docs/answer-rule.md) read through
// the TypeScript client: createEkoClient on a fetch that answers each case, then
// readAnswer. `node conformance.js answers FILE` prints one protocol line per case
// (docs/conformance.md); the harness compares.
//
// How this client presents the corpus's outcomes: `validation_error` (code 461 or
// `invalid_params`) is a business error; `forbidden` (HTTP 403) is an http_error. Values
// are compared as `data` carries them: no conversion.
import { createEkoClient, readAnswer, type Answer, type AnswerBody } from "../../overlay/typescript/index.js";
import { readJson, UAT_KEYS, INITIATOR } from "./support.js";

interface Case {
  name: string;
  operation: "createDigilockerUrl" | "getDigilockerVerificationStatus" | "getDigilockerDocument";
  http_status: number;
  body: unknown;
  body_text?: string;
  expect: { outcome: string; code: number | null; values: Record<string, unknown> };
}

function outcomeOf(answer: Answer<AnswerBody>): { outcome: string; code: number | null } {
  switch (answer.kind) {
    case "success":
    case "malformed":
      return { outcome: answer.kind, code: null };
    case "forbidden":
    case "http_error":
      return { outcome: "http_error", code: null };
    case "validation_error":
    case "business_error":
      return { outcome: "business_error", code: answer.code };
    case "pending":
      return { outcome: "pending", code: answer.code };
  }
}

async function read(c: Case): Promise<Answer<AnswerBody>> {
  const text = c.body_text ?? (typeof c.body === "string" ? c.body : JSON.stringify(c.body));
  const client = createEkoClient({
    ...UAT_KEYS,
    baseUrl: "http://eko.test",
    fetch: async () =>
      new Response(text, { status: c.http_status, headers: { "content-type": "application/json" } }),
  });
  switch (c.operation) {
    case "createDigilockerUrl":
      return readAnswer(
        await client.POST("/tools/kyc/digilocker", {
          body: { ...INITIATOR, document_requested: ["AADHAAR"], redirect_url: "https://x.test/" },
        }),
        c.operation,
      );
    case "getDigilockerVerificationStatus":
      return readAnswer(
        await client.GET("/tools/kyc/digilocker/status", {
          params: { query: { initiator_id: INITIATOR.initiator_id, reference_id: 1 } },
        }),
        c.operation,
      );
    case "getDigilockerDocument":
      return readAnswer(
        await client.POST("/tools/kyc/digilocker/document", {
          body: {
            initiator_id: INITIATOR.initiator_id,
            document_type: ["AADHAAR"],
            verification_id: "V",
            reference_id: "1",
          },
        }),
        c.operation,
      );
  }
}

const [command, file] = process.argv.slice(2);
if (command !== "answers" || file === undefined) {
  console.error("usage: conformance.js answers FILE");
  process.exit(2);
}
const cases = (readJson(file) as { cases: Case[] }).cases;
for (const c of cases) {
  const answer = await read(c);
  const values: unknown = answer.kind === "success" ? answer.data : {};
  console.log(JSON.stringify({ name: c.name, ...outcomeOf(answer), values }));
}
