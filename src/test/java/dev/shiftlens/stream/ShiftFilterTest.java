package dev.shiftlens.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ShiftFilterTest {
  private static JsonObject send(String message, String status, String... nameVerdicts) {
    JsonArray effects = new JsonArray();
    for (int i = 0; i < nameVerdicts.length; i += 2) {
      effects.add(new JsonObject().put("event_name", nameVerdicts[i]).put("verdict", nameVerdicts[i + 1]));
    }
    return new JsonObject().put("send_id", "s").put("message_id", message).put("status", status).put("effects", effects);
  }

  @Test
  void withoutAnEventNameAnyEffectWithAVerdictCounts() {
    ShiftFilter any = new ShiftFilter(null, null);
    assertTrue(any.matches(send("m", "evaluated", "open", "none", "*", "up")));
    assertTrue(any.matches(send("m", "evaluated", "open", "down", "*", "none")));
    assertFalse(any.matches(send("m", "evaluated", "open", "none", "*", "none")));
    assertFalse(any.matches(send("m", "insufficient_history")));
    assertFalse(any.matches(send("m", "pending")));
  }

  @Test
  void withAnEventNameOnlyThatEffectCounts() {
    ShiftFilter open = new ShiftFilter(null, "open");
    assertTrue(open.matches(send("m", "evaluated", "open", "down", "*", "none")));
    assertFalse(open.matches(send("m", "evaluated", "open", "none", "*", "up")));
    assertFalse(open.matches(send("m", "evaluated", "buy", "up")));
    assertTrue(new ShiftFilter(null, "*").matches(send("m", "evaluated", "open", "none", "*", "up")));
  }

  @Test
  void aMessageFilterKeepsThatMessagesSendsOnly() {
    ShiftFilter m = new ShiftFilter("welcome", null);
    assertTrue(m.matches(send("welcome", "evaluated", "*", "up")));
    assertFalse(m.matches(send("promo", "evaluated", "*", "up")));
  }

  @Test
  void emptyParametersAreAbsentAndBadOnesNameTheField() {
    ShiftFilter f = ShiftFilter.parse(MultiMap.caseInsensitiveMultiMap().add("message_id", "").add("event_name", "open"));
    assertNull(f.messageId());
    assertEquals("open", f.eventName());
    ApiException tooLong = assertThrows(ApiException.class,
        () -> ShiftFilter.parse(MultiMap.caseInsensitiveMultiMap().add("event_name", "e".repeat(257))));
    assertEquals("event_name", tooLong.extra().getString("field"));
    ApiException twice = assertThrows(ApiException.class,
        () -> ShiftFilter.parse(MultiMap.caseInsensitiveMultiMap().add("message_id", "a").add("message_id", "b")));
    assertEquals("message_id", twice.extra().getString("field"));
  }

  @Test
  void anEventIdReadsBackAsTheSendItCameFrom() {
    StreamCursor c = StreamCursor.of("2026-11-28T10:00:00.123456Z", "send:with:colons");
    assertEquals(c, StreamCursor.decode(c.encode(), "Last-Event-ID"));
    assertEquals("2026-11-28T10:00:00.123456Z", c.evaluatedAt().toInstant().toString());
    assertFalse(c.encode().contains("\n"));
    for (String bad : new String[] {"", "!!", "MTox", "Mjox", "MToxOnM"}) {
      ApiException e = assertThrows(ApiException.class, () -> StreamCursor.decode(bad, "Last-Event-ID"), bad);
      assertEquals("Last-Event-ID", e.extra().getString("field"));
    }
  }
}
