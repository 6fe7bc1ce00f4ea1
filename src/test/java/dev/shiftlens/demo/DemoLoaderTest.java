package dev.shiftlens.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loader against a stand-in for the ingestion API, served by the JDK's own HTTP server. */
class DemoLoaderTest {
  private static final int ROWS = 25_000;

  private HttpServer server;
  private final AtomicInteger posts = new AtomicInteger();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private volatile String rejectedId = "";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", ex -> answer(ex, 200, "{}"));
    server.createContext("/v1/events", this::events);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void retriesAnUnavailableServerAndSendsEveryRowInBatches() throws Exception {
    try (DemoLoader loader = loader()) {
      loader.awaitHealth(Duration.ofSeconds(5));
      DemoLoader.Tally tally = load(loader);
      assertEquals(new DemoLoader.Tally(ROWS, ROWS, 0, 0, List.of()), tally);
    }
    assertEquals(ROWS, seen.size());
    assertEquals(4, posts.get(), "three batches plus one refused by the 503");
    assertTrue(printed.toString().contains("demo: events 25000/25000 (100%)"), printed.toString());
  }

  @Test
  void reportsARejectedRowByItsPlaceInTheWholeLoad() throws Exception {
    rejectedId = "r10003";
    try (DemoLoader loader = loader()) {
      DemoLoader.Tally tally = load(loader);
      assertEquals(1, tally.rejected());
      assertEquals(List.of("events row 10003, field timestamp: too far in the future"),
          tally.firstRejections());
    }
  }

  private static DemoLoader.Tally load(DemoLoader loader) throws Exception {
    return loader.load("/v1/events", "events", ids(), DemoLoaderTest::row, ROWS);
  }

  private DemoLoader loader() {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return new DemoLoader(base, "k", new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  private void events(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (posts.getAndIncrement() == 0) {
      ex.getResponseHeaders().add("Retry-After", "0");
      answer(ex, 503, "{}");
      return;
    }
    if (!"Bearer k".equals(ex.getRequestHeaders().getFirst("Authorization"))
        || !"application/x-ndjson".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
      answer(ex, 401, "{}");
      return;
    }
    String[] lines = body.split("\n");
    int accepted = 0;
    String rejected = "";
    for (int i = 0; i < lines.length; i++) {
      String id = lines[i].substring("{\"id\":\"".length(), lines[i].length() - 2);
      if (id.equals(rejectedId)) {
        rejected = "{\"row\":" + i
            + ",\"field\":\"timestamp\",\"error\":\"too far in the future\"}";
      } else if (seen.add(id)) {
        accepted++;
      }
    }
    answer(ex, 200, "{\"accepted\":" + accepted + ",\"duplicates\":0,\"rejected\":[" + rejected
        + "]}");
  }

  private static void answer(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static List<Integer> ids() {
    return IntStream.range(0, ROWS).boxed().toList();
  }

  private static Map<String, Object> row(Integer i) {
    return Map.of("id", "r" + i);
  }
}
