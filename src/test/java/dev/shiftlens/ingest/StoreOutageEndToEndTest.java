package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.CuttableProxy;
import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When ClickHouse cannot be reached and the server has no spool, ingestion answers 503 with Retry-After instead of
 * losing rows or queueing without bound, health says so, and a retry after recovery stores every row once (with
 * a spool, see {@link SpoolFaultEndToEndTest}). When PostgreSQL cannot be reached, contacts, sends and reads
 * answer 503 at once and say that PostgreSQL is the store that is down.
 */
class StoreOutageEndToEndTest {
  private static CuttableProxy proxy;
  private static TestServer server;

  @BeforeAll
  static void start() {
    URI clickhouse = URI.create(TestStores.CLICKHOUSE_URL);
    proxy = new CuttableProxy(clickhouse.getHost(), clickhouse.getPort());
    server = TestServer.start(Map.of(
        "SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:" + proxy.port(),
        "SHIFTLENS_STORE_RETRY_MS", "600",
        "SHIFTLENS_SPOOL_MAX_BYTES", "0",
        "SHIFTLENS_INGEST_MAX_PENDING_BYTES", String.valueOf(1 << 20),
        "SHIFTLENS_INGEST_SATURATION_TIMEOUT_MS", "500"));
  }

  @AfterAll
  static void stop() {
    proxy.restore();
    if (server != null) server.close();
    proxy.close();
  }

  private static String body(String prefix, int rows) {
    return TestEvents.ndjson(prefix, rows, 50);
  }

  @Test
  void withoutASpoolAnUnreachableClickHouseGives503WithRetryAfterAndARetryAfterRecoveryStoresEveryRowOnce() {
    String body = body("outage-", 30_000);
    proxy.cut();
    try {
      HttpResponse<String> refused = server.post("/v1/events", "application/x-ndjson", body);
      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
      assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));

      HttpResponse<String> health = server.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url("/health"))).GET());
      assertEquals(503, health.statusCode());
      assertEquals("application/problem+json", health.headers().firstValue("Content-Type").orElse(""));
      assertTrue(new JsonObject(health.body()).getString("clickhouse").startsWith("down"));
      // Without a spool, nothing can be acknowledged: a load balancer routing on /health/ingest stops sending.
      HttpResponse<String> ingest = server.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url("/health/ingest"))).GET());
      assertEquals(503, ingest.statusCode(), ingest.body());
      assertTrue(new JsonObject(ingest.body()).getString("detail").contains("no spool"), ingest.body());
    } finally {
      proxy.restore();
    }
    HttpResponse<String> retried = server.post("/v1/events", "application/x-ndjson", body);
    assertEquals(200, retried.statusCode(), retried.body());
    JsonObject answer = new JsonObject(retried.body());
    assertEquals(30_000, answer.getLong("accepted") + answer.getLong("duplicates"));
    assertEquals(30_000, TestStores.clickhouseLong("SELECT uniqExact(event_key) FROM " + server.database
        + ".events WHERE startsWith(event_instance_id, 'outage-')"));
    assertEquals(200, server.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url("/health"))).GET()).statusCode());
  }

  @Test
  void anUnreachablePostgresGives503AtOnceForContactsSendsAndReadsThatNamePostgresAndHealthSaysSo() {
    URI pg = URI.create(TestStores.PG_SERVER);
    String database = TestStores.freshDatabaseName();
    try (CuttableProxy pgProxy = new CuttableProxy(pg.getHost(), pg.getPort());
        TestServer viaProxy = TestServer.start(Map.of(
            "SHIFTLENS_CLICKHOUSE_DATABASE", database,
            "SHIFTLENS_PG_URI", "postgresql://postgres@127.0.0.1:" + pgProxy.port() + "/" + database))) {
      String contacts = "[{\"contact_id\":\"pg-1\",\"country\":\"NL\"}]";
      pgProxy.cut();
      try {
        long started = System.nanoTime();
        HttpResponse<String> refused = viaProxy.post("/v1/contacts", "application/json", contacts);
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        HttpResponse<String> send = viaProxy.post("/v1/sends", "application/json",
            "[{\"contact_id\":\"pg-1\",\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"" + TestEvents.RECENT + "\"}]");
        assertEquals(503, send.statusCode(), send.body());
        HttpResponse<String> read = viaProxy.get("/v1/contacts/pg-1");
        assertEquals(503, read.statusCode(), read.body());
        JsonObject readProblem = new JsonObject(read.body());
        assertEquals("postgres", readProblem.getString("store"), read.body());
        assertTrue(readProblem.getString("detail").contains("PostgreSQL"), read.body());
        HttpResponse<String> status = viaProxy.get("/v1/status");
        assertEquals(503, status.statusCode(), status.body());
        JsonObject statusProblem = new JsonObject(status.body());
        assertEquals("down", statusProblem.getString("postgres"), status.body());
        assertEquals("up", statusProblem.getString("clickhouse"), status.body());
        assertTrue(statusProblem.getString("detail").startsWith("PostgreSQL is unavailable"), status.body());
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 5_000, "four answers took " + millis + " ms");
        HttpResponse<String> health = viaProxy.send(java.net.http.HttpRequest.newBuilder(URI.create(viaProxy.url("/health"))).GET());
        assertEquals(503, health.statusCode());
        assertTrue(new JsonObject(health.body()).getString("postgres").startsWith("down"));
        // Events need PostgreSQL only for keys not seen yet, so ingestion stays in rotation.
        HttpResponse<String> ingest = viaProxy.send(java.net.http.HttpRequest.newBuilder(URI.create(viaProxy.url("/health/ingest"))).GET());
        assertEquals(200, ingest.statusCode(), ingest.body());
        assertEquals("ok", new JsonObject(ingest.body()).getString("status"), ingest.body());
      } finally {
        pgProxy.restore();
      }
      HttpResponse<String> stored = viaProxy.post("/v1/contacts", "application/json", contacts);
      assertEquals(200, stored.statusCode(), stored.body());
      assertEquals(200, viaProxy.get("/v1/contacts/pg-1").statusCode());
    }
  }
}
