package dev.shiftlens.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shiftlens.ingest.EventKey;
import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/status} counts each event once even when the server does not recognise a resend (after a
 * restart, or on another instance), whether the first copy is long settled or recent.
 */
class EventCountEndToEndTest {
  private static String row(String id) {
    return "{\"contact_id\":\"ec-" + id + "\",\"timestamp\":\"" + TestEvents.RECENT + "\",\"event_name\":\"x\",\"event_instance_id\":\"" + id + "\"}\n";
  }

  /** The key as the server stores it: each half little-endian. */
  private static String keyHex(String contact, String instance) {
    EventKey k = EventKey.of(contact, instance, 0, "x", null);
    StringBuilder sb = new StringBuilder();
    for (long half : new long[] {k.hi(), k.lo()}) {
      for (int i = 0; i < 8; i++) sb.append(String.format("%02x", (half >>> (8 * i)) & 0xff));
    }
    return sb.toString();
  }

  private static long events(TestServer server) {
    return new JsonObject(server.get("/v1/status").body()).getLong("events");
  }

  @Test
  void unrecognisedResendsOfSettledAndRecentEventsAreCountedOnce() {
    String database = TestStores.freshDatabaseName();
    TestServer.startOn(database, Map.of()).stop(); // creates the schema
    long ts = Instant.parse(TestEvents.RECENT).getEpochSecond();
    long dayAgo = Instant.now().getEpochSecond() - 86_400;
    // Two events stored a day ago, as an earlier server would have stored them.
    for (String id : new String[] {"old-1", "old-2"}) {
      TestStores.clickhouse("INSERT INTO " + database + ".events (contact_id, ts, ts_ms, event_name, event_instance_id, timezone,"
          + " metadata, event_key, ingested_at) VALUES ('ec-" + id + "', " + ts + ", 0, 'x', '" + id + "', '', '', unhex('"
          + keyHex("ec-" + id, id) + "'), " + dayAgo + ")");
    }
    // A server that remembers no keys: every resend is written again.
    try (TestServer server = TestServer.startOn(database, Map.of("SHIFTLENS_INGEST_RECENT_KEYS", "0"))) {
      assertEquals(2, events(server));

      JsonObject first = new JsonObject(server.post("/v1/events", "application/x-ndjson",
          row("old-1") + row("old-2") + row("new-1") + row("new-2")).body());
      assertEquals(4, first.getLong("accepted"), "without remembered keys every row is written");
      assertEquals(4, events(server));

      server.post("/v1/events", "application/x-ndjson", row("new-1") + row("new-2") + row("old-1"));
      assertEquals(4, events(server));
      assertEquals(9, TestStores.clickhouseLong("SELECT count() FROM " + server.database + ".events"),
          "the copies are stored; only the count is distinct");
    }
  }
}
