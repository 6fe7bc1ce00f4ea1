package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.CuttableProxy;
import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Bounds: body size (plain and gzip), row size, and a saturated writer that sheds load with 503. */
class LimitsEndToEndTest {
  private static final String RECENT = TestEvents.RECENT;

  private static String rows(String prefix, int n) {
    return TestEvents.ndjson(prefix, n, 10);
  }

  @Test
  void bodiesOverTheLimitAre413AndAnOversizedRowRejectsOnlyItself() {
    try (TestServer server = TestServer.start(Map.of("SHIFTLENS_MAX_BODY_BYTES", "100000", "SHIFTLENS_MAX_ROW_BYTES", "1000"))) {
      byte[] big = rows("big-", 2000).getBytes(StandardCharsets.UTF_8);
      assertTrue(big.length > 100_000);
      HttpResponse<String> plain = server.post("/v1/events", "application/x-ndjson", big, false);
      assertEquals(413, plain.statusCode());
      assertEquals("application/problem+json", plain.headers().firstValue("Content-Type").orElse(""));

      // gzip hides the size from Content-Length: the limit applies to the decompressed bytes.
      byte[] zipped = TestServer.gzip(big);
      assertTrue(zipped.length < 100_000);
      assertEquals(413, server.post("/v1/events", "application/x-ndjson", big, true).statusCode());

      String huge = "{\"contact_id\":\"l1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"x\",\"metadata\":{\"pad\":\""
          + "p".repeat(5000) + "\"}}\n";
      HttpResponse<String> mixed = server.post("/v1/events", "application/x-ndjson", rows("ok-", 3) + huge + rows("ok2-", 2));
      assertEquals(200, mixed.statusCode(), mixed.body());
      JsonObject answer = new JsonObject(mixed.body());
      assertEquals(5, answer.getLong("accepted"));
      assertEquals(3, answer.getJsonArray("rejected").getJsonObject(0).getInteger("row"));
    }
  }

  @Test
  void ingestionRequestsOverTheConcurrencyLimitAre503() throws Exception {
    try (TestServer server = TestServer.start(Map.of("SHIFTLENS_MAX_CONCURRENT_INGESTS", "1"))) {
      String body = rows("slow-", 3);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try (java.net.Socket slow = new java.net.Socket("127.0.0.1", server.port)) {
        // A client that sends its headers and half of its body, then stalls.
        var out = slow.getOutputStream();
        out.write(("POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestServer.KEY
            + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        Thread.sleep(300);
        HttpResponse<String> refused = server.post("/v1/events", "application/x-ndjson", rows("fast-", 3));
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        out.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        out.flush();
        String status = new java.io.BufferedReader(new java.io.InputStreamReader(slow.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertEquals("HTTP/1.1 200 OK", status);
      }
      assertEquals(200, server.post("/v1/events", "application/x-ndjson", rows("fast-", 3)).statusCode());
    }
  }

  private static void awaitHeldBytes(TestServer server, long bytes) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      JsonObject health = new JsonObject(server.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url("/health"))).GET()).body());
      if (health.getJsonObject("ingest").getLong("held_event_bytes") >= bytes) return;
      Thread.sleep(20);
    }
    throw new AssertionError("the first body never filled the writer");
  }

  @Test
  void aSaturatedWriterAnswers503WithRetryAfterInsteadOfGrowing() throws Exception {
    URI clickhouse = URI.create(dev.shiftlens.support.TestStores.CLICKHOUSE_URL);
    try (CuttableProxy proxy = new CuttableProxy(clickhouse.getHost(), clickhouse.getPort());
        TestServer server = TestServer.start(Map.of(
            "SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:" + proxy.port(),
            "SHIFTLENS_STORE_RETRY_MS", "4000",
            "SHIFTLENS_SPOOL_MAX_BYTES", "0", // a writer without a spool: the one that sheds load
            "SHIFTLENS_INGEST_MAX_PENDING_BYTES", String.valueOf(1 << 20),
            "SHIFTLENS_INGEST_SATURATION_TIMEOUT_MS", "300"))) {
      proxy.cut();
      try {
        // The first body fills the writer while its insert keeps failing; the second finds no room.
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
            () -> server.post("/v1/events", "application/x-ndjson", rows("sat-a-", 40_000)));
        awaitHeldBytes(server, 1 << 20);
        long started = System.nanoTime();
        HttpResponse<String> second = server.post("/v1/events", "application/x-ndjson", rows("sat-b-", 40_000));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, second.statusCode(), second.body());
        assertTrue(second.headers().firstValue("Retry-After").isPresent());
        assertTrue(millis < 3000, "the saturated request waited " + millis + " ms instead of being shed");
        assertEquals(503, first.get().statusCode());
      } finally {
        proxy.restore();
      }
      assertEquals(200, server.post("/v1/events", "application/x-ndjson", rows("sat-a-", 40_000)).statusCode());
    }
  }
}
