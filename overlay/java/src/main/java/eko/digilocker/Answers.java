package eko.digilocker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import eko.digilocker.Answer.Outcome;
import eko.digilocker.client.ApiException;
import eko.digilocker.client.ApiResponse;
import eko.digilocker.client.model.DigilockerDocumentEnvelope;
import eko.digilocker.client.model.DigilockerDocumentPayload;
import eko.digilocker.client.model.DigilockerUrlEnvelope;
import eko.digilocker.client.model.DigilockerUrlPayload;
import eko.digilocker.client.model.DigilockerUrlSuccess;
import eko.digilocker.client.model.VerificationStatusEnvelope;
import eko.digilocker.client.model.VerificationStatusPayload;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads what a call of the generated {@code DigilockerApi} returned (2.0.0's API, kept for
 * code written against it):
 *
 * <pre>{@code
 * Answer<DigilockerUrlPayload> answer =
 *     Answers.create(() -> api.createDigilockerUrlWithHttpInfo(request));
 * }</pre>
 *
 * An {@link ApiException} comes out only when no HTTP answer came at all. The answer is read
 * by the SDK's own rule ({@code Reading}, the one {@link EkoClient} uses), from the answer as
 * sent when the {@code ApiClient} is {@link EkoClients#apiClient}'s (else from what the
 * generated client decoded); a success's {@code data} is the generated model's. There is no
 * retry, answer cap or whole-call deadline here.
 *
 * @deprecated use {@link EkoClient}: the same reading, typed exceptions, retries, deadlines
 *     and a capped answer. Kept through 2.x.
 */
@Deprecated(since = "2.1.0")
public final class Answers {
  // The operation each x-eko-success-data model belongs to.
  private static final Map<Class<?>, String> OPERATIONS =
      Map.of(
          DigilockerUrlSuccess.class, EkoClient.CREATE,
          VerificationStatusPayload.class, EkoClient.STATUS,
          DigilockerDocumentPayload.class, EkoClient.DOCUMENT);

  private Answers() {}

  /** A call of the generated client, e.g. {@code () -> api.createDigilockerUrlWithHttpInfo(r)}. */
  @FunctionalInterface
  public interface Call<E> {
    ApiResponse<E> send() throws ApiException;
  }

  public static Answer<DigilockerUrlPayload> create(Call<DigilockerUrlEnvelope> call)
      throws ApiException {
    return read(call, DigilockerUrlEnvelope::getData, DigilockerUrlSuccess.class, DigilockerUrlEnvelope.class);
  }

  public static Answer<VerificationStatusPayload> status(Call<VerificationStatusEnvelope> call)
      throws ApiException {
    return read(call, VerificationStatusEnvelope::getData, VerificationStatusPayload.class, VerificationStatusEnvelope.class);
  }

  public static Answer<DigilockerDocumentPayload> document(Call<DigilockerDocumentEnvelope> call)
      throws ApiException {
    return read(call, DigilockerDocumentEnvelope::getData, DigilockerDocumentPayload.class, DigilockerDocumentEnvelope.class);
  }

  /**
   * The answer of {@code call}, whose envelope's data {@code data} takes out; {@code success}
   * is the operation's {@code x-eko-success-data} model ({@code DigilockerUrlSuccess},
   * {@code VerificationStatusPayload} or {@code DigilockerDocumentPayload}), which names the
   * operation whose rule applies.
   */
  public static <E, D> Answer<D> read(Call<E> call, Function<E, D> data, Class<?> success)
      throws ApiException {
    return read(call, data, success, null);
  }

  /**
   * {@code envelopeType}, when known, decodes a success the generated client could not (it
   * reads 2^63-1 as out of range of long, where a tree of the same bytes holds it).
   */
  private static <E, D> Answer<D> read(Call<E> call, Function<E, D> data, Class<?> success, Class<E> envelopeType)
      throws ApiException {
    String id = OPERATIONS.get(success);
    if (id == null) {
      throw new IllegalArgumentException(success + " is no operation's success model; use one of " + OPERATIONS.keySet());
    }
    Spec.Operation op = Spec.get().operation(id);
    RecordingHttpClient.forget();
    ApiResponse<E> response = null;
    int httpStatus;
    byte[] bytes = null;
    try {
      response = call.send();
      httpStatus = response.getStatusCode();
    } catch (ApiException e) {
      // the generated client refuses any status but 2xx, and any answer it cannot decode
      if (e.getCode() == 0 && !(e.getCause() instanceof JsonProcessingException)) {
        throw e; // no answer at all
      }
      // (a 2xx it could not decode counts as a 200 with no body, unless recorded)
      httpStatus = e.getCode() != 0 ? e.getCode() : 200;
      bytes = e.getCode() != 0 && e.getResponseBody() != null ? e.getResponseBody().getBytes(StandardCharsets.UTF_8) : new byte[0];
    }
    RecordingHttpClient.Sent sent = RecordingHttpClient.last();
    RecordingHttpClient.forget();
    if (sent != null) { // the answer as sent
      httpStatus = sent.status();
      bytes = sent.body();
    }
    E envelope = response == null ? null : response.getData();
    if (bytes == null) {
      bytes = envelope == null ? new byte[0] : encoded(envelope);
    }
    JsonNode body = Reading.parse(bytes);
    try {
      JsonNode read = Reading.read(op, httpStatus, bytes);
      if (envelope == null && envelopeType != null) {
        envelope = EkoClients.objectMapper().treeToValue(body, envelopeType);
      }
      D decoded = envelope == null ? null : data.apply(envelope);
      if (decoded == null) {
        return malformed(httpStatus, "a success the generated client could not decode");
      }
      return new Answer<>(Outcome.SUCCESS, null, message(body), httpStatus, decoded, invalidParams(body), Reading.state(op, read));
    } catch (EkoException | JsonProcessingException e) {
      return notSuccess(op, httpStatus, body, e);
    }
  }

  /** The Answer for what {@code Reading} threw (or for a success the models refused). */
  private static <D> Answer<D> notSuccess(Spec.Operation op, int httpStatus, JsonNode body, Exception error) {
    if (httpStatus != 200
        || error instanceof EkoResponseException r && r.problem() == EkoResponseException.Problem.HTTP_STATUS) {
      return new Answer<>(Outcome.HTTP_ERROR, null, message(body), httpStatus, null, Map.of(), null);
    }
    if (error instanceof EkoApiException e) {
      Outcome outcome = e.kind() == EkoApiException.Kind.PENDING ? Outcome.PENDING : Outcome.BUSINESS_ERROR;
      return new Answer<>(outcome, e.code(), message(body), httpStatus, null, invalidParams(body), Reading.state(op, e.data()));
    }
    return malformed(httpStatus, error.getMessage());
  }

  private static String message(JsonNode body) {
    return body != null && body.path("message").isTextual() ? body.get("message").asText() : "";
  }

  private static byte[] encoded(Object envelope) {
    try {
      return EkoClients.objectMapper().writeValueAsBytes(envelope);
    } catch (JsonProcessingException e) {
      return new byte[0];
    }
  }

  private static <D> Answer<D> malformed(int httpStatus, String why) {
    return new Answer<>(Outcome.MALFORMED, null, why, httpStatus, null, Map.of(), null);
  }

  /** Each refused field's message (the text ones: nothing else in an error needs a shape). */
  private static Map<String, String> invalidParams(JsonNode body) {
    Map<String, String> found = new LinkedHashMap<>();
    JsonNode node = body == null ? null : body.get("invalid_params");
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
