package eko.digilocker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * An answer's body, read to at most {@code limit} bytes on the wire and at most {@code limit}
 * bytes once decoded (gzip or deflate, through a counting cap, so a small gzip bomb stops at
 * the limit). Push-based, so no thread blocks on a slow peer: the call's deadline cancels it
 * ({@link #expire()}).
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  /** The encodings the client asks for and can decode within the limit. */
  static final String ACCEPT_ENCODING = "gzip, deflate";

  /** The body is over the limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("the answer is larger than max_response_bytes (" + limit + " bytes decoded); reading stopped there");
    }
  }

  /** A Content-Encoding the client did not ask for, or a body it does not decode. */
  static final class BadEncoding extends IOException {
    private static final long serialVersionUID = 1L;

    BadEncoding(String message) {
      super(message);
    }
  }

  private final long limit;
  private final List<String> codings;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;

  BoundedBody(long limit, String contentEncoding) {
    this.limit = limit;
    this.codings = List.of(contentEncoding.toLowerCase(Locale.ROOT).split(",")).stream()
        .map(String::strip).filter(c -> !c.isEmpty() && !c.equals("identity")).toList();
  }

  /** A handler that hands each answer's subscriber to {@code sink} (for cancelling). */
  static HttpResponse.BodyHandler<byte[]> handler(long limit, java.util.function.Consumer<BoundedBody> sink) {
    return info -> {
      BoundedBody body = new BoundedBody(limit, info.headers().firstValue("content-encoding").orElse(""));
      sink.accept(body);
      return body;
    };
  }

  /** Stops reading: the call's deadline passed. The connection is dropped. */
  void expire() {
    cancelled = true;
    result.completeExceptionally(new java.net.http.HttpTimeoutException("the call's deadline passed while reading the answer"));
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    for (String coding : codings) {
      if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("deflate")) {
        s.cancel();
        result.completeExceptionally(new BadEncoding("the answer uses Content-Encoding " + coding + ", which was not asked for"));
        return;
      }
    }
    if (cancelled) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      if (raw.size() + (long) buffer.remaining() > limit) {
        subscription.cancel();
        result.completeExceptionally(new TooLarge(limit));
        return;
      }
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      raw.write(chunk, 0, chunk.length);
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    try {
      result.complete(decode(raw.toByteArray()));
    } catch (IOException e) {
      result.completeExceptionally(e);
    }
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  /** The body with each Content-Encoding undone (last applied first), never past the limit. */
  private byte[] decode(byte[] body) throws IOException {
    for (int i = codings.size() - 1; i >= 0; i--) {
      String coding = codings.get(i);
      try (InputStream in = coding.equals("deflate") ? inflater(body) : new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = capped(in);
      } catch (ZipException | java.io.EOFException e) {
        throw new BadEncoding("the answer's " + coding + " body could not be decoded: " + e.getMessage());
      }
    }
    return body;
  }

  /** "deflate" with the zlib header, or raw (as some servers send it). */
  private static InputStream inflater(byte[] body) {
    boolean zlib = body.length >= 2 && (body[0] & 0x0f) == 8 && ((body[0] & 0xff) << 8 | (body[1] & 0xff)) % 31 == 0;
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(!zlib);
    return new InflaterInputStream(new ByteArrayInputStream(body), inflater) {
      @Override
      public void close() throws IOException {
        super.close();
        inflater.end(); // an Inflater given to the stream is not ended by it
      }
    };
  }

  private byte[] capped(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) > 0; ) {
      if (out.size() + (long) n > limit) {
        throw new TooLarge(limit);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
