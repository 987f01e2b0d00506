package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Code 463, or Eko's "Invalid reference_id": no session for this reference. */
public class EkoNotFoundException extends EkoApiException {
  private static final long serialVersionUID = 1L;

  public EkoNotFoundException(String message, Kind kind, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message, kind, code, httpStatus, data, invalidParams);
  }
}
