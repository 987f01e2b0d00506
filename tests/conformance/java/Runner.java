import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import eko.digilocker.Answer;
import eko.digilocker.Answers;
import eko.digilocker.EkoClients;
import eko.digilocker.EkoSigning;
import eko.digilocker.client.ApiException;
import eko.digilocker.client.api.DigilockerApi;
import eko.digilocker.client.model.CreateDigilockerUrlRequest;
import eko.digilocker.client.model.DocumentType;
import eko.digilocker.client.model.GetDigilockerDocumentRequest;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * The Java client (generated/java plus overlay/java) as a user of Java runs it:
 *
 * <pre>
 * java Runner answers FILE                       every answers case, one protocol line each
 *                                                (docs/conformance.md)
 * java Runner journey BASE_URL PROFILE           the consent journey, one protocol line per step
 * java Runner corpus tests/vectors/answers.json  every corpus answer, served on loopback, read
 *                                                through the generated client and Answers;
 *                                                prints "conformance java: P/T", fails on a miss
 * java Runner signing tests/vectors/signing.json the signing vectors
 * </pre>
 */
public final class Runner {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Eko's public UAT credentials (the sandbox's default pair) and test initiator.
  private static final String DEVELOPER_KEY = "becbbce45f79c6f5109f848acd540567";
  private static final String ACCESS_KEY = "d2fe1d99-6298-4af2-8cc5-d97dcf46df30";
  private static final String INITIATOR = "9962981729";
  private static final String USER_CODE = "20810200";
  private static final String REDIRECT_URL = "https://yourapp.example/kyc/callback";

  private final DigilockerApi api;

  private Runner(String baseUri) {
    api = new DigilockerApi(EkoClients.apiClient(baseUri, DEVELOPER_KEY, ACCESS_KEY, Duration.ofSeconds(30)));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("answers")) {
      System.exit(answers(new File(args[1])));
    } else if (args.length == 2 && args[0].equals("corpus")) {
      System.exit(corpus(new File(args[1])));
    } else if (args.length == 2 && args[0].equals("signing")) {
      System.exit(signing(new File(args[1])));
    } else if (args.length == 3 && args[0].equals("journey")) {
      String prefix = "JA" + args[2].charAt(0) + ProcessHandle.current().pid() % 100000;
      ObjectNode steps = journey(args[1], prefix);
      ObjectNode approve = JSON.createObjectNode().put("outcome", "success").putNull("code");
      approve.putObject("values").put("reference_id", steps.get("reference_id").asLong())
          .put("verification_id", steps.get("verification_id").asText());
      steps.set("approve", approve);
      ((ObjectNode) steps.get("create")).put("client_ref_id", steps.get("create_client_ref_id").asText());
      for (String name : List.of("create", "forced_301", "pending", "approve", "status", "document")) {
        ObjectNode line = JSON.createObjectNode().put("name", name);
        line.setAll((ObjectNode) steps.get(name));
        System.out.println(JSON.writeValueAsString(line));
      }
    } else {
      System.err.println("usage: Runner answers FILE | corpus FILE | signing FILE | journey BASE_URL PROFILE");
      System.exit(2);
    }
  }

  static <D> ObjectNode reading(Answer<D> answer) {
    ObjectNode node = JSON.createObjectNode();
    node.put("outcome", answer.outcome().wireName());
    if (answer.code() == null) {
      node.putNull("code");
    } else {
      node.put("code", answer.code());
    }
    node.put("message", answer.message());
    // the generated model's own encoding (the client's ObjectMapper)
    JsonNode values = answer.data() == null ? null : EkoClients.objectMapper().valueToTree(answer.data());
    node.set("values", values == null ? JSON.createObjectNode() : values);
    return node;
  }

  ObjectNode create(String clientRefId) throws ApiException {
    CreateDigilockerUrlRequest body =
        new CreateDigilockerUrlRequest()
            .initiatorId(INITIATOR)
            .userCode(USER_CODE)
            .clientRefId(clientRefId)
            .documentRequested(List.of(DocumentType.AADHAAR))
            .redirectUrl(URI.create(REDIRECT_URL));
    return reading(Answers.create(() -> api.createDigilockerUrlWithHttpInfo(body)));
  }

  ObjectNode status(long referenceId, String clientRefId) throws ApiException {
    return reading(
        Answers.status(
            () -> api.getDigilockerVerificationStatusWithHttpInfo(INITIATOR, referenceId, USER_CODE, clientRefId)));
  }

  ObjectNode document(long referenceId, String verificationId, String clientRefId)
      throws ApiException {
    GetDigilockerDocumentRequest body =
        new GetDigilockerDocumentRequest()
            .initiatorId(INITIATOR)
            .userCode(USER_CODE)
            .clientRefId(clientRefId)
            .documentType(List.of(DocumentType.AADHAAR))
            .verificationId(verificationId)
            .referenceId(Long.toString(referenceId));
    return reading(Answers.document(() -> api.getDigilockerDocumentWithHttpInfo(body)));
  }

  ObjectNode call(String operation) throws ApiException {
    switch (operation) {
      case "createDigilockerUrl":
        return create("CORPUS");
      case "getDigilockerVerificationStatus":
        return status(1, "CORPUS");
      case "getDigilockerDocument":
        return document(1, "VER-1", "CORPUS");
      default:
        throw new IllegalArgumentException("unknown operation " + operation);
    }
  }

  /** The answer the loopback server gives: the case's body exactly as the corpus has it. */
  private static final class Served {
    volatile int status;
    volatile byte[] body;
    volatile boolean json;
  }

  /** Every answers case's reading as one protocol line; the harness compares. */
  static int answers(File file) throws IOException {
    JsonNode cases = JSON.readTree(file).get("cases");
    Served served = new Served();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange
              .getResponseHeaders()
              .set("content-type", served.json ? "application/json" : "text/html; charset=utf-8");
          exchange.sendResponseHeaders(served.status, served.body.length == 0 ? -1 : served.body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(served.body);
          }
        });
    server.start();
    try {
      Runner runner = new Runner("http://127.0.0.1:" + server.getAddress().getPort());
      for (JsonNode item : cases) {
        JsonNode body = item.get("body");
        served.status = item.get("http_status").asInt();
        // a JSON string stands for a non-JSON body; body_text is exact JSON bytes
        served.json = item.has("body_text") || !body.isTextual();
        String text = item.has("body_text") ? item.get("body_text").asText()
            : body.isTextual() ? body.asText() : JSON.writeValueAsString(body);
        served.body = text.getBytes(StandardCharsets.UTF_8);
        try {
          ObjectNode line = JSON.createObjectNode().put("name", item.get("name").asText());
          line.setAll(runner.call(item.get("operation").asText()));
          System.out.println(JSON.writeValueAsString(line));
        } catch (ApiException | RuntimeException e) {
          System.err.println(item.get("name").asText() + ": " + e);
        }
      }
    } finally {
      server.stop(0);
    }
    return 0;
  }

  static int corpus(File file) throws IOException {
    JsonNode cases = JSON.readTree(file).get("cases");
    Served served = new Served();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange
              .getResponseHeaders()
              .set("content-type", served.json ? "application/json" : "text/html; charset=utf-8");
          exchange.sendResponseHeaders(served.status, served.body.length == 0 ? -1 : served.body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(served.body);
          }
        });
    server.start();
    int passed = 0;
    try {
      Runner runner = new Runner("http://127.0.0.1:" + server.getAddress().getPort());
      for (JsonNode item : cases) {
        JsonNode body = item.get("body");
        served.status = item.get("http_status").asInt();
        served.json = !body.isTextual(); // a JSON string stands for a non-JSON body
        served.body =
            (body.isTextual() ? body.asText() : JSON.writeValueAsString(body))
                .getBytes(StandardCharsets.UTF_8);
        List<String> problems;
        try {
          problems = compare(item.get("expect"), runner.call(item.get("operation").asText()));
        } catch (ApiException | RuntimeException e) {
          problems = List.of(e.toString());
        }
        for (String problem : problems) {
          System.out.println("FAIL " + item.get("name").asText() + ": " + problem);
        }
        passed += problems.isEmpty() ? 1 : 0;
      }
    } finally {
      server.stop(0);
    }
    System.out.println("conformance java: " + passed + "/" + cases.size());
    return passed == cases.size() && passed > 0 ? 0 : 1;
  }

  /** How a reading differs from a case's expectation, each value compared as JSON. */
  static List<String> compare(JsonNode expect, ObjectNode got) {
    List<String> problems = new ArrayList<>();
    if (!expect.get("outcome").equals(got.get("outcome"))) {
      problems.add("outcome " + got.get("outcome") + " (" + got.get("message") + "), want " + expect.get("outcome"));
    }
    if (!sameNumberOrNull(expect.get("code"), got.get("code"))) {
      problems.add("code " + got.get("code") + ", want " + expect.get("code"));
    }
    JsonNode values = got.get("values");
    expect
        .path("values")
        .fields()
        .forEachRemaining(
            field -> {
              JsonNode value = values.get(field.getKey());
              if (!Objects.equals(normalise(field.getValue()), normalise(value))) {
                problems.add(field.getKey() + " = " + value + ", want " + field.getValue());
              }
            });
    return problems;
  }

  private static boolean sameNumberOrNull(JsonNode a, JsonNode b) {
    if (a == null || a.isNull() || b == null || b.isNull()) {
      return (a == null || a.isNull()) && (b == null || b.isNull());
    }
    return a.isIntegralNumber() && b.isIntegralNumber() && a.asLong() == b.asLong();
  }

  /** The same JSON text parsed again, so that 3000000001 as int or long compares equal. */
  private static JsonNode normalise(JsonNode node) {
    try {
      return node == null ? null : JSON.readTree(JSON.writeValueAsString(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static int signing(File file) throws IOException {
    JsonNode vectors = JSON.readTree(file).get("vectors");
    int passed = 0;
    for (JsonNode vector : vectors) {
      String got = EkoSigning.signSecretKey(vector.get("access_key").asText(), vector.get("timestamp").asText());
      if (got.equals(vector.get("secret_key").asText())) {
        passed++;
      } else {
        System.out.println("FAIL " + vector.get("name").asText() + ": got " + got);
      }
    }
    System.out.println("signing java: " + passed + "/" + vectors.size());
    return passed == vectors.size() && passed > 0 ? 0 : 1;
  }

  static ObjectNode journey(String baseUri, String prefix) throws Exception {
    Runner runner = new Runner(baseUri);
    ObjectNode steps = JSON.createObjectNode();
    String createRef = prefix + "-create";
    ObjectNode created = runner.create(createRef);
    steps.set("create", created);
    steps.put("create_client_ref_id", createRef);
    if (!created.get("outcome").asText().equals("success")) {
      throw new IllegalStateException("create: " + created);
    }
    long referenceId = created.get("values").get("reference_id").asLong();
    steps.set("forced_301", runner.create("SCENARIO-301"));
    steps.set("pending", runner.status(referenceId, prefix + "-pending"));
    String verificationId = approve(baseUri, referenceId);
    steps.put("reference_id", referenceId);
    steps.put("verification_id", verificationId);
    steps.set("status", runner.status(referenceId, prefix + "-status"));
    steps.set("document", runner.document(referenceId, verificationId, prefix + "-doc"));
    return steps;
  }

  /** Consents as the customer would, through POST /_sandbox/sessions/{id}/approve. */
  static String approve(String baseUri, long referenceId) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(baseUri + "/_sandbox/sessions/" + referenceId + "/approve"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode session = JSON.readTree(response.body());
    if (response.statusCode() != 200 || !session.path("verification_id").isTextual()) {
      throw new IllegalStateException("approve: HTTP " + response.statusCode());
    }
    return session.get("verification_id").asText();
  }
}
