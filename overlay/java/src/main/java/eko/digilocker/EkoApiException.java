package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Eko answered with an envelope whose {@code status} is not 0 (or HTTP 403). {@link #code()}
 * is Eko's error code from {@code status} or {@code response_status_id}, wherever Eko put it;
 * {@link #kind()} says what it means, and each kind but GENERIC has its own subclass.
 */
public class EkoApiException extends EkoException {
  private static final long serialVersionUID = 1L;

  /** What an error answer means to the caller. */
  public enum Kind {
    GENERIC,
    AUTHENTICATION,
    INVALID_PARAMS,
    PENDING,
    NOT_FOUND,
    CONSENT_DENIED,
    EXPIRED
  }

  private final String ekoMessage;
  private final Kind kind;
  private final Long code;
  private final int httpStatus;
  private final transient JsonNode data;
  private final Map<String, String> invalidParams;

  public EkoApiException(String message, Kind kind, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message + " (HTTP " + httpStatus + (code == null ? "" : ", code " + code) + ")");
    this.ekoMessage = message;
    this.kind = kind;
    this.code = code;
    this.httpStatus = httpStatus;
    this.data = data;
    this.invalidParams = Map.copyOf(invalidParams);
  }

  /** The exception of {@code kind}. */
  static EkoApiException of(String message, Kind kind, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    return switch (kind) {
      case AUTHENTICATION -> new EkoAuthenticationException(message, code, httpStatus, data, invalidParams);
      case INVALID_PARAMS -> new EkoInvalidParamsException(message, code, httpStatus, data, invalidParams);
      case PENDING -> new EkoVerificationPendingException(message, code, httpStatus, data, invalidParams);
      case NOT_FOUND -> new EkoNotFoundException(message, kind, code, httpStatus, data, invalidParams);
      case EXPIRED -> new EkoSessionExpiredException(message, code, httpStatus, data, invalidParams);
      case CONSENT_DENIED -> new EkoConsentDeniedException(message, code, httpStatus, data, invalidParams);
      case GENERIC -> new EkoApiException(message, kind, code, httpStatus, data, invalidParams);
    };
  }

  /** The envelope's message as Eko sent it (getMessage() adds the HTTP status and code). */
  public String ekoMessage() {
    return ekoMessage;
  }

  public Kind kind() {
    return kind;
  }

  /** Eko's error code (301, 327, 463...), or null when the answer carries none. */
  public Long code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The envelope's {@code data} as sent (null when absent). */
  public JsonNode data() {
    return data;
  }

  /** Each field Eko refused, and why (empty when none). */
  public Map<String, String> invalidParams() {
    return invalidParams;
  }

  /** Whether polling again cannot change this answer (anything but pending or unrecognised). */
  boolean isFinal() {
    return kind != Kind.PENDING && (kind != Kind.GENERIC || (code != null && Reading.FINAL_CODES.contains(code)));
  }
}
