import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import eko.digilocker.ConsentRedirect;
import eko.digilocker.ConsentResult;
import eko.digilocker.CreateInput;
import eko.digilocker.EkoApiException;
import eko.digilocker.EkoClient;
import eko.digilocker.EkoClients;
import eko.digilocker.EkoConnectionException;
import eko.digilocker.EkoException;
import eko.digilocker.EkoResponseException;
import eko.digilocker.EkoSigning;
import eko.digilocker.EkoTimeoutException;
import eko.digilocker.EkoValidationException;
import eko.digilocker.Keys;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Java SDK (overlay/java on generated/java) through the runner protocol
 * (docs/conformance.md): one JSON object per case or step on stdout, nothing else.
 *
 * <pre>
 * answers FILE          each answer corpus case, served exactly on loopback, read by EkoClient
 * behaviour FILE        each behaviour case against its base_url
 * redirects FILE        each return URL through ConsentRedirect.parse
 * journey BASE_URL PROFILE   the consent journey against a sandbox
 * policy                the client's effective default policy
 * corpus FILE           answers, compared here: prints "conformance java: P/T"
 * signing FILE          the signing vectors: prints "signing java: P/T"
 * </pre>
 */
public final class Runner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper MODELS = EkoClients.objectMapper();
  // Eko's public UAT credentials (the sandbox's default pair) and test initiator.
  private static final Keys UAT = new Keys("becbbce45f79c6f5109f848acd540567", "d2fe1d99-6298-4af2-8cc5-d97dcf46df30");
  private static final String INITIATOR = "9962981729";
  private static final String USER_CODE = "20810200";
  private static final String REDIRECT_URL = "https://yourapp.example/kyc/callback";
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    System.setOut(System.err); // only this class writes to stdout
    String command = args.length > 0 ? args[0] : "";
    int status = switch (command + "/" + args.length) {
      case "answers/2" -> answers(new File(args[1]), false);
      case "corpus/2" -> answers(new File(args[1]), true);
      case "behaviour/2" -> behaviour(new File(args[1]));
      case "redirects/2" -> redirects(new File(args[1]));
      case "journey/3" -> journey(args[1], args[2]);
      case "policy/1" -> policy();
      case "signing/2" -> signing(new File(args[1]));
      default -> {
        System.err.println("usage: Runner answers FILE | behaviour FILE | redirects FILE | journey BASE_URL PROFILE | policy | corpus FILE | signing FILE");
        yield 2;
      }
    };
    System.exit(status);
  }

  static void print(JsonNode line) {
    OUT.println(line.toString());
  }

  /** One protocol line: name, outcome, code, values. */
  static ObjectNode line(String name, String outcome, Long code, JsonNode values) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", name);
    node.put("outcome", outcome);
    if (code == null) node.putNull("code"); else node.put("code", code);
    node.set("values", values == null ? JSON.createObjectNode() : values);
    return node;
  }

  /** A call's result as a protocol line: success with the model's JSON, or the exception's outcome. */
  static ObjectNode outcome(String name, Supplier<Object> call) {
    long started = System.nanoTime();
    ObjectNode node;
    try {
      Object result = call.get();
      node = line(name, "success", null, values(result));
      node.putNull("error");
      if (result instanceof ConsentResult c && !c.authenticated()) { // a wait that ended otherwise
        boolean timedOut = c.state() == eko.digilocker.ConsentState.TIMED_OUT;
        node.put("outcome", timedOut ? "timeout" : "business_error");
        if (!timedOut && c.error() != null) {
          if (c.error().code() == null) node.putNull("code"); else node.put("code", c.error().code());
          node.put("error", c.error().getClass().getSimpleName());
        }
      }
    } catch (EkoException e) {
      node = line(name, outcomeOf(e), e instanceof EkoApiException api && api.httpStatus() == 200 ? api.code() : null, null);
      node.put("error", e.getClass().getSimpleName());
      node.put("message", e instanceof EkoApiException api ? api.ekoMessage() : e.getMessage());
    }
    node.put("elapsed_ms", (System.nanoTime() - started) / 1_000_000);
    return node;
  }

  static String outcomeOf(EkoException e) {
    if (e instanceof EkoValidationException || e instanceof eko.digilocker.EkoConfigurationException) return "invalid_input";
    if (e instanceof EkoApiException api) {
      if (api.httpStatus() != 200) return "http_error";
      return api.kind() == EkoApiException.Kind.PENDING ? "pending" : "business_error";
    }
    if (e instanceof EkoResponseException r) {
      return switch (r.problem()) {
        case TOO_LARGE -> "too_large";
        case HTTP_STATUS -> "http_error";
        default -> r.httpStatus() != null && r.httpStatus() != 200 ? "http_error" : "malformed";
      };
    }
    if (e instanceof EkoTimeoutException) return "timeout";
    if (e instanceof EkoConnectionException) return "connection_error";
    return "malformed";
  }

  /** What a call returned, as JSON: the generated model's own encoding. */
  static JsonNode values(Object result) {
    Object data = result;
    if (result instanceof eko.digilocker.DigilockerSession s) data = s.data();
    if (result instanceof eko.digilocker.VerificationStatus s) data = s.data();
    if (result instanceof eko.digilocker.Documents d) data = d.data();
    if (result instanceof ConsentResult c) { // the state, and an authenticated session's status fields
      ObjectNode node = JSON.createObjectNode().put("state", c.state().name());
      if (c.details() != null) node.setAll((ObjectNode) MODELS.valueToTree(c.details()));
      return node;
    }
    return data == null ? JSON.createObjectNode() : MODELS.valueToTree(data);
  }

  // --- answers -------------------------------------------------------------------------

  /** The answer the loopback server gives: a case's bytes exactly. */
  private static final class Served {
    volatile int status;
    volatile byte[] body;
    volatile boolean json;
  }

  static int answers(File file, boolean compare) throws IOException {
    JsonNode cases = JSON.readTree(file).get("cases");
    Served served = new Served();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("content-type", served.json ? "application/json" : "text/html; charset=utf-8");
      exchange.sendResponseHeaders(served.status, served.body.length == 0 ? -1 : served.body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(served.body);
      }
    });
    server.start();
    int passed = 0;
    try {
      // no retries: the corpus is about reading one answer
      EkoClient eko = client("http://127.0.0.1:" + server.getAddress().getPort()).withMaxRetries(0);
      for (JsonNode item : cases) {
        JsonNode body = item.get("body");
        served.status = item.get("http_status").asInt();
        if (item.has("body_text")) {
          served.json = true;
          served.body = item.get("body_text").asText().getBytes(StandardCharsets.UTF_8);
        } else {
          served.json = !body.isTextual(); // a JSON string stands for a non-JSON body
          served.body = (body.isTextual() ? body.asText() : JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
        }
        String name = item.get("name").asText();
        ObjectNode got = outcome(name, () -> call(eko, item.get("operation").asText()));
        if (!compare) {
          got.remove(List.of("error", "elapsed_ms", "message"));
          print(got);
          continue;
        }
        List<String> problems = compare(item.get("expect"), got);
        problems.forEach(p -> OUT.println("FAIL " + name + ": " + p));
        passed += problems.isEmpty() ? 1 : 0;
      }
    } finally {
      server.stop(0);
    }
    if (compare) {
      OUT.println("conformance java: " + passed + "/" + cases.size());
      return passed == cases.size() && passed > 0 ? 0 : 1;
    }
    return 0;
  }

  static EkoClient client(String baseUrl) {
    return EkoClient.builder().baseUrl(baseUrl).keys(UAT).initiatorId(INITIATOR).userCode(USER_CODE)
        .timeout(Duration.ofSeconds(30)).build();
  }

  static Object call(EkoClient eko, String operation) {
    return switch (operation) {
      case "createDigilockerUrl" -> eko.createDigilockerUrl(CreateInput.of(REDIRECT_URL).withClientRefId("CORPUS"));
      case "getDigilockerVerificationStatus" -> eko.getVerificationStatus(1);
      case "getDigilockerDocument" -> eko.getDocument(1, "VER-1", List.of("AADHAAR"));
      default -> throw new IllegalArgumentException("unknown operation " + operation);
    };
  }

  /** How a reading differs from a case's expectation, each value compared as JSON. */
  static List<String> compare(JsonNode expect, ObjectNode got) {
    List<String> problems = new ArrayList<>();
    if (!expect.get("outcome").equals(got.get("outcome"))) {
      problems.add("outcome " + got.get("outcome") + " (" + got.path("message").asText() + "), want " + expect.get("outcome"));
    }
    JsonNode want = expect.get("code");
    JsonNode have = got.get("code");
    boolean same = (want == null || want.isNull()) ? have.isNull() : have.isIntegralNumber() && want.asLong() == have.asLong();
    if (!same) {
      problems.add("code " + have + ", want " + want);
    }
    JsonNode values = got.get("values");
    expect.path("values").fields().forEachRemaining(field -> {
      JsonNode value = values.get(field.getKey());
      if (!Objects.equals(normalise(field.getValue()), normalise(value))) {
        problems.add(field.getKey() + " = " + value + ", want " + field.getValue());
      }
    });
    return problems;
  }

  /** The same JSON text parsed again, so that 3000000001 as int or long compares equal. */
  private static JsonNode normalise(JsonNode node) {
    try {
      return node == null ? null : JSON.readTree(JSON.writeValueAsString(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- behaviour -----------------------------------------------------------------------

  static int behaviour(File file) throws IOException {
    JsonNode corpus = JSON.readTree(file);
    JsonNode keys = corpus.get("keys");
    warmUp();
    for (JsonNode item : corpus.get("cases")) {
      String name = item.get("name").asText();
      JsonNode call = item.get("call");
      JsonNode input = call.path("input");
      JsonNode options = call.path("options");
      ObjectNode got = outcome(name, () -> {
        EkoClient.Builder builder = EkoClient.builder().env(java.util.Map.of())
            .baseUrl(item.get("base_url").asText())
            .keys(keys.get("developer_key").asText(), keys.get("access_key").asText())
            .initiatorId(input.has("initiator_id") ? input.get("initiator_id").asText() : keys.get("initiator_id").asText())
            .userCode(keys.path("user_code").asText(null));
        if (options.has("timeout_ms") && !call.path("operation").asText().equals("waitForConsent")) {
          builder.timeout(Duration.ofMillis(options.get("timeout_ms").asLong()));
        }
        if (options.has("max_retries")) builder.maxRetries(options.get("max_retries").asInt());
        if (options.has("max_response_bytes")) builder.maxResponseBytes(options.get("max_response_bytes").asLong());
        return behave(builder.build(), call.get("operation").asText(), input, options);
      });
      print(got);
    }
    return 0;
  }

  /**
   * What the SDK loads on its first call (the spec, its checks, the models, HttpClient), so that
   * a case's elapsed_ms is its call's, not the JVM's start.
   */
  static void warmUp() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] ok = "{\"status\":0,\"data\":{\"status\":\"AUTHENTICATED\",\"reference_id\":1,\"url\":\"https://x.example/\"}}"
        .getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, ok.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ok);
      }
    });
    server.start();
    try {
      EkoClient eko = client("http://127.0.0.1:" + server.getAddress().getPort()).withMaxRetries(0);
      for (Supplier<Object> call : List.<Supplier<Object>>of(
          () -> eko.createDigilockerUrl(CreateInput.of(REDIRECT_URL)),
          () -> eko.getVerificationStatus(1),
          () -> eko.getDocument(1, "VER-1", List.of("AADHAAR")),
          () -> eko.waitForConsent(1, Duration.ofSeconds(5)),
          () -> eko.getVerificationStatus(0))) {
        outcome("warm-up", call);
      }
    } finally {
      server.stop(0);
    }
  }

  static Object behave(EkoClient eko, String operation, JsonNode input, JsonNode options) {
    return switch (operation) {
      case "createDigilockerUrl" -> {
        List<String> documents = null;
        if (input.has("document_requested")) {
          documents = new ArrayList<>();
          for (JsonNode d : input.get("document_requested")) documents.add(d.asText());
        }
        yield eko.createDigilockerUrl(new CreateInput(input.path("redirect_url").asText(null), documents,
            input.path("client_ref_id").asText(null), input.path("user_code").asText(null)));
      }
      case "getDigilockerVerificationStatus" -> eko.getVerificationStatus(referenceId(input));
      case "getDigilockerDocument" -> {
        List<String> documents = null;
        if (input.has("document_type")) {
          documents = new ArrayList<>();
          for (JsonNode d : input.get("document_type")) documents.add(d.asText());
        }
        yield eko.getDocument(referenceId(input), input.path("verification_id").asText(null), documents);
      }
      case "waitForConsent" -> eko.waitForConsent(referenceId(input),
          options.has("timeout_ms") ? Duration.ofMillis(options.get("timeout_ms").asLong()) : null,
          options.has("interval_ms") ? Duration.ofMillis(options.get("interval_ms").asLong()) : null);
      default -> throw new IllegalArgumentException("unknown operation " + operation);
    };
  }

  /** The case's reference_id as the long the SDK takes; one a long cannot hold is refused as the SDK would. */
  static long referenceId(JsonNode input) {
    JsonNode value = input.get("reference_id");
    if (value != null && value.isIntegralNumber() && value.canConvertToLong()) return value.asLong();
    if (value != null && value.isTextual()) {
      try {
        return Long.parseLong(value.asText());
      } catch (NumberFormatException e) {
        // falls through
      }
    }
    throw new EkoValidationException("runner", List.of(new EkoValidationException.FieldError("reference_id",
        "is not a 64-bit integer (" + value + "); a Java caller cannot pass it")));
  }

  // --- redirects -----------------------------------------------------------------------

  static int redirects(File file) throws IOException {
    for (JsonNode item : JSON.readTree(file).get("cases")) {
      String name = item.get("name").asText();
      try {
        ConsentRedirect back = ConsentRedirect.parse(item.get("url").asText());
        ObjectNode values = JSON.createObjectNode();
        if (back.referenceId() == null) values.putNull("reference_id"); else values.put("reference_id", back.referenceId());
        values.put("verification_id", back.verificationId());
        values.put("denied", back.denied());
        values.put("error", back.error());
        print(line(name, "ok", null, values));
      } catch (EkoValidationException e) {
        ObjectNode got = line(name, "invalid_input", null, null);
        got.put("message", e.getMessage());
        print(got);
      }
    }
    return 0;
  }

  // --- journey -------------------------------------------------------------------------

  /**
   * The consent journey against a sandbox, one protocol line per step: create, a forced 301,
   * the pending status, the customer's approval (through /_sandbox/), the status and the
   * document (tests/conformance/harness.py and test_journey.py judge them).
   */
  static int journey(String baseUrl, String profile) throws Exception {
    EkoClient eko = client(baseUrl);
    String prefix = "JA" + profile.charAt(0) + ProcessHandle.current().pid() % 100000;
    String createRef = prefix + "-create";
    ObjectNode created = outcome("create", () -> eko.createDigilockerUrl(
        CreateInput.of(REDIRECT_URL).withClientRefId(createRef).withDocuments(List.of("AADHAAR"))));
    created.put("client_ref_id", createRef);
    step(created);
    if (!created.get("outcome").asText().equals("success")) {
      return 1;
    }
    long referenceId = created.get("values").get("reference_id").asLong();
    step(outcome("forced_301", () -> eko.createDigilockerUrl(CreateInput.of(REDIRECT_URL).withClientRefId("SCENARIO-301"))));
    step(outcome("pending", () -> eko.getVerificationStatus(referenceId)));
    String verificationId = approve(baseUrl, referenceId);
    ObjectNode approved = JSON.createObjectNode().put("reference_id", referenceId).put("verification_id", verificationId);
    step(line("approve", "success", null, approved));
    step(outcome("status", () -> eko.getVerificationStatus(referenceId)));
    step(outcome("document", () -> eko.getDocument(referenceId, verificationId, List.of("AADHAAR"))));
    return 0;
  }

  private static void step(ObjectNode line) {
    line.remove(List.of("error", "elapsed_ms"));
    if (line.get("outcome").asText().equals("success")) {
      line.remove("message");
    }
    print(line);
  }

  /** Consents as the customer would, through POST /_sandbox/sessions/{id}/approve. */
  static String approve(String baseUri, long referenceId) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(baseUri + "/_sandbox/sessions/" + referenceId + "/approve"))
            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode session = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !session.path("verification_id").isTextual()) {
      throw new IllegalStateException("approve: HTTP " + response.statusCode());
    }
    return session.get("verification_id").asText();
  }

  // --- policy and signing --------------------------------------------------------------

  static int policy() {
    EkoClient eko = EkoClient.builder().baseUrl("http://127.0.0.1:9").keys(UAT).initiatorId(INITIATOR).env(java.util.Map.of()).build();
    print(eko.defaultPolicy().toJson());
    return 0;
  }

  static int signing(File file) throws IOException {
    JsonNode vectors = JSON.readTree(file).get("vectors");
    int passed = 0;
    for (JsonNode vector : vectors) {
      String got = EkoSigning.signSecretKey(vector.get("access_key").asText(), vector.get("timestamp").asText());
      if (got.equals(vector.get("secret_key").asText())) {
        passed++;
      } else {
        OUT.println("FAIL " + vector.get("name").asText() + ": got " + got);
      }
    }
    OUT.println("signing java: " + passed + "/" + vectors.size());
    return passed == vectors.size() && passed > 0 ? 0 : 1;
  }
}
