export { createEkoClient, type EkoClient, type EkoClientOptions } from "./client.js";
export { documentConsents, type DocumentConsent, type VerificationStatusPayload } from "./consents.js";
export { ekoSigning, signSecretKey, type EkoKeys } from "./signing.js";
export {
  errorCode,
  readAnswer,
  sessionState,
  type Answer,
  type AnswerBody,
  type CallResult,
  type Envelope,
  type SessionState,
} from "./answers.js";
export type { components, operations, paths } from "../../generated/typescript/eko-digilocker.js";
