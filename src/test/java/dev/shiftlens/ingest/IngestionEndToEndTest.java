package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ingestion half of the API, over HTTP, against a whole server on the real ClickHouse and PostgreSQL. */
class IngestionEndToEndTest {
  private static TestServer server;
  private static final String NDJSON = "application/x-ndjson";
  private static final String RECENT = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static long events() {
    return json(server.get("/v1/status")).getLong("events");
  }

  private static long storedWithPrefix(String prefix) {
    return TestStores.clickhouseLong("SELECT uniqExact(event_key) FROM " + server.database
        + ".events WHERE startsWith(event_instance_id, '" + prefix + "')");
  }

  @Test
  void goodRowsAreStoredAndEachBadRowIsNamedByIndexAndField() {
    String body = String.join("\n",
        "{\"contact_id\":\"a1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"open\",\"event_instance_id\":\"good-1\"}",
        "{\"timestamp\":\"" + RECENT + "\",\"event_name\":\"open\",\"event_instance_id\":\"good-x\"}",
        "this is not json",
        "{\"contact_id\":\"a1\",\"timestamp\":\"2099-01-01T00:00:00Z\",\"event_name\":\"open\"}",
        "{\"contact_id\":\"a1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"open\",\"timezone\":\"Nowhere/Land\"}",
        "{\"contact_id\":\"a1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"open\",\"metadata\":[1,2]}",
        "{\"contact_id\":\"a1\",\"timestamp\":1999999999999,\"event_name\":\"open\",\"event_instance_id\":\"good-2\",\"metadata\":{\"k\":1}}",
        "{\"contact_id\":\"a1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"open\",\"event_instance_id\":\"good-3\",\"timezone\":\"Asia/Tokyo\"}");
    HttpResponse<String> r = server.post("/v1/events", NDJSON, body.replace("1999999999999", String.valueOf(Instant.now().minusSeconds(60).toEpochMilli())));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = json(r);
    assertEquals(3, answer.getLong("accepted"));
    JsonArray rejected = answer.getJsonArray("rejected");
    assertEquals(5, rejected.size(), r.body());
    assertRejected(rejected.getJsonObject(0), 1, "contact_id");
    assertRejected(rejected.getJsonObject(1), 2, null);
    assertRejected(rejected.getJsonObject(2), 3, "timestamp");
    assertRejected(rejected.getJsonObject(3), 4, "timezone");
    assertRejected(rejected.getJsonObject(4), 5, "metadata");
    assertEquals(3, storedWithPrefix("good-"));
  }

  private static void assertRejected(JsonObject rejection, int row, String field) {
    assertEquals(row, rejection.getInteger("row"), rejection.encode());
    assertEquals(field, rejection.getString("field"), rejection.encode());
    assertFalse(rejection.getString("error").isBlank());
  }

  @Test
  void resendingTheSame100kEventsLeavesTheEventCountUnchanged() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      sb.append("{\"contact_id\":\"r").append(i % 5000).append("\",\"timestamp\":\"").append(RECENT)
          .append("\",\"event_name\":\"view\",\"event_instance_id\":\"resend-").append(i).append("\"}\n");
    }
    byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
    long before = events();
    JsonObject first = json(server.post("/v1/events", NDJSON, body, false));
    assertEquals(100_000, first.getLong("accepted"));
    long after = events();
    assertEquals(before + 100_000, after);

    JsonObject second = json(server.post("/v1/events", NDJSON, body, true));
    assertEquals(0, second.getLong("accepted"), second.encode());
    assertEquals(100_000, second.getLong("duplicates"));
    assertEquals(after, events());
    assertEquals(100_000, storedWithPrefix("resend-"));
  }

  @Test
  void eventsWithoutAnInstanceIdAreTheSameEventWhenContactTimeNameAndMetadataMatch() {
    String row = "{\"contact_id\":\"n1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"noid\",\"metadata\":{\"a\":1}}";
    String other = "{\"contact_id\":\"n1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"noid\",\"metadata\":{\"a\":2}}";
    long before = events();
    server.post("/v1/events", NDJSON, row + "\n" + other);
    JsonObject again = json(server.post("/v1/events", NDJSON, row));
    assertEquals(1, again.getLong("duplicates"));
    assertEquals(before + 2, events());
  }

  @Test
  void aTruncatedJsonArrayIsA400ProblemAndAnUnknownTypeA415() {
    HttpResponse<String> truncated = server.post("/v1/events", "application/json",
        "[{\"contact_id\":\"t1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"x\"},{\"contact_id\":\"t");
    assertEquals(400, truncated.statusCode());
    assertEquals("application/problem+json", truncated.headers().firstValue("Content-Type").orElse(""));
    JsonObject problem = json(truncated);
    assertEquals(400, problem.getInteger("status"));
    assertTrue(problem.getString("detail").contains("truncated"), problem.encode());

    HttpResponse<String> unknown = server.post("/v1/events", "application/xml", "<events/>");
    assertEquals(415, unknown.statusCode());
    assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse(""));

    HttpResponse<String> encoding = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/events")))
        .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", NDJSON)
        .header("Content-Encoding", "br").POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(415, encoding.statusCode());
  }

  @Test
  void aJsonArrayKeepsItsGoodRowsAndRejectsElementsThatAreNotObjects() {
    HttpResponse<String> r = server.post("/v1/events", "application/json",
        "[ {\"contact_id\":\"j1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"x\",\"event_instance_id\":\"arr-1\",\"metadata\":{\"s\":\"a},]\\\"b\"}},"
            + " 42, \"text\", {\"contact_id\":\"j1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"x\",\"event_instance_id\":\"arr-2\"} ]");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = json(r);
    assertEquals(2, answer.getLong("accepted"));
    assertEquals(List.of(1, 2), answer.getJsonArray("rejected").stream().map(o -> ((JsonObject) o).getInteger("row")).toList());
    assertEquals(2, storedWithPrefix("arr-"));
  }

  @Test
  void requestsWithoutAValidKeyAre401() {
    HttpResponse<String> none = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/events")))
        .header("Content-Type", NDJSON).POST(HttpRequest.BodyPublishers.ofString("")));
    assertEquals(401, none.statusCode());
    assertEquals("application/problem+json", none.headers().firstValue("Content-Type").orElse(""));
    HttpResponse<String> refusedBody = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/events")))
        .header("Authorization", "Bearer wrong-key").header("Content-Type", NDJSON)
        .POST(HttpRequest.BodyPublishers.ofString("{}\n".repeat(200_000))));
    assertEquals(401, refusedBody.statusCode());
    HttpResponse<String> wrong = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/status")))
        .header("Authorization", "Bearer not-the-key").GET());
    assertEquals(401, wrong.statusCode());
    HttpResponse<String> health = server.send(HttpRequest.newBuilder(URI.create(server.url("/health"))).GET());
    assertEquals(200, health.statusCode());
    assertEquals("up", json(health).getString("clickhouse"));
  }

  @Test
  void contactsFromCsvUpsertAndMergeTheirProperties() {
    String csv = "contact_id,country,timezone,plan,age,zip,email_address\n"
        + "k1,US,America/New_York,pro,31,02139,k1@example.com\n"
        + "k2,,Europe/Berlin,free,22,,\n"
        + "\"k3\",DE,Europe/Berlin,\"free, trial\",40,,\n";
    JsonObject first = json(server.post("/v1/contacts", "text/csv", csv));
    assertEquals(2, first.getLong("accepted"), first.encode());
    assertEquals(1, first.getJsonArray("rejected").size());
    assertEquals("country", first.getJsonArray("rejected").getJsonObject(0).getString("field"));

    JsonObject k1 = json(server.get("/v1/contacts/k1"));
    assertEquals("US", k1.getString("country"));
    assertEquals("k1@example.com", k1.getString("email_address"));
    assertEquals(31, k1.getJsonObject("properties").getInteger("age"));
    assertEquals("02139", k1.getJsonObject("properties").getString("zip"));

    // A later row merges: new property added, one removed by null, the others kept.
    JsonObject second = json(server.post("/v1/contacts", "application/json",
        "[{\"contact_id\":\"k1\",\"country\":\"US\",\"plan\":null,\"vip\":true}]"));
    assertEquals(1, second.getLong("accepted"));
    JsonObject merged = json(server.get("/v1/contacts/k1")).getJsonObject("properties");
    assertNull(merged.getValue("plan"));
    assertFalse(merged.containsKey("plan"));
    assertEquals(true, merged.getBoolean("vip"));
    assertEquals(31, merged.getInteger("age"));
    assertEquals("k1@example.com", json(server.get("/v1/contacts/k1")).getString("email_address"));

    // The same row again changes nothing and is reported as a duplicate.
    JsonObject again = json(server.post("/v1/contacts", "application/json",
        "[{\"contact_id\":\"k1\",\"country\":\"US\",\"vip\":true}]"));
    assertEquals(0, again.getLong("accepted"));
    assertEquals(1, again.getLong("duplicates"));

    assertEquals(404, server.get("/v1/contacts/nobody").statusCode());
  }

  @Test
  void eventsForUnknownContactsAreStoredWithoutCreatingContacts() {
    long contacts = json(server.get("/v1/status")).getLong("contacts");
    JsonObject r = json(server.post("/v1/events", NDJSON,
        "{\"contact_id\":\"stranger-1\",\"timestamp\":\"" + RECENT + "\",\"event_name\":\"x\",\"event_instance_id\":\"stranger-1\"}"));
    assertEquals(1, r.getLong("accepted"));
    assertEquals(contacts, json(server.get("/v1/status")).getLong("contacts"));
    assertEquals(404, server.get("/v1/contacts/stranger-1").statusCode());
  }

  @Test
  void sendsAreIdempotentByIdAndPendingUntilEvaluated() {
    String sentAt = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    String body = "[{\"send_id\":\"s-e2e-1\",\"contact_id\":\"k1\",\"message_id\":\"m1\",\"channel\":\"push\",\"sent_at\":\"" + sentAt
        + "\",\"labels\":{\"copy\":\"urgency\"},\"window_hours\":6},"
        + "{\"contact_id\":\"k1\",\"message_id\":\"m2\",\"channel\":\"email\",\"sent_at\":\"" + sentAt + "\",\"holdout\":true},"
        + "{\"contact_id\":\"k1\",\"message_id\":\"m3\",\"channel\":\"email\",\"sent_at\":\"" + sentAt + "\",\"labels\":{\"n\":1}}]";
    JsonObject first = json(server.post("/v1/sends", "application/json", body));
    assertEquals(2, first.getLong("accepted"), first.encode());
    assertEquals("labels.n", first.getJsonArray("rejected").getJsonObject(0).getString("field"));
    JsonObject second = json(server.post("/v1/sends", "application/json", body));
    assertEquals(0, second.getLong("accepted"));
    assertEquals(2, second.getLong("duplicates"));

    JsonObject send = json(server.get("/v1/sends/s-e2e-1"));
    assertEquals("pending", send.getString("status"));
    assertEquals("urgency", send.getJsonObject("labels").getString("copy"));
    assertEquals(6.0, send.getDouble("window_hours"));
    assertEquals(Instant.parse(sentAt).plus(6, ChronoUnit.HOURS), Instant.parse(send.getString("window_end")));
    assertNull(send.getValue("evaluated_at"));
    assertEquals(0, send.getJsonArray("effects").size());

    String derived = SendRows.derivedId("k1", "m2", Instant.parse(sentAt).toEpochMilli());
    JsonObject holdout = json(server.get("/v1/sends/" + derived));
    assertEquals(true, holdout.getBoolean("holdout"));
    assertEquals(24.0, holdout.getDouble("window_hours"));
    assertEquals(404, server.get("/v1/sends/none").statusCode());

    JsonObject status = json(server.get("/v1/status"));
    assertTrue(status.getLong("sends") >= 2);
    assertTrue(status.getLong("pending_evaluations") >= 2);
    assertNotNull(status.getLong("evaluated_sends"));
  }

  @Test
  void csvAndGzipBodiesAreReadLikeJson() {
    String csv = "contact_id,timestamp,event_name,event_instance_id,metadata\n"
        + "c1," + RECENT + ",open,csv-1,\"{\"\"screen\"\":\"\"home, top\"\"}\"\n"
        + "c1," + RECENT + ",open,csv-2,\n"
        + "c1,yesterday,open,csv-3,\n";
    JsonObject r = json(server.post("/v1/events", "text/csv", csv.getBytes(StandardCharsets.UTF_8), true));
    assertEquals(2, r.getLong("accepted"), r.encode());
    assertEquals("timestamp", r.getJsonArray("rejected").getJsonObject(0).getString("field"));
    assertEquals("{\"screen\":\"home, top\"}", TestStores.clickhouse("SELECT metadata FROM " + server.database
        + ".events WHERE event_instance_id = 'csv-1'"));
  }

  @Test
  void unknownRoutesAreProblemJson404() {
    HttpResponse<String> r = server.get("/v1/nothing-here");
    assertEquals(404, r.statusCode());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void concurrentBodiesAreAllStoredExactlyOnce() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 6; t++) {
      int client = t;
      Thread thread = new Thread(() -> {
        for (int b = 0; b < 5; b++) {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < 2000; i++) {
            sb.append("{\"contact_id\":\"p").append(i).append("\",\"timestamp\":\"").append(RECENT)
                .append("\",\"event_name\":\"tap\",\"event_instance_id\":\"conc-").append(client).append('-').append(b).append('-').append(i).append("\"}\n");
          }
          statuses.add(server.post("/v1/events", NDJSON, sb.toString()).statusCode());
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) t.join();
    assertEquals(30, statuses.size());
    assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
    assertEquals(6 * 5 * 2000, storedWithPrefix("conc-"));
    assertEquals(6 * 5 * 2000, TestStores.clickhouseLong("SELECT count() FROM " + server.database
        + ".events WHERE startsWith(event_instance_id, 'conc-')"));
  }

  @Test
  void aNulCharacterRejectsOnlyItsRowAndLengthsCountCharacters() {
    String emoji = "\uD83D\uDE80".repeat(256); // 256 characters, 512 UTF-16 units
    JsonObject contacts = json(server.post("/v1/contacts", "application/json",
        "[{\"contact_id\":\"nul-1\",\"country\":\"FR\"},{\"contact_id\":\"nul\\u0000x\",\"country\":\"FR\"},"
            + "{\"contact_id\":\"nul-2\",\"country\":\"FR\",\"nickname\":\"a\\u0000b\"},"
            + "{\"contact_id\":\"" + emoji + "\",\"country\":\"FR\"}]"));
    assertEquals(2, contacts.getLong("accepted"), contacts.encode());
    assertEquals(List.of("contact_id", "nickname"), contacts.getJsonArray("rejected").stream()
        .map(o -> ((JsonObject) o).getString("field")).toList());
    assertEquals(200, server.get("/v1/contacts/nul-1").statusCode());

    JsonObject sends = json(server.post("/v1/sends", "application/json",
        "[{\"contact_id\":\"nul-1\",\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"" + RECENT
            + "\",\"labels\":{\"k\":\"x\\u0000\"}},{\"contact_id\":\"nul-1\",\"message_id\":\"m2\",\"channel\":\"push\",\"sent_at\":\"" + RECENT + "\"}]"));
    assertEquals(1, sends.getLong("accepted"), sends.encode());
    assertEquals("labels.k", sends.getJsonArray("rejected").getJsonObject(0).getString("field"));
  }
}
