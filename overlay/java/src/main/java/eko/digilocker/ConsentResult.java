package eko.digilocker;

import eko.digilocker.client.model.VerificationStatusPayload;

/**
 * The end of waitForConsent, as the Python client's wait_for_consent returns it: a denied or
 * expired session is a result (with its typed exception in {@code error}), not a throw.
 *
 * @param details the status, when AUTHENTICATED
 * @param error the last error answer (EkoConsentDeniedException, EkoSessionExpiredException,
 *     or the last pending answer on TIMED_OUT), or null
 */
public record ConsentResult(ConsentState state, VerificationStatusPayload details, EkoApiException error) {
  public boolean authenticated() {
    return state == ConsentState.AUTHENTICATED;
  }
}
