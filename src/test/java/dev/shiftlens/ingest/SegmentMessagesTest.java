package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How one Segment message becomes an event, a contact upsert or a link. */
class SegmentMessagesTest {
  private static final long NOW = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();

  private static SegmentApi.Parsed parse(JsonObject m, Map<String, String> links) throws RowException {
    return SegmentApi.parse(m, links, null, NOW);
  }

  @Test
  void trackUsesTheUserIdElseTheLinkedOrBareAnonymousId() throws RowException {
    JsonObject m = new JsonObject().put("type", "track").put("event", "Opened").put("messageId", "m1")
        .put("anonymousId", "a1").put("properties", new JsonObject().put("x", 1))
        .put("context", new JsonObject().put("timezone", "Europe/Paris"));
    EventRow e = parse(m, Map.of()).event();
    assertEquals("a1", e.contactId());
    assertEquals("Opened", e.eventName());
    assertEquals("m1", e.instanceId());
    assertEquals("Europe/Paris", e.timezone());
    assertEquals("{\"x\":1}", e.metadata());
    assertEquals(NOW, e.epochMillis());
    assertEquals("u1", parse(m, Map.of("a1", "u1")).event().contactId());
    assertEquals("u2", parse(m.copy().put("userId", "u2"), Map.of("a1", "u1")).event().contactId());
    assertEquals("a1", parse(m, Map.of()).contact().contactId());
    assertNull(parse(m, Map.of()).contact().country());
  }

  @Test
  void theClockSkewIsCorrectedBySentAt() throws RowException {
    JsonObject m = new JsonObject().put("timestamp", "2026-11-28T13:50:00Z").put("sentAt", "2026-11-28T14:00:00Z");
    assertEquals(NOW - 600_000, SegmentApi.time(m, null, NOW));
    JsonObject noSent = new JsonObject().put("timestamp", "2026-11-28T11:00:00Z");
    assertEquals(NOW - 3_600_000, SegmentApi.time(noSent, null, NOW));
    assertEquals(NOW - 5_400_000, SegmentApi.time(noSent, "2026-11-28T12:30:00Z", NOW), "the batch's sentAt");
    JsonObject rudder = new JsonObject().put("originalTimestamp", "2026-11-28T11:59:00Z").put("sentAt", "2026-11-28T12:00:00Z");
    assertEquals(NOW - 60_000, SegmentApi.time(rudder, null, NOW));
    assertEquals(NOW, SegmentApi.time(new JsonObject(), "2026-11-28T12:00:00Z", NOW));
    assertThrows(RowException.class, () -> SegmentApi.time(new JsonObject().put("timestamp", "1999-01-01T00:00:00Z"), null, NOW));
  }

  @Test
  void identifyMapsTraitsReachFieldsCountryAndLinks() throws RowException {
    JsonObject m = new JsonObject().put("type", "identify").put("userId", "u1").put("anonymousId", "a1")
        .put("traits", new JsonObject().put("email", "e@x.io").put("phone", "+1").put("plan", "pro")
            .put("address", new JsonObject().put("country", "DE").put("city", "Berlin"))
            .put("tags", new JsonArray().add("a")))
        .put("context", new JsonObject().put("timezone", "Europe/Berlin").put("device", new JsonObject().put("token", "t1")));
    SegmentApi.Parsed p = parse(m, new HashMap<>());
    assertNull(p.event());
    assertEquals("u1", p.contact().contactId());
    assertEquals("DE", p.contact().country());
    assertEquals("e@x.io", p.contact().reach().getString("email_address"));
    assertEquals("+1", p.contact().reach().getString("phone_number"));
    assertEquals("t1", p.contact().reach().getString("push_token"));
    assertEquals("Europe/Berlin", p.contact().reach().getString("timezone"));
    assertEquals("Berlin", p.contact().properties().getString("address.city"));
    assertEquals("[\"a\"]", p.contact().properties().getString("tags"));
    assertArrayEquals(new String[] {"a1", "u1"}, p.link());
    JsonObject located = new JsonObject().put("type", "identify").put("userId", "u1")
        .put("context", new JsonObject().put("location", new JsonObject().put("country", "FR")));
    assertEquals("FR", parse(located, Map.of()).contact().country());
    assertNull(parse(located, Map.of()).link());
  }

  @Test
  void pageScreenGroupAndAlias() throws RowException {
    EventRow page = parse(new JsonObject().put("type", "page").put("userId", "u").put("name", "Docs").put("category", "Help"), Map.of()).event();
    assertEquals("page_viewed", page.eventName());
    assertEquals("{\"name\":\"Docs\",\"category\":\"Help\"}", page.metadata());
    assertEquals("screen_viewed", parse(new JsonObject().put("type", "screen").put("userId", "u"), Map.of()).event().eventName());
    SegmentApi.Parsed group = parse(new JsonObject().put("type", "group").put("userId", "u").put("groupId", "g")
        .put("traits", new JsonObject().put("name", "Acme")), Map.of());
    assertEquals("g", group.contact().properties().getString("group_id"));
    assertEquals("Acme", group.contact().properties().getString("group_name"));
    assertArrayEquals(new String[] {"p", "u"}, parse(new JsonObject().put("type", "alias").put("userId", "u").put("previousId", "p"), Map.of()).link());
  }

  @Test
  void badMessagesNameTheirField() {
    assertEquals("type", assertThrows(RowException.class, () -> parse(new JsonObject().put("userId", "u"), Map.of())).field());
    assertEquals("event", assertThrows(RowException.class, () -> parse(new JsonObject().put("type", "track").put("userId", "u"), Map.of())).field());
    assertEquals("userId", assertThrows(RowException.class, () -> parse(new JsonObject().put("type", "track").put("event", "x"), Map.of())).field());
    assertEquals("groupId", assertThrows(RowException.class, () -> parse(new JsonObject().put("type", "group").put("userId", "u"), Map.of())).field());
    assertEquals("previousId", assertThrows(RowException.class, () -> parse(new JsonObject().put("type", "alias").put("userId", "u"), Map.of())).field());
    assertEquals("context.timezone", assertThrows(RowException.class, () -> parse(new JsonObject().put("type", "track").put("event", "x")
        .put("userId", "u").put("context", new JsonObject().put("timezone", "Nowhere/City")), Map.of())).field());
  }
}
