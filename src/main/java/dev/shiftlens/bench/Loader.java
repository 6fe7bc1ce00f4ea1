package dev.shiftlens.bench;

import dev.shiftlens.bench.Events.Body;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends prepared request bodies with a fixed number of concurrent client threads and times the
 * whole load, from the first send to the last successful response.
 *
 * <p>Requests are built before the clock starts; while it runs, a client thread only sends,
 * waits, and hands the (small) response to the target's check.
 */
final class Loader {
  private static final int MAX_RETRIES = 60;

  /** Where the bodies go and what a good answer to each looks like. */
  interface Target {
    HttpRequest request(Body body);

    /** Checks the body of a 200 response; returns null when it is as expected, else why not. */
    String check(Body body, String response);
  }

  /** The outcome of one load: {@code failure} is null when every body was stored as expected. */
  record Result(int rows, long nanos, long clientCpuNanos, int requests, int retries,
      String failure) {
    double seconds() {
      return nanos / 1e9;
    }

    double rowsPerSecond() {
      return rows / seconds();
    }
  }

  private final HttpClient http;
  private final int clients;

  Loader(HttpClient http, int clients) {
    this.http = http;
    this.clients = clients;
  }

  static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  Result run(List<Body> bodies, Target target) throws InterruptedException {
    List<HttpRequest> requests = new ArrayList<>(bodies.size());
    int rows = 0;
    for (Body body : bodies) {
      requests.add(target.request(body));
      rows += body.rows();
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    AtomicReference<String> failure = new AtomicReference<>();
    long[] lastOk = new long[clients];
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      int slot = t;
      Thread thread = new Thread(() -> {
        try {
          go.await();
          while (failure.get() == null) {
            int i = next.getAndIncrement();
            if (i >= bodies.size()) {
              break;
            }
            String problem = send(requests.get(i), bodies.get(i), target, retries);
            if (problem != null) {
              failure.compareAndSet(null, "batch " + i + ": " + problem);
            } else {
              lastOk[slot] = System.nanoTime();
            }
          }
        } catch (InterruptedException | RuntimeException e) {
          failure.compareAndSet(null, e.toString());
        }
      }, "bench-client-" + t);
      threads.add(thread);
      thread.start();
    }
    long cpuBefore = processCpuNanos();
    long start = System.nanoTime();
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    long cpu = processCpuNanos() - cpuBefore;
    long end = start;
    for (long t : lastOk) {
      end = Math.max(end, t);
    }
    return new Result(rows, end - start, cpu, bodies.size(), retries.get(), failure.get());
  }

  /**
   * Sends {@code requests} of the bodies to a sink inside this process, which reads and drops them,
   * so that the HTTP client is compiled by the JIT before the clock starts and the client takes as
   * little CPU as it can from the server it measures.
   */
  void warmUp(List<Body> bodies, int requests) throws IOException, InterruptedException {
    InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    HttpServer sink = HttpServer.create(anyPort, 0);
    sink.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        byte[] answer = "{}".getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    sink.setExecutor(threads);
    sink.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/");
      List<Body> some = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        some.add(bodies.get(i % bodies.size()));
      }
      Result result = run(some, new Target() {
        @Override
        public HttpRequest request(Body body) {
          return HttpRequest.newBuilder(uri)
              .POST(bodyOf(body.bytes()))
              .build();
        }

        @Override
        public String check(Body body, String response) {
          return null;
        }
      });
      if (result.failure() != null) {
        throw new IOException("warm-up failed: " + result.failure());
      }
    } finally {
      sink.stop(0);
      threads.shutdownNow();
    }
  }

  /**
   * A request body that hands the array to the HTTP client as it is. The JDK's own
   * {@code BodyPublishers.ofByteArray} copies it into 16 KiB buffers first, which doubles the
   * client's CPU time (mostly garbage collection) while the clock runs.
   */
  static HttpRequest.BodyPublisher bodyOf(byte[] bytes) {
    Flow.Publisher<ByteBuffer> publisher = subscriber -> subscriber.onSubscribe(
        new Flow.Subscription() {
          private final AtomicBoolean sent = new AtomicBoolean();

          @Override
          public void request(long n) {
            if (sent.compareAndSet(false, true)) {
              subscriber.onNext(ByteBuffer.wrap(bytes));
              subscriber.onComplete();
            }
          }

          @Override
          public void cancel() {
            sent.set(true);
          }
        });
    return HttpRequest.BodyPublishers.fromPublisher(publisher, bytes.length);
  }

  /** CPU time this client process has used so far: what the benchmark takes from the machine. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Sends one body until it is stored; returns null on success, else what went wrong. */
  private String send(HttpRequest request, Body body, Target target, AtomicInteger retries)
      throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        return "POST " + request.uri() + " failed: " + e;
      }
      int status = response.statusCode();
      if (status == 200) {
        return target.check(body, response.body());
      }
      if (status != 503 || attempt == MAX_RETRIES) {
        return "HTTP " + status + ": " + abbreviate(response.body());
      }
      retries.incrementAndGet();
      Thread.sleep(retryAfterMillis(response));
    }
  }

  /** Retry-After in seconds or as an HTTP date; one second when absent or unreadable. */
  static long retryAfterMillis(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse("").trim();
    try {
      return Math.max(0, Math.round(Double.parseDouble(value) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(), at).toMillis());
      } catch (RuntimeException notDate) {
        return 1000;
      }
    }
  }

  static String abbreviate(String text) {
    String oneLine = text.strip().replace('\n', ' ');
    return oneLine.length() <= 500 ? oneLine : oneLine.substring(0, 500) + "...";
  }
}
