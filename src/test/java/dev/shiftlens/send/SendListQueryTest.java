package dev.shiftlens.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SendListQueryTest {
  private static MultiMap params(String... pairs) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) m.add(pairs[i], pairs[i + 1]);
    return m;
  }

  private static void rejectedNaming(String field, String... pairs) {
    ApiException e = assertThrows(ApiException.class, () -> SendListQuery.parse(params(pairs)));
    assertEquals(400, e.status());
    assertEquals(field, e.extra().getString("field"), e.getMessage());
  }

  private static OffsetDateTime utc(String instant) {
    return OffsetDateTime.ofInstant(Instant.parse(instant), ZoneOffset.UTC);
  }

  @Test
  void withoutParametersEverySendIsListedAHundredAtATime() {
    assertEquals(new SendListQuery(null, null, null, null, null, null, 100), SendListQuery.parse(params()));
  }

  @Test
  void emptyParametersAreAbsentOnes() {
    assertEquals(new SendListQuery(null, null, null, null, null, null, 100),
        SendListQuery.parse(params("contact_id", "", "message_id", "", "status", "", "from", "", "to", "", "limit", "", "cursor", "")));
  }

  @Test
  void filtersAreTakenAsGiven() {
    SendListQuery q = SendListQuery.parse(params("contact_id", "c1", "message_id", "m1", "status", "insufficient_history",
        "from", "2026-11-01", "to", "2026-11-28T10:00:00+02:00", "limit", "1000"));
    assertEquals("c1", q.contactId());
    assertEquals("m1", q.messageId());
    assertEquals("insufficient_history", q.status());
    assertEquals(utc("2026-11-01T00:00:00Z"), q.from());
    assertEquals(utc("2026-11-28T08:00:00Z"), q.to());
    assertEquals(1000, q.limit());
  }

  @Test
  void timesTakeEveryFormOfTheApi() {
    assertEquals(utc("2026-11-28T10:00:00Z"), SendListQuery.parse(params("from", "2026-11-28 10:00:00")).from());
    assertEquals(utc("2026-11-28T10:00:00.123Z"), SendListQuery.parse(params("from", "2026-11-28T10:00:00.123")).from());
    assertEquals(utc("2026-11-28T10:00:00Z"), SendListQuery.parse(params("from", "1795860000")).from());
    assertEquals(utc("2026-11-28T10:00:00Z"), SendListQuery.parse(params("from", "1795860000000")).from());
  }

  @Test
  void anOffsetWhosePlusWasSentUnescapedIsReadAsPlus() {
    assertEquals(utc("2026-11-28T08:00:00Z"), SendListQuery.parse(params("from", "2026-11-28T10:00:00 02:00")).from());
    assertEquals(utc("2026-11-28T08:00:00Z"), SendListQuery.parse(params("from", "2026-11-28 10:00:00 0200")).from());
  }

  @Test
  void eachBadParameterIsA400NamingIt() {
    rejectedNaming("limit", "limit", "0");
    rejectedNaming("limit", "limit", "1001");
    rejectedNaming("limit", "limit", "ten");
    rejectedNaming("limit", "limit", "2.5");
    rejectedNaming("status", "status", "done");
    rejectedNaming("from", "from", "yesterday");
    rejectedNaming("to", "to", "2026-13-01T00:00:00Z");
    rejectedNaming("to", "from", "2026-11-02", "to", "2026-11-01");
    rejectedNaming("from", "from", "99999999999999999");
    rejectedNaming("cursor", "cursor", "not a cursor!");
    rejectedNaming("cursor", "cursor", "bm90LWEtY3Vyc29y");
    rejectedNaming("contact_id", "contact_id", "a\u0000b");
    rejectedNaming("message_id", "message_id", "m1", "message_id", "m2");
  }

  @Test
  void aCursorComesBackAsItWent() {
    SendCursor c = SendCursor.after(OffsetDateTime.parse("2026-11-28T10:00:00.123456+02:00"), "s:1/ü");
    assertEquals(c, SendCursor.decode(c.encode()));
    assertEquals(utc("2026-11-28T08:00:00.123456Z"), SendCursor.decode(c.encode()).sentAt());
    assertNull(SendListQuery.parse(params()).after());
    assertEquals(c, SendListQuery.parse(params("cursor", c.encode())).after());
  }
}
