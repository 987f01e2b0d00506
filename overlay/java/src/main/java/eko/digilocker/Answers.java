package eko.digilocker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import eko.digilocker.Answer.Outcome;
import eko.digilocker.client.ApiException;
import eko.digilocker.client.ApiResponse;
import eko.digilocker.client.model.DigilockerDocumentEnvelope;
import eko.digilocker.client.model.DigilockerDocumentPayload;
import eko.digilocker.client.model.DigilockerUrlEnvelope;
import eko.digilocker.client.model.DigilockerUrlPayload;
import eko.digilocker.client.model.DigilockerUrlSuccess;
import eko.digilocker.client.model.SessionState;
import eko.digilocker.client.model.VerificationStatusEnvelope;
import eko.digilocker.client.model.VerificationStatusPayload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads what a call of the generated {@code DigilockerApi} returned:
 *
 * <pre>{@code
 * Answer<DigilockerUrlPayload> answer =
 *     Answers.create(() -> api.createDigilockerUrlWithHttpInfo(request));
 * }</pre>
 *
 * An {@link ApiException} comes out only when no HTTP answer came at all.
 */
public final class Answers {
  private static final ObjectMapper MAPPER = EkoClients.objectMapper();
  // Eko's code for a customer who has not consented yet.
  private static final long VERIFICATION_PENDING = 327;
  private static final String UNKNOWN_STATE = SessionState.UNKNOWN_DEFAULT_OPEN_API.getValue();

  private Answers() {}

  /** A call of the generated client, e.g. {@code () -> api.createDigilockerUrlWithHttpInfo(r)}. */
  @FunctionalInterface
  public interface Call<E> {
    ApiResponse<E> send() throws ApiException;
  }

  public static Answer<DigilockerUrlPayload> create(Call<DigilockerUrlEnvelope> call)
      throws ApiException {
    return read(call, DigilockerUrlEnvelope::getData, DigilockerUrlSuccess.class);
  }

  public static Answer<VerificationStatusPayload> status(Call<VerificationStatusEnvelope> call)
      throws ApiException {
    return read(call, VerificationStatusEnvelope::getData, VerificationStatusPayload.class);
  }

  public static Answer<DigilockerDocumentPayload> document(Call<DigilockerDocumentEnvelope> call)
      throws ApiException {
    return read(call, DigilockerDocumentEnvelope::getData, DigilockerDocumentPayload.class);
  }

  /**
   * The answer of {@code call}, whose envelope's data {@code data} takes out; {@code success}
   * is the operation's {@code x-eko-success-data} model, whose required fields a success must
   * carry.
   */
  public static <E, D> Answer<D> read(Call<E> call, Function<E, D> data, Class<?> success)
      throws ApiException {
    ApiResponse<E> response;
    try {
      response = call.send();
    } catch (ApiException e) {
      if (e.getCode() != 0) { // the generated client refuses any status but 2xx
        return new Answer<>(
            Outcome.HTTP_ERROR, null, messageOf(e.getResponseBody()), e.getCode(), null, Map.of(), null);
      }
      if (e.getCause() instanceof JsonProcessingException) {
        return malformed(0, "an answer the generated client cannot decode");
      }
      throw e; // no answer at all
    }
    int httpStatus = response.getStatusCode();
    if (httpStatus != 200) {
      return new Answer<>(Outcome.HTTP_ERROR, null, "", httpStatus, null, Map.of(), null);
    }
    E envelope = response.getData();
    JsonNode sent = envelope == null ? null : MAPPER.valueToTree(envelope);
    JsonNode status = sent == null ? null : sent.get("status");
    if (status == null || !status.isIntegralNumber()) {
      return malformed(httpStatus, "the answer is not an Eko envelope with an integer `status`");
    }
    String message = sent.path("message").isTextual() ? sent.get("message").asText() : "";
    Map<String, String> invalidParams = invalidParams(sent.get("invalid_params"));
    JsonNode dataNode = sent.get("data");
    String state = sessionState(dataNode);
    if (status.asLong() != 0) {
      // An error answer: nothing else in it needs a shape.
      Long code = errorCode(status.asLong(), sent.get("response_status_id"));
      boolean pending =
          (code != null && code == VERIFICATION_PENDING)
              || (code == null && SessionState.PENDING.getValue().equals(state));
      Outcome outcome = pending ? Outcome.PENDING : Outcome.BUSINESS_ERROR;
      String known = UNKNOWN_STATE.equals(state) ? null : state;
      return new Answer<>(outcome, code, message, httpStatus, null, invalidParams, known);
    }
    D decoded = data.apply(envelope);
    if (decoded == null || UNKNOWN_STATE.equals(state)) {
      return malformed(httpStatus, "a success whose `data` does not match the spec");
    }
    if (SessionState.PENDING.getValue().equals(state)) { // the upstream provider's pending
      return new Answer<>(Outcome.PENDING, null, message, httpStatus, null, invalidParams, state);
    }
    if (state != null && !state.equals(SessionState.AUTHENTICATED.getValue())) {
      return new Answer<>(Outcome.BUSINESS_ERROR, null, message, httpStatus, null, invalidParams, state);
    }
    List<String> missing = missingFields(dataNode, success);
    if (!missing.isEmpty()) {
      return malformed(httpStatus, "a success whose `data` lacks " + String.join(", ", missing));
    }
    return new Answer<>(Outcome.SUCCESS, null, message, httpStatus, decoded, invalidParams, state);
  }

  private static <D> Answer<D> malformed(int httpStatus, String why) {
    return new Answer<>(Outcome.MALFORMED, null, why, httpStatus, null, Map.of(), null);
  }

  /**
   * Eko's error code: whichever of status and response_status_id is not a generic value
   * (status 0 or 1, response_status_id -2..5), status first; null when both are generic.
   */
  static Long errorCode(long status, JsonNode responseStatusId) {
    if (status != 0 && status != 1) {
      return status;
    }
    if (responseStatusId != null && responseStatusId.isIntegralNumber()) {
      long detail = responseStatusId.asLong();
      if (detail < -2 || detail > 5) {
        return detail;
      }
    }
    return null;
  }

  /**
   * The session state that data (as the generated model decoded it) reports in {@code status}
   * or {@code session_status} (the upstream provider's and the sandbox's field), or null; the
   * generated decoder reads a value outside {@code SessionState} as UNKNOWN_STATE.
   */
  static String sessionState(JsonNode data) {
    if (data == null || !data.isObject()) {
      return null;
    }
    String found = null;
    for (String field : List.of("status", "session_status")) {
      JsonNode value = data.get(field);
      if (value != null && value.isTextual() && (found == null || value.asText().equals(UNKNOWN_STATE))) {
        found = value.asText();
      }
    }
    return found;
  }

  /** The fields the generated model {@code success} marks required that data lacks. */
  static List<String> missingFields(JsonNode data, Class<?> success) {
    List<String> missing = new ArrayList<>();
    for (BeanPropertyDefinition property :
        MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(success)).findProperties()) {
      JsonNode value = data == null ? null : data.get(property.getName());
      if (property.isRequired() && (value == null || value.isNull())) {
        missing.add(property.getName());
      }
    }
    return missing;
  }

  private static Map<String, String> invalidParams(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    return MAPPER.convertValue(node, MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class));
  }

  private static String messageOf(String body) {
    try {
      JsonNode message = body == null ? null : MAPPER.readTree(body).get("message");
      return message != null && message.isTextual() ? message.asText() : "";
    } catch (JsonProcessingException e) {
      return "";
    }
  }
}
