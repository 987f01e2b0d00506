// The generated types (generated/typescript) on openapi-fetch, signed on every request.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../../generated/typescript/eko-digilocker.js";
import { ekoSigning, type EkoKeys } from "./signing.js";

export type EkoClient = Client<paths>;

export interface EkoClientOptions extends EkoKeys {
  /** e.g. https://staging.eko.in/ekoapi/v3 (UAT) or the local sandbox's URL */
  baseUrl: string;
  /** replaces globalThis.fetch (tests, proxies) */
  fetch?: (request: Request) => Promise<Response>;
  /** the clock the signature is made from, in milliseconds since the epoch */
  now?: () => number;
}

export function createEkoClient(options: EkoClientOptions): EkoClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  client.use(ekoSigning(options, options.now));
  return client;
}
