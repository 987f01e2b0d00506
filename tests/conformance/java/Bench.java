import com.sun.net.httpserver.HttpServer;
import eko.digilocker.CreateInput;
import eko.digilocker.EkoClient;
import eko.digilocker.EkoSigning;
import eko.digilocker.Keys;
import eko.digilocker.client.ApiClient;
import eko.digilocker.client.api.DigilockerApi;
import eko.digilocker.client.model.CreateDigilockerUrlRequest;
import eko.digilocker.client.model.DigilockerUrlEnvelope;
import eko.digilocker.client.model.DocumentType;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The SDK's call against the bare generated client's call (DigilockerApi with the signing
 * interceptor, nothing else), both to the same in-process stub server in the same run:
 * rounds alternate between the two, and the median round of each is compared. `make bench`
 * prints the ratio; the target is at most 1.25.
 */
public final class Bench {
  static final String ANSWER = "{\"status\":0,\"response_status_id\":0,\"response_type_id\":1,\"message\":\"Success\","
      + "\"data\":{\"reference_id\":3000000001,\"url\":\"https://digilocker.example/consent/3000000001\","
      + "\"document_requested\":[\"AADHAAR\"],\"redirect_url\":\"https://yourapp.example/kyc/callback\"}}";
  static final String REDIRECT = "https://yourapp.example/kyc/callback";
  static final Keys KEYS = new Keys("becbbce45f79c6f5109f848acd540567", "d2fe1d99-6298-4af2-8cc5-d97dcf46df30");

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    // without it the stub's answers wait for TCP's delayed ACK (40 ms), and both clients time that
    System.setProperty("sun.net.httpserver.nodelay", "true");
    byte[] answer = ANSWER.getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("content-type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();

    EkoClient eko = EkoClient.builder().baseUrl(url).keys(KEYS).initiatorId("9962981729").userCode("20810200")
        .env(java.util.Map.of()).build();
    Runnable sdk = () -> {
      if (eko.createDigilockerUrl(CreateInput.of(REDIRECT)).referenceId() != 3000000001L) throw new AssertionError();
    };

    ApiClient client = new ApiClient();
    client.updateBaseUri(url);
    client.setRequestInterceptor(new EkoSigning(KEYS.developerKey(), KEYS.accessKey()));
    DigilockerApi api = new DigilockerApi(client);
    Runnable bare = () -> {
      CreateDigilockerUrlRequest body = new CreateDigilockerUrlRequest().initiatorId("9962981729").userCode("20810200")
          .clientRefId("BENCH-1").documentRequested(List.of(DocumentType.AADHAAR)).redirectUrl(URI.create(REDIRECT));
      try {
        DigilockerUrlEnvelope envelope = api.createDigilockerUrl(body);
        if (envelope.getData().getReferenceId() != 3000000001L) throw new AssertionError();
      } catch (eko.digilocker.client.ApiException e) {
        throw new IllegalStateException(e);
      }
    };

    time(sdk, calls * 4); // warm-up: load, compile
    time(bare, calls * 4);
    double[] sdkRounds = new double[rounds];
    double[] bareRounds = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      sdkRounds[r] = time(sdk, calls);
      bareRounds[r] = time(bare, calls);
    }
    server.stop(0);
    double s = median(sdkRounds);
    double b = median(bareRounds);
    System.out.printf("java SDK call: %.0f us; bare generated client call: %.0f us; ratio %.2fx (target <= 1.25x; median of %d rounds of %d calls)%n",
        s, b, s / b, rounds, calls);
    System.exit(0);
  }

  /** Microseconds per call over {@code n} calls. */
  static double time(Runnable call, int n) {
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      call.run();
    }
    return (System.nanoTime() - started) / 1000.0 / n;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
