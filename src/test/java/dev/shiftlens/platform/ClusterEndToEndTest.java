package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.demo.DemoDataset;
import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoSpec;
import dev.shiftlens.support.AnswerLosingProxy;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Shiftlens on the local ClickHouse cluster of {@code scripts/services.sh cluster up} (2 shards x 2
 * replicas): the demo's whole ingestion and evaluation give every send the effects, and every message
 * the aggregates, that a single server gives on the same data, although the replica the server talks to
 * is killed (kill -9) while events are loaded and started again: nothing is lost, nothing counted twice,
 * and reads keep answering meanwhile.
 */
class ClusterEndToEndTest {
  private static final String CLUSTER = "shiftlens";
  /** ch1 and ch2 are shard 1's replicas, ch3 and ch4 shard 2's; the server talks to ch1 first. */
  private static final List<String> SERVERS = List.of("http://127.0.0.1:8124", "http://127.0.0.1:8125",
      "http://127.0.0.1:8126", "http://127.0.0.1:8127");
  private static final String URLS = "http://127.0.0.1:8124,http://127.0.0.1:8126,http://127.0.0.1:8125,http://127.0.0.1:8127";
  private static final Path CLUSTER_DIR = Path.of(System.getenv().getOrDefault("CLUSTER_DIR", "/var/lib/shiftlens-cluster"));
  private static final List<String> METRICS = List.of("group_by=message_id", "group_by=channel", "group_by=day",
      "group_by=send_hour", "group_by=message_id&event_name=purchase", "group_by=channel&event_name=app_open");

  @Test
  void aClusterWithAReplicaKilledDuringTheLoadGivesTheSingleServersEffectsAndAggregates() throws Exception {
    services("cluster", "up");
    Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
    int seed = 14, contacts = 400;
    DemoDataset data = DemoGenerator.generate(new DemoSpec(seed, contacts, 35, anchor));
    Map<String, String> fast = TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "100");

    Map<String, JsonObject> singleSends;
    Map<String, String> singleMetrics;
    Map<String, String> singleReads;
    try (TestServer single = TestServer.start(fast)) {
      single.loadDemo(seed, contacts, anchor, "cluster-single-truth.json");
      assertEvaluated(single, data.sends().size());
      singleSends = sends(single, data);
      singleMetrics = metrics(single);
      singleReads = reads(single, data);
    }

    // One server loads (evaluation off), another evaluates once the load is over and the replicas have
    // caught up, as the evaluation grace period (an hour by default) has them do in production: a send
    // evaluated while a replica still lacks rows its partner stored would read fewer events.
    Map<String, String> onCluster = Map.of("SHIFTLENS_CLICKHOUSE_URL", URLS, "SHIFTLENS_CLICKHOUSE_CLUSTER", CLUSTER);
    Map<String, String> evaluatingOnCluster = new LinkedHashMap<>(fast);
    evaluatingOnCluster.putAll(onCluster);
    // The loading server runs with the spool (the default): a failed insert's events are spooled and sent
    // again as the identical block, which every replicated table that stored it skips.
    TestServer cluster = TestServer.start(onCluster);
    String db = cluster.database;
    TestServer evaluator = null;
    try {
      List<String> failedReads = new CopyOnWriteArrayList<>();
      CompletableFuture<String> load = CompletableFuture.supplyAsync(
          () -> cluster.loadDemo(seed, contacts, anchor, "cluster-truth.json"));
      // Kill the replica the server talks to once events are arriving, and start it again.
      awaitEventsArriving(cluster, load);
      boolean duringLoad = !load.isDone();
      AtomicBoolean reading = new AtomicBoolean(true);
      CompletableFuture<Void> reads = CompletableFuture.runAsync(() -> readUntilStopped(cluster, reading, failedReads));
      long pid = Long.parseLong(Files.readString(CLUSTER_DIR.resolve("ch1/pid")).strip());
      new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
      Thread.sleep(3_000);
      services("cluster", "up");
      Thread.sleep(2_000);
      reading.set(false);
      reads.get(60, TimeUnit.SECONDS);
      load.get(5, TimeUnit.MINUTES);
      assertTrue(duringLoad, "the replica was killed while events were being loaded");
      assertEquals(List.of(), failedReads, "reads answered while a replica was down");

      // Once ch1 is back, each shard's replicas fetch what the other stored meanwhile.
      awaitReplicasAgree(db, "events_local");
      awaitReplicasAgree(db, "event_hourly_local");
      awaitReplicasAgree(db, "events_by_name_local");
      evaluator = TestServer.startOn(db, evaluatingOnCluster);
      assertEvaluated(cluster, data.sends().size());
      awaitReplicasAgree(db, "send_effects_local");
      JsonObject status = new JsonObject(cluster.get("/v1/status").body());
      assertEquals(data.eventCount(), status.getLong("events"), "every event stored and counted once: " + status.encode());
      // An insert resent after the kill was stored once: its blocks were known to each shard's replicas.
      assertEquals(data.eventCount(), TestStores.clickhouseLong("SELECT count() FROM " + db + ".events", SERVERS.get(1)),
          "events stored once each");
      // And the tables derived from them, each fed once, however the kill fell between their inserts.
      assertEquals(data.eventCount(), TestStores.clickhouseLong("SELECT count() FROM " + db + ".events_by_name", SERVERS.get(1)));
      assertEquals(data.eventCount(), TestStores.clickhouseLong("SELECT sum(n) FROM (SELECT uniqExactMerge(events) AS n FROM "
          + db + ".event_hourly GROUP BY contact_id, hour, event_name)", SERVERS.get(1)));

      Map<String, JsonObject> clusterSends = sends(cluster, data);
      for (String sendId : singleSends.keySet()) {
        assertEquals(singleSends.get(sendId), clusterSends.get(sendId), "send " + sendId);
      }
      assertEquals(singleMetrics, metrics(cluster));
      Map<String, String> clusterReads = reads(cluster, data);
      for (String read : singleReads.keySet()) assertEquals(singleReads.get(read), clusterReads.get(read), read);
    } finally {
      if (evaluator != null) evaluator.stop();
      cluster.stop();
      if (System.getenv("CLUSTER_TEST_KEEP") == null) { // kept for a look at what the cluster stored
        TestStores.clickhouse("DROP DATABASE IF EXISTS " + db + " ON CLUSTER " + CLUSTER, SERVERS.get(1));
        TestStores.drop(db);
      }
    }
  }

  @Test
  void eventsWhoseInsertWasAnsweredToNobodyAreStoredOnceWhenTheWriterSendsThemAgainToTheNextServer() throws Exception {
    services("cluster", "up");
    try (AnswerLosingProxy ch1 = new AnswerLosingProxy("127.0.0.1", 8124)) {
      Map<String, String> env = Map.of(
          "SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:" + ch1.port() + ",http://127.0.0.1:8126",
          "SHIFTLENS_CLICKHOUSE_CLUSTER", CLUSTER);
      TestServer server = TestServer.start(env);
      String db = server.database;
      try {
        int rows = 5_000;
        String body = dev.shiftlens.support.TestEvents.ndjson("lost-answer-", rows, 500);
        // ch1 stores the insert (its shard's rows itself, the other shard's on ch3 or ch4) and its answer is lost.
        long insertedBefore = insertedRowsOnCh1();
        ch1.loseAnswers(true);
        HttpResponse<String> answer = server.post("/v1/events", "application/x-ndjson", body);
        ch1.loseAnswers(false);
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(ch1.lost() > 0, "an answer was lost");
        // ch1 had taken the insert whose answer was lost; what follows (the writer's spool finding every event
        // stored and sending nothing, or a replicated table skipping a block it stored before) stores each once.
        assertTrue(insertedRowsOnCh1() > insertedBefore, "ch1 took an insert whose answer was lost");
        awaitReplicasAgree(db, "events_local");
        awaitReplicasAgree(db, "events_by_name_local");
        String on = SERVERS.get(2);
        assertEquals(rows, TestStores.clickhouseLong("SELECT count() FROM " + db + ".events", on), "rows stored once");
        assertEquals(rows, TestStores.clickhouseLong("SELECT count() FROM " + db + ".events_by_name", on), "the copy by name fed once");
        assertEquals(rows, TestStores.clickhouseLong(
            "SELECT sum(n) FROM (SELECT uniqExactMerge(events) AS n FROM " + db + ".event_hourly GROUP BY contact_id, hour, event_name)", on));
        assertEquals(rows, new JsonObject(server.get("/v1/status").body()).getLong("events"));
      } finally {
        server.stop();
        TestStores.clickhouse("DROP DATABASE IF EXISTS " + db + " ON CLUSTER " + CLUSTER, SERVERS.get(1));
        TestStores.drop(db);
      }
    }
  }

  @Test
  void aDatabaseMadeForOneServerIsRefusedOnTheClusterAndTheOtherWayRound() throws Exception {
    services("cluster", "up");
    String single = TestStores.freshDatabaseName();
    String clustered = TestStores.freshDatabaseName();
    Map<String, String> cluster = Map.of("SHIFTLENS_CLICKHOUSE_URL", URLS, "SHIFTLENS_CLICKHOUSE_CLUSTER", CLUSTER);
    Map<String, String> ch1Alone = Map.of("SHIFTLENS_CLICKHOUSE_URL", SERVERS.get(0));
    try {
      TestServer.startOn(single, ch1Alone).stop();
      IllegalStateException onCluster = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> TestServer.startOn(single, cluster));
      assertTrue(onCluster.getMessage().contains("was made for one server"), onCluster.getMessage());
      TestServer.startOn(clustered, cluster).stop();
      IllegalStateException alone = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> TestServer.startOn(clustered, ch1Alone));
      assertTrue(alone.getMessage().contains("set SHIFTLENS_CLICKHOUSE_CLUSTER"), alone.getMessage());
    } finally {
      // The refused start on the cluster had created the database (empty) on every server.
      TestStores.clickhouse("DROP DATABASE IF EXISTS " + single + " ON CLUSTER " + CLUSTER, SERVERS.get(1));
      TestStores.clickhouse("DROP DATABASE IF EXISTS " + clustered + " ON CLUSTER " + CLUSTER, SERVERS.get(1));
      TestStores.drop(single);
      TestStores.drop(clustered);
    }
  }

  /** Rows that ch1 took in inserts since it started. */
  private static long insertedRowsOnCh1() {
    String v = TestStores.clickhouse("SELECT sum(value) FROM system.events WHERE event = 'InsertedRows'", SERVERS.get(0));
    return v.isEmpty() ? 0 : Long.parseLong(v);
  }

  /** Each send as GET /v1/sends/{id} answers, without the time it was evaluated. */
  private static Map<String, JsonObject> sends(TestServer server, DemoDataset data) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (var s : data.sends()) {
      HttpResponse<String> answer = server.get("/v1/sends/" + s.sendId());
      assertEquals(200, answer.statusCode(), answer.body());
      JsonObject send = new JsonObject(answer.body());
      out.put(s.sendId(), withoutTimesOfDoing(send));
    }
    return out;
  }

  /**
   * The answer without what differs between two runs on the same data: the times it was evaluated or read
   * at, and a preference view's recommendation (a fresh random draw on every read, by design).
   */
  private static JsonObject withoutTimesOfDoing(JsonObject json) {
    json.remove("evaluated_at");
    json.remove("as_of");
    json.remove("recommendation");
    for (String key : json.fieldNames()) {
      Object value = json.getValue(key);
      if (value instanceof JsonObject o) withoutTimesOfDoing(o);
      if (value instanceof io.vertx.core.json.JsonArray a) {
        for (Object item : a) if (item instanceof JsonObject o) withoutTimesOfDoing(o);
      }
    }
    return json;
  }

  private static Map<String, String> metrics(TestServer server) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String query : METRICS) {
      HttpResponse<String> answer = server.get("/v1/metrics/sends?" + query);
      assertEquals(200, answer.statusCode(), answer.body());
      out.put(query, answer.body());
    }
    return out;
  }

  /** Audiences by behavior and by shift, and the per-contact views of some contacts, as answered. */
  private static Map<String, String> reads(TestServer server, DemoDataset data) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String audience : AUDIENCES) {
      HttpResponse<String> answer = server.post("/v1/audiences/query", "application/json", audience);
      assertEquals(200, answer.statusCode(), answer.body());
      out.put(audience, answer.body());
    }
    for (int i = 0; i < data.contacts().size(); i += 16) {
      var contact = data.contacts().get(i);
      for (String view : List.of("baseline", "shifts", "preferences")) {
        String path = "/v1/contacts/" + contact.contactId() + "/" + view;
        HttpResponse<String> answer = server.get(path);
        assertEquals(200, answer.statusCode(), answer.body());
        out.put(path, withoutTimesOfDoing(new JsonObject(answer.body())).encode());
      }
    }
    return out;
  }

  private static final List<String> AUDIENCES = List.of(
      "{\"behavior\": [{\"event_name\": \"purchase\", \"min_count\": 2, \"within_days\": 30}], \"limit\": 10000}",
      "{\"behavior\": [{\"event_name\": \"app_open\", \"min_count\": 1, \"max_count\": 20, \"within_days\": 14}], \"limit\": 10000}",
      "{\"behavior\": [{\"event_name\": \"purchase\", \"within_days\": 7}], \"limit\": 10000}",
      "{\"behavior\": [{\"event_name\": \"*\", \"min_count\": 5, \"max_count\": 60, \"within_days\": 14}], \"limit\": 10000}",
      "{\"behavior\": [{\"event_name\": \"*\", \"within_days\": 3}], \"limit\": 10000}",
      "{\"shifts\": [{\"event_name\": \"*\", \"verdict\": \"up\", \"within_days\": 30}], \"limit\": 10000}");

  private static void awaitEventsArriving(TestServer server, CompletableFuture<String> load) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!load.isDone() && System.nanoTime() < deadline) {
      HttpResponse<String> status = server.get("/v1/status");
      if (status.statusCode() == 200 && new JsonObject(status.body()).getLong("events", 0L) > 0) return;
      Thread.sleep(20);
    }
  }

  /** Reads of counts, aggregates and an audience, over and over, noting any answer that is not 200. */
  private static void readUntilStopped(TestServer server, AtomicBoolean reading, List<String> failed) {
    // Not the per-contact views: their first read fits the population model, which would then be fitted
    // on the events loaded so far and kept, and the evaluation would not match the single server's.
    List<String> paths = List.of("/v1/status", "/v1/metrics/sends?group_by=message_id", "/v1/audiences/query");
    String audience = "{\"behavior\": [{\"event_name\": \"app_open\", \"within_days\": 7}], \"limit\": 10}";
    while (reading.get()) {
      for (String path : paths) {
        HttpResponse<String> answer = path.equals("/v1/audiences/query")
            ? server.post(path, "application/json", audience) : server.get(path);
        if (answer.statusCode() != 200) failed.add(path + ": " + answer.statusCode() + " " + answer.body());
      }
    }
  }

  private static void awaitReplicasAgree(String db, String table) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      List<Long> counts = new ArrayList<>();
      for (String server : SERVERS) counts.add(TestStores.clickhouseLong("SELECT count() FROM " + db + "." + table, server));
      boolean agree = counts.get(0).equals(counts.get(1)) && counts.get(2).equals(counts.get(3));
      if (agree) {
        System.out.println("cluster test: " + table + " rows on ch1..ch4: " + counts);
        return;
      }
      if (System.nanoTime() > deadline) throw new AssertionError(table + ": the replicas of a shard differ: " + counts);
      Thread.sleep(500);
    }
  }


  /** Runs scripts/services.sh with {@code args} (it installs and starts what is missing, idempotently). */
  static void services(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("scripts/services.sh"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("scripts/services.sh " + String.join(" ", args) + " failed");
    }
  }

  private static void assertEvaluated(TestServer server, long sends) throws InterruptedException {
    JsonObject status = server.awaitEvaluated(sends, Duration.ofMinutes(3));
    assertEquals(sends, status.getLong("evaluated_sends"), status.encode());
  }
}
