package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The track reader makes the event the general reading makes, and leaves it everything it would have to judge. */
class TrackReaderTest {
  private static final long NOW = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();

  /** The message read both ways, in a batch with {@code shared} as its context; the track reader's result or null. */
  private static SegmentApi.Parsed both(String message, JsonObject shared, Object sentAt) throws Exception {
    byte[] bytes = ("{\"batch\":[" + message + "]}").getBytes(StandardCharsets.UTF_8);
    SegmentBody body = SegmentBody.cut(bytes, bytes.length);
    SegmentBody.Range range = body.batch().get(0);
    SegmentApi.Parsed fast = new TrackReader(sentAt, shared, NOW).read(bytes, range.start(), range.length());
    if (fast == null) return null;
    JsonObject m = body.object(range, "");
    if (shared != null) {
      JsonObject own = m.getValue("context") instanceof JsonObject c ? c : new JsonObject();
      m.put("context", shared.copy().mergeIn(own, true));
    }
    SegmentApi.Parsed general = SegmentApi.parse(m, Map.of(), sentAt, NOW);
    assertEquals(general.event(), fast.event(), message);
    assertEquals(general.event().key(), fast.event().key(), message);
    assertEquals(general.contact(), fast.contact(), message);
    return fast;
  }

  @Test
  void aTrackWithItsUserIdIsTheEventTheGeneralReadingMakes() throws Exception {
    JsonObject berlin = new JsonObject().put("timezone", "Europe/Berlin");
    String[] messages = {
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Opened\",\"messageId\":\"m1\",\"timestamp\":\"2026-11-28T10:00:00.123Z\"}",
        "{\"type\":\"track\",\"userId\":42,\"event\":\"Opened\",\"properties\":{\"revenue\":19.9,\"tags\":[\"a\",{\"b\":null}],\"caf\u00e9\":\"\u00fc\"}}",
        "{\"event\":\"Opened\",\"type\":\"track\",\"userId\":\"u1\",\"messageId\":7,\"context\":{\"timezone\":\"Asia/Tokyo\",\"library\":{\"timezone\":\"x\"}}}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Opened\",\"properties\":{},\"originalTimestamp\":\"2026-11-28T11:00:00Z\",\"sentAt\":\"2026-11-28T11:30:00Z\"}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Opened\",\"properties\":null,\"context\":{\"ip\":\"1.2.3.4\"},\"timestamp\":1764324000}",
    };
    for (String m : messages) {
      assertNotNull(both(m, null, null), m);
      assertNotNull(both(m, berlin, "2026-11-28T11:59:00Z"), m);
    }
    assertEquals("Europe/Berlin", both(messages[0], berlin, null).event().timezone());
    assertEquals("Asia/Tokyo", both(messages[2], berlin, null).event().timezone());
    assertNull(both(messages[0], null, null).event().metadata());
    assertEquals("{\"revenue\":19.9,\"tags\":[\"a\",{\"b\":null}],\"caf\u00e9\":\"\u00fc\"}", both(messages[1], null, null).event().metadata());
    assertNull(both("{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"context\":{\"timezone\":null}}", berlin, null).event().timezone());
  }

  @Test
  void whatTheGeneralReadingWouldJudgeIsLeftToIt() throws Exception {
    String[] messages = {
        "{\"type\":\"track\",\"anonymousId\":\"a1\",\"event\":\"Opened\"}", // a link to resolve
        "{\"type\":\"page\",\"userId\":\"u1\",\"name\":\"Home\"}",
        "{\"type\":\"identify\",\"userId\":\"u1\"}",
        "{\"type\":\"track\",\"userId\":\"u1\"}", // no event
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"\"}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"properties\":[1]}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"a\":\"x\\u0000y\"}}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"context\":{\"timezone\":\"Mars/Olympus\"}}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"timestamp\":\"yesterday\"}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"messageId\":{\"id\":1}}",
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"event\":\"F\"}", // a key given twice
        "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"E\",\"properties\":{\"n\":1e999}}",
    };
    for (String m : messages) assertNull(both(m, null, null), m);
  }
}
