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
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
  // The codes Eko documents, and what each means.
  private static final Map<Long, Outcome> EKO_CODES =
      Map.of(
          301L, Outcome.BUSINESS_ERROR, // invalid redirect URL
          319L, Outcome.BUSINESS_ERROR, // invalid initiator
          327L, Outcome.PENDING, // the customer has not consented yet
          346L, Outcome.BUSINESS_ERROR, // user not onboarded or wrong user_code
          461L, Outcome.BUSINESS_ERROR, // invalid parameters
          463L, Outcome.BUSINESS_ERROR); // invalid reference
  private static final String UNKNOWN_STATE = SessionState.UNKNOWN_DEFAULT_OPEN_API.getValue();
  // Eko's document answer says in data.verification_status whether verification is done:
  // SUCCESS or PENDING (eps.eko.in, api-specs.ts digilocker-get-document). With PENDING its
  // documents are empty or partial, so it is not a success (docs/answer-rule.md, step 4).
  private static final String DOCUMENT_PENDING = "PENDING";

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
    Answer<DigilockerDocumentPayload> answer =
        read(call, DigilockerDocumentEnvelope::getData, DigilockerDocumentPayload.class);
    if (answer.outcome() == Outcome.SUCCESS
        && DOCUMENT_PENDING.equals(answer.data().getVerificationStatus())) {
      return new Answer<>(
          Outcome.PENDING,
          null,
          answer.message(),
          answer.httpStatus(),
          null,
          answer.invalidParams(),
          answer.state());
    }
    return answer;
  }

  /**
   * The answer of {@code call}, whose envelope's data {@code data} takes out; {@code success}
   * is the operation's {@code x-eko-success-data} model, whose required fields a success must
   * carry.
   */
  public static <E, D> Answer<D> read(Call<E> call, Function<E, D> data, Class<?> success)
      throws ApiException {
    RecordingHttpClient.forget();
    ApiResponse<E> response = null;
    int httpStatus;
    try {
      response = call.send();
      httpStatus = response.getStatusCode();
    } catch (ApiException e) {
      // the generated client refuses any status but 2xx, and any answer it cannot decode
      if (e.getCode() == 0 && !(e.getCause() instanceof JsonProcessingException)) {
        throw e; // no answer at all
      }
      // (it decodes 2xx answers only: one it could not decode counts as a 200 unless recorded)
      httpStatus = e.getCode() != 0 ? e.getCode() : 200;
    }
    E envelope = response == null ? null : response.getData();
    // The answer as sent, when the client is EkoClients' (else as the generated model has it).
    RecordingHttpClient.Sent sent = RecordingHttpClient.last();
    JsonNode body = sent != null ? tree(sent.body()) : envelope == null ? null : MAPPER.valueToTree(envelope);
    httpStatus = sent != null ? sent.status() : httpStatus;
    String message = body != null && body.path("message").isTextual() ? body.get("message").asText() : "";
    if (httpStatus != 200) {
      return new Answer<>(Outcome.HTTP_ERROR, null, message, httpStatus, null, Map.of(), null);
    }
    JsonNode status = body == null || !body.isObject() ? null : body.get("status");
    if (status == null || !status.isIntegralNumber()) {
      return malformed(httpStatus, "the answer is not an Eko envelope with an integer `status`");
    }
    Map<String, String> invalidParams = invalidParams(body.get("invalid_params"));
    if (status.asLong() != 0) {
      // An error answer: nothing else in it needs a shape. The code first, then.
      Long code = errorCode(status.asLong(), body.get("response_status_id"));
      String state = sessionState(body.get("data"));
      Outcome outcome;
      if (code != null && EKO_CODES.containsKey(code)) {
        outcome = EKO_CODES.get(code);
      } else if (body.path("invalid_params").isObject() && !body.get("invalid_params").isEmpty()) {
        outcome = Outcome.BUSINESS_ERROR; // a validation error
      } else if (SessionState.PENDING.getValue().equals(state)) {
        outcome = Outcome.PENDING;
      } else {
        outcome = Outcome.BUSINESS_ERROR;
      }
      return new Answer<>(outcome, code, message, httpStatus, null, invalidParams, state);
    }
    // A success must decode into the generated models (each field of the type the spec
    // gives it), report a known state if any, and carry what x-eko-success-data requires.
    D decoded = envelope == null ? null : data.apply(envelope);
    JsonNode typed = decoded == null ? null : MAPPER.valueToTree(decoded);
    List<String> missing = typed == null ? List.of() : missingFields(typed, success);
    if (typed == null || hasUnknownState(typed) || !missing.isEmpty()) {
      String why = missing.isEmpty() ? "" : ": it lacks " + String.join(", ", missing);
      return malformed(httpStatus, "a success that does not match the spec" + why);
    }
    String state = sessionState(typed);
    if (SessionState.PENDING.getValue().equals(state)) { // the upstream provider's pending
      return new Answer<>(Outcome.PENDING, null, message, httpStatus, null, invalidParams, state);
    }
    if (state != null && !state.equals(SessionState.AUTHENTICATED.getValue())) {
      return new Answer<>(Outcome.BUSINESS_ERROR, null, message, httpStatus, null, invalidParams, state);
    }
    return new Answer<>(Outcome.SUCCESS, null, message, httpStatus, decoded, invalidParams, state);
  }

  private static JsonNode tree(byte[] body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return null; // not JSON
    }
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
   * The first {@code SessionState} that data reports in {@code status} or {@code
   * session_status} (the upstream provider's and the sandbox's field), or null.
   */
  static String sessionState(JsonNode data) {
    if (data == null || !data.isObject()) {
      return null;
    }
    for (String field : List.of("status", "session_status")) {
      JsonNode value = data.get(field);
      if (value != null && value.isTextual() && !value.asText().equals(UNKNOWN_STATE)) {
        for (SessionState state : SessionState.values()) {
          if (state.getValue().equals(value.asText())) {
            return state.getValue();
          }
        }
      }
    }
    return null;
  }

  /** Whether the generated model read a state outside {@code SessionState} (as UNKNOWN_STATE). */
  private static boolean hasUnknownState(JsonNode typed) {
    return List.of("status", "session_status").stream()
        .anyMatch(field -> UNKNOWN_STATE.equals(typed.path(field).asText(null)));
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

  /** Each refused field's message (the text ones: nothing else in an error needs a shape). */
  private static Map<String, String> invalidParams(JsonNode node) {
    Map<String, String> found = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(field -> {
        if (field.getValue().isTextual()) {
          found.put(field.getKey(), field.getValue().asText());
        }
      });
    }
    return found;
  }
}
