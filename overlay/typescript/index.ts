// The SDK (EkoClient, parseRedirect, the error tree) and the low-level client
// (createEkoClient + readAnswer) it is built beside.
export {
  EkoClient,
  RawCalls,
  USER_AGENT,
  newClientRefId,
  type CallOptions,
  type ConsentResult,
  type ConsentState,
  type CreateInput,
  type CreatedSession,
  type DigilockerDocuments,
  type DocumentOptions,
  type DocumentType,
  type EkoClientOptions,
  type Fetch,
  type RawResponse,
  type ReferenceId,
  type VerificationStatus,
  type WaitOptions,
} from "./sdk.js";
export { parseRedirect, MAX_REDIRECT_LENGTH, type ConsentRedirect, type QueryParams } from "./redirect.js";
export {
  EkoApiError,
  EkoAuthenticationError,
  EkoConfigurationError,
  EkoConnectionError,
  EkoConsentDeniedError,
  EkoError,
  EkoInvalidParamsError,
  EkoNotFoundError,
  EkoResponseError,
  EkoResponseTooLargeError,
  EkoSessionExpiredError,
  EkoTimeoutError,
  EkoValidationError,
  EkoVerificationPendingError,
  type ApiErrorDetails,
  type FieldError,
} from "./errors.js";
export { POLICY, ENVIRONMENTS, type ClientPolicy, type RetryPolicy } from "./policy.js";
export { ENV_VARS, type SettingsInput } from "./settings.js";
export { createEkoClient, type EkoFetchClient, type EkoFetchClientOptions } from "./client.js";
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
