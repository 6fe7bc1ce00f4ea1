package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.CuttableProxy;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Bounds: body size (plain and gzip), row size, and a saturated writer that sheds load with 503. */
class LimitsEndToEndTest {
  private static final String RECENT = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

  private static String rows(String prefix, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"contact_id\":\"l").append(i % 10).append("\",\"timestamp\":\"").append(RECENT)
          .append("\",\"event_name\":\"x\",\"event_instance_id\":\"").append(prefix).append(i).append("\"}\n");
    }
    return sb.toString();
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
  void aSaturatedWriterAnswers503WithRetryAfterInsteadOfGrowing() throws Exception {
    URI clickhouse = URI.create(dev.shiftlens.support.TestStores.CLICKHOUSE_URL);
    try (CuttableProxy proxy = new CuttableProxy(clickhouse.getHost(), clickhouse.getPort());
        TestServer server = TestServer.start(Map.of(
            "SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:" + proxy.port(),
            "SHIFTLENS_STORE_RETRY_MS", "4000",
            "SHIFTLENS_INGEST_MAX_PENDING_BYTES", String.valueOf(1 << 20),
            "SHIFTLENS_INGEST_SATURATION_TIMEOUT_MS", "300"))) {
      proxy.cut();
      try {
        // The first body fills the writer while its insert keeps failing; the second finds no room.
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
            () -> server.post("/v1/events", "application/x-ndjson", rows("sat-a-", 40_000)));
        Thread.sleep(800);
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
