package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The session expired before the customer consented (session state EXPIRED). */
public class EkoSessionExpiredException extends EkoNotFoundException {
  private static final long serialVersionUID = 1L;

  public EkoSessionExpiredException(String message, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message, Kind.EXPIRED, code, httpStatus, data, invalidParams);
  }
}
