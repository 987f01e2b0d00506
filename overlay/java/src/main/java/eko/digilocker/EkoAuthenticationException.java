package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** HTTP 403: Eko refused the signature, the timestamp or the developer_key. */
public class EkoAuthenticationException extends EkoApiException {
  private static final long serialVersionUID = 1L;

  public EkoAuthenticationException(String message, Long code, int httpStatus, JsonNode data, Map<String, String> invalidParams) {
    super(message, Kind.AUTHENTICATION, code, httpStatus, data, invalidParams);
  }
}
