package eko.digilocker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import eko.digilocker.EkoValidationException.FieldError;
import eko.digilocker.client.model.DigilockerDocumentPayload;
import eko.digilocker.client.model.DigilockerUrlPayload;
import eko.digilocker.client.model.VerificationStatusPayload;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Eko's DigiLocker API: create a consent session, read its status, fetch its documents, wait
 * for the customer. Thread-safe; one instance serves a whole application.
 *
 * <pre>{@code
 * EkoClient eko = EkoClient.builder().baseUrl(url).keys(keys).initiatorId("9962981729").build();
 * DigilockerSession s = eko.createDigilockerUrl(CreateInput.of("https://yourapp.com/kyc/callback"));
 * }</pre>
 *
 * <p>Each call has one deadline ({@code timeout}, the spec's {@code x-eko-client.timeout_ms}
 * unless set) covering every attempt, every wait between attempts and every byte of the answer.
 * Retries, backoff and Retry-After follow the spec's policy; every attempt of a call sends the
 * same body bytes (one client_ref_id), signed afresh. Redirects are never followed. Every
 * method has a {@code ...Async} form returning a {@link CompletableFuture}, like
 * {@code HttpClient.sendAsync}; its exceptions are those of the blocking form, wrapped in a
 * {@link CompletionException}.
 */
public final class EkoClient {
  static final String CREATE = "createDigilockerUrl";
  static final String STATUS = "getDigilockerVerificationStatus";
  static final String DOCUMENT = "getDigilockerDocument";
  static final String VERSION = Spec.get().root.path("info").path("version").asText();
  static final String USER_AGENT = "eko-digilocker-java/" + VERSION + " Java/" + System.getProperty("java.version");
  /** The least each poll of waitForConsent gets, so a nearly spent wait still polls once. */
  static final Duration MIN_POLL = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper MODELS = EkoClients.objectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PROCESS_TAG = String.format("%06x", RANDOM.nextInt(1 << 24));
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final HttpClient http;
  private final Settings settings;
  private final Duration timeout; // null: each operation's policy
  private final Integer maxRetries;
  private final Long maxResponseBytes;
  // Each attempt's secret-key-timestamp is later than the last one this process sent: the
  // clock, or one past the last. In a burst of more than 1,000 signatures a second it runs
  // ahead of the clock, at most MAX_AHEAD_MS (far inside Eko's window), as the Python client's.
  static final long MAX_AHEAD_MS = 30_000;
  private static long lastTimestamp;
  private static long lastClock;

  private EkoClient(HttpClient http, Settings settings, Duration timeout, Integer maxRetries, Long maxResponseBytes) {
    this.http = http;
    this.settings = settings;
    this.timeout = timeout;
    this.maxRetries = maxRetries;
    this.maxResponseBytes = maxResponseBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings for {@link EkoClient}; unset values come from EKO_* variables and the spec. */
  public static final class Builder {
    private String baseUrl;
    private String environment;
    private Keys keys;
    private String initiatorId;
    private String userCode;
    private Duration timeout;
    private Integer maxRetries;
    private Long maxResponseBytes;
    private Executor executor;
    private Function<String, String> env = System::getenv;

    private Builder() {}

    /** The API's base URL (e.g. a local sandbox's); or use {@link #environment}. */
    public Builder baseUrl(String url) {
      this.baseUrl = url;
      return this;
    }

    /** An environment the spec names ("uat", "production"...); EKO_ENVIRONMENT, else uat. */
    public Builder environment(String name) {
      this.environment = name;
      return this;
    }

    /** The keys; else EKO_DEVELOPER_KEY and EKO_ACCESS_KEY. */
    public Builder keys(Keys keys) {
      this.keys = keys;
      return this;
    }

    public Builder keys(String developerKey, String accessKey) {
      return keys(new Keys(developerKey, accessKey));
    }

    /** Your registered initiator mobile; else EKO_INITIATOR_ID. */
    public Builder initiatorId(String id) {
      this.initiatorId = id;
      return this;
    }

    /** Your user code; else EKO_USER_CODE (optional). */
    public Builder userCode(String code) {
      this.userCode = code;
      return this;
    }

    /** Each call's whole deadline (attempts, waits, body); the spec's timeout_ms if unset. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("timeout", timeout);
      return this;
    }

    /** Retries after the first attempt; the spec's retry.max_retries if unset. */
    public Builder maxRetries(int n) {
      this.maxRetries = retries(n);
      return this;
    }

    /** The most bytes of one answer read, after decompression; the spec's if unset. */
    public Builder maxResponseBytes(long n) {
      this.maxResponseBytes = bytes(n);
      return this;
    }

    /** The executor HttpClient runs its work on (its default if unset). */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /** Where EKO_* variables are read (System::getenv unless set; for tests). */
    public Builder env(Map<String, String> variables) {
      this.env = variables::get;
      return this;
    }

    public EkoClient build() {
      Settings settings = Settings.resolve(keys, initiatorId, userCode, baseUrl, environment, env);
      boolean follow = Policy.defaults().followRedirects();
      HttpClient.Builder http = HttpClient.newBuilder()
          .followRedirects(follow ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1);
      if (executor != null) {
        http.executor(executor);
      }
      return new EkoClient(http.build(), settings, timeout, maxRetries, maxResponseBytes);
    }
  }

  private static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new EkoConfigurationException(name + " must be a positive duration, not " + d);
    }
    return d;
  }

  private static int retries(int n) {
    if (n < 0) throw new EkoConfigurationException("maxRetries must be 0 or more, not " + n);
    return n;
  }

  private static long bytes(long n) {
    if (n < 1) throw new EkoConfigurationException("maxResponseBytes must be at least 1, not " + n);
    return n;
  }

  /** This client with another per-call deadline (the same connections). */
  public EkoClient withTimeout(Duration t) {
    return new EkoClient(http, settings, positive("timeout", t), maxRetries, maxResponseBytes);
  }

  public EkoClient withMaxRetries(int n) {
    return new EkoClient(http, settings, timeout, retries(n), maxResponseBytes);
  }

  public EkoClient withMaxResponseBytes(long n) {
    return new EkoClient(http, settings, timeout, maxRetries, bytes(n));
  }

  public String baseUrl() {
    return settings.baseUrl();
  }

  /** The policy a call of {@code operationId} follows: the spec's, with this client's settings. */
  public Policy policy(String operationId) {
    return effective(Policy.of(operationId));
  }

  /** The spec's root policy with this client's settings laid over it. */
  public Policy defaultPolicy() {
    return effective(Policy.defaults());
  }

  private Policy effective(Policy p) {
    if (timeout != null) p = p.withTimeout(timeout);
    if (maxRetries != null) p = p.withMaxRetries(maxRetries);
    if (maxResponseBytes != null) p = p.withMaxResponseBytes(maxResponseBytes);
    return p;
  }

  // --- the calls ----------------------------------------------------------------------

  public DigilockerSession createDigilockerUrl(CreateInput input) {
    return join(create(input, true));
  }

  public CompletableFuture<DigilockerSession> createDigilockerUrlAsync(CreateInput input) {
    return create(input, false);
  }

  private CompletableFuture<DigilockerSession> create(CreateInput input, boolean sync) {
    return start(() -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("initiator_id", settings.initiatorId());
      putIfSet(body, "user_code", input.userCode() != null ? input.userCode() : settings.userCode());
      String ref = input.clientRefId() != null ? input.clientRefId() : newClientRefId();
      body.put("client_ref_id", ref);
      strings(body.putArray("document_requested"), input.documentRequested() != null ? input.documentRequested() : defaultDocuments());
      putIfSet(body, "redirect_url", input.redirectUrl());
      Prepared call = prepare(CREATE, "createDigilockerUrl", body, ref);
      Policy policy = policy(CREATE);
      return send(call, policy, deadline(policy), sync).thenApply(data -> {
        DigilockerUrlPayload model = model(call, data, DigilockerUrlPayload.class);
        return new DigilockerSession(model.getReferenceId(), model.getUrl(), ref, model);
      });
    });
  }

  public VerificationStatus getVerificationStatus(long referenceId) {
    return join(status(referenceId, true));
  }

  public CompletableFuture<VerificationStatus> getVerificationStatusAsync(long referenceId) {
    return status(referenceId, false);
  }

  private CompletableFuture<VerificationStatus> status(long referenceId, boolean sync) {
    return start(() -> {
      Prepared call = statusCall(referenceId, "getVerificationStatus");
      Policy policy = policy(STATUS);
      return send(call, policy, deadline(policy), sync)
          .thenApply(data -> new VerificationStatus(model(call, data, VerificationStatusPayload.class)));
    });
  }

  /** The documents the session requested (a status call asks which), in one deadline. */
  public Documents getDocument(long referenceId, String verificationId) {
    return join(document(referenceId, verificationId, null, true));
  }

  public Documents getDocument(long referenceId, String verificationId, List<String> documentType) {
    return join(document(referenceId, verificationId, documentType, true));
  }

  public CompletableFuture<Documents> getDocumentAsync(long referenceId, String verificationId, List<String> documentType) {
    return document(referenceId, verificationId, documentType, false);
  }

  private CompletableFuture<Documents> document(long referenceId, String verificationId, List<String> documentType, boolean sync) {
    return start(() -> {
      Policy policy = policy(DOCUMENT);
      long until = deadline(policy);
      String ref = newClientRefId();
      // validated before anything is sent, with the documents the call will ask for
      Prepared first = documentCall(referenceId, verificationId, documentType != null ? documentType : defaultDocuments(), ref);
      CompletableFuture<List<String>> documents;
      if (documentType != null) {
        documents = CompletableFuture.completedFuture(documentType);
      } else {
        Prepared status = statusCall(referenceId, "getDocument");
        documents = send(status, policy(STATUS), until, sync).handle((data, error) -> {
          if (error != null && !(cause(error) instanceof EkoApiException || cause(error) instanceof EkoResponseException)) {
            throw new CompletionException(cause(error));
          }
          List<String> asked = new ArrayList<>();
          if (data != null) data.path("document_requested").forEach(d -> asked.add(d.asText()));
          return asked.isEmpty() ? defaultDocuments() : asked; // the document call says what is wrong
        });
      }
      return documents.thenCompose(docs -> {
        Prepared call = documentType != null ? first : documentCall(referenceId, verificationId, docs, ref);
        return send(call, policy, until, sync).thenApply(data -> {
          DigilockerDocumentPayload model = model(call, data, DigilockerDocumentPayload.class);
          return new Documents(model.getDocuments() == null ? List.of() : model.getDocuments(), model);
        });
      });
    });
  }

  /** Polls the status every consent_wait.interval_ms (the spec's) until the session ends or {@code timeout} passes. */
  public ConsentResult waitForConsent(long referenceId, Duration timeout) {
    return join(waitForConsent(referenceId, timeout, null, true));
  }

  public ConsentResult waitForConsent(long referenceId, Duration timeout, Duration interval) {
    return join(waitForConsent(referenceId, timeout, interval, true));
  }

  /**
   * The wait: authenticated, denied or expired is a result; a pending answer polls again after
   * {@code interval}; an answer waiting cannot change (bad keys, unknown reference) throws.
   * Each poll's deadline is what is left of {@code timeout}, but at least {@link #MIN_POLL}.
   */
  public CompletableFuture<ConsentResult> waitForConsentAsync(long referenceId, Duration timeout, Duration interval) {
    return waitForConsent(referenceId, timeout, interval, false);
  }

  private CompletableFuture<ConsentResult> waitForConsent(long referenceId, Duration timeout, Duration interval, boolean sync) {
    return start(() -> {
      Policy policy = policy(STATUS);
      Duration wait = timeout != null ? positive("timeout", timeout) : policy.consentTimeout();
      Duration every = interval != null ? positive("interval", interval) : policy.consentInterval();
      long until = System.nanoTime() + wait.toNanos();
      Prepared call = statusCall(referenceId, "waitForConsent");
      return poll(call, policy, until, every.toNanos(), null, sync);
    });
  }

  private CompletableFuture<ConsentResult> poll(Prepared call, Policy policy, long until, long every, EkoApiException last,
      boolean sync) {
    long pollUntil = Math.max(until, System.nanoTime() + MIN_POLL.toNanos());
    return send(call, policy, pollUntil, sync).handle((data, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(
            new ConsentResult(ConsentState.AUTHENTICATED, model(call, data, VerificationStatusPayload.class), null));
      }
      Throwable cause = cause(error);
      if (cause instanceof EkoTimeoutException && System.nanoTime() - until >= 0) {
        return CompletableFuture.completedFuture(new ConsentResult(ConsentState.TIMED_OUT, null, last));
      }
      if (!(cause instanceof EkoApiException api)) {
        return CompletableFuture.<ConsentResult>failedFuture(cause);
      }
      // a closed session is a result, whatever code came with it (the state in its data)
      String state = Reading.state(call.op(), api.data());
      if (ConsentState.CONSENT_DENIED.name().equals(state) || ConsentState.EXPIRED.name().equals(state)) {
        return CompletableFuture.completedFuture(new ConsentResult(ConsentState.valueOf(state), null, api));
      }
      if (api.isFinal()) {
        return CompletableFuture.<ConsentResult>failedFuture(api);
      }
      long remaining = until - System.nanoTime();
      if (remaining <= 0) {
        return CompletableFuture.completedFuture(new ConsentResult(ConsentState.TIMED_OUT, null, api));
      }
      return later(Duration.ofNanos(Math.min(every, remaining)), sync, () -> poll(call, policy, until, every, api, sync));
    }).thenCompose(f -> f);
  }

  // --- preparing a call ----------------------------------------------------------------

  /** One call, validated and encoded: the same bytes go out on every attempt. */
  record Prepared(Spec.Operation op, String name, URI uri, byte[] body, String clientRefId) {}

  private Prepared statusCall(long referenceId, String name) {
    ObjectNode query = JSON.createObjectNode();
    query.put("initiator_id", settings.initiatorId());
    putIfSet(query, "user_code", settings.userCode());
    String ref = newClientRefId();
    query.put("client_ref_id", ref);
    query.put("reference_id", referenceId);
    return prepare(STATUS, name, query, ref);
  }

  private Prepared documentCall(long referenceId, String verificationId, List<String> documents, String ref) {
    ObjectNode body = JSON.createObjectNode();
    body.put("initiator_id", settings.initiatorId());
    putIfSet(body, "user_code", settings.userCode());
    body.put("client_ref_id", ref);
    strings(body.putArray("document_type"), documents);
    putIfSet(body, "verification_id", verificationId);
    // create returns reference_id as a number; this call takes it as a string
    body.put("reference_id", Long.toString(referenceId));
    return prepare(DOCUMENT, "getDocument", body, ref);
  }

  /** The input checked against the spec's schema, then encoded (body or query). */
  private Prepared prepare(String operationId, String name, ObjectNode input, String clientRefId) {
    Spec.Operation op = Spec.get().operation(operationId);
    List<Spec.Problem> problems = Spec.get().check(op.input(), input);
    if (!problems.isEmpty()) {
      throw new EkoValidationException(name, problems.stream().map(p -> new FieldError(p.field(), p.message())).toList());
    }
    String url = settings.baseUrl() + op.path();
    byte[] body = null;
    if (op.method().equals("GET")) {
      StringBuilder query = new StringBuilder();
      input.fields().forEachRemaining(f -> query.append(query.length() == 0 ? "?" : "&")
          .append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(f.getValue().asText(), StandardCharsets.UTF_8)));
      url += query;
    } else {
      try {
        body = JSON.writeValueAsBytes(input);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e); // a tree of strings always encodes
      }
    }
    return new Prepared(op, name, URI.create(url), body, clientRefId);
  }

  private static void strings(com.fasterxml.jackson.databind.node.ArrayNode array, List<String> values) {
    values.forEach(array::add); // a null item stays null, for the spec's check to name
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) node.put(field, value);
  }

  /** The spec's default for create's document_requested. */
  static List<String> defaultDocuments() {
    return DEFAULT_DOCUMENTS;
  }

  private static final List<String> DEFAULT_DOCUMENTS = readDefaultDocuments();

  private static List<String> readDefaultDocuments() {
    List<String> out = new ArrayList<>();
    Spec.get().operation(CREATE).input().path("properties").path("document_requested").path("default")
        .forEach(d -> out.add(d.asText()));
    return List.copyOf(out);
  }

  /**
   * A fresh client_ref_id (20 characters): 11 hex digits of the millisecond clock, 3 of a
   * per-process counter and 6 random to this process, as the Python client makes them.
   */
  static String newClientRefId() {
    StringBuilder id = new StringBuilder(20);
    hex(id, System.currentTimeMillis(), 11);
    hex(id, SEQUENCE.getAndIncrement(), 3);
    return id.append(PROCESS_TAG).toString();
  }

  /** The low {@code digits} hex digits of {@code value}. */
  private static void hex(StringBuilder out, long value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.append(Character.forDigit((int) (value >>> shift) & 0xF, 16));
    }
  }

  private <T> T model(Prepared call, JsonNode data, Class<T> type) {
    try {
      return MODELS.treeToValue(data, type);
    } catch (JsonProcessingException e) {
      throw new EkoResponseException(call.name() + ": success answer could not be read as " + type.getSimpleName(),
          EkoResponseException.Problem.MALFORMED, 200, data.toString());
    }
  }

  // --- sending: attempts, retries, the deadline ------------------------------------------

  private static long deadline(Policy policy) {
    return System.nanoTime() + policy.timeout().toNanos();
  }

  /**
   * Attempts until an answer is final, the retries are spent or the deadline passes. The
   * blocking calls run it on the caller's thread (HttpClient.send, which saves the hand-off
   * to an executor that sendAsync makes), the async ones as a chain of futures; both take
   * each decision in {@link #next}.
   */
  private CompletableFuture<JsonNode> send(Prepared call, Policy policy, long until, boolean sync) {
    if (!sync) {
      return attempt(call, policy, until, 0);
    }
    try {
      return CompletableFuture.completedFuture(sendBlocking(call, policy, until));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private JsonNode sendBlocking(Prepared call, Policy policy, long until) {
    for (int n = 0; ; n++) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        throw timedOut(call, n, null);
      }
      Attempt attempt = new Attempt(until);
      Deadlines.watch(attempt);
      HttpResponse<byte[]> response = null;
      Throwable error = null;
      try {
        response = http.send(signed(call, Duration.ofNanos(left)), attempt.handler(policy.maxResponseBytes()));
      } catch (IOException e) {
        error = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EkoConnectionException(call.name() + ": interrupted while waiting for an answer", e);
      } finally {
        Deadlines.forget(attempt);
      }
      Step step = next(call, policy, until, n, response, error);
      if (step.delay() == null) {
        return step.result();
      }
      try {
        Thread.sleep(step.delay().toMillis(), step.delay().toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EkoConnectionException(call.name() + ": interrupted while waiting to retry", e);
      }
    }
  }

  private CompletableFuture<JsonNode> attempt(Prepared call, Policy policy, long until, int n) {
    long left = until - System.nanoTime();
    if (left <= 0) {
      return CompletableFuture.failedFuture(timedOut(call, n, null));
    }
    Attempt attempt = new Attempt(until);
    Deadlines.watch(attempt);
    return http.sendAsync(signed(call, Duration.ofNanos(left)), attempt.handler(policy.maxResponseBytes()))
        .handle((response, error) -> {
          Deadlines.forget(attempt);
          try {
            Step step = next(call, policy, until, n, response, error == null ? null : cause(error));
            return step.delay() == null
                ? CompletableFuture.completedFuture(step.result())
                : later(step.delay(), false, () -> attempt(call, policy, until, n + 1));
          } catch (RuntimeException e) {
            return CompletableFuture.<JsonNode>failedFuture(e);
          }
        })
        .thenCompose(f -> f);
  }

  /** Ends the reading of an attempt's body when the call's deadline passes. */
  private static final class Attempt implements Deadlines.Watched {
    private final long until;
    private volatile BoundedBody body;
    private volatile boolean expired;

    Attempt(long until) {
      this.until = until;
    }

    HttpResponse.BodyHandler<byte[]> handler(long limit) {
      return BoundedBody.handler(limit, created -> {
        body = created;
        if (expired || System.nanoTime() - until >= 0) {
          created.expire();
        }
      });
    }

    @Override
    public long until() {
      return until;
    }

    @Override
    public void expire() {
      expired = true;
      BoundedBody reading = body;
      if (reading != null) {
        reading.expire();
      }
    }
  }

  /** What comes of an attempt: the answer's data, or a wait before the next attempt. */
  private record Step(JsonNode result, Duration delay) {}

  /** The answer read, the wait before a retry, or the typed exception (thrown). */
  private Step next(Prepared call, Policy policy, long until, int n, HttpResponse<byte[]> response, Throwable error) {
    if (error != null) {
      return new Step(null, afterFailure(call, policy, until, n, error));
    }
    Duration wait = retryWait(call, policy, response, n, until);
    return wait != null ? new Step(null, wait) : new Step(Reading.read(call.op(), response.statusCode(), response.body()), null);
  }

  /** The wait before trying again after this answer, or null when it is final. */
  private static Duration retryWait(Prepared call, Policy policy, HttpResponse<byte[]> response, int n, long until) {
    if (n >= policy.maxRetries() || !policy.idempotent() || !policy.retryStatuses().contains(response.statusCode())) {
      return null;
    }
    Duration wait = retryAfter(response.headers().firstValue("retry-after").orElse(null), policy);
    if (wait == null) wait = policy.backoff(n);
    return System.nanoTime() + wait.toNanos() - until >= 0 ? null : wait; // no time left: this answer is the result
  }

  /** A Retry-After of delta-seconds or an HTTP-date, when between 0 and retry_after.max_ms. */
  static Duration retryAfter(String value, Policy policy) {
    if (value == null || value.isBlank()) return null;
    Duration wait;
    try {
      wait = Duration.ofMillis(Math.round(Double.parseDouble(value.strip()) * 1000));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        wait = Duration.ofMillis(Math.max(0, when.toInstant().toEpochMilli() - System.currentTimeMillis()));
      } catch (DateTimeParseException | ArithmeticException e2) {
        return null;
      }
    } catch (ArithmeticException e) {
      return null;
    }
    return wait.isNegative() || wait.compareTo(policy.retryAfterMax()) > 0 ? null : wait;
  }

  /** The wait before a retry after a failed attempt, or the typed exception (thrown). */
  private Duration afterFailure(Prepared call, Policy policy, long until, int n, Throwable cause) {
    Throwable root = cause;
    while (root instanceof IOException && root.getCause() instanceof IOException) {
      root = root.getCause(); // HttpClient.send wraps what the body subscriber raised
    }
    if (SentOnce.refused(cause)) {
      // closed before the answer, HttpClient's replay refused: the SDK's maybe-sent retry
      root = new SentOnce.Replay();
      cause = new IOException(root.getMessage(), cause);
    }
    if (root instanceof BoundedBody.TooLarge) {
      throw new EkoResponseException(call.name() + ": " + root.getMessage(), EkoResponseException.Problem.TOO_LARGE, null, "");
    }
    if (root instanceof BoundedBody.BadEncoding) {
      throw new EkoResponseException(call.name() + ": " + root.getMessage(), EkoResponseException.Problem.ENCODING, null, "");
    }
    if (!(cause instanceof IOException)) {
      throw cause instanceof RuntimeException r ? r : new EkoConnectionException(call.name() + ": " + cause, cause);
    }
    boolean outOfTime = System.nanoTime() - until >= 0;
    boolean notSent = root instanceof ConnectException || root instanceof HttpConnectTimeoutException;
    if (!outOfTime && n < policy.maxRetries() && (notSent ? policy.retriesNotSent() : policy.retriesMaybeSent())) {
      Duration wait = policy.backoff(n);
      if (System.nanoTime() + wait.toNanos() - until < 0) {
        return wait;
      }
    }
    if (outOfTime || root instanceof HttpTimeoutException) {
      throw timedOut(call, n + 1, cause);
    }
    throw new EkoConnectionException(call.name() + ": request to " + call.uri().getHost() + " failed (" + (n + 1)
        + " attempt(s); last: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")", cause);
  }

  private static EkoTimeoutException timedOut(Prepared call, int attempts, Throwable cause) {
    return new EkoTimeoutException(call.name() + ": no complete answer from " + call.uri().getHost()
        + " before the call's deadline (" + attempts + " attempt(s) sent)", cause);
  }

  /** {@code next} after {@code wait}: on this thread for a blocking call, else on a timer. */
  private static <T> CompletableFuture<T> later(Duration wait, boolean sync, java.util.function.Supplier<CompletableFuture<T>> next) {
    if (sync) {
      try {
        Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(new EkoConnectionException("interrupted while waiting", e));
      }
      return next.get();
    }
    Executor delayed = CompletableFuture.delayedExecutor(wait.toNanos(), TimeUnit.NANOSECONDS);
    return CompletableFuture.supplyAsync(() -> null, delayed).thenCompose(x -> next.get());
  }


  /** The next timestamp; in a long burst, first a wait for the clock to come within MAX_AHEAD_MS. */
  static long nextTimestamp() {
    long wait;
    long stamp;
    synchronized (EkoClient.class) {
      long now = System.currentTimeMillis();
      stamp = lastTimestamp + 1;
      if (stamp <= now || (stamp - now > MAX_AHEAD_MS && now < lastClock)) {
        stamp = now; // the clock moved on, or was stepped back: follow it
      }
      lastTimestamp = stamp;
      lastClock = now;
      wait = stamp - now - MAX_AHEAD_MS;
    }
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return stamp;
  }

  /** The attempt's request, signed now (a timestamp later than any sent before). */
  private HttpRequest signed(Prepared call, Duration left) {
    String stamp = Long.toString(nextTimestamp());
    HttpRequest.Builder request = HttpRequest.newBuilder(call.uri())
        .timeout(left)
        .header("developer_key", settings.keys().developerKey())
        .header("secret-key-timestamp", stamp)
        .header("secret-key", EkoSigning.signSecretKey(settings.keys().accessKey(), stamp))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("accept-encoding", BoundedBody.ACCEPT_ENCODING)
        .header("user-agent", USER_AGENT);
    // SentOnce: HttpClient may not replay this signed request by itself (see there)
    return request.method(call.op().method(), SentOnce.of(call.body())).build();
  }

  // --- sync and async shells -------------------------------------------------------------

  /** Input errors thrown by {@code body} come out of the future, as every other error. */
  private static <T> CompletableFuture<T> start(java.util.function.Supplier<CompletableFuture<T>> body) {
    try {
      return body.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The future's value, or its EkoException unwrapped. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = cause(e);
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw new EkoException(cause.toString(), cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new EkoConnectionException("interrupted while waiting for an answer", e);
    }
  }

  static Throwable cause(Throwable error) {
    while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

}
