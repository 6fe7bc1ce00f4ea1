package dev.shiftlens.audience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/audiences/query} over HTTP, on a whole server holding contacts and events ingested
 * through the API and send effects written to ClickHouse's send_effects as the evaluation writes them.
 */
class AudienceEndToEndTest {
  private static TestServer server;
  private static final Instant NOW = Instant.now();
  /** Contacts with no property but a country, so that pages and complements have something to walk. */
  private static final List<String> FILLERS = List.of("f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08", "f09", "f10",
      "Zed", "émile", "ünal", "中文", "😀");
  private static Set<String> everyone;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    JsonArray contacts = new JsonArray()
        .add(new JsonObject().put("contact_id", "c01").put("country", "DE").put("plan", "gold").put("age", 30)
            .put("score", "12.5").put("vip", true).put("signup", "2026-01-15T10:00:00Z").put("name", "Alice Smith")
            .put("email_address", "alice@example.com"))
        .add(new JsonObject().put("contact_id", "c02").put("country", "FR").put("plan", "silver").put("age", 45)
            .put("vip", false).put("signup", "2026-06-01").put("name", "bob"))
        .add(new JsonObject().put("contact_id", "c03").put("country", "DE").put("plan", "Gold").put("age", 30.0)
            .put("signup", "2026-03-01 12:00:00"))
        .add(new JsonObject().put("contact_id", "c04").put("country", "US").put("age", "50").put("push_token", "tok-4")
            .put("signup", "not a time"))
        .add(new JsonObject().put("contact_id", "c05").put("country", "US").put("plan", "bronze").put("age", 18)
            .put("signup", "2026-02-30"));
    for (String id : FILLERS) contacts.add(new JsonObject().put("contact_id", id).put("country", "NL"));
    HttpResponse<String> r = server.post("/v1/contacts", "application/json", contacts.encode());
    assertEquals(contacts.size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    everyone = new TreeSet<>(List.of("c01", "c02", "c03", "c04", "c05"));
    everyone.addAll(FILLERS);

    JsonArray events = new JsonArray()
        .add(event("c01", "purchase", 1, "p1")).add(event("c01", "purchase", 2, "p2")).add(event("c01", "purchase", 3, "p3"))
        .add(event("c01", "purchase", 20 * 24, "p4"))
        .add(event("c02", "purchase", 30, "p5"))
        .add(event("c04", "purchase", 10 * 24, "p6"))
        // An event of a contact that is not in the contacts table: in no audience.
        .add(event("ghost", "purchase", 5, "g1"));
    for (int i = 0; i < 5; i++) events.add(event("c03", "open", 1 + i, "o" + i));
    r = server.post("/v1/events", "application/json", events.encode());
    assertEquals(events.size(), new JsonObject(r.body()).getInteger("accepted"), r.body());
    // The same event again (same event_instance_id), in a later request: counted once.
    r = server.post("/v1/events", "application/json", new JsonArray().add(event("c02", "purchase", 30, "p5")).encode());
    assertEquals(200, r.statusCode(), r.body());

    // Effects as the evaluation mirrors them: s1 was evaluated twice, the second time (version 2) with no shift.
    String db = server.database;
    TestStores.clickhouse("INSERT INTO " + db + ".send_effects (send_id, contact_id, message_id, channel, holdout, sent_at,"
        + " status, event_name, reported, verdict, version) VALUES "
        + effect("s1", "c01", 0, 2, "purchase", "up", 1) + ", "
        + effect("s1", "c01", 0, 2, "purchase", "none", 2) + ", "
        + effect("s2", "c02", 0, 3, "purchase", "up", 1) + ", "
        + effect("s2", "c02", 0, 3, "*", "up", 1) + ", "
        + effect("s3", "c03", 0, 40, "*", "down", 1) + ", "
        + effect("s4", "c05", 1, 1, "purchase", "up", 1));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static JsonObject event(String contact, String name, int hoursAgo, String instance) {
    return new JsonObject().put("contact_id", contact).put("event_name", name).put("event_instance_id", instance)
        .put("timestamp", NOW.minus(hoursAgo, ChronoUnit.HOURS).toString());
  }

  private static String effect(String send, String contact, int holdout, int daysAgo, String name, String verdict, int version) {
    long sentAt = NOW.minus(daysAgo, ChronoUnit.DAYS).getEpochSecond();
    return "('" + send + "', '" + contact + "', 'm1', 'push', " + holdout + ", toDateTime(" + sentAt + "), 'evaluated', '"
        + name + "', 1, '" + verdict + "', " + version + ")";
  }

  private static HttpResponse<String> post(String body) {
    return server.post("/v1/audiences/query", "application/json", body);
  }

  private static JsonObject query(String body) {
    HttpResponse<String> r = post(body);
    assertEquals(200, r.statusCode(), body + " -> " + r.body());
    return new JsonObject(r.body());
  }

  /** Every contact of the audience, following next_cursor. */
  private static List<String> all(JsonObject body, int limit) {
    List<String> out = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 100; pages++) {
      JsonObject q = body.copy().put("limit", limit);
      if (cursor != null) q.put("cursor", cursor);
      JsonObject page = query(q.encode());
      List<String> ids = ids(page);
      assertTrue(ids.size() <= limit);
      out.addAll(ids);
      cursor = page.getString("next_cursor");
      if (cursor == null) return out;
      assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
    }
    throw new AssertionError("the pages did not end");
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("contact_ids").stream().map(String::valueOf).toList();
  }

  private static Set<String> property(String key, String op, Object value) {
    JsonObject f = new JsonObject().put("key", key).put("op", op);
    if (value != null) f.put("value", value);
    return audience(new JsonObject().put("properties", new JsonArray().add(f)));
  }

  private static Set<String> audience(JsonObject body) {
    JsonObject page = query(body.copy().put("limit", 10_000).encode());
    assertEquals(page.getInteger("count"), page.getJsonArray("contact_ids").size());
    return new TreeSet<>(ids(page));
  }

  private static Set<String> behavior(JsonObject filter) {
    return audience(new JsonObject().put("behavior", new JsonArray().add(filter)));
  }

  private static Set<String> shift(String name, String verdict, Integer days) {
    JsonObject f = new JsonObject().put("event_name", name).put("verdict", verdict);
    if (days != null) f.put("within_days", days);
    return audience(new JsonObject().put("shifts", new JsonArray().add(f)));
  }

  private static Set<String> set(String... ids) {
    return new TreeSet<>(List.of(ids));
  }

  private static Set<String> allBut(String... ids) {
    Set<String> out = new TreeSet<>(everyone);
    out.removeAll(List.of(ids));
    return out;
  }

  private static void assertBad(String body, String part, String says) {
    HttpResponse<String> r = post(body);
    assertEquals(400, r.statusCode(), body + " -> " + r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject problem = new JsonObject(r.body());
    assertEquals(part, problem.getString("field"), problem.encode());
    assertTrue(problem.getString("detail").startsWith(part + ": "), problem.encode());
    assertTrue(problem.getString("detail").contains(says), problem.encode());
  }

  @Test
  void anEmptyQueryIsEveryContactInCodePointOrder() {
    JsonObject page = query("{}");
    assertEquals(everyone.size(), page.getInteger("count"));
    List<String> sorted = new ArrayList<>(everyone);
    sorted.sort(AudienceCursor::compare);
    assertEquals(sorted, ids(page));
    assertNull(page.getValue("next_cursor"));
    assertTrue(page.containsKey("next_cursor"));
    assertEquals(ids(page), ids(query("")));
  }

  @Test
  void eqComparesStringsExactlyAndNumbersByValue() {
    assertEquals(set("c01"), property("plan", "eq", "gold"));
    assertEquals(set("c01", "c03"), property("age", "eq", 30));
    assertEquals(set("c04"), property("age", "eq", 50));
    assertEquals(set("c01"), property("vip", "eq", true));
    assertEquals(set("c02"), property("vip", "eq", false));
    assertEquals(set(), property("plan", "eq", "platinum"));
  }

  @Test
  void neqIsTheComplementOfEqAndTakesInContactsWithoutTheProperty() {
    assertEquals(allBut("c01"), property("plan", "neq", "gold"));
    assertEquals(allBut("c01", "c03"), property("age", "neq", 30));
  }

  @Test
  void inMatchesAnyOfItsValuesOfEitherKind() {
    assertEquals(set("c01", "c02"), property("plan", "in", new JsonArray().add("gold").add("silver")));
    assertEquals(set("c02", "c05"), property("age", "in", new JsonArray().add(18).add(45)));
    assertEquals(set("c01", "c03", "c04"), property("age", "in", new JsonArray().add(50).add("x").add(30)));
    assertEquals(set("c01", "c05"), property("plan", "in", new JsonArray().add("gold").add(7).add("bronze")));
    assertEquals(set("c01"), property("vip", "in", new JsonArray().add(true)));
  }

  @Test
  void existsWithoutValueOrTrueFindsThePropertyAndFalseItsAbsence() {
    assertEquals(set("c01", "c02", "c03", "c05"), property("plan", "exists", null));
    assertEquals(set("c01", "c02", "c03", "c05"), property("plan", "exists", true));
    assertEquals(allBut("c01", "c02", "c03", "c05"), property("plan", "exists", false));
    assertEquals(set("c01"), property("email_address", "exists", null));
  }

  @Test
  void orderingOperatorsCompareNumbersAndNumericStringsByValue() {
    assertEquals(set("c02", "c04"), property("age", "gt", 30));
    assertEquals(set("c01", "c02", "c03", "c04"), property("age", "gte", 30));
    assertEquals(set("c05"), property("age", "lt", 30));
    assertEquals(set("c05"), property("age", "lte", 18));
    assertEquals(set("c01"), property("score", "gt", 12));
    assertEquals(set(), property("score", "gt", 12.5));
    assertEquals(set("c01"), property("score", "gte", "12.5"));
    assertEquals(set(), property("plan", "gt", 0));
  }

  @Test
  void orderingOperatorsCompareTimeStringsAsTimesAndSkipWhatIsNoTime() {
    assertEquals(set("c02", "c03"), property("signup", "gt", "2026-02-01T00:00:00Z"));
    assertEquals(set("c01"), property("signup", "lt", "2026-02-01"));
    // 2026-03-01 12:00:00 has no offset: UTC, so 13:00 in Paris is the same moment.
    assertEquals(set("c02", "c03"), property("signup", "gte", "2026-03-01T13:00:00+01:00"));
    assertEquals(set("c02"), property("signup", "gt", "2026-03-01T13:00:00+01:00"));
    assertEquals(set("c01", "c02", "c03"), property("signup", "lte", "2030-01-01T00:00:00Z"));
  }

  @Test
  void containsIgnoresCase() {
    assertEquals(set("c01"), property("name", "contains", "SMITH"));
    assertEquals(set("c02"), property("name", "contains", "BO"));
    assertEquals(set("c01"), property("email_address", "contains", "@EXAMPLE"));
  }

  @Test
  void countryAndReachFieldsFilterLikeProperties() {
    assertEquals(set("c01", "c03"), property("country", "eq", "DE"));
    assertEquals(set("c02", "c04", "c05"), property("country", "in", new JsonArray().add("FR").add("US")));
    assertEquals(set("c04"), property("push_token", "eq", "tok-4"));
    assertEquals(allBut("c04"), property("push_token", "neq", "tok-4"));
    assertEquals(set("c04"), property("push_token", "exists", null));
  }

  @Test
  void behaviorCountsDistinctEventsOfANameWithinTheDays() {
    JsonObject purchase = new JsonObject().put("event_name", "purchase");
    assertEquals(set("c01", "c02"), behavior(purchase.copy().put("min_count", 1).put("within_days", 7)));
    assertEquals(set("c01", "c02"), behavior(purchase.copy().put("within_days", 7)));
    // c02's event arrived twice and counts once.
    assertEquals(set("c01"), behavior(purchase.copy().put("min_count", 2).put("within_days", 7)));
    assertEquals(set("c02"), behavior(purchase.copy().put("min_count", 1).put("max_count", 2).put("within_days", 7)));
    assertEquals(set("c01", "c02", "c04"), behavior(purchase.copy()));
    assertEquals(set("c01"), behavior(purchase.copy().put("min_count", 4)));
    assertEquals(set(), behavior(purchase.copy().put("min_count", 5)));
    assertEquals(set("c03"), behavior(new JsonObject().put("event_name", "*").put("min_count", 5).put("within_days", 30)));
  }

  @Test
  void behaviorRangesThatIncludeZeroTakeInContactsWithoutSuchEvents() {
    JsonObject purchase = new JsonObject().put("event_name", "purchase").put("within_days", 7);
    assertEquals(allBut("c01", "c02"), behavior(purchase.copy().put("max_count", 0)));
    assertEquals(allBut("c01", "c02"), behavior(purchase.copy().put("min_count", 0).put("max_count", 0)));
    assertEquals(allBut("c01"), behavior(purchase.copy().put("min_count", 0).put("max_count", 1)));
    assertEquals(everyone, behavior(purchase.copy().put("min_count", 0)));
    assertEquals(everyone, behavior(new JsonObject().put("event_name", "never_seen").put("max_count", 0)));
    assertEquals(set(), behavior(new JsonObject().put("event_name", "never_seen").put("min_count", 1)));
  }

  @Test
  void shiftsFindTheLatestVerdictOfSendsThatWereNoHoldouts() {
    // s1 was evaluated again without a shift; s4 is a holdout.
    assertEquals(set("c02"), shift("purchase", "up", 7));
    assertEquals(set("c02"), shift("*", "up", null));
    assertEquals(set("c03"), shift("*", "down", null));
    assertEquals(set(), shift("*", "down", 30));
    assertEquals(set(), shift("purchase", "down", null));
  }

  @Test
  void partsCombineWithAnd() {
    JsonObject body = new JsonObject()
        .put("properties", new JsonArray().add(new JsonObject().put("key", "age").put("op", "gte").put("value", 30)))
        .put("behavior", new JsonArray().add(new JsonObject().put("event_name", "purchase").put("within_days", 7)));
    assertEquals(set("c01", "c02"), audience(body));
    body.getJsonArray("properties").add(new JsonObject().put("key", "country").put("op", "eq").put("value", "FR"));
    assertEquals(set("c02"), audience(body));
    body.put("shifts", new JsonArray().add(new JsonObject().put("event_name", "purchase").put("verdict", "up")));
    assertEquals(set("c02"), audience(body));
    body.getJsonArray("behavior").add(new JsonObject().put("event_name", "purchase").put("min_count", 2));
    assertEquals(set(), audience(body));
  }

  @Test
  void pagesWalkEveryContactExactlyOnceInOrder() {
    List<String> sorted = new ArrayList<>(everyone);
    sorted.sort(AudienceCursor::compare);
    for (int limit : new int[] {1, 3, 7, 19, 20, 100}) {
      List<String> walked = all(new JsonObject(), limit);
      assertEquals(sorted, walked, "limit " + limit);
      assertEquals(walked.size(), new HashSet<>(walked).size());
    }
    JsonObject first = query("{\"limit\": 3}");
    assertEquals(everyone.size(), first.getInteger("count"));
    assertEquals(3, ids(first).size());
    JsonObject filtered = new JsonObject().put("behavior", new JsonArray().add(new JsonObject().put("event_name", "purchase").put("max_count", 0).put("within_days", 7)));
    assertEquals(new ArrayList<>(behavior(filtered.getJsonArray("behavior").getJsonObject(0))).stream().sorted(AudienceCursor::compare).toList(),
        all(filtered, 2));
  }

  @Test
  void keysAndValuesAreDataNeverSql() {
    assertEquals(set(), property("plan'); DROP TABLE contacts; --", "eq", "x"));
    assertEquals(set(), property("plan", "eq", "gold' OR '1'='1"));
    assertEquals(set(), behavior(new JsonObject().put("event_name", "purchase' OR 1=1 --").put("min_count", 1)));
    assertEquals(everyone.size(), query("{}").getInteger("count"));
  }

  @Test
  void aBadFilterIsA400NamingThePart() {
    assertBad("{\"properties\": [{\"key\": \"plan\", \"op\": \"eq\", \"value\": \"gold\"}, {\"key\": \"name\", \"op\": \"like\", \"value\": \"a%\"}]}",
        "properties[1].op", "unknown operator 'like'");
    assertBad("{\"properties\": [{\"op\": \"eq\", \"value\": 1}]}", "properties[0].key", "missing");
    assertBad("{\"properties\": [{\"key\": \"\", \"op\": \"eq\", \"value\": 1}]}", "properties[0].key", "1 to 256");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"eq\"}]}", "properties[0].value", "needed");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"eq\", \"value\": {\"x\": 1}}]}", "properties[0].value", "string, number or boolean");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"in\", \"value\": \"gold\"}]}", "properties[0].value", "array");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"in\", \"value\": []}]}", "properties[0].value", "array");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"in\", \"value\": [1, [2]]}]}", "properties[0].value[1]", "string, number or boolean");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"exists\", \"value\": \"yes\"}]}", "properties[0].value", "exists");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"gt\", \"value\": \"abc\"}]}", "properties[0].value", "number or an ISO-8601 time");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"lt\", \"value\": true}]}", "properties[0].value", "number or an ISO-8601 time");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"gt\", \"value\": \"2026-13-45\"}]}", "properties[0].value", "not a time");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"contains\", \"value\": 5}]}", "properties[0].value", "non-empty string");
    assertBad("{\"properties\": [{\"key\": \"a\", \"op\": \"eq\", \"value\": 1, \"values\": 2}]}", "properties[0].values", "not a field");
    assertBad("{\"properties\": {\"key\": \"a\"}}", "properties", "array");
    assertBad("{\"behavior\": [{\"event_name\": \"purchase\", \"min_count\": 3, \"max_count\": 2}]}", "behavior[0].max_count", "min_count");
    assertBad("{\"behavior\": [{\"event_name\": \"purchase\", \"min_count\": -1}]}", "behavior[0].min_count", "from 0");
    assertBad("{\"behavior\": [{\"event_name\": \"purchase\", \"min_count\": 1.5}]}", "behavior[0].min_count", "whole number");
    assertBad("{\"behavior\": [{\"event_name\": \"purchase\", \"within_days\": 0}]}", "behavior[0].within_days", "from 1");
    assertBad("{\"behavior\": [{\"min_count\": 1}]}", "behavior[0].event_name", "missing");
    assertBad("{\"shifts\": [{\"event_name\": \"purchase\", \"verdict\": \"sideways\"}]}", "shifts[0].verdict", "up or down");
    assertBad("{\"shifts\": [{\"event_name\": \"purchase\"}]}", "shifts[0].verdict", "missing");
    assertBad("{\"filters\": []}", "filters", "not a field");
    assertBad("{\"limit\": 0}", "limit", "from 1 to 10000");
    assertBad("{\"limit\": 10001}", "limit", "from 1 to 10000");
    assertBad("{\"cursor\": \"not a cursor!\"}", "cursor", "next_cursor");
    HttpResponse<String> r = post("[1, 2]");
    assertEquals(400, r.statusCode(), r.body());
    r = post("{\"properties\": [");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void aQueryWithoutAKeyIs401() {
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/audiences/query")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertEquals(401, r.statusCode(), r.body());
  }
}
