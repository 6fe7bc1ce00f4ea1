package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.platform.Config;
import dev.shiftlens.send.NewSend;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SendRowsTest {
  private static final long NOW = Instant.parse("2026-11-28T12:00:00Z").toEpochMilli();
  private static final long SENT_AT = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
  private static final Config.Windows WINDOWS = new Config.Windows(24, Map.of("push", 6.0, "in_app", 0.5));

  /** A valid send as JSON, with some fields replaced by raw JSON values (null drops the field). */
  private static NewSend send(String... replacements) throws RowException {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("contact_id", "\"c1\"");
    fields.put("message_id", "\"welcome\"");
    fields.put("channel", "\"email\"");
    fields.put("sent_at", "\"2026-11-28T10:00:00Z\"");
    for (int i = 0; i < replacements.length; i += 2) {
      if (replacements[i + 1] == null) fields.remove(replacements[i]);
      else fields.put(replacements[i], replacements[i + 1]);
    }
    StringBuilder json = new StringBuilder("{");
    fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return SendRows.from(Rows.json(json.append('}').toString()), NOW, WINDOWS);
  }

  private static NewSend csv(String header, String line) throws Exception {
    return SendRows.from(Rows.csv(header, line), NOW, WINDOWS);
  }

  /** The row is rejected, and the rejection names {@code field}. */
  private static RowException rejected(String field, String... replacements) {
    RowException e = assertThrows(RowException.class, () -> send(replacements));
    assertEquals(field, e.field(), e.getMessage());
    return e;
  }

  @Test
  void aFullSendKeepsEveryField() throws Exception {
    NewSend s = send("send_id", "\"s-1\"", "labels", "{\"copy\":\"urgency\",\"offer\":\"10pct\"}", "holdout", "true",
        "window_hours", "12");
    assertEquals("s-1", s.sendId());
    assertEquals("c1", s.contactId());
    assertEquals("welcome", s.messageId());
    assertEquals("email", s.channel());
    assertEquals(SENT_AT, s.sentAtMillis());
    assertEquals(new JsonObject().put("copy", "urgency").put("offer", "10pct"), s.labels());
    assertTrue(s.holdout());
    assertEquals(12.0, s.windowHours());
  }

  @Test
  void withoutOptionalFieldsASendHasNoLabelsIsNoHoldoutAndGetsTheChannelWindow() throws Exception {
    NewSend s = send();
    assertEquals(new JsonObject(), s.labels());
    assertFalse(s.holdout());
    assertEquals(24.0, s.windowHours());
    assertEquals(6.0, send("channel", "\"push\"").windowHours());
    assertEquals(0.5, send("channel", "\"in_app\"").windowHours());
    assertEquals(3.0, send("channel", "\"push\"", "window_hours", "3").windowHours(), "a given window wins");
  }

  @Test
  void theDefaultWindowIs24HoursWhenNothingIsConfigured() throws Exception {
    Config.Windows unset = Config.from(Map.of()).windows();
    for (String channel : new String[] {"push", "email", "sms", "whatsapp", "in_app"}) {
      assertEquals(24.0, SendRows.from(Rows.json("{\"contact_id\":\"c1\",\"message_id\":\"m\",\"channel\":\"" + channel
          + "\",\"sent_at\":1795860000}"), NOW, unset).windowHours(), channel);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"contact_id", "message_id", "channel", "sent_at"})
  void eachRequiredFieldMustBePresent(String field) {
    assertTrue(rejected(field, field, null).getMessage().contains("required"));
    rejected(field, field, "null");
  }

  @ParameterizedTest
  @ValueSource(strings = {"contact_id", "message_id", "channel", "send_id"})
  void identifiersMustBeNonEmptyStrings(String field) {
    rejected(field, field, "\"\"");
    rejected(field, field, "true");
    rejected(field, field, "{\"id\":1}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"contact_id", "message_id", "send_id"})
  void identifiersHaveAtMost256Characters(String field) throws Exception {
    send(field, "\"" + "x".repeat(256) + "\"");
    rejected(field, field, "\"" + "x".repeat(257) + "\"");
  }

  @Test
  void sentAtFollowsTheTimeRules() throws Exception {
    assertEquals(SENT_AT, send("sent_at", "\"2026-11-28T11:00:00+01:00\"").sentAtMillis());
    assertEquals(SENT_AT, send("sent_at", "1795860000").sentAtMillis());
    rejected("sent_at", "sent_at", "\"1999-12-31T23:59:59Z\"");
    rejected("sent_at", "sent_at", "\"2026-11-29T12:00:00.001Z\"");
    rejected("sent_at", "sent_at", "\"2026-11-31T10:00:00Z\"");
    rejected("sent_at", "sent_at", "true");
  }

  @Test
  void anIntegerSendIdIsTakenAsItsDigits() throws Exception {
    assertEquals("12345", send("send_id", "12345").sendId());
  }

  @Test
  void aDerivedSendIdIsStable() throws Exception {
    String id = send().sendId();
    assertTrue(id.matches("d-[0-9a-f]{32}"), id);
    assertEquals(id, send().sendId());
    assertEquals(id, SendRows.derivedId("c1", "welcome", SENT_AT));
  }

  @Test
  void aDerivedSendIdDependsOnlyOnContactMessageAndTime() throws Exception {
    String id = send().sendId();
    assertNotEquals(id, send("contact_id", "\"c2\"").sendId());
    assertNotEquals(id, send("message_id", "\"welcome2\"").sendId());
    assertNotEquals(id, send("sent_at", "\"2026-11-28T10:00:00.001Z\"").sendId());
    assertEquals(id, send("sent_at", "\"2026-11-28 11:00:00+01:00\"").sendId(), "the same instant written otherwise");
    assertEquals(id, send("channel", "\"sms\"", "labels", "{\"copy\":\"x\"}", "holdout", "true", "window_hours", "3").sendId());
  }

  @Test
  void aDerivedSendIdDoesNotConfuseFieldBoundaries() {
    assertNotEquals(SendRows.derivedId("ab", "c", SENT_AT), SendRows.derivedId("a", "bc", SENT_AT));
    assertNotEquals(SendRows.derivedId("c1", "m1", SENT_AT), SendRows.derivedId("c1", "m", Long.parseLong("1" + SENT_AT)));
  }

  @Test
  void theSameSendFromJsonAndCsvGetsTheSameDerivedId() throws Exception {
    NewSend fromCsv = csv("contact_id,message_id,channel,sent_at", "c1,welcome,email,1795860000");
    assertEquals(send().sendId(), fromCsv.sendId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[\"a\"]", "\"text\"", "5", "true"})
  void labelsMustBeAnObject(String value) {
    rejected("labels", "labels", value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "true", "null", "{\"a\":\"b\"}", "[\"x\"]"})
  void labelValuesMustBeStrings(String value) {
    RowException e = assertThrows(RowException.class, () -> send("labels", "{\"copy\":\"x\",\"offer\":" + value + "}"));
    assertEquals("labels.offer", e.field(), e.getMessage());
  }

  @Test
  void labelKeysMustBeOneTo128Characters() throws Exception {
    assertEquals("v", send("labels", "{\"" + "k".repeat(128) + "\":\"v\"}").labels().getString("k".repeat(128)));
    rejected("labels", "labels", "{\"\":\"v\"}");
    rejected("labels", "labels", "{\"" + "k".repeat(129) + "\":\"v\"}");
  }

  @Test
  void csvLabelsAreJsonText() throws Exception {
    NewSend s = csv("contact_id,message_id,channel,sent_at,labels", "c1,m,push,1795860000,\"{\"\"copy\"\": \"\"urgency\"\"}\"");
    assertEquals(new JsonObject().put("copy", "urgency"), s.labels());
    RowException e = assertThrows(RowException.class,
        () -> csv("contact_id,message_id,channel,sent_at,labels", "c1,m,push,1795860000,copy=urgency"));
    assertEquals("labels", e.field());
  }

  @Test
  void holdoutIsABooleanAndCsvMayWriteItAsOneOrZero() throws Exception {
    assertTrue(send("holdout", "true").holdout());
    assertFalse(send("holdout", "false").holdout());
    assertFalse(send("holdout", "null").holdout());
    String header = "contact_id,message_id,channel,sent_at,holdout";
    assertTrue(csv(header, "c1,m,push,1795860000,true").holdout());
    assertTrue(csv(header, "c1,m,push,1795860000,1").holdout());
    assertFalse(csv(header, "c1,m,push,1795860000,0").holdout());
    assertFalse(csv(header, "c1,m,push,1795860000,false").holdout());
    assertFalse(csv(header, "c1,m,push,1795860000,").holdout());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"maybe\"", "2", "{\"x\":true}", "[true]"})
  void aHoldoutThatIsNoBooleanIsRejected(String value) {
    rejected("holdout", "holdout", value);
  }

  @Test
  void theWindowMayBeAnyNumberAbove0UpTo168Hours() throws Exception {
    assertEquals(168.0, send("window_hours", "168").windowHours());
    assertEquals(0.25, send("window_hours", "0.25").windowHours());
    assertEquals(1e-3, send("window_hours", "1e-3").windowHours());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "168.01", "169", "1e300", "true", "\"soon\"", "\"NaN\"", "\"Infinity\"", "{\"h\":1}"})
  void aWindowOutside0To168IsRejected(String value) {
    rejected("window_hours", "window_hours", value);
  }

  @Test
  void csvWindowsAreReadAsNumbers() throws Exception {
    String header = "contact_id,message_id,channel,sent_at,window_hours";
    assertEquals(12.5, csv(header, "c1,m,push,1795860000,12.5").windowHours());
    assertEquals(6.0, csv(header, "c1,m,push,1795860000,").windowHours(), "an empty cell takes the channel's window");
    assertEquals("window_hours", assertThrows(RowException.class, () -> csv(header, "c1,m,push,1795860000,12h")).field());
    assertEquals("window_hours", assertThrows(RowException.class, () -> csv(header, "c1,m,push,1795860000,0")).field());
  }
}
