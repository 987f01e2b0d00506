import com.sun.net.httpserver.HttpServer;
import eko.digilocker.CreateInput;
import eko.digilocker.EkoClient;
import eko.digilocker.EkoConfigurationException;
import eko.digilocker.EkoConnectionException;
import eko.digilocker.EkoValidationException;
import eko.digilocker.Keys;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The Java SDK's settings and its use from many threads (the corpora in make conformance
 * cover calls, answers and returns): run by `make java-test`.
 */
public final class SdkTest {
  static final Map<String, String> ENV = Map.of(
      "EKO_DEVELOPER_KEY", "becbbce45f79c6f5109f848acd540567",
      "EKO_ACCESS_KEY", "d2fe1d99-6298-4af2-8cc5-d97dcf46df30",
      "EKO_INITIATOR_ID", "9962981729");
  static final List<String> FAILURES = new ArrayList<>();
  static int checks;

  public static void main(String[] args) throws Exception {
    check("environment uat from the spec's servers, keys from EKO_*",
        () -> EkoClient.builder().environment("uat").env(ENV).build().baseUrl(), "https://staging.eko.in/ekoapi/v3");
    check("EKO_ENVIRONMENT names the environment",
        () -> EkoClient.builder().env(with("EKO_ENVIRONMENT", "production")).build().baseUrl(), "https://api.eko.in/ekoicici/v3");
    check("EKO_BASE_URL, without a trailing slash",
        () -> EkoClient.builder().env(with("EKO_BASE_URL", "http://127.0.0.1:8080/")).build().baseUrl(), "http://127.0.0.1:8080");
    check("an argument beats its variable",
        () -> EkoClient.builder().baseUrl("http://127.0.0.1:9").env(with("EKO_BASE_URL", "http://127.0.0.1:8080")).build().baseUrl(),
        "http://127.0.0.1:9");
    refused("every missing setting named at once", () -> EkoClient.builder().env(Map.of()).build(),
        "missing settings: developer_key (or EKO_DEVELOPER_KEY), access_key (or EKO_ACCESS_KEY), initiator_id (or EKO_INITIATOR_ID)");
    refused("baseUrl and environment together", () -> EkoClient.builder().baseUrl("http://x").environment("uat").env(ENV).build(),
        "give baseUrl or environment, not both");
    refused("an unknown environment", () -> EkoClient.builder().environment("moon").env(ENV).build(), "unknown environment 'moon'");
    refused("a key a header cannot carry, not shown", () -> EkoClient.builder().environment("uat").env(ENV)
        .keys(new Keys("dev\nkey", "secret")).build(), "developer_key must be visible ASCII characters; character 4 of 7");
    refused("a negative maxRetries", () -> EkoClient.builder().maxRetries(-1), "maxRetries must be 0 or more");
    EkoClient offline = EkoClient.builder().baseUrl("http://127.0.0.1:9").env(ENV).build();
    try {
      offline.createDigilockerUrl(CreateInput.of("not a url").withDocuments(List.of("PASSPORT")));
      fail("bad input refused", "no exception");
    } catch (EkoValidationException e) {
      expect("bad input refused, by field", e.fields(), List.of("document_requested[0]", "redirect_url"));
    }
    expect("the policy comes from the spec", offline.policy("getDigilockerVerificationStatus").idempotent(), true);
    manyThreads();
    closedBeforeAnswer(false);
    closedBeforeAnswer(true);
    System.out.println("sdk java: " + (checks - FAILURES.size()) + "/" + checks + (FAILURES.isEmpty() ? "" : " FAILED: " + FAILURES));
    System.exit(FAILURES.isEmpty() ? 0 : 1);
  }

  /** One client, 8 threads, 400 calls: every call succeeds, each with its own client_ref_id and timestamp. */
  static void manyThreads() throws Exception {
    byte[] answer = ("{\"status\":0,\"message\":\"ok\",\"data\":{\"reference_id\":3000000001,"
        + "\"url\":\"https://digilocker.example/consent\"}}").getBytes(StandardCharsets.UTF_8);
    Set<String> refs = ConcurrentHashMap.newKeySet();
    Set<String> stamps = ConcurrentHashMap.newKeySet();
    Set<String> agents = ConcurrentHashMap.newKeySet();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      refs.add(body.replaceAll(".*\"client_ref_id\":\"([^\"]*)\".*", "$1"));
      stamps.add(exchange.getRequestHeaders().getFirst("secret-key-timestamp"));
      agents.add(exchange.getRequestHeaders().getFirst("user-agent"));
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
    EkoClient eko = EkoClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort()).env(ENV).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Long>> calls = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      calls.add(pool.submit(() -> eko.createDigilockerUrl(CreateInput.of("https://yourapp.example/kyc/callback")).referenceId()));
    }
    int ok = 0;
    for (Future<Long> call : calls) {
      ok += call.get() == 3000000001L ? 1 : 0;
    }
    pool.shutdown();
    server.stop(0);
    expect("400 calls from 8 threads succeed", ok, 400);
    expect("each with its own client_ref_id", refs.size(), 400);
    expect("each signed with its own timestamp", stamps.size(), 400);
    expect("a User-Agent naming the SDK", agents.stream().allMatch(a -> a.startsWith("eko-digilocker-java/")), true);
  }

  /**
   * A status GET whose first connection the server closes before answering: JDK 17's
   * HttpClient would replay it by itself with the same signature (SentOnce refuses that), so
   * the server sees the SDK's own attempts only, each signed later than the one before.
   */
  static void closedBeforeAnswer(boolean async) throws Exception {
    String form = async ? " (async)" : "";
    for (int retries : new int[] {2, 0}) {
      List<Long> stamps = new CopyOnWriteArrayList<>();
      try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        Thread serving = new Thread(() -> closeFirst(server, stamps));
        serving.setDaemon(true);
        serving.start();
        EkoClient eko = EkoClient.builder().baseUrl("http://127.0.0.1:" + server.getLocalPort()).env(ENV)
            .timeout(Duration.ofSeconds(10)).maxRetries(retries).build();
        Object got;
        try {
          got = async ? eko.getVerificationStatusAsync(1).join().data().getStatus() : eko.getVerificationStatus(1).data().getStatus();
        } catch (EkoConnectionException e) {
          got = e.getClass().getSimpleName();
        } catch (CompletionException e) {
          got = e.getCause().getClass().getSimpleName();
        }
        String name = "closed before the answer, maxRetries " + retries + form;
        expect(name + ": the result", String.valueOf(got), retries > 0 ? "AUTHENTICATED" : "EkoConnectionException");
        expect(name + ": requests the server got", stamps.size(), retries > 0 ? 2 : 1);
        expect(name + ": each signed later than the one before",
            stamps.size() < 2 || stamps.get(1) > stamps.get(0), true);
      }
    }
  }

  /** Serves {@code server}: closes the first request's connection unanswered, answers the others. */
  static void closeFirst(ServerSocket server, List<Long> stamps) {
    byte[] ok = "{\"status\":0,\"message\":\"ok\",\"data\":{\"status\":\"AUTHENTICATED\"}}".getBytes(StandardCharsets.US_ASCII);
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) break;
          head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String stamp = text.replaceAll("(?is).*\r\nsecret-key-timestamp: *([0-9]+).*", "$1");
        if (!text.endsWith("\r\n\r\n")) {
          continue; // a connection closed without a request
        }
        stamps.add(Long.parseLong(stamp));
        if (stamps.size() > 1) {
          OutputStream out = socket.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: " + ok.length
              + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(ok);
          out.flush();
        }
      } catch (Exception e) {
        // the server was closed, or the client hung up
      }
    }
  }

  static Map<String, String> with(String name, String value) {
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put(name, value);
    return env;
  }

  static void check(String name, Supplier<Object> got, Object want) {
    try {
      expect(name, got.get(), want);
    } catch (RuntimeException e) {
      fail(name, e.toString());
    }
  }

  static void refused(String name, Supplier<Object> call, String message) {
    checks++;
    try {
      call.get();
      FAILURES.add(name + ": not refused");
    } catch (EkoConfigurationException e) {
      if (!e.getMessage().startsWith(message)) {
        FAILURES.add(name + ": " + e.getMessage());
      }
    }
  }

  static void expect(String name, Object got, Object want) {
    checks++;
    if (!want.equals(got)) {
      FAILURES.add(name + ": got " + got + ", want " + want);
    }
  }

  static void fail(String name, String why) {
    checks++;
    FAILURES.add(name + ": " + why);
  }
}
