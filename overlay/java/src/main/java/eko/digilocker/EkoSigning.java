package eko.digilocker;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Eko's request signing as the generated client's request interceptor
 * ({@code ApiClient.setRequestInterceptor}): adds {@code developer_key},
 * {@code secret-key-timestamp} and {@code secret-key} to every request, and
 * {@code content-type: application/json}, which Eko lists as required on every call, the GET
 * status call included (the generated client sends it only with a body). The clock is read
 * once per request, so the signature always matches the timestamp sent.
 */
public final class EkoSigning implements Consumer<HttpRequest.Builder> {
  private final String developerKey;
  private final String accessKey;
  private final Clock clock;

  public EkoSigning(String developerKey, String accessKey) {
    this(developerKey, accessKey, Clock.systemUTC());
  }

  public EkoSigning(String developerKey, String accessKey, Clock clock) {
    this.developerKey = developerKey;
    this.accessKey = accessKey;
    this.clock = clock;
  }

  /**
   * base64(HMAC-SHA256(key = the base64 <em>string</em> of accessKey, message = timestamp)), as
   * tests/vectors/signing.json has it.
   */
  public static String signSecretKey(String accessKey, String timestamp) {
    byte[] key =
        Base64.getEncoder()
            .encodeToString(accessKey.getBytes(StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.US_ASCII);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(timestamp.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java platform must provide HmacSHA256, and any byte key suits it.
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void accept(HttpRequest.Builder request) {
    String timestamp = Long.toString(clock.millis());
    request.setHeader("developer_key", developerKey);
    request.setHeader("secret-key-timestamp", timestamp);
    request.setHeader("secret-key", signSecretKey(accessKey, timestamp));
    request.setHeader("content-type", "application/json");
  }
}
