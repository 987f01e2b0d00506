package eko.digilocker;

/** The answer is not a valid Eko envelope, is over the size limit, or has an HTTP status the spec does not list. */
public class EkoResponseException extends EkoException {
  private static final long serialVersionUID = 1L;
  static final int KEPT_BODY = 2000; // characters of an unreadable body kept

  /** What is wrong with the answer. */
  public enum Problem {
    /** Not an envelope the spec describes (HTML, bad JSON, wrong types, duplicate keys...). */
    MALFORMED,
    /** An HTTP status other than 200 without an Eko error envelope. */
    HTTP_STATUS,
    /** Over max_response_bytes once decoded; reading stopped there. */
    TOO_LARGE,
    /** A Content-Encoding the client did not ask for, or one that does not decode. */
    ENCODING
  }

  private final Problem problem;
  private final Integer httpStatus;
  private final String body;

  public EkoResponseException(String reason, Problem problem, Integer httpStatus, String body) {
    super(reason + (httpStatus == null ? "" : " (HTTP " + httpStatus + ")"));
    this.problem = problem;
    this.httpStatus = httpStatus;
    this.body = body.length() > KEPT_BODY ? body.substring(0, KEPT_BODY) : body;
  }

  public Problem problem() {
    return problem;
  }

  /** The HTTP status, or null when the answer was not read to its end. */
  public Integer httpStatus() {
    return httpStatus;
  }

  /** The start of the body as sent (at most 2000 characters). */
  public String body() {
    return body;
  }
}
