package dev.shiftlens.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.bench.Events.Body;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long ANCHOR = Instant.parse("2026-11-28T00:00:00Z").getEpochSecond();

  @Test
  void sameSeedGivesTheSameBodies() {
    List<Body> a = Events.generate(25_000, 7, ANCHOR).ndjson(10_000);
    List<Body> b = Events.generate(25_000, 7, ANCHOR).ndjson(10_000);
    assertEquals(3, a.size());
    assertEquals(List.of(10_000, 10_000, 5_000), a.stream().map(Body::rows).toList());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).bytes(), b.get(i).bytes());
    }
  }

  @Test
  void bothFormatsCarryTheSameRowsInThePast30Days() throws Exception {
    Events events = Events.generate(20_000, 42, ANCHOR);
    List<JsonNode> ndjson = rows(events.ndjson(5_000));
    List<JsonNode> clickhouse = rows(events.jsonEachRow(5_000));
    assertEquals(20_000, ndjson.size());
    assertEquals(20_000, clickhouse.size());
    int withZone = 0;
    int withMetadata = 0;
    for (int i = 0; i < ndjson.size(); i++) {
      JsonNode event = ndjson.get(i);
      JsonNode row = clickhouse.get(i);
      Instant at = Instant.parse(event.get("timestamp").asText());
      assertEquals(events.timestamp(i), at);
      assertTrue(at.getEpochSecond() < ANCHOR && at.getEpochSecond() >= ANCHOR - 30 * 86_400);
      LocalDateTime ts = LocalDateTime.parse(row.get("ts").asText().replace(' ', 'T'));
      assertEquals(at.getEpochSecond(), ts.toEpochSecond(ZoneOffset.UTC));
      assertEquals(at.toEpochMilli() % 1000, row.get("ts_ms").asLong());
      for (String field : List.of("contact_id", "event_name", "event_instance_id")) {
        assertEquals(event.get(field).asText(), row.get(field).asText());
      }
      assertTrue(event.get("contact_id").asText().matches("c\\d{6}"));
      assertEquals(event.path("timezone").asText(""), row.get("timezone").asText());
      String metadata = event.has("metadata") ? event.get("metadata").toString() : "";
      assertEquals(metadata, row.get("metadata").asText());
      withZone += event.has("timezone") ? 1 : 0;
      withMetadata += event.has("metadata") ? 1 : 0;
    }
    assertTrue(withZone > 1_000 && withZone < 10_000, "events with a timezone: " + withZone);
    assertTrue(withMetadata > 500 && withMetadata < 10_000, "with metadata: " + withMetadata);
  }

  @Test
  void readsMemoryFieldsOfProcStatus() {
    String status = "Name:\tjava\nVmHWM:\t  834560 kB\nVmRSS:\t  812345 kB\nThreads:\t42\n";
    assertEquals(812_345, RssSampler.field(status, "VmRSS:"));
    assertEquals(834_560, RssSampler.field(status, "VmHWM:"));
    assertEquals(-1, RssSampler.field(status, "VmSwap:"));
  }

  private static List<JsonNode> rows(List<Body> bodies) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (Body body : bodies) {
      String text = new String(body.bytes(), StandardCharsets.UTF_8);
      assertTrue(text.endsWith("\n"));
      for (String line : text.split("\n")) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  @Test
  void segmentBatchesHoldTheSameEventsAsTrackMessagesWithinTheirMessageAndByteLimits() throws Exception {
    Events events = Events.generate(1_050, 9, ANCHOR);
    List<Body> small = events.segmentBatches(450_000, 100);
    assertEquals(11, small.size());
    assertEquals(50, small.get(10).rows());
    List<Body> big = events.segmentBatches(20_000, 100_000);
    assertTrue(big.size() > 1, "cut by bytes");
    for (Body b : big) assertTrue(b.bytes().length <= 20_000, "at most 20,000 bytes: " + b.bytes().length);
    List<JsonNode> ndjson = rows(events.ndjson(1_050));
    int i = 0;
    for (Body b : small) {
      JsonNode batch = JSON.readTree(b.bytes()).path("batch");
      assertEquals(b.rows(), batch.size());
      for (JsonNode m : batch) {
        JsonNode row = ndjson.get(i++);
        assertEquals("track", m.path("type").asText());
        assertEquals(row.path("contact_id").asText(), m.path("userId").asText());
        assertEquals(row.path("event_name").asText(), m.path("event").asText());
        assertEquals(row.path("timestamp").asText(), m.path("timestamp").asText());
        assertEquals(row.path("timezone").asText(""), m.path("context").path("timezone").asText(""));
        assertEquals(row.path("metadata"), m.path("properties"));
      }
    }
    assertEquals(1_050, i);
    JsonNode warm = JSON.readTree(Events.generate(10, 9, ANCHOR).withContactPrefix("w").segmentBatches(450_000, 100).get(0).bytes());
    assertTrue(warm.path("batch").get(0).path("userId").asText().startsWith("w"), warm.toString());
  }
}
