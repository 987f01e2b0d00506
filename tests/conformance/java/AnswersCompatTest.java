import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import eko.digilocker.Answer;
import eko.digilocker.Answers;
import eko.digilocker.EkoClients;
import eko.digilocker.client.ApiClient;
import eko.digilocker.client.ApiException;
import eko.digilocker.client.api.DigilockerApi;
import eko.digilocker.client.model.CreateDigilockerUrlRequest;
import eko.digilocker.client.model.DigilockerUrlPayload;
import eko.digilocker.client.model.DocumentType;
import eko.digilocker.client.model.GetDigilockerDocumentRequest;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * 2.0.0's Java API (the generated client on EkoClients.apiClient, read by the deprecated
 * Answers) still compiles and reads every answers corpus case as the corpus says: the
 * adapters over the SDK's Reading keep 2.1.0 a minor release. Run by `make java-test`.
 *
 * <pre>java AnswersCompatTest tests/vectors/answers.json</pre>
 */
@SuppressWarnings("deprecation")
public final class AnswersCompatTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DEVELOPER_KEY = "becbbce45f79c6f5109f848acd540567";
  static final String ACCESS_KEY = "d2fe1d99-6298-4af2-8cc5-d97dcf46df30";

  /**
   * docs/other-languages.md's Java example as 2.0.0 had it (and as the docs still show it,
   * test_docs_examples.py checks), word for word; it prints one line, which is returned.
   */
  static String example(String baseUri, String developerKey, String accessKey) throws ApiException {
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      ApiClient client = EkoClients.apiClient(
          baseUri, developerKey, accessKey, Duration.ofSeconds(30));
      DigilockerApi api = new DigilockerApi(client);

      CreateDigilockerUrlRequest body = new CreateDigilockerUrlRequest()
          .initiatorId("9962981729")
          .documentRequested(List.of(DocumentType.AADHAAR))
          .redirectUrl(URI.create("https://yourapp.example/kyc/callback"));
      Answer<DigilockerUrlPayload> answer = Answers.create(() -> api.createDigilockerUrlWithHttpInfo(body));
      switch (answer.outcome()) {
        case SUCCESS -> System.out.println(answer.data().getReferenceId()); // Long
        case PENDING, BUSINESS_ERROR -> System.out.println(answer.code() + " " + answer.message());
        default -> System.out.println("HTTP " + answer.httpStatus() + ": " + answer.message());
      }
    } finally {
      System.setOut(stdout);
    }
    return printed.toString(StandardCharsets.UTF_8).strip();
  }

  /** The answer the loopback server gives: a case's bytes exactly. */
  static final class Served {
    volatile int status;
    volatile byte[] body;
    volatile boolean json;
  }

  public static void main(String[] args) throws Exception {
    JsonNode cases = JSON.readTree(new File(args[0])).get("cases");
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
    List<String> failures = new ArrayList<>();
    int passed = 0;
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      DigilockerApi api = new DigilockerApi(EkoClients.apiClient(base, DEVELOPER_KEY, ACCESS_KEY, Duration.ofSeconds(30)));
      for (JsonNode item : cases) {
        String name = item.get("name").asText();
        JsonNode body = item.get("body");
        served.status = item.get("http_status").asInt();
        served.json = item.has("body_text") || !body.isTextual(); // a JSON string stands for a non-JSON body
        String text = item.has("body_text") ? item.get("body_text").asText()
            : body.isTextual() ? body.asText() : JSON.writeValueAsString(body);
        served.body = text.getBytes(StandardCharsets.UTF_8);
        List<String> problems;
        try {
          problems = compare(item.get("expect"), read(api, item.get("operation").asText()));
        } catch (ApiException | RuntimeException e) {
          problems = List.of("raised " + e);
        }
        problems.forEach(p -> failures.add(name + ": " + p));
        passed += problems.isEmpty() ? 1 : 0;
      }
      // the example itself, on a success and on a business error
      served.status = 200;
      served.json = true;
      served.body = "{\"status\":0,\"message\":\"ok\",\"data\":{\"reference_id\":3000000001,\"url\":\"https://digilocker.example/c\"}}"
          .getBytes(StandardCharsets.UTF_8);
      expect(failures, "the 2.0.0 example, a success", example(base, DEVELOPER_KEY, ACCESS_KEY), "3000000001");
      served.body = "{\"status\":301,\"message\":\"Invalid redirect URL\",\"data\":[]}".getBytes(StandardCharsets.UTF_8);
      expect(failures, "the 2.0.0 example, a business error", example(base, DEVELOPER_KEY, ACCESS_KEY), "301 Invalid redirect URL");
    } finally {
      server.stop(0);
    }
    int total = cases.size() + 2;
    int ok = passed + 2 - (int) failures.stream().filter(f -> f.startsWith("the 2.0.0 example")).count();
    System.out.println("answers (2.0.0 API) java: " + ok + "/" + total);
    failures.forEach(f -> System.out.println("FAIL " + f));
    System.exit(failures.isEmpty() && cases.size() > 0 ? 0 : 1);
  }

  /** One corpus case's answer, read as 2.0.0 code reads it. */
  static Answer<?> read(DigilockerApi api, String operation) throws ApiException {
    return switch (operation) {
      case "createDigilockerUrl" -> {
        CreateDigilockerUrlRequest body = new CreateDigilockerUrlRequest().initiatorId("9962981729").clientRefId("CORPUS")
            .documentRequested(List.of(DocumentType.AADHAAR)).redirectUrl(URI.create("https://yourapp.example/kyc/callback"));
        yield Answers.create(() -> api.createDigilockerUrlWithHttpInfo(body));
      }
      case "getDigilockerVerificationStatus" ->
          Answers.status(() -> api.getDigilockerVerificationStatusWithHttpInfo("9962981729", 1L, null, "CORPUS"));
      case "getDigilockerDocument" -> {
        GetDigilockerDocumentRequest body = new GetDigilockerDocumentRequest().initiatorId("9962981729").clientRefId("CORPUS")
            .referenceId("1").verificationId("VER-1").documentType(List.of(DocumentType.AADHAAR));
        yield Answers.document(() -> api.getDigilockerDocumentWithHttpInfo(body));
      }
      default -> throw new IllegalArgumentException("unknown operation " + operation);
    };
  }

  /** How an Answer differs from a case's expectation (outcome, code, each expected value as JSON). */
  static List<String> compare(JsonNode expect, Answer<?> answer) throws Exception {
    List<String> problems = new ArrayList<>();
    String outcome = answer.outcome().wireName();
    if (!expect.get("outcome").asText().equals(outcome)) {
      problems.add("outcome " + outcome + " (" + answer.message() + "), want " + expect.get("outcome"));
    }
    JsonNode want = expect.get("code");
    boolean same = want == null || want.isNull() ? answer.code() == null : answer.code() != null && answer.code() == want.asLong();
    if (!same) {
      problems.add("code " + answer.code() + ", want " + want);
    }
    // the generated model's own encoding, parsed again so that int and long compare equal
    JsonNode values = answer.data() == null ? JSON.createObjectNode()
        : JSON.readTree(EkoClients.objectMapper().writeValueAsString(answer.data()));
    var fields = expect.path("values").fields();
    while (fields.hasNext()) {
      var field = fields.next();
      JsonNode value = values.get(field.getKey());
      if (!JSON.readTree(field.getValue().toString()).equals(value)) {
        problems.add(field.getKey() + " = " + value + ", want " + field.getValue());
      }
    }
    return problems;
  }

  static void expect(List<String> failures, String name, String got, String want) {
    if (!want.equals(got)) {
      failures.add(name + ": got " + got + ", want " + want);
    }
  }
}
