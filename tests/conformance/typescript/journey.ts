// The consent journey through the TypeScript client (overlay/typescript) against a sandbox:
//   node build/typescript/tests/conformance/typescript/journey.js journey BASE_URL PROFILE
// prints each step's reading as one protocol line (docs/conformance.md);
// tests/conformance/test_journey.py compares them with the Python client's readings.
import { createEkoClient, readAnswer, type Answer, type AnswerBody } from "../../../overlay/typescript/index.js";

// Eko's public UAT credentials (the sandbox's default pair) and test initiator.
const KEYS = {
  developerKey: "becbbce45f79c6f5109f848acd540567",
  accessKey: "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
};
const INITIATOR = { initiator_id: "9962981729", user_code: "20810200" };
const REDIRECT_URL = "https://yourapp.example/kyc/callback";

interface Reading {
  outcome: string;
  code: number | null;
  message: string;
  values: unknown;
}

/** An answer as every runner reports it, in the corpus's outcome names. */
function reading<Body extends AnswerBody>(answer: Answer<Body>): Reading {
  switch (answer.kind) {
    case "success":
      return { outcome: "success", code: null, message: answer.body.message ?? "", values: answer.data };
    case "pending":
    case "business_error":
      return { outcome: answer.kind, code: answer.code, message: answer.message, values: {} };
    case "validation_error":
      return { outcome: "business_error", code: answer.code, message: answer.message, values: {} };
    case "forbidden":
    case "http_error":
      return { outcome: "http_error", code: null, message: answer.message, values: {} };
    case "malformed":
      return { outcome: "malformed", code: null, message: answer.message, values: {} };
  }
}

async function journey(baseUrl: string, prefix: string): Promise<Record<string, unknown>> {
  const eko = createEkoClient({ baseUrl, ...KEYS });
  const create = async (client_ref_id: string) =>
    reading(
      readAnswer(
        await eko.POST("/tools/kyc/digilocker", {
          body: { ...INITIATOR, client_ref_id, document_requested: ["AADHAAR"], redirect_url: REDIRECT_URL },
        }),
      ),
    );
  const status = async (reference_id: number, client_ref_id: string) =>
    reading(
      readAnswer(
        await eko.GET("/tools/kyc/digilocker/status", {
          params: { query: { ...INITIATOR, reference_id, client_ref_id } },
        }),
      ),
    );

  const steps: Record<string, unknown> = {};
  const createRef = `${prefix}-create`;
  const created = await create(createRef);
  steps["create"] = created;
  steps["create_client_ref_id"] = createRef;
  const values = created.values;
  if (created.outcome !== "success" || typeof values !== "object" || values === null) {
    throw new Error(`create: ${JSON.stringify(created)}`);
  }
  const referenceId: unknown = Reflect.get(values, "reference_id");
  if (typeof referenceId !== "number") {
    throw new Error(`create: no reference_id in ${JSON.stringify(values)}`);
  }
  steps["forced_301"] = await create("SCENARIO-301");
  steps["pending"] = await status(referenceId, `${prefix}-pending`);

  const approved = await fetch(`${baseUrl}/_sandbox/sessions/${referenceId}/approve`, { method: "POST" });
  const session: unknown = await approved.json();
  const verificationId: unknown =
    typeof session === "object" && session !== null ? Reflect.get(session, "verification_id") : undefined;
  if (approved.status !== 200 || typeof verificationId !== "string") {
    throw new Error(`approve: HTTP ${approved.status}`);
  }
  steps["reference_id"] = referenceId;
  steps["verification_id"] = verificationId;
  steps["status"] = await status(referenceId, `${prefix}-status`);
  steps["document"] = reading(
    readAnswer(
      await eko.POST("/tools/kyc/digilocker/document", {
        body: {
          ...INITIATOR,
          client_ref_id: `${prefix}-doc`,
          document_type: ["AADHAAR"],
          verification_id: verificationId,
          reference_id: String(referenceId),
        },
      }),
    ),
  );
  return steps;
}

const [command, baseUrl, profile] = process.argv.slice(2);
if (command !== "journey" || baseUrl === undefined || profile === undefined) {
  console.error("usage: journey.js journey BASE_URL PROFILE");
  process.exit(2);
}
const steps = await journey(baseUrl, `TS${profile.slice(0, 1)}${process.pid % 100000}`);
steps["approve"] = {
  outcome: "success",
  code: null,
  values: { reference_id: steps["reference_id"], verification_id: steps["verification_id"] },
};
for (const name of ["create", "forced_301", "pending", "approve", "status", "document"]) {
  const extra = name === "create" ? { client_ref_id: steps["create_client_ref_id"] } : {};
  console.log(JSON.stringify({ name, ...(steps[name] as object), ...extra }));
}
