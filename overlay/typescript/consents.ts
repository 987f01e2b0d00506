// The customer's consent per document (`document_consent` of a status answer), read from
// either shape the spec's `DocumentConsentItem` describes. The generated types leave an
// item `unknown`, since no typed form of the two decodes in every generator.
import type { components } from "../../generated/typescript/eko-digilocker.js";

export type VerificationStatusPayload = components["schemas"]["VerificationStatusPayload"];

/** One item: `consent` as sent (Y or N); `documentType` null for a bare string (legacy
 * README 7.2), which names no document. */
export interface DocumentConsent {
  consent: string;
  documentType: string | null;
}

/** Each item of `data.document_consent` (none when absent), in order. Throws a TypeError
 * naming the item for one of neither shape: an object whose `consent` is not a string or
 * whose `document_type` is neither absent nor a string, or a value neither object nor
 * string. */
export function documentConsents(data: VerificationStatusPayload): DocumentConsent[] {
  const items: unknown = data.document_consent;
  return Array.isArray(items) ? items.map((item: unknown, index) => read(index, item)) : [];
}

function read(index: number, item: unknown): DocumentConsent {
  if (typeof item === "string") {
    return { consent: item, documentType: null };
  }
  if (typeof item === "object" && item !== null && !Array.isArray(item)) {
    const consent: unknown = Reflect.get(item, "consent");
    const documentType: unknown = Reflect.get(item, "document_type") ?? null;
    const typed = documentType === null || typeof documentType === "string";
    if (typeof consent === "string" && typed) {
      return { consent, documentType };
    }
  }
  throw new TypeError(
    `document_consent[${index}] is neither a string nor an object with a string consent: ` +
      JSON.stringify(item),
  );
}
