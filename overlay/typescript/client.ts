// The low-level client: the generated types (generated/typescript) on openapi-fetch,
// signed on every request, with no deadline, retry or read limit (EkoClient has them).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/typescript/eko-digilocker.js";
import { keepAnswerText } from "./answers.js";
import { ekoSigning, type EkoKeys } from "./signing.js";

export type EkoFetchClient = Client<paths>;

export interface EkoFetchClientOptions extends EkoKeys {
  /** e.g. https://staging.eko.in/ekoapi/v3 (UAT) or the local sandbox's URL */
  baseUrl: string;
  /** replaces globalThis.fetch (tests, proxies) */
  fetch?: (request: Request) => Promise<Response>;
  /** the clock the signature is made from, in milliseconds since the epoch */
  now?: () => number;
}

export function createEkoClient(options: EkoFetchClientOptions): EkoFetchClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  client.use(jsonContentType, exactText, ekoSigning(options, options.now));
  return client;
}

/** Eko lists `content-type: application/json` as required on every call, the GET
 * status call included (the spec's description). */
const jsonContentType: Middleware = {
  onRequest({ request }) {
    request.headers.set("content-type", "application/json");
    return request;
  },
};

/** Keeps each answer's exact text for readAnswer (which reads the bytes, not what
 * JSON.parse made of them). openapi-fetch throws on a 2xx body that is not JSON (an HTML
 * page, say): that one is handed on as a JSON string instead, which readAnswer reads as
 * malformed. */
const exactText: Middleware = {
  async onResponse({ response }) {
    const text = await response.clone().text();
    keepAnswerText(response, text);
    if (!response.ok) {
      return undefined;
    }
    try {
      JSON.parse(text);
      return undefined;
    } catch {
      const headers = new Headers(response.headers);
      headers.delete("content-length");
      const replaced = new Response(JSON.stringify(text), { status: response.status, headers });
      keepAnswerText(replaced, text);
      return replaced;
    }
  },
};
