// Eko's request signing as an openapi-fetch middleware: the same formula and test vectors
// (tests/vectors/signing.json) as the Python client's EkoAuth.
import { createHmac } from "node:crypto";
import type { Middleware } from "openapi-fetch";

/** base64(HMAC-SHA256(key = the base64 *string* of accessKey, message = timestamp)). */
export function signSecretKey(accessKey: string, timestamp: string): string {
  const key = Buffer.from(accessKey, "utf8").toString("base64");
  return createHmac("sha256", key).update(timestamp, "utf8").digest("base64");
}

export interface EkoKeys {
  developerKey: string;
  accessKey: string;
}

/**
 * Adds `developer_key`, `secret-key-timestamp` and `secret-key` to every request. The
 * timestamp is read once per request, so the signature always matches the header sent
 * (a generator asking for `secret-key` and `secret-key-timestamp` separately cannot
 * promise that).
 */
export function ekoSigning(keys: EkoKeys, now: () => number = Date.now): Middleware {
  return {
    onRequest({ request }) {
      const timestamp = String(now());
      request.headers.set("developer_key", keys.developerKey);
      request.headers.set("secret-key-timestamp", timestamp);
      request.headers.set("secret-key", signSecretKey(keys.accessKey, timestamp));
      return request;
    },
  };
}
