package eko.digilocker;

/**
 * Base of every exception the client throws (all unchecked):
 *
 * <pre>
 * EkoException
 *   EkoConfigurationException     missing or bad settings (nothing was sent)
 *   EkoValidationException        input the spec refuses (nothing was sent)
 *   EkoApiException               Eko answered with an error envelope (or HTTP 403); kind()
 *     EkoAuthenticationException  HTTP 403: signature, timestamp or developer_key refused
 *     EkoInvalidParamsException   461 or invalid_params: Eko's own validation
 *     EkoVerificationPendingException  327 or a PENDING state: not consented yet
 *     EkoConsentDeniedException   the customer declined (state CONSENT_DENIED)
 *     EkoNotFoundException        463: unknown reference
 *       EkoSessionExpiredException  the session expired (state EXPIRED)
 *   EkoResponseException          the answer is not a valid envelope, too large, or an
 *                                 unexpected HTTP status; problem()
 *   EkoConnectionException        no complete answer (refused, reset, dropped)
 *     EkoTimeoutException         the call's deadline passed
 * </pre>
 */
public class EkoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EkoException(String message) {
    super(message);
  }

  public EkoException(String message, Throwable cause) {
    super(message, cause);
  }
}
