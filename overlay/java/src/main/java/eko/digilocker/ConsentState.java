package eko.digilocker;

/** How a wait for consent ended: the spec's SessionState values, plus TIMED_OUT (ours). */
public enum ConsentState {
  PENDING,
  AUTHENTICATED,
  CONSENT_DENIED,
  EXPIRED,
  /** We stopped waiting; the session may still complete. */
  TIMED_OUT
}
