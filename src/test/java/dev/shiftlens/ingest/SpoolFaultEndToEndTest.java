package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shiftlens.support.PrivateClickHouse;
import dev.shiftlens.support.ServerJvm;
import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse outages with the spool on, against a ClickHouse server of this test's own that it kills and starts
 * again (never the shared one): acknowledged events are stored exactly once after recovery, across an
 * outage under load, a crash of Shiftlens itself ({@code kill -9}) during one, and a full spool.
 */
class SpoolFaultEndToEndTest {
  private static PrivateClickHouse clickhouse;

  @BeforeAll
  static void startClickHouse() {
    assumeTrue(PrivateClickHouse.available(), "clickhouse-server is not installed");
    clickhouse = PrivateClickHouse.start();
  }

  @AfterAll
  static void stopClickHouse() {
    if (clickhouse != null) clickhouse.close();
  }

  @BeforeEach
  void clickHouseIsUp() {
    try {
      clickhouse.query("SELECT 1");
    } catch (IllegalStateException e) {
      clickhouse.startAgain();
    }
  }

  /** Clients that each post a body of {@code rows} new events every {@code pauseMillis}, and remember what was acknowledged. */
  private static final class Load implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger ok = new AtomicInteger();
    final Map<String, AtomicInteger> other = new ConcurrentHashMap<>();
    /** The prefix of the body acknowledged last. */
    volatile String lastAcknowledged;

    Load(String prefix, int clients, int rows, long pauseMillis, java.util.function.IntFunction<String> url) {
      for (int c = 0; c < clients; c++) {
        int client = c;
        Thread t = new Thread(() -> {
          for (int seq = 0; running.get(); seq++) {
            String batch = prefix + client + "-" + seq + "-";
            String body = TestEvents.ndjson(batch, rows, 20);
            requests.incrementAndGet();
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url.apply(client)))
                  .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/x-ndjson")
                  .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                JsonObject answer = new JsonObject(r.body());
                assertEquals(rows, answer.getLong("accepted") + answer.getLong("duplicates"), r.body());
                for (int i = 0; i < rows; i++) acknowledged.add(batch + i);
                lastAcknowledged = batch;
                ok.incrementAndGet();
              } else {
                other.computeIfAbsent(String.valueOf(r.statusCode()), k -> new AtomicInteger()).incrementAndGet();
              }
            } catch (IOException e) {
              other.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
            } catch (InterruptedException e) {
              return;
            }
            try {
              Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "load-" + c);
        t.start();
        threads.add(t);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) t.join(60_000);
    }

    String summary() {
      return requests.get() + " requests, " + ok.get() + " answered 200, others " + other;
    }
  }

  private static JsonObject json(String url) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer " + TestServer.KEY).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String text(String url) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer " + TestServer.KEY).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until {@code /v1/status} says the spool is empty; returns its last spool object. */
  private static JsonObject awaitEmptySpool(String base) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    JsonObject spool = null;
    while (System.nanoTime() < deadline) {
      try {
        JsonObject status = json(base + "/v1/status");
        spool = status.getJsonObject("ingest") == null ? null : status.getJsonObject("ingest").getJsonObject("spool");
        if (spool != null && "empty".equals(spool.getString("state"))) return spool;
      } catch (RuntimeException e) {
        // not answering yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the spool did not empty within 180 s: " + spool);
  }

  /** Every acknowledged event is stored, and no event is stored twice (rows, not only distinct keys). */
  private static void assertStoredExactlyOnce(String database, String prefix, Set<String> acknowledged) {
    String where = " FROM " + database + ".events WHERE startsWith(event_instance_id, '" + prefix + "')";
    String[] counts = clickhouse.query("SELECT count(), uniqExact(event_key), uniqExact(event_instance_id)" + where).split("\t");
    assertEquals(counts[1], counts[0], "rows vs distinct keys: an event stored twice");
    assertEquals(counts[2], counts[0], "rows vs distinct ids");
    Set<String> stored = new HashSet<>(List.of(clickhouse.query("SELECT event_instance_id" + where + " FORMAT TabSeparated").split("\n")));
    Set<String> lost = new HashSet<>(acknowledged);
    lost.removeAll(stored);
    assertTrue(lost.isEmpty(), lost.size() + " acknowledged events are not stored, e.g. " + lost.stream().limit(5).toList());
    assertTrue(acknowledged.size() > 0);
  }

  private static Map<String, String> serverVars(String database, Path spool, String... more) {
    Map<String, String> vars = new HashMap<>(Map.of(
        "SHIFTLENS_CLICKHOUSE_URL", clickhouse.url(),
        "SHIFTLENS_CLICKHOUSE_DATABASE", database,
        "SHIFTLENS_PG_URI", TestStores.PG_SERVER + "/" + database,
        "SHIFTLENS_SPOOL_DIR", spool.toString()));
    for (int i = 0; i < more.length; i += 2) vars.put(more[i], more[i + 1]);
    return vars;
  }

  @Test
  void withClickHouseStoppedForAMinuteUnderTwoClientsLoadAlmostEveryRequestIsAnswered200AndEveryAcknowledgedEventIsStoredOnce()
      throws Exception {
    String database = TestStores.freshDatabaseName();
    Path spool = Files.createTempDirectory("shiftlens-spool-");
    try (TestServer server = TestServer.start(serverVars(database, spool))) {
      Load load = new Load("outage-", 2, 100, 50, c -> server.url("/v1/events"));
      Thread.sleep(5_000);
      clickhouse.kill();
      Thread.sleep(30_000);
      // Halfway: ingestion goes on from the spool, and what it holds is visible.
      HttpResponse<String> health = server.send(HttpRequest.newBuilder(URI.create(server.url("/health"))).GET());
      assertEquals(503, health.statusCode(), health.body());
      // ...while a load balancer routing on /health/ingest keeps sending events here.
      HttpResponse<String> ready = server.send(HttpRequest.newBuilder(URI.create(server.url("/health/ingest"))).GET());
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("spooling", new JsonObject(ready.body()).getString("status"), ready.body());
      JsonObject during = new JsonObject(health.body()).getJsonObject("ingest").getJsonObject("spool");
      assertEquals("waiting", during.getString("state"), during.encode());
      assertTrue(during.getLong("records") > 0 && during.getLong("bytes") > 0, during.encode());
      assertTrue(during.getDouble("oldest_record_age_seconds") >= 20, during.encode());
      String metrics = text(server.url("/metrics"));
      assertTrue(metrics.contains("shiftlens_spool_waiting 1.0"), "metrics: spool waiting");
      assertFalse(metrics.contains("shiftlens_spool_bytes 0.0"), "metrics: spool bytes");
      Thread.sleep(30_000);
      clickhouse.startAgain();
      Thread.sleep(5_000);
      load.close();
      JsonObject after = awaitEmptySpool(server.url(""));
      assertTrue(after.getLong("replayed_event_rows") > 0, after.encode());
      assertEquals(0, after.getLong("bytes"));

      double answered = (double) load.ok.get() / load.requests.get();
      assertTrue(answered >= 0.95, load.summary());
      assertStoredExactlyOnce(database, "outage-", load.acknowledged);
      System.out.println("outage of 60 s: " + load.summary() + "; " + load.acknowledged.size() + " events acknowledged; spool " + after.encode());
    } finally {
      clickhouse.query("DROP DATABASE IF EXISTS " + database);
    }
  }

  @Test
  void aShiftlensKilledDuringAnOutageLosesNothingItAcknowledgedAndStoresNothingTwiceOnceRestartedAfterRecovery() throws Exception {
    String database = TestStores.freshDatabaseName();
    Path spool = Files.createTempDirectory("shiftlens-spool-");
    Path log = Path.of("target", "spool-fault-" + database + ".log");
    // Small inserts, so that draining the spool takes several attempts.
    Map<String, String> vars = serverVars(database, spool, "SHIFTLENS_INGEST_BATCH_ROWS", "2000");
    try {
      Load load;
      try (ServerJvm first = ServerJvm.start(vars, log)) {
        assertFalse(first.exited(), first.tail());
        load = new Load("crash-", 2, 100, 50, c -> first.url("/v1/events"));
        Thread.sleep(3_000);
        clickhouse.kill();
        Thread.sleep(8_000);
        first.kill(); // kill -9 while the spool fills
        load.close();
        assertTrue(load.ok.get() > 0, load.summary());
      }
      try (Stream<Path> files = Files.list(spool)) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("segment-")), "the spool is on disk");
      }
      // Without ClickHouse the server does not start (it checks its schema first); the spool waits on disk.
      try (ServerJvm early = ServerJvm.start(vars, log)) {
        assertTrue(early.exited(), "a start without ClickHouse should fail: " + early.tail());
        assertNotEquals(0, early.exitValue());
        assertTrue(early.tail().contains("ClickHouse"), early.tail());
      }
      clickhouse.startAgain();
      try (ServerJvm restarted = ServerJvm.start(vars, log)) {
        assertFalse(restarted.exited(), restarted.tail());
        JsonObject after = awaitEmptySpool(restarted.url(""));
        assertStoredExactlyOnce(database, "crash-", load.acknowledged);
        // A client's retry of an event acknowledged from the spool before the crash is recognised, not written
        // again: the restarted server read the spool's keys.
        String batch = load.lastAcknowledged;
        String id = batch + 7;
        String contact = batch + "c7";
        HttpResponse<String> retry = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(restarted.url("/v1/events")))
            .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString("{\"contact_id\":\"" + contact + "\",\"timestamp\":\"" + TestEvents.RECENT
                + "\",\"event_name\":\"x\",\"event_instance_id\":\"" + id + "\"}\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals(1, new JsonObject(retry.body()).getLong("duplicates"), retry.body());
        assertStoredExactlyOnce(database, "crash-", load.acknowledged);
        System.out.println("kill -9 during an outage: " + load.summary() + "; " + load.acknowledged.size()
            + " events acknowledged; after the restart " + after.encode());
      }
    } finally {
      clickhouse.query("DROP DATABASE IF EXISTS " + database);
      TestStores.drop(database);
    }
  }

  @Test
  void aFullSpoolAnswers503WithRetryAfterAndLosesNothingItAcknowledged() throws Exception {
    String database = TestStores.freshDatabaseName();
    Path spool = Files.createTempDirectory("shiftlens-spool-");
    try (TestServer server = TestServer.start(serverVars(database, spool, "SHIFTLENS_SPOOL_MAX_BYTES", String.valueOf(256 * 1024)))) {
      Set<String> acknowledged = new HashSet<>();
      clickhouse.kill();
      HttpResponse<String> refused = null;
      String refusedBody = null;
      for (int seq = 0; seq < 100 && refused == null; seq++) {
        String batch = "full-" + seq + "-";
        String body = TestEvents.ndjson(batch, 200, 20);
        HttpResponse<String> r = server.post("/v1/events", "application/x-ndjson", body);
        if (r.statusCode() == 200) {
          for (int i = 0; i < 200; i++) acknowledged.add(batch + i);
        } else {
          refused = r;
          refusedBody = body;
        }
      }
      assertTrue(refused != null, "the spool never filled");
      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
      assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
      assertTrue(new JsonObject(refused.body()).getString("detail").contains("spool is full"), refused.body());
      assertTrue(acknowledged.size() >= 1000, "the spool took events before it filled: " + acknowledged.size());
      HttpResponse<String> notReady = server.send(HttpRequest.newBuilder(URI.create(server.url("/health/ingest"))).GET());
      assertEquals(503, notReady.statusCode(), notReady.body());
      assertTrue(notReady.headers().firstValue("Retry-After").isPresent(), notReady.headers().toString());
      assertEquals("unavailable", new JsonObject(notReady.body()).getString("status"), notReady.body());
      JsonObject spoolState = new JsonObject(server.send(HttpRequest.newBuilder(URI.create(server.url("/health"))).GET()).body())
          .getJsonObject("ingest").getJsonObject("spool");
      assertTrue(spoolState.getLong("bytes") <= 256 * 1024 && spoolState.getLong("bytes") > 128 * 1024, spoolState.encode());

      clickhouse.startAgain();
      awaitEmptySpool(server.url(""));
      HttpResponse<String> readyAgain = server.send(HttpRequest.newBuilder(URI.create(server.url("/health/ingest"))).GET());
      assertEquals(200, readyAgain.statusCode(), readyAgain.body());
      assertEquals("ok", new JsonObject(readyAgain.body()).getString("status"), readyAgain.body());
      HttpResponse<String> again = server.post("/v1/events", "application/x-ndjson", refusedBody);
      assertEquals(200, again.statusCode(), again.body());
      Set<String> all = new HashSet<>(acknowledged);
      refusedBody.lines().forEach(l -> all.add(new JsonObject(l).getString("event_instance_id")));
      assertStoredExactlyOnce(database, "full-", Collections.unmodifiableSet(all));
    } finally {
      clickhouse.query("DROP DATABASE IF EXISTS " + database);
    }
  }
}
