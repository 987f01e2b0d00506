// The TypeScript signing hook against the vectors every language shares, and on the wire.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEkoClient, signSecretKey } from "../../overlay/typescript/index.js";
import { INITIATOR, readJson } from "./support.js";

interface Vector {
  name: string;
  access_key: string;
  timestamp: string;
  secret_key: string;
}

function isVector(item: unknown): item is Vector {
  return (
    typeof item === "object" &&
    item !== null &&
    "name" in item &&
    typeof item.name === "string" &&
    "access_key" in item &&
    typeof item.access_key === "string" &&
    "timestamp" in item &&
    typeof item.timestamp === "string" &&
    "secret_key" in item &&
    typeof item.secret_key === "string"
  );
}

function vectors(): Vector[] {
  const file = readJson("tests/vectors/signing.json");
  assert.ok(typeof file === "object" && file !== null && "vectors" in file);
  const list: unknown = file.vectors;
  assert.ok(Array.isArray(list) && list.length >= 4);
  const found = list.filter(isVector);
  assert.equal(found.length, list.length, "every vector has name, access_key, timestamp, secret_key");
  return found;
}

for (const vector of vectors()) {
  test(`signing vector: ${vector.name}`, () => {
    assert.equal(signSecretKey(vector.access_key, vector.timestamp), vector.secret_key);
  });
}

test("every request gets its own timestamp, read once, and a signature of exactly it", async () => {
  const sent: Headers[] = [];
  let clock = 1_700_000_000_000;
  const reads: number[] = [];
  const client = createEkoClient({
    baseUrl: "http://sandbox.invalid",
    developerKey: "dev-key",
    accessKey: "TEST_ACCESS_KEY_DO_NOT_USE",
    now: () => {
      reads.push(clock);
      return clock;
    },
    fetch: async (request) => {
      sent.push(request.headers);
      clock += 1234;
      return Response.json({ status: 0, data: {} });
    },
  });
  const query = { ...INITIATOR, reference_id: 1 };
  await client.GET("/tools/kyc/digilocker/status", { params: { query } });
  await client.GET("/tools/kyc/digilocker/status", { params: { query } });

  assert.deepEqual(reads, [1_700_000_000_000, 1_700_000_001_234]);
  assert.deepEqual(
    sent.map((headers) => headers.get("secret-key-timestamp")),
    ["1700000000000", "1700000001234"],
  );
  assert.equal(sent[0]?.get("secret-key"), "u30ak/iOGwKCaspqCeiYng8fd98QDx7kF3DBBOadQHk=");
  for (const headers of sent) {
    const timestamp = headers.get("secret-key-timestamp") ?? "";
    assert.equal(headers.get("secret-key"), signSecretKey("TEST_ACCESS_KEY_DO_NOT_USE", timestamp));
    assert.equal(headers.get("developer_key"), "dev-key");
  }
});
