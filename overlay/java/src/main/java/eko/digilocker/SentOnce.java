package eko.digilocker;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The body of one attempt's request, which lets HttpClient send that request once.
 *
 * <p>JDK 17's HttpClient replays a request by itself, once, with the same headers, when the
 * server closes the connection before a byte of the answer (jdk.internal.net.http
 * MultiExchange: a ConnectionExpiredException; GET and HEAD, or every method under
 * {@code jdk.httpclient.enableAllMethodRetry}). That replay would carry the first attempt's
 * timestamp and signature, and be an attempt the SDK's retry policy does not count; the JDK
 * has no setting to stop it per client. HTTP/1.1 asks a request's body for its length once
 * per sending, as it writes the request head (Http1Request.headers): a second ask is that
 * replay. Refused there, before a byte of it is written, it fails the attempt with
 * {@link Replay}, and the SDK's own retry rule takes it as a request that may have been sent
 * (a fresh signature, counted, after the backoff). The cost: a GET carries
 * {@code Content-Length: 0}.
 */
final class SentOnce implements HttpRequest.BodyPublisher {
  private static final byte[] NONE = new byte[0];
  private final HttpRequest.BodyPublisher body;
  private final AtomicBoolean sent = new AtomicBoolean();

  private SentOnce(byte[] bytes) {
    this.body = HttpRequest.BodyPublishers.ofByteArray(bytes);
  }

  /** {@code bytes} (null: no body, for a GET) as a body sent at most once. */
  static SentOnce of(byte[] bytes) {
    return new SentOnce(bytes == null ? NONE : bytes);
  }

  @Override
  public long contentLength() {
    if (!sent.compareAndSet(false, true)) {
      throw new Replay();
    }
    return body.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(subscriber);
  }

  /** Whether {@code error} (or a cause of it) is a refused replay. */
  static boolean refused(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof Replay) {
        return true;
      }
    }
    return false;
  }

  /** HttpClient's own replay of a request, refused: the server closed before answering. */
  static final class Replay extends RuntimeException {
    Replay() {
      super("the server closed the connection before answering (HttpClient's replay of the same signed request refused)",
          null, false, false);
    }
  }
}
