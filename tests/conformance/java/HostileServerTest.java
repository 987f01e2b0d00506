import eko.digilocker.EkoClient;
import eko.digilocker.EkoException;
import eko.digilocker.EkoResponseException;
import eko.digilocker.EkoTimeoutException;
import eko.digilocker.Keys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The Java SDK against a hostile loopback server (a real socket, answering by hand): a hang,
 * a drip, a huge body and a gzip bomb each end in their typed exception within the call's
 * deadline, and the heap stays near one capped answer. Run by `make java-test` (in `make
 * test`) with a small heap, so a client that read without a cap would fail by running out
 * of memory as well as by the bound asserted here.
 *
 * <pre>java -Xmx96m -XX:+UseSerialGC HostileServerTest</pre>
 */
public final class HostileServerTest {
  static final Duration DEADLINE = Duration.ofSeconds(2);
  // scheduling slack on a loaded 2-core machine: the deadline itself is not relaxed
  static final long SLACK_MS = 1500;
  static final long CAP = 1 << 20; // max_response_bytes for these calls
  // The most the heap may grow during one hostile call: the capped answer (raw and decoded,
  // 1 MiB each, plus a copy of each) and HttpClient's buffers, with room for garbage not yet
  // collected. An uncapped read of these answers needs 400 MB and 512 MiB.
  static final long HEAP_BOUND = 24L << 20;
  static final int CASES = 8;
  static final String OK = "{\"status\":0,\"message\":\"ok\",\"data\":{\"status\":\"AUTHENTICATED\"}}";

  interface Answer {
    void write(OutputStream out) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    byte[] bomb = gzipOfZeros(512);
    List<String> failures = new ArrayList<>();
    // a plain answer first, with time for the JVM to load and compile what a call uses
    Answer plain = out -> respond(out, "content-length: " + OK.length(), OK.getBytes(StandardCharsets.US_ASCII));
    check(failures, "warm-up", plain, null, null, Duration.ofSeconds(60));
    check(failures, "control", plain, null, null, DEADLINE);
    check(failures, "hang", out -> Thread.sleep(60_000), EkoTimeoutException.class, null, DEADLINE);
    Answer drip = out -> {
      out.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 100_000; i++) {
        out.write(' ');
        out.flush();
        Thread.sleep(50);
      }
    };
    check(failures, "drip", drip, EkoTimeoutException.class, null, DEADLINE);
    // the CompletableFuture form keeps the same deadline
    check(failures, "hang (async)", out -> Thread.sleep(60_000), EkoTimeoutException.class, null, DEADLINE);
    check(failures, "drip (async)", drip, EkoTimeoutException.class, null, DEADLINE);
    check(failures, "huge body", out -> {
      long size = 400L << 20;
      out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 << 10];
      java.util.Arrays.fill(chunk, (byte) ' ');
      for (long sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk);
      }
    }, EkoResponseException.class, EkoResponseException.Problem.TOO_LARGE, DEADLINE);
    check(failures, "gzip bomb", out -> respond(out, "content-encoding: gzip\r\ncontent-length: " + bomb.length, bomb),
        EkoResponseException.class, EkoResponseException.Problem.TOO_LARGE, DEADLINE);
    System.out.println("hostile java: " + (CASES - failures.stream().map(f -> f.substring(0, f.indexOf(':'))).distinct().count()) + "/" + CASES + (failures.isEmpty() ? "" : " FAILED: " + failures));
    System.exit(failures.isEmpty() ? 0 : 1);
  }

  static void respond(OutputStream out, String headers, byte[] body) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  static void check(List<String> failures, String name, Answer answer, Class<? extends EkoException> expected,
      EkoResponseException.Problem problem, Duration deadline) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread serving = new Thread(() -> serve(server, answer));
      serving.setDaemon(true);
      serving.start();
      EkoClient eko = EkoClient.builder().baseUrl("http://127.0.0.1:" + server.getLocalPort())
          .keys(new Keys("developer-key", "access-key")).initiatorId("9962981729").env(java.util.Map.of())
          .timeout(deadline).maxRetries(0).maxResponseBytes(CAP).build();
      System.gc();
      long before = heapUsed();
      resetPeaks();
      long started = System.nanoTime();
      Throwable got = null;
      try {
        if (name.endsWith("(async)")) {
          eko.getVerificationStatusAsync(1).join();
        } else {
          eko.getVerificationStatus(1);
        }
      } catch (EkoException e) {
        got = e;
      } catch (java.util.concurrent.CompletionException e) {
        got = e.getCause();
      }
      long elapsed = (System.nanoTime() - started) / 1_000_000;
      long grew = Math.max(0, peakHeap() - before);
      String figure = String.format("%s: %s in %d ms, heap peak +%.1f MiB", name,
          got == null ? "success" : got.getClass().getSimpleName(), elapsed, grew / 1048576.0);
      System.out.println(figure);
      boolean typed = expected == null ? got == null : expected.isInstance(got)
          && (problem == null || ((EkoResponseException) got).problem() == problem);
      if (!typed) {
        failures.add(name + ": got " + got + ", want " + (expected == null ? "success" : expected.getSimpleName() + " " + problem));
      }
      if (elapsed > deadline.toMillis() + SLACK_MS) {
        failures.add(name + ": took " + elapsed + " ms, past the " + deadline.toMillis() + " ms deadline");
      }
      if (grew > HEAP_BOUND) {
        failures.add(name + ": heap grew " + grew + " bytes, over " + HEAP_BOUND);
      }
    }
  }

  static void serve(ServerSocket server, Answer answer) {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) return;
        head.write(b);
      }
      answer.write(socket.getOutputStream());
    } catch (Exception e) {
      // the client hung up, as it should once its deadline or cap is reached
    }
  }

  /**
   * A gzip body that inflates to {@code mebibytes} MiB of zeros: one member of 1 MiB, repeated
   * (a gzip stream may hold many members, and GZIPInputStream reads them all), about 1 KiB each.
   */
  static byte[] gzipOfZeros(int mebibytes) throws IOException {
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(member)) {
      gzip.write(new byte[1 << 20]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < mebibytes; i++) {
      member.writeTo(out);
    }
    return out.toByteArray();
  }

  static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
  }

  static long heapUsed() {
    return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
  }

  static void resetPeaks() {
    heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /** The sum of each heap pool's peak since the reset (an upper bound of the heap's peak). */
  static long peakHeap() {
    return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }
}
