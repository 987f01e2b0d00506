// The TypeScript client on the wire: every request it sends carries `content-type:
// application/json` (the status GET included; Eko lists it as required), seen by a
// recording forwarder on a loopback socket in front of a real sandbox process; and a
// reference_id past 2^31 (the sandbox's --first-reference-id) goes through the whole
// journey, in both answer profiles.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createEkoClient, readAnswer } from "../../overlay/typescript/index.js";
import { INITIATOR, UAT_KEYS, startSandbox } from "./support.js";

const PAST_2_31 = 3_000_000_001;

interface Recorder {
  url: string;
  seen: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Forwards every request to `target` and keeps its method, path and headers. */
async function recorder(target: string): Promise<Recorder> {
  const seen: Recorder["seen"] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seen.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers });
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && name !== "host" && name !== "connection") {
          headers.set(name, value);
        }
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(target + (request.url ?? ""), { method: request.method ?? "GET", headers, body })
        .then(async (answer) => {
          response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: unknown) => {
          response.writeHead(599);
          response.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const profile of ["eps", "legacy"]) {
  test(`${profile}: content-type on every call, and a reference_id past 2^31 end to end`, async () => {
    const sandbox = await startSandbox(["--profile", profile, "--first-reference-id", String(PAST_2_31)]);
    const wire = await recorder(sandbox.baseUrl);
    try {
      const eko = createEkoClient({ baseUrl: wire.url, ...UAT_KEYS });
      const created = readAnswer(
        await eko.POST("/tools/kyc/digilocker", {
          body: { ...INITIATOR, document_requested: ["AADHAAR"], redirect_url: "https://yourapp.example/kyc" },
        }),
        "createDigilockerUrl",
      );
      assert.equal(created.kind, "success", JSON.stringify(created));
      if (created.kind !== "success") return;
      const referenceId = created.data.reference_id;
      assert.equal(referenceId, PAST_2_31);

      const status = async () =>
        readAnswer(
          await eko.GET("/tools/kyc/digilocker/status", {
            params: { query: { ...INITIATOR, reference_id: referenceId } },
          }),
          "getDigilockerVerificationStatus",
        );
      const early = await status();
      assert.equal(early.kind, "pending", JSON.stringify(early));

      const approved = await fetch(`${sandbox.baseUrl}/_sandbox/sessions/${referenceId}/approve`, {
        method: "POST",
      });
      const decision = (await approved.json()) as { verification_id: string };
      const done = await status();
      assert.equal(done.kind, "success", JSON.stringify(done));

      const fetched = readAnswer(
        await eko.POST("/tools/kyc/digilocker/document", {
          body: {
            ...INITIATOR,
            document_type: ["AADHAAR"],
            verification_id: decision.verification_id,
            reference_id: String(referenceId),
          },
        }),
        "getDigilockerDocument",
      );
      assert.equal(fetched.kind, "success", JSON.stringify(fetched));

      assert.deepEqual(
        wire.seen.map((request) => request.method),
        ["POST", "GET", "GET", "POST"],
      );
      for (const request of wire.seen) {
        assert.equal(request.headers["content-type"], "application/json", `${request.method} ${request.path}`);
      }
    } finally {
      await wire.close();
      await sandbox.stop();
    }
  });
}
