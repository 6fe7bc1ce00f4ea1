package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a cluster, spooled events that may be stored already are sent again as the identical block, which
 * every replicated table that stored it skips: a server killed while it fed the input table's views
 * leaves some tables of its shard with the block and others without, and the replay must complete the
 * others without storing anything twice in the first. Runs on the local cluster of
 * {@code scripts/services.sh cluster up}.
 */
class ClusterSpoolReplayEndToEndTest {
  private static final String CLUSTER = "shiftlens";
  private static final List<String> SERVERS = List.of("http://127.0.0.1:8124", "http://127.0.0.1:8125",
      "http://127.0.0.1:8126", "http://127.0.0.1:8127");
  private static final long SPOOLED_AT = Instant.now().getEpochSecond() - 3600;

  private static EventChunk chunk(String prefix, int from, int to) {
    EventChunk c = new EventChunk(1024);
    long ts = Instant.parse(TestEvents.RECENT).toEpochMilli();
    for (int i = from; i < to; i++) {
      EventRow e = new EventRow(prefix + "c" + (i % 40), ts + i * 1000L, "x", prefix + i, null, null);
      c.add(e, e.key());
    }
    c.stamp(SPOOLED_AT);
    return c;
  }

  @Test
  void aBlockThatReachedSomeTablesOfAShardIsCompletedWithoutStoringARowTwice() throws Exception {
    Process up = new ProcessBuilder("scripts/services.sh", "cluster", "up").inheritIO().start();
    if (!up.waitFor(5, TimeUnit.MINUTES) || up.exitValue() != 0) throw new IllegalStateException("the cluster did not start");
    Path spoolDir = Files.createTempDirectory("shiftlens-cluster-spool-");
    Map<String, String> vars = Map.of("SHIFTLENS_CLICKHOUSE_URL", String.join(",", SERVERS), "SHIFTLENS_CLICKHOUSE_CLUSTER", CLUSTER,
        "SHIFTLENS_SPOOL_DIR", spoolDir.toString());
    TestServer first = TestServer.start(vars);
    String db = first.database;
    first.stop();
    try {
      // A block of a failed direct insert: the server that took it fed the derived tables' views and died
      // before the view to events_local, which ClickHouse feeds last. Without that view, an insert of the
      // same bytes leaves each shard in that state.
      List<EventChunk> block = List.of(chunk("blk-", 0, 300), chunk("blk-", 300, 500));
      TestStores.clickhouse("DROP TABLE " + db + ".events_input_mv ON CLUSTER " + CLUSTER, SERVERS.get(0));
      insertRowBinary(db, block);
      TestStores.clickhouse("CREATE MATERIALIZED VIEW IF NOT EXISTS " + db + ".events_input_mv ON CLUSTER " + CLUSTER + " TO " + db
          + ".events_local AS SELECT * FROM " + db + ".events_input_local", SERVERS.get(0));
      String blk = " WHERE startsWith(contact_id, 'blk-')";
      assertEquals("0", TestStores.clickhouse("SELECT count() FROM " + db + ".events" + blk, SERVERS.get(0)));
      assertEquals("500", TestStores.clickhouse("SELECT count() FROM " + db + ".events_by_name" + blk, SERVERS.get(0)));

      try (EventSpool spool = EventSpool.open(spoolDir, 1 << 20, (hi, lo) -> { })) {
        spool.appendBlock(block);
        spool.append(List.of(chunk("new-", 0, 100)), false); // spooled after it: never sent
      }
      try (TestServer restarted = TestServer.startOn(db, vars)) {
        JsonObject spool = null;
        for (int i = 0; i < 300; i++) {
          spool = new JsonObject(restarted.get("/v1/status").body()).getJsonObject("ingest").getJsonObject("spool");
          if ("empty".equals(spool.getString("state"))) break;
          Thread.sleep(100);
        }
        assertEquals("empty", spool.getString("state"), spool.encode());
        assertEquals(600, spool.getLong("replayed_event_rows"), spool.encode());
      }
      for (String table : List.of("events", "events_by_name")) {
        for (String prefix : List.of("blk-", "new-")) {
          long expected = prefix.equals("blk-") ? 500 : 100;
          String where = " FROM " + db + "." + table + " WHERE startsWith(contact_id, '" + prefix + "')";
          assertEquals(expected + "\t" + expected, TestStores.clickhouse("SELECT count(), uniqExact(event_key)" + where, SERVERS.get(0)),
              table + ": every row of " + prefix + " once");
        }
      }
      assertEquals(500, TestStores.clickhouseLong("SELECT count() FROM " + db + ".events WHERE startsWith(contact_id, 'blk-')"
          + " AND ingested_at = toDateTime(" + SPOOLED_AT + ")", SERVERS.get(0)), "the block went again as it was, stamp and all");
      assertEquals(100, TestStores.clickhouseLong("SELECT count() FROM " + db + ".events WHERE startsWith(contact_id, 'new-')"
          + " AND ingested_at > now() - 600", SERVERS.get(0)), "rows never sent are stamped when they are");
      // Both replicas of each shard hold the same rows.
      for (String table : List.of("events_local", "events_by_name_local")) {
        for (int shard = 0; shard < 2; shard++) {
          String a = SERVERS.get(2 * shard), b = SERVERS.get(2 * shard + 1);
          TestStores.clickhouse("SYSTEM SYNC REPLICA " + db + "." + table, a);
          TestStores.clickhouse("SYSTEM SYNC REPLICA " + db + "." + table, b);
          String count = "SELECT count(), uniqExact(event_key) FROM " + db + "." + table;
          assertEquals(TestStores.clickhouse(count, a), TestStores.clickhouse(count, b), table + " on shard " + (shard + 1));
        }
      }
    } finally {
      TestStores.clickhouse("DROP DATABASE IF EXISTS " + db + " ON CLUSTER " + CLUSTER, SERVERS.get(0));
      TestStores.postgres("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
      TestStores.postgres("postgres", "DROP DATABASE IF EXISTS " + db);
    }
  }

  /** The block's rows into the input table as the server sends them: RowBinary, one insert, waiting for every shard. */
  private static void insertRowBinary(String db, List<EventChunk> block) throws Exception {
    ByteArrayOutputStream rows = new ByteArrayOutputStream();
    for (EventChunk c : block) rows.write(c.bytes(), 0, c.byteSize());
    String query = "INSERT INTO " + db + ".events_input (" + EventChunk.COLUMNS + ") FORMAT RowBinary";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(SERVERS.get(0)
            + "/?insert_distributed_sync=1&query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(rows.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }
}
