package eko.digilocker;

import java.util.Map;

/**
 * One call's answer, read by the rule every language of this project shares
 * (docs/answer-rule.md).
 *
 * @param outcome what the answer means
 * @param code Eko's code (301, 327, 463...) of a business error or a pending answer, or null
 * @param message the envelope's message, or why the answer is malformed
 * @param httpStatus the HTTP status (200 for a 2xx answer the generated client could not
 *     decode, on an {@code ApiClient} that does not keep answers as sent)
 * @param data the success's data as the generated model decoded it; null otherwise
 * @param invalidParams each refused field of a validation error (empty when none)
 * @param state the session state that data reports (PENDING, EXPIRED...), or null
 * @deprecated {@link EkoClient} returns a success's model and throws a typed
 *     {@link EkoException} for anything else. Kept through 2.x, for {@link Answers}.
 */
@Deprecated(since = "2.1.0")
public record Answer<D>(
    Outcome outcome,
    Long code,
    String message,
    int httpStatus,
    D data,
    Map<String, String> invalidParams,
    String state) {

  /** What an answer means. */
  public enum Outcome {
    SUCCESS,
    BUSINESS_ERROR,
    PENDING,
    MALFORMED,
    HTTP_ERROR;

    /** The name the answer corpus and docs/answer-rule.md use (e.g. business_error). */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
