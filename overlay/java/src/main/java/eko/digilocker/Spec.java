package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The spec (openapi/eko-digilocker.yaml as JSON, the resource {@code eko/digilocker/openapi.json}
 * that the build copies from generated/eko_digilocker_client/openapi.json), its $refs
 * resolved once when loaded: each operation's
 * method, path, input schema, answer schemas and client policy. Every input check and policy
 * default of the client comes from here, never from a number written again in Java.
 */
final class Spec {
  static final String RESOURCE = "eko/digilocker/openapi.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Spec INSTANCE = load();
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  final JsonNode root;
  private final Map<String, Operation> operations = new HashMap<>();

  /** One operation: its route, its input as one object schema, its answers, its policy. */
  record Operation(
      String id,
      String method,
      String path,
      JsonNode input,
      JsonNode envelope,
      JsonNode successData,
      List<String> stateFields,
      List<String> documentedStatuses,
      JsonNode policy) {}

  private Spec(JsonNode spec) {
    this.root = inlined(spec, spec, 0);
    root.path("paths").fields().forEachRemaining(path ->
        path.getValue().fields().forEachRemaining(method -> {
          JsonNode op = method.getValue();
          if (op.has("operationId")) {
            Operation parsed = operation(path.getKey(), method.getKey(), op);
            operations.put(parsed.id(), parsed);
          }
        }));
  }

  static Spec get() {
    return INSTANCE;
  }

  private static Spec load() {
    try (InputStream in = Spec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new EkoConfigurationException(RESOURCE + " is not on the class path: copy"
            + " generated/eko_digilocker_client/openapi.json there (see the README's Java install lines)");
      }
      return new Spec(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Operation operation(String id) {
    Operation op = operations.get(id);
    if (op == null) {
      throw new IllegalArgumentException("the spec has no operation " + id);
    }
    return op;
  }

  private Operation operation(String path, String method, JsonNode op) {
    JsonNode input;
    JsonNode body = op.path("requestBody").path("content").path("application/json").path("schema");
    if (!body.isMissingNode()) {
      input = body;
    } else { // the query parameters, as one object schema
      ObjectNode object = JsonNodeFactory.instance.objectNode().put("type", "object");
      ObjectNode properties = object.putObject("properties");
      var required = object.putArray("required");
      for (JsonNode parameter : op.path("parameters")) {
        JsonNode p = parameter;
        properties.set(p.get("name").asText(), p.get("schema"));
        if (p.path("required").asBoolean()) {
          required.add(p.get("name").asText());
        }
      }
      input = object;
    }
    JsonNode ok = op.path("responses").path("200");
    JsonNode data = ok.get("x-eko-success-data");
    // the fields typed as a SessionState, in the success data or the answer's data
    JsonNode sessionState = root.at("/components/schemas/SessionState/enum");
    JsonNode envelope = ok.path("content").path("application/json").path("schema");
    List<String> states = new ArrayList<>();
    for (JsonNode schema : List.of(data, envelope.path("properties").path("data"))) {
      schema.path("properties").fields().forEachRemaining(field -> {
        if (field.getValue().path("enum").equals(sessionState) && !states.contains(field.getKey())) {
          states.add(field.getKey());
        }
      });
    }
    List<String> statuses = new ArrayList<>();
    op.path("responses").fieldNames().forEachRemaining(statuses::add);
    return new Operation(op.get("operationId").asText(), method.toUpperCase(java.util.Locale.ROOT), path,
        input, envelope, data, List.copyOf(states), List.copyOf(statuses), merged(root.get("x-eko-client"), op.get("x-eko-client")));
  }

  /** {@code base} with {@code override}'s keys laid over it, object by object. */
  static JsonNode merged(JsonNode base, JsonNode override) {
    if (base == null || override == null || !base.isObject() || !override.isObject()) {
      return override != null ? override : base;
    }
    ObjectNode out = ((ObjectNode) base).deepCopy();
    override.fields().forEachRemaining(f -> out.set(f.getKey(), merged(out.get(f.getKey()), f.getValue())));
    return out;
  }

  /**
   * The document with every {@code $ref} replaced by what it points to (its siblings, such as
   * a maxLength, laid over it), so that no check resolves anything at call time.
   */
  private static JsonNode inlined(JsonNode spec, JsonNode node, int depth) {
    if (depth > 64) {
      throw new IllegalStateException("the spec's $refs nest deeper than 64 (a cycle?)");
    }
    if (node.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> out.add(inlined(spec, item, depth + 1)));
      return out;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    JsonNode ref = node.get("$ref");
    if (ref != null && ref.isTextual() && ref.asText().startsWith("#/")) {
      JsonNode target = inlined(spec, spec.at(ref.asText().substring(1)), depth + 1);
      if (target.isObject()) {
        out.setAll((ObjectNode) target);
      }
    }
    node.fields().forEachRemaining(f -> {
      if (!f.getKey().equals("$ref")) {
        out.set(f.getKey(), inlined(spec, f.getValue(), depth + 1));
      }
    });
    return out;
  }

  /** A value that breaks a schema rule, named by its path ("document_requested[0]"). */
  record Problem(String field, String message) {
    @Override
    public String toString() {
      return (field.isEmpty() ? "the value" : field) + " " + message;
    }
  }

  /** What in {@code value} breaks {@code schema}; empty when nothing does. */
  List<Problem> check(JsonNode schema, JsonNode value) {
    List<Problem> problems = new ArrayList<>();
    check(schema, value, "", problems);
    return problems;
  }

  private void check(JsonNode schema, JsonNode value, String at, List<Problem> problems) {
    JsonNode type = schema.get("type");
    if (type != null) {
      boolean fits = false;
      for (JsonNode t : type.isArray() ? type : List.of(type)) {
        fits |= fits(t.asText(), value);
      }
      if (!fits) {
        problems.add(new Problem(at, "must be of type " + (type.isArray() ? type.toString() : type.asText())));
        return;
      }
    }
    if (schema.has("enum")) {
      boolean known = false;
      for (JsonNode allowed : schema.get("enum")) {
        known |= allowed.equals(value);
      }
      if (!known) {
        problems.add(new Problem(at, "must be one of " + schema.get("enum")));
      }
    }
    if (value.isTextual()) {
      String text = value.asText();
      int length = text.codePointCount(0, text.length());
      if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
        problems.add(new Problem(at, "is shorter than " + schema.get("minLength").asInt() + " characters"));
      }
      if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
        problems.add(new Problem(at, "is longer than " + schema.get("maxLength").asInt() + " characters"));
      }
      if (schema.has("pattern")) {
        Pattern pattern = PATTERNS.computeIfAbsent(schema.get("pattern").asText(), Pattern::compile);
        if (!pattern.matcher(text).find()) {
          problems.add(new Problem(at, "must match " + pattern.pattern()));
        }
      }
      if ("uri".equals(schema.path("format").asText()) && !isUri(text)) {
        problems.add(new Problem(at, "must be a valid uri"));
      }
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
        problems.add(new Problem(at, "must be at least " + schema.get("minimum")));
      }
      if (schema.has("maximum") && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
        problems.add(new Problem(at, "must be at most " + schema.get("maximum")));
      }
    }
    if (value.isArray()) {
      if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
        problems.add(new Problem(at, "must have at least " + schema.get("minItems").asInt() + " item(s)"));
      }
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        problems.add(new Problem(at, "must have at most " + schema.get("maxItems").asInt() + " item(s)"));
      }
      if (schema.has("items")) {
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
        }
      }
    }
    if (value.isObject()) {
      for (JsonNode name : schema.path("required")) {
        JsonNode present = value.get(name.asText());
        if (present == null) {
          problems.add(new Problem(join(at, name.asText()), "is required"));
        }
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode property = properties.get(field.getKey());
        if (property != null) {
          check(property, field.getValue(), join(at, field.getKey()), problems);
        } else if (additional != null && additional.isObject()) {
          check(additional, field.getValue(), join(at, field.getKey()), problems);
        } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
          problems.add(new Problem(join(at, field.getKey()), "is not a known field"));
        }
      }
    }
  }

  private static String join(String at, String name) {
    return at.isEmpty() ? name : at + "." + name;
  }

  /**
   * Whether {@code value} is of JSON Schema type {@code type}. An integer is a number token
   * without fraction or exponent that fits 64 bits (docs/answer-rule.md): Jackson reads
   * {@code 1.0} and {@code 1e0} as floating point, and a wider integer as a BigInteger.
   */
  static boolean fits(String type, JsonNode value) {
    return switch (type) {
      case "integer" -> isInt64(value);
      case "number" -> value.isNumber();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "array" -> value.isArray();
      case "object" -> value.isObject();
      case "null" -> value.isNull();
      default -> true;
    };
  }

  static boolean isInt64(JsonNode value) {
    return value != null && value.isIntegralNumber() && value.canConvertToLong();
  }

  /** An absolute URI (RFC 3986) with a scheme, as JSON Schema's {@code format: uri} asks. */
  private static boolean isUri(String text) {
    try {
      return new URI(text).isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
