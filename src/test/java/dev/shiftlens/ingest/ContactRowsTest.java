package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.contact.ContactUpsert;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContactRowsTest {
  private static ContactUpsert json(String object) throws RowException {
    return ContactRows.from(Rows.json(object));
  }

  private static ContactUpsert csv(String header, String line) throws Exception {
    return ContactRows.from(Rows.csv(header, line));
  }

  /** The row is rejected, and the rejection names {@code field}. */
  private static RowException rejected(String field, String object) {
    RowException e = assertThrows(RowException.class, () -> json(object));
    assertEquals(field, e.field(), e.getMessage());
    return e;
  }

  @Test
  void reachFieldsAndTimeZoneAreKeptApartFromProperties() throws Exception {
    ContactUpsert c = json("{\"contact_id\":\"c1\",\"country\":\"FR\",\"push_token\":\"tok\",\"phone_number\":\"+33612345678\","
        + "\"email_address\":\"a@example.com\",\"timezone\":\"Europe/Paris\",\"plan\":\"pro\"}");
    assertEquals("c1", c.contactId());
    assertEquals("FR", c.country());
    assertEquals(new JsonObject().put("push_token", "tok").put("phone_number", "+33612345678")
        .put("email_address", "a@example.com").put("timezone", "Europe/Paris"), c.reach());
    assertEquals(new JsonObject().put("plan", "pro"), c.properties());
  }

  @Test
  void scalarPropertiesKeepTheirJsonTypes() throws Exception {
    ContactUpsert c = json("{\"contact_id\":\"c1\",\"country\":\"FR\",\"plan\":\"pro\",\"age\":42,\"score\":1.5,"
        + "\"vip\":true,\"churned\":false,\"zip\":\"007\",\"count\":\"42\"}");
    JsonObject p = c.properties();
    assertEquals(Set.of("plan", "age", "score", "vip", "churned", "zip", "count"), p.fieldNames());
    assertEquals("pro", p.getValue("plan"));
    assertEquals(42, p.getInteger("age"));
    assertEquals(1.5, p.getDouble("score"));
    assertEquals(Boolean.TRUE, p.getValue("vip"));
    assertEquals(Boolean.FALSE, p.getValue("churned"));
    assertEquals("007", p.getValue("zip"));
    assertEquals("42", p.getValue("count"), "a JSON string stays a string");
  }

  @Test
  void aNullPropertyIsKeptAsNullSoThatItRemovesTheProperty() throws Exception {
    JsonObject p = json("{\"contact_id\":\"c1\",\"country\":\"FR\",\"plan\":null}").properties();
    assertTrue(p.containsKey("plan"));
    assertNull(p.getValue("plan"));
  }

  @Test
  void aNullReachFieldIsKeptAsNullSoThatItClearsTheField() throws Exception {
    JsonObject reach = json("{\"contact_id\":\"c1\",\"country\":\"FR\",\"push_token\":null,\"timezone\":null}").reach();
    assertEquals(Set.of("push_token", "timezone"), reach.fieldNames());
    assertNull(reach.getValue("push_token"));
    assertNull(reach.getValue("timezone"));
  }

  @Test
  void absentFieldsAreNeitherReachNorProperties() throws Exception {
    ContactUpsert c = json("{\"contact_id\":\"c1\",\"country\":\"FR\"}");
    assertTrue(c.reach().isEmpty());
    assertTrue(c.properties().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":1}", "[1,2]", "{}", "[]"})
  void objectAndArrayPropertiesAreRejected(String value) {
    RowException e = rejected("prefs", "{\"contact_id\":\"c1\",\"country\":\"FR\",\"prefs\":" + value + "}");
    assertTrue(e.getMessage().contains("string, number, boolean or null"), e.getMessage());
  }

  @Test
  void aContactIdIsRequiredWithOneTo256Characters() throws Exception {
    rejected("contact_id", "{\"country\":\"FR\"}");
    rejected("contact_id", "{\"contact_id\":null,\"country\":\"FR\"}");
    rejected("contact_id", "{\"contact_id\":\"\",\"country\":\"FR\"}");
    rejected("contact_id", "{\"contact_id\":\"" + "x".repeat(257) + "\",\"country\":\"FR\"}");
    rejected("contact_id", "{\"contact_id\":{\"id\":1},\"country\":\"FR\"}");
    assertEquals("x".repeat(256), json("{\"contact_id\":\"" + "x".repeat(256) + "\",\"country\":\"FR\"}").contactId());
    assertEquals("12", json("{\"contact_id\":12,\"country\":\"FR\"}").contactId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",\"country\":null", ",\"country\":\"\"", ",\"country\":\"  \"", ",\"country\":33", ",\"country\":[\"FR\"]"})
  void aCountryIsRequiredAsANonEmptyString(String country) {
    rejected("country", "{\"contact_id\":\"c1\"" + country + "}");
  }

  @Test
  void anUnknownTimeZoneIsRejected() {
    rejected("timezone", "{\"contact_id\":\"c1\",\"country\":\"FR\",\"timezone\":\"Europe/Atlantis\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"push_token", "phone_number", "email_address"})
  void reachFieldsMustBeStrings(String field) {
    rejected(field, "{\"contact_id\":\"c1\",\"country\":\"FR\",\"" + field + "\":33612345678}");
    rejected(field, "{\"contact_id\":\"c1\",\"country\":\"FR\",\"" + field + "\":{\"a\":1}}");
  }

  @Test
  void overlongTextIsRejectedInReachFieldsAndProperties() throws Exception {
    String ok = "x".repeat(4096);
    String tooLong = "x".repeat(4097);
    assertEquals(ok, json("{\"contact_id\":\"c1\",\"country\":\"FR\",\"email_address\":\"" + ok + "\",\"bio\":\"" + ok + "\"}")
        .properties().getString("bio"));
    rejected("email_address", "{\"contact_id\":\"c1\",\"country\":\"FR\",\"email_address\":\"" + tooLong + "\"}");
    rejected("bio", "{\"contact_id\":\"c1\",\"country\":\"FR\",\"bio\":\"" + tooLong + "\"}");
  }

  @Test
  void unusablePropertyNamesAreRejected() {
    rejected("", "{\"contact_id\":\"c1\",\"country\":\"FR\",\"\":1}");
    rejected("a\nb", "{\"contact_id\":\"c1\",\"country\":\"FR\",\"a\\nb\":1}");
    String longName = "k".repeat(257);
    rejected(longName, "{\"contact_id\":\"c1\",\"country\":\"FR\",\"" + longName + "\":1}");
  }

  @Test
  void csvValuesThatPlainlyAreNumbersOrBooleansBecomeThem() throws Exception {
    JsonObject p = csv("contact_id,country,age,score,big,exp,neg,zero,vip,churned,zip,ver,word,caps,plus",
        "c1,FR,42,-3.5,123456789012,1e3,-7,0,true,false,007,1.2.3,42abc,True,+5").properties();
    assertEquals(42L, p.getValue("age"));
    assertEquals(-3.5, p.getValue("score"));
    assertEquals(123_456_789_012L, p.getValue("big"));
    assertEquals(1000.0, p.getValue("exp"));
    assertEquals(-7L, p.getValue("neg"));
    assertEquals(0L, p.getValue("zero"));
    assertEquals(Boolean.TRUE, p.getValue("vip"));
    assertEquals(Boolean.FALSE, p.getValue("churned"));
    assertEquals("007", p.getValue("zip"));
    assertEquals("1.2.3", p.getValue("ver"));
    assertEquals("42abc", p.getValue("word"));
    assertEquals("True", p.getValue("caps"));
    assertEquals("+5", p.getValue("plus"));
  }

  @Test
  void csvReachFieldsStayTextEvenWhenTheyLookLikeNumbers() throws Exception {
    ContactUpsert c = csv("contact_id,country,phone_number,push_token,timezone", "0612,FR,33612345678,42,Asia/Tokyo");
    assertEquals("0612", c.contactId());
    assertEquals(new JsonObject().put("phone_number", "33612345678").put("push_token", "42").put("timezone", "Asia/Tokyo"), c.reach());
  }

  @Test
  void anEmptyCsvCellIsAnAbsentFieldNotARemoval() throws Exception {
    ContactUpsert c = csv("contact_id,country,plan,push_token", "c1,FR,,");
    assertFalse(c.properties().containsKey("plan"));
    assertFalse(c.reach().containsKey("push_token"));
  }

  @Test
  void aCsvRowWithoutCountryIsRejected() {
    RowException e = assertThrows(RowException.class, () -> csv("contact_id,country,plan", "c1,,pro"));
    assertEquals("country", e.field());
  }
}
