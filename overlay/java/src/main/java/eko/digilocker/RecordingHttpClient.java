package eko.digilocker;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An HttpClient that keeps the last answer's status and body on the calling thread, for
 * {@link Answers}: the generated client drops both when it cannot decode an answer (an error
 * answer whose {@code data} or {@code message} has an unexpected shape), and decodes
 * {@code "status": null} like a missing status. Each answer is read whole, then handed to the
 * generated client as it asked. EkoClients.apiClient's, as in 2.0.0; it reads each answer
 * whole, with no cap ({@link EkoClient} caps what it reads).
 */
final class RecordingHttpClient extends HttpClient {
  /** An answer as it came: HTTP status and body bytes. */
  record Sent(int status, byte[] body) {}

  private static final ThreadLocal<Sent> LAST = new ThreadLocal<>();
  private final HttpClient client;

  private RecordingHttpClient(HttpClient client) {
    this.client = client;
  }

  /** Forgets the answer kept on this thread. */
  static void forget() {
    LAST.remove();
  }

  /** The last answer a synchronous send got on this thread, or null. */
  static Sent last() {
    return LAST.get();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    LAST.set(new Sent(answer.statusCode(), answer.body()));
    HttpResponse.BodySubscriber<T> subscriber =
        handler.apply(
            new HttpResponse.ResponseInfo() {
              @Override
              public int statusCode() {
                return answer.statusCode();
              }

              @Override
              public HttpHeaders headers() {
                return answer.headers();
              }

              @Override
              public Version version() {
                return answer.version();
              }
            });
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
    subscriber.onNext(List.of(ByteBuffer.wrap(answer.body())));
    subscriber.onComplete();
    T body = subscriber.getBody().toCompletableFuture().join();
    return new Answered<>(answer, body);
  }

  /** {@code answer} with the body the caller's handler made of it. */
  private record Answered<T>(HttpResponse<byte[]> answer, T body) implements HttpResponse<T> {
    @Override
    public int statusCode() {
      return answer.statusCode();
    }

    @Override
    public HttpRequest request() {
      return answer.request();
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return answer.headers();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return answer.sslSession();
    }

    @Override
    public java.net.URI uri() {
      return answer.uri();
    }

    @Override
    public Version version() {
      return answer.version();
    }
  }

  // Asynchronous calls are passed on unrecorded: Answers reads synchronous calls.
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return client.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return client.sendAsync(request, handler, pushPromiseHandler);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return client.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return client.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return client.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return client.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return client.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return client.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return client.authenticator();
  }

  @Override
  public Version version() {
    return client.version();
  }

  @Override
  public Optional<Executor> executor() {
    return client.executor();
  }

  /** Builds a RecordingHttpClient around what {@code builder} builds. */
  static final class Builder implements HttpClient.Builder {
    private final HttpClient.Builder builder;

    Builder(HttpClient.Builder builder) {
      this.builder = builder;
    }

    @Override
    public Builder cookieHandler(CookieHandler cookieHandler) {
      builder.cookieHandler(cookieHandler);
      return this;
    }

    @Override
    public Builder connectTimeout(Duration duration) {
      builder.connectTimeout(duration);
      return this;
    }

    @Override
    public Builder sslContext(SSLContext sslContext) {
      builder.sslContext(sslContext);
      return this;
    }

    @Override
    public Builder sslParameters(SSLParameters sslParameters) {
      builder.sslParameters(sslParameters);
      return this;
    }

    @Override
    public Builder executor(Executor executor) {
      builder.executor(executor);
      return this;
    }

    @Override
    public Builder followRedirects(Redirect policy) {
      builder.followRedirects(policy);
      return this;
    }

    @Override
    public Builder version(Version version) {
      builder.version(version);
      return this;
    }

    @Override
    public Builder priority(int priority) {
      builder.priority(priority);
      return this;
    }

    @Override
    public Builder proxy(ProxySelector proxySelector) {
      builder.proxy(proxySelector);
      return this;
    }

    @Override
    public Builder authenticator(Authenticator authenticator) {
      builder.authenticator(authenticator);
      return this;
    }

    @Override
    public HttpClient build() {
      return new RecordingHttpClient(builder.build());
    }
  }
}
