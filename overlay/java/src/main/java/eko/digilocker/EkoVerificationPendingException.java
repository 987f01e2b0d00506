package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Code 327 or a PENDING session state: the customer has not completed the journey. */
public class EkoVerificationPendingException extends EkoApiException {
  private static final long serialVersionUID = 1L;

  public EkoVerificationPendingException(String message, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message, Kind.PENDING, code, httpStatus, data, invalidParams);
  }
}
