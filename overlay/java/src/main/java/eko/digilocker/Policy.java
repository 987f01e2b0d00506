package eko.digilocker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client policy of one operation: the spec's {@code x-eko-client} (root, with the
 * operation's own keys laid over it). Its description there says what each value means.
 *
 * @param notSent which calls to retry when nothing was sent ("all")
 * @param maybeSent which calls to retry when the request may have arrived ("idempotent")
 * @param idempotent whether this operation is safe to repeat (the operation's own key)
 */
public record Policy(
    Duration timeout,
    long maxResponseBytes,
    int maxRetries,
    Set<Integer> retryStatuses,
    String notSent,
    String maybeSent,
    Duration backoffInitial,
    Duration backoffMax,
    double backoffMultiplier,
    String jitter,
    Duration retryAfterMax,
    String idempotencyField,
    boolean followRedirects,
    Duration consentInterval,
    Duration consentTimeout,
    boolean idempotent) {

  static Policy of(JsonNode p) {
    JsonNode retry = p.path("retry");
    Set<Integer> statuses = new TreeSet<>();
    retry.path("statuses").forEach(s -> statuses.add(s.asInt()));
    return new Policy(
        Duration.ofMillis(required(p, "timeout_ms").asLong()),
        required(p, "max_response_bytes").asLong(),
        required(retry, "max_retries").asInt(),
        Set.copyOf(statuses),
        required(retry, "not_sent").asText(),
        required(retry, "maybe_sent").asText(),
        Duration.ofMillis(required(retry.path("backoff"), "initial_ms").asLong()),
        Duration.ofMillis(required(retry.path("backoff"), "max_ms").asLong()),
        required(retry.path("backoff"), "multiplier").asDouble(),
        required(retry.path("backoff"), "jitter").asText(),
        Duration.ofMillis(required(retry.path("retry_after"), "max_ms").asLong()),
        required(p.path("idempotency"), "field").asText(),
        !"never_follow".equals(required(p, "redirects").asText()),
        Duration.ofMillis(required(p.path("consent_wait"), "interval_ms").asLong()),
        Duration.ofMillis(required(p.path("consent_wait"), "timeout_ms").asLong()),
        p.path("idempotent").asBoolean(false));
  }

  private static JsonNode required(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new IllegalStateException("the spec's x-eko-client lacks " + key);
    }
    return value;
  }

  /** The policy of {@code operationId} as the spec gives it. */
  static Policy of(String operationId) {
    return of(Spec.get().operation(operationId).policy());
  }

  /** The spec's root policy (the defaults every operation starts from). */
  static Policy defaults() {
    return of(Spec.get().root.get("x-eko-client"));
  }

  Policy withTimeout(Duration t) {
    return new Policy(t, maxResponseBytes, maxRetries, retryStatuses, notSent, maybeSent, backoffInitial, backoffMax,
        backoffMultiplier, jitter, retryAfterMax, idempotencyField, followRedirects, consentInterval, consentTimeout, idempotent);
  }

  Policy withMaxRetries(int n) {
    return new Policy(timeout, maxResponseBytes, n, retryStatuses, notSent, maybeSent, backoffInitial, backoffMax,
        backoffMultiplier, jitter, retryAfterMax, idempotencyField, followRedirects, consentInterval, consentTimeout, idempotent);
  }

  Policy withMaxResponseBytes(long n) {
    return new Policy(timeout, n, maxRetries, retryStatuses, notSent, maybeSent, backoffInitial, backoffMax,
        backoffMultiplier, jitter, retryAfterMax, idempotencyField, followRedirects, consentInterval, consentTimeout, idempotent);
  }

  /** Whether a failure after which the request may have arrived is retried. */
  boolean retriesMaybeSent() {
    return "all".equals(maybeSent) || ("idempotent".equals(maybeSent) && idempotent);
  }

  /** Whether a failure before any byte was sent is retried. */
  boolean retriesNotSent() {
    return "all".equals(notSent) || ("idempotent".equals(notSent) && idempotent);
  }

  /** The wait before retry {@code n} (from 0): uniform in [0, min(max, initial * multiplier^n)]. */
  Duration backoff(int n) {
    double ceiling = Math.min(backoffMax.toMillis(), backoffInitial.toMillis() * Math.pow(backoffMultiplier, n));
    double wait = "full".equals(jitter) ? java.util.concurrent.ThreadLocalRandom.current().nextDouble() * ceiling : ceiling;
    return Duration.ofNanos((long) (wait * 1_000_000));
  }

  /** This policy in the shape of the spec's root x-eko-client (the runner's `policy` command). */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("timeout_ms", timeout.toMillis());
    out.put("max_response_bytes", maxResponseBytes);
    ObjectNode retry = out.putObject("retry");
    retry.put("max_retries", maxRetries);
    var statuses = retry.putArray("statuses");
    new TreeSet<>(retryStatuses).forEach(statuses::add);
    retry.put("not_sent", notSent);
    retry.put("maybe_sent", maybeSent);
    ObjectNode backoff = retry.putObject("backoff");
    backoff.put("initial_ms", backoffInitial.toMillis());
    backoff.put("max_ms", backoffMax.toMillis());
    if (backoffMultiplier == Math.rint(backoffMultiplier)) {
      backoff.put("multiplier", (long) backoffMultiplier);
    } else {
      backoff.put("multiplier", backoffMultiplier);
    }
    backoff.put("jitter", jitter);
    retry.putObject("retry_after").put("max_ms", retryAfterMax.toMillis());
    out.putObject("idempotency").put("field", idempotencyField);
    out.put("redirects", followRedirects ? "follow" : "never_follow");
    ObjectNode wait = out.putObject("consent_wait");
    wait.put("interval_ms", consentInterval.toMillis());
    wait.put("timeout_ms", consentTimeout.toMillis());
    return out;
  }
}
