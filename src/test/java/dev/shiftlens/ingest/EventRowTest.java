package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventRowTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final long now = NOW.toEpochMilli();

  /** A valid event as JSON, with some fields replaced by raw JSON values (null drops the field). */
  private static RawRow event(String... replacements) throws RowException {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("contact_id", "\"c1\"");
    fields.put("timestamp", "\"2026-11-28T10:00:00Z\"");
    fields.put("event_name", "\"purchase\"");
    for (int i = 0; i < replacements.length; i += 2) {
      if (replacements[i + 1] == null) fields.remove(replacements[i]);
      else fields.put(replacements[i], replacements[i + 1]);
    }
    StringBuilder json = new StringBuilder("{");
    fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return Rows.json(json.append('}').toString());
  }

  private static EventRow valid(String... replacements) throws RowException {
    return EventRow.from(event(replacements), now);
  }

  /** The row is rejected, and the rejection names {@code field}. */
  private static RowException rejected(String field, String... replacements) {
    RowException e = assertThrows(RowException.class, () -> valid(replacements));
    assertEquals(field, e.field(), e.getMessage());
    return e;
  }

  private static String quoted(String s) {
    return '"' + s + '"';
  }

  @Test
  void aFullEventKeepsEveryField() throws Exception {
    EventRow e = valid("event_instance_id", "\"i-1\"", "timezone", "\"Europe/Paris\"",
        "metadata", "{ \"amount\" : 12, \"items\" : [ \"a\", \"b\" ] }");
    assertEquals("c1", e.contactId());
    assertEquals(Instant.parse("2026-11-28T10:00:00Z").toEpochMilli(), e.epochMillis());
    assertEquals("purchase", e.eventName());
    assertEquals("i-1", e.instanceId());
    assertEquals("Europe/Paris", e.timezone());
    assertEquals("{\"amount\":12,\"items\":[\"a\",\"b\"]}", e.metadata());
  }

  @Test
  void optionalFieldsMayBeAbsentOrNull() throws Exception {
    EventRow absent = valid();
    assertNull(absent.instanceId());
    assertNull(absent.timezone());
    assertNull(absent.metadata());
    EventRow nulls = valid("event_instance_id", "null", "timezone", "null", "metadata", "null");
    assertNull(nulls.instanceId());
    assertNull(nulls.timezone());
    assertNull(nulls.metadata());
  }

  @Test
  void anIntegerContactIdIsTakenAsItsDigits() throws Exception {
    assertEquals("42", valid("contact_id", "42").contactId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"contact_id", "timestamp", "event_name"})
  void eachRequiredFieldMustBePresent(String field) {
    assertTrue(rejected(field, field, null).getMessage().contains("required"));
    rejected(field, field, "null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"contact_id", "event_name"})
  void identifiersHaveOneTo256Characters(String field) throws Exception {
    rejected(field, field, "\"\"");
    assertEquals("x".repeat(256), field.equals("contact_id")
        ? valid(field, quoted("x".repeat(256))).contactId() : valid(field, quoted("x".repeat(256))).eventName());
    assertTrue(rejected(field, field, quoted("x".repeat(257))).getMessage().contains("256"));
    rejected(field, field, "true");
    rejected(field, field, "1.5");
    rejected(field, field, "{\"a\":1}");
    rejected(field, field, "[\"a\"]");
  }

  @Test
  void anInstanceIdIsAStringOfAtMost256Characters() throws Exception {
    assertEquals("x".repeat(256), valid("event_instance_id", quoted("x".repeat(256))).instanceId());
    rejected("event_instance_id", "event_instance_id", quoted("x".repeat(257)));
    rejected("event_instance_id", "event_instance_id", "7");
  }

  @Test
  void timestampsInEveryAcceptedShapeGiveTheSameInstant() throws Exception {
    long expected = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    for (String value : new String[] {"\"2026-11-28T11:00:00+01:00\"", "\"2026-11-28 10:00:00\"", "1795860000",
        "1795860000000", "\"1795860000\"", "1795860000.0"}) {
      assertEquals(expected, valid("timestamp", value).epochMillis(), value);
    }
  }

  @Test
  void aTimestampFrom2000OnIsAcceptedAndOneBeforeIsRejected() throws Exception {
    assertEquals(Instant.parse("2000-01-01T00:00:00Z").toEpochMilli(), valid("timestamp", "\"2000-01-01T00:00:00Z\"").epochMillis());
    assertTrue(rejected("timestamp", "timestamp", "\"1999-12-31T23:59:59.999Z\"").getMessage().contains("before 2000-01-01"));
    rejected("timestamp", "timestamp", "0");
    rejected("timestamp", "timestamp", "-1700000000");
  }

  @Test
  void aTimestampUpTo24HoursAheadIsAcceptedAndLaterIsRejected() throws Exception {
    Instant limit = NOW.plus(Duration.ofHours(24));
    assertEquals(limit.toEpochMilli(), valid("timestamp", quoted(limit.toString())).epochMillis());
    assertTrue(rejected("timestamp", "timestamp", quoted(limit.plusMillis(1).toString())).getMessage().contains("future"));
    rejected("timestamp", "timestamp", "\"2126-01-01T00:00:00Z\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"yesterday\"", "\"2026-02-30T10:00:00Z\"", "\"2026-11-28T24:00:00Z\"", "true", "{\"t\":1}", "[1]", "\"\"",
      "123456789012345678901234567890"})
  void aTimestampThatIsNoTimeIsRejected(String value) {
    rejected("timestamp", "timestamp", value);
  }

  @Test
  void aKnownTimeZoneIsKept() throws Exception {
    assertEquals("America/New_York", valid("timezone", "\"America/New_York\"").timezone());
    assertEquals("UTC", valid("timezone", "\"UTC\"").timezone());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"Mars/Olympus_Mons\"", "\"+05:00\"", "\"\"", "\"Europe/Pariss\"", "5", "true"})
  void anUnknownTimeZoneIsRejected(String value) {
    rejected("timezone", "timezone", value);
  }

  @Test
  void metadataGivenAsJsonTextInAStringIsAnObjectToo() throws Exception {
    assertEquals("{\"a\":1}", valid("metadata", "\"{ \\\"a\\\" : 1 }\"").metadata());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "5", "true", "\"text\"", "\"[1]\"", "\"{\\\"a\\\":1} x\"", "\"{\\\"a\\\":}\""})
  void metadataThatIsNoObjectIsRejected(String value) {
    rejected("metadata", "metadata", value);
  }

  @Test
  void aCsvRowReadsMetadataFromJsonTextAndTimesFromDigits() throws Exception {
    RawRow row = Rows.csv("contact_id,timestamp,event_name,event_instance_id,timezone,metadata",
        "c1,1795860000,purchase,,Europe/Paris,\"{ \"\"amount\"\": 12, \"\"items\"\": [\"\"a\"\"] }\"");
    EventRow e = EventRow.from(row, now);
    assertEquals(Instant.parse("2026-11-28T10:00:00Z").toEpochMilli(), e.epochMillis());
    assertNull(e.instanceId());
    assertEquals("Europe/Paris", e.timezone());
    assertEquals("{\"amount\":12,\"items\":[\"a\"]}", e.metadata());
  }

  @Test
  void aCsvRowWithMetadataThatIsNoJsonObjectIsRejected() throws Exception {
    RawRow row = Rows.csv("contact_id,timestamp,event_name,metadata", "c1,1795860000,purchase,not json");
    assertEquals("metadata", assertThrows(RowException.class, () -> EventRow.from(row, now)).field());
  }

  @Test
  void theSameEventFromJsonAndFromCsvHasTheSameKey() throws Exception {
    String metadata = "{\"price\":9.90,\"qty\":3,\"big\":12345678901234567890,\"tags\":[\"x\",null,true],\"e\":1e2}";
    EventRow fromJson = valid("metadata", metadata);
    EventRow fromJsonText = valid("metadata", quoted(metadata.replace("\"", "\\\"")));
    EventRow fromCsv = EventRow.from(Rows.csv("contact_id,timestamp,event_name,metadata",
        "c1,2026-11-28T10:00:00Z,purchase,\"" + metadata.replace("\"", "\"\"") + "\""), now);
    assertEquals(fromJson.metadata(), fromCsv.metadata());
    assertEquals(fromJson.metadata(), fromJsonText.metadata());
    assertEquals(fromJson.key(), fromCsv.key());
    assertEquals(fromJson.key(), fromJsonText.key());
  }

  @Test
  void theKeyFollowsTheEventIdentity() throws Exception {
    assertEquals(EventKey.of("c1", "i-1", 1, "x", null), valid("event_instance_id", "\"i-1\"").key());
    EventRow plain = valid("metadata", "{\"a\":1}");
    assertEquals(EventKey.of("c1", null, plain.epochMillis(), "purchase", "{\"a\":1}"), plain.key());
    assertNotEquals(plain.key(), valid("metadata", "{\"a\":2}").key());
  }
}
