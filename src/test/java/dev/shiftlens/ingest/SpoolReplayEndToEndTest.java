package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A spool left by a server that stopped while records may already have reached ClickHouse (a direct insert that
 * failed after its commit, an insert of spooled records cut short by a crash) is replayed at start without
 * storing any row twice.
 */
class SpoolReplayEndToEndTest {
  /** Events as the server encodes {@code TestEvents.ndjson(prefix, rows, 20)}'s rows {@code from} to {@code to}. */
  private static EventChunk chunk(String prefix, int from, int to) {
    EventChunk c = new EventChunk(1024);
    long ts = Instant.parse(TestEvents.RECENT).toEpochMilli();
    for (int i = from; i < to; i++) {
      EventRow e = new EventRow(prefix + "c" + (i % 20), ts, "x", prefix + i, null, null);
      c.add(e, e.key());
    }
    c.stamp(Instant.now().getEpochSecond() - 3600); // spooled an hour ago: replayed rows are stamped anew
    return c;
  }

  @Test
  void aReplayedSpoolLeavesOutTheRowsThatClickHouseHoldsAlreadyAndStampsTheRestAnew() throws Exception {
    Path spoolDir = Files.createTempDirectory("shiftlens-spool-");
    Map<String, String> vars = Map.of("SHIFTLENS_SPOOL_DIR", spoolDir.toString());
    TestServer first = TestServer.start(vars);
    String database = first.database;
    String body = TestEvents.ndjson("replay-", 100, 20);
    // Stored: rows 0-19 of the first record's 50 and rows 50-69 of the second's.
    String stored = String.join("\n", body.lines().filter(l -> {
      int i = Integer.parseInt(new JsonObject(l).getString("event_instance_id").substring("replay-".length()));
      return i < 20 || (i >= 50 && i < 70);
    }).toList());
    HttpResponse<String> direct = first.post("/v1/events", "application/x-ndjson", stored);
    assertEquals(200, direct.statusCode(), direct.body());
    first.stop();

    try (EventSpool spool = EventSpool.open(spoolDir, 1 << 20, (hi, lo) -> { })) {
      spool.append(List.of(chunk("replay-", 0, 50)), true); // a direct insert that failed, perhaps after its commit
      spool.append(List.of(chunk("replay-", 50, 100)), false);
      spool.attempt(spool.next(1000).get(1).entry(), Instant.now().getEpochSecond()); // and an insert of both records that a crash cut short
    }

    try (TestServer restarted = TestServer.startOn(database, vars)) {
      JsonObject spool = null;
      for (int i = 0; i < 200; i++) {
        spool = new JsonObject(restarted.get("/v1/status").body()).getJsonObject("ingest").getJsonObject("spool");
        if ("empty".equals(spool.getString("state"))) break;
        Thread.sleep(100);
      }
      assertEquals("empty", spool.getString("state"), spool.encode());
      assertEquals(60, spool.getLong("replayed_event_rows"), spool.encode());
      assertEquals(40, spool.getLong("already_stored_event_rows"), spool.encode());
      String where = " FROM " + database + ".events WHERE startsWith(event_instance_id, 'replay-')";
      assertEquals("100\t100", TestStores.clickhouse("SELECT count(), uniqExact(event_key)" + where));
      assertEquals(0, TestStores.clickhouseLong("SELECT count()" + where + " AND ingested_at < now() - 600"),
          "replayed rows carry the time of their insert, not of their spooling");
      // The keys read back from the spool are known: a client's retry is recognised.
      HttpResponse<String> retry = restarted.post("/v1/events", "application/x-ndjson", body);
      assertEquals(100, new JsonObject(retry.body()).getLong("duplicates"), retry.body());
    }
  }
}
