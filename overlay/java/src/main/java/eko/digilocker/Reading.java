package eko.digilocker;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import eko.digilocker.EkoApiException.Kind;
import eko.digilocker.EkoResponseException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the client reads an answer (docs/answer-rule.md, as the Python client's
 * responses.py does): a success's envelope, checked against the spec, or the typed exception
 * the answer stands for. Eko puts an error's code in {@code status} or in
 * {@code response_status_id}; {@link #CODES} is the one table of what each code means.
 */
final class Reading {
  /**
   * Strict JSON: a duplicate key anywhere, or anything after the value, makes the answer
   * malformed (no "last wins").
   */
  static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static final Map<Long, Kind> CODES =
      Map.of(
          301L, Kind.GENERIC, // invalid redirect URL
          319L, Kind.GENERIC, // invalid initiator
          327L, Kind.PENDING, // not consented yet
          346L, Kind.GENERIC, // user not onboarded or wrong user_code
          461L, Kind.INVALID_PARAMS,
          463L, Kind.NOT_FOUND);
  /** The codes that waiting for consent cannot change. */
  static final Set<Long> FINAL_CODES = Set.of(301L, 319L, 346L, 461L, 463L);
  // eps.eko.in answers an unknown or expired reference as it answers a pending one: the
  // message is the only tell (see the Python client's responses.py).
  private static final Set<String> UNKNOWN_REFERENCE = Set.of("invalid reference_id", "invalid or expired reference_id");
  private static final JsonNode ENVELOPE = Spec.get().root.at("/components/schemas/Envelope");
  private static final JsonNode SESSION_STATE = Spec.get().root.at("/components/schemas/SessionState");
  private static final String DOCUMENT_OPERATION = "getDigilockerDocument";
  private static final String DOCUMENT_PENDING = "PENDING";

  private Reading() {}

  /** The success answer's {@code data}, or the exception the answer stands for. */
  static JsonNode read(Spec.Operation op, int httpStatus, byte[] bytes) {
    JsonNode body = parse(bytes);
    JsonNode status = body != null && body.isObject() ? body.get("status") : null;
    if (httpStatus == 200 && Spec.isInt64(status) && status.asLong() != 0) {
      throw apiError(op, kind(op, body), httpStatus, body);
    }
    Spec spec = Spec.get();
    boolean documented = httpStatus == 200 && Spec.isInt64(status) && status.asLong() == 0;
    List<Spec.Problem> problems = documented ? spec.check(op.envelope(), body) : List.of();
    if (!documented || !problems.isEmpty()) {
      throw unexpected(op, httpStatus, body, bytes, problems);
    }
    JsonNode data = body.get("data");
    List<Spec.Problem> missing = data == null ? List.of(new Spec.Problem("data", "is required")) : spec.check(op.successData(), data);
    if (!missing.isEmpty()) {
      throw malformed("success answer lacks what the spec requires of its data (" + first(missing) + ")", httpStatus, bytes);
    }
    String state = state(op, data);
    if (state != null && !state.equals("AUTHENTICATED")) {
      throw apiError(op, kind(op, body), httpStatus, body);
    }
    if (op.id().equals(DOCUMENT_OPERATION) && DOCUMENT_PENDING.equals(data.path("verification_status").asText(null))) {
      throw apiError(op, Kind.PENDING, httpStatus, body);
    }
    return data;
  }

  /** The answer as strict JSON, or null when it is not. */
  static JsonNode parse(byte[] bytes) {
    try {
      return bytes.length == 0 ? null : STRICT.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  private static RuntimeException unexpected(Spec.Operation op, int httpStatus, JsonNode body, byte[] bytes, List<Spec.Problem> problems) {
    boolean envelope = body != null && body.isObject() && Spec.isInt64(body.get("status"))
        && Spec.get().check(ENVELOPE, body).isEmpty();
    if (httpStatus == 403) {
      return apiError(op, Kind.AUTHENTICATION, httpStatus, envelope ? body : null);
    }
    if (httpStatus >= 500) {
      return new EkoResponseException("server error", Problem.HTTP_STATUS, httpStatus, text(bytes));
    }
    Problem problem = httpStatus == 200 ? Problem.MALFORMED : Problem.HTTP_STATUS;
    if (!envelope) {
      String reason = bytes.length == 0 ? "empty answer" : "answer is not an Eko JSON envelope";
      return new EkoResponseException(reason, problem, httpStatus, text(bytes));
    }
    if (!op.documentedStatuses().contains(Integer.toString(httpStatus))) {
      return new EkoResponseException("unexpected HTTP status", Problem.HTTP_STATUS, httpStatus, text(bytes));
    }
    if (body.get("status").asLong() != 0) {
      return apiError(op, kind(op, body), httpStatus, body);
    }
    return new EkoResponseException("success answer does not match the spec (" + first(problems) + ")", problem, httpStatus, text(bytes));
  }

  private static EkoResponseException malformed(String reason, int httpStatus, byte[] bytes) {
    return new EkoResponseException(reason, Problem.MALFORMED, httpStatus, text(bytes));
  }

  private static String first(List<Spec.Problem> problems) {
    return problems.isEmpty() ? "" : problems.subList(0, Math.min(3, problems.size())).toString();
  }

  private static String text(byte[] bytes) {
    int n = Math.min(bytes.length, EkoResponseException.KEPT_BODY * 4);
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The kind of an answer that is not a success, as the Python client's error_class has it:
   * by its code first, then the unknown-reference message, then invalid_params, then the
   * session state in its data (PENDING, CONSENT_DENIED, EXPIRED).
   */
  static Kind kind(Spec.Operation op, JsonNode body) {
    Long code = code(body);
    if (code != null && CODES.containsKey(code)) {
      return CODES.get(code);
    }
    String message = body.path("message").asText("").strip();
    if (message.endsWith(".")) {
      message = message.substring(0, message.length() - 1);
    }
    if (body.path("message").isTextual() && UNKNOWN_REFERENCE.contains(message.toLowerCase(Locale.ROOT))) {
      return Kind.NOT_FOUND;
    }
    if (body.path("invalid_params").isObject() && !body.get("invalid_params").isEmpty()) {
      return Kind.INVALID_PARAMS;
    }
    String state = state(op, body.get("data"));
    return state == null ? Kind.GENERIC : switch (state) {
      case "PENDING" -> Kind.PENDING;
      case "CONSENT_DENIED" -> Kind.CONSENT_DENIED;
      case "EXPIRED" -> Kind.EXPIRED;
      default -> Kind.GENERIC;
    };
  }

  /** Eko's code: a status other than 0 or 1, else a response_status_id outside -2..5, else null. */
  static Long code(JsonNode body) {
    JsonNode status = body == null ? null : body.get("status");
    if (Spec.isInt64(status) && status.asLong() != 0 && status.asLong() != 1) {
      return status.asLong();
    }
    JsonNode detail = body == null ? null : body.get("response_status_id");
    if (Spec.isInt64(detail) && (detail.asLong() < -2 || detail.asLong() > 5)) {
      return detail.asLong();
    }
    return null;
  }

  /** The session state data reports in a field the spec types as a SessionState, or null. */
  static String state(Spec.Operation op, JsonNode data) {
    if (data == null || !data.isObject()) {
      return null;
    }
    for (String field : op.stateFields()) {
      JsonNode value = data.get(field);
      if (value != null && value.isTextual()
          && Spec.get().check(SESSION_STATE, value).isEmpty()) {
        return value.asText();
      }
    }
    return null;
  }

  private static EkoApiException apiError(Spec.Operation op, Kind kind, int httpStatus, JsonNode body) {
    JsonNode envelope = body == null || !body.isObject() ? null : body;
    String message = envelope != null && envelope.path("message").isTextual() && !envelope.get("message").asText().isEmpty()
        ? envelope.get("message").asText()
        : kind == Kind.AUTHENTICATION ? "authentication failed" : "Eko returned an error";
    Map<String, String> invalid = new LinkedHashMap<>();
    if (envelope != null && envelope.path("invalid_params").isObject()) {
      envelope.get("invalid_params").fields().forEachRemaining(f -> invalid.put(f.getKey(), f.getValue().asText()));
    }
    return EkoApiException.of(message, kind, code(envelope), httpStatus, envelope == null ? null : envelope.get("data"), invalid);
  }

}
