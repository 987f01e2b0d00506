package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Eko's own validation error (461 or invalid_params): invalidParams() names each field. */
public class EkoInvalidParamsException extends EkoApiException {
  private static final long serialVersionUID = 1L;

  public EkoInvalidParamsException(String message, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message, Kind.INVALID_PARAMS, code, httpStatus, data, invalidParams);
  }
}
