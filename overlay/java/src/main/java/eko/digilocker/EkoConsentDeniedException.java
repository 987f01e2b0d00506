package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The customer declined consent (session state CONSENT_DENIED). */
public class EkoConsentDeniedException extends EkoApiException {
  private static final long serialVersionUID = 1L;

  public EkoConsentDeniedException(String message, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message, Kind.CONSENT_DENIED, code, httpStatus, data, invalidParams);
  }
}
