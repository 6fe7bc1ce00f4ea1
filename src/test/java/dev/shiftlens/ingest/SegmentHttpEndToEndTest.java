package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.PrometheusText;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Segment HTTP Tracking API over raw HTTP: credentials, gzip, limits, partial batches, clock skew, RudderStack's shape. */
class SegmentHttpEndToEndTest {
  private static TestServer server;
  private static String ingestKey;
  private static String readKey;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    ingestKey = key("ingest");
    readKey = key("read");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static String key(String scope) {
    return server.createKey(scope, scope);
  }

  private static String basic(String key) {
    return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(String path, String authorization, byte[] body, boolean gzip) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json");
    if (authorization != null) b.header("Authorization", authorization);
    if (gzip) b.header("Content-Encoding", "gzip");
    return server.send(b.POST(HttpRequest.BodyPublishers.ofByteArray(gzip ? TestServer.gzip(body) : body)));
  }

  private static HttpResponse<String> post(String path, String authorization, JsonObject body) {
    return post(path, authorization, body.encode().getBytes(StandardCharsets.UTF_8), false);
  }

  private static JsonObject track(String user, String messageId) {
    return new JsonObject().put("type", "track").put("userId", user).put("event", "Opened").put("messageId", messageId);
  }

  private static long stored(String where) {
    return TestStores.clickhouseLong("SELECT uniqExact(event_key) FROM " + server.database + ".events WHERE " + where);
  }

  @Test
  void theWriteKeyIsAcceptedAsBasicUserNameInTheBodyOrAsBearerAndNeedsTheIngestScope() {
    JsonObject batch = new JsonObject().put("batch", new JsonArray().add(track("auth-1", "auth-basic")));
    HttpResponse<String> r = post("/v1/batch", basic(ingestKey), batch);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(true, new JsonObject(r.body()).getBoolean("success"));
    // Basic without the colon is tolerated.
    r = post("/v1/batch", "Basic " + Base64.getEncoder().encodeToString(ingestKey.getBytes(StandardCharsets.UTF_8)),
        new JsonObject().put("batch", new JsonArray().add(track("auth-1", "auth-basic-nocolon"))));
    assertEquals(200, r.statusCode(), r.body());
    r = post("/v1/batch", null, new JsonObject().put("writeKey", ingestKey).put("batch", new JsonArray().add(track("auth-1", "auth-body"))));
    assertEquals(200, r.statusCode(), r.body());
    r = post("/v1/track", "Bearer " + ingestKey, track("auth-1", "auth-bearer"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(4, stored("contact_id = 'auth-1'"));

    assertEquals(401, post("/v1/batch", null, batch).statusCode());
    assertEquals(401, post("/v1/batch", basic("no-such-key"), batch).statusCode());
    assertEquals(401, post("/v1/batch", null, new JsonObject().put("writeKey", "nope").put("batch", new JsonArray())).statusCode());
    HttpResponse<String> forbidden = post("/v1/batch", basic(readKey), batch);
    assertEquals(403, forbidden.statusCode());
    assertTrue(forbidden.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
  }

  @Test
  void aGzipBatchWithSomeBadMessagesStoresTheGoodOnesAndNamesTheBad() {
    JsonArray items = new JsonArray()
        .add(track("gz-1", "gz-a"))
        .add(new JsonObject().put("type", "track").put("userId", "gz-1").put("messageId", "gz-b")) // no event
        .add(new JsonObject().put("type", "fly").put("userId", "gz-1"))
        .add(new JsonObject().put("type", "track").put("event", "Opened").put("messageId", "gz-c")) // no user
        .add(track("gz-1", "gz-d").put("properties", new JsonObject().put("blob", "x".repeat(33 * 1024))))
        .add(track("gz-1", "gz-e").put("context", new JsonObject().put("timezone", "Mars/Olympus")))
        .add(track("gz-1", "gz-f"));
    HttpResponse<String> r = post("/v1/batch", basic(ingestKey),
        new JsonObject().put("batch", items).encode().getBytes(StandardCharsets.UTF_8), true);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = new JsonObject(r.body());
    assertEquals(2, answer.getLong("accepted"), r.body());
    JsonArray rejected = answer.getJsonArray("rejected");
    assertEquals(5, rejected.size(), r.body());
    assertEquals(1, rejected.getJsonObject(0).getInteger("row"));
    assertEquals("event", rejected.getJsonObject(0).getString("field"));
    assertEquals("type", rejected.getJsonObject(1).getString("field"));
    assertEquals(4, rejected.getJsonObject(3).getInteger("row"));
    assertEquals("context.timezone", rejected.getJsonObject(4).getString("field"));
    assertEquals(2, stored("contact_id = 'gz-1'"));

    // The same batch again: the stored events are duplicates.
    r = post("/v1/batch", basic(ingestKey), new JsonObject().put("batch", items).encode().getBytes(StandardCharsets.UTF_8), true);
    assertEquals(2, new JsonObject(r.body()).getLong("duplicates"), r.body());
    assertEquals(2, stored("contact_id = 'gz-1'"));
  }

  @Test
  void oversizedBodiesAre400AsSegmentAnswersThem() {
    JsonArray items = new JsonArray();
    for (int i = 0; i < 20; i++) items.add(track("big", "big-" + i).put("properties", new JsonObject().put("blob", "y".repeat(30_000))));
    HttpResponse<String> r = post("/v1/batch", basic(ingestKey), new JsonObject().put("batch", items));
    assertEquals(400, r.statusCode(), r.body());
    // Compressed small, decompressed over the limit: refused all the same.
    r = post("/v1/batch", basic(ingestKey), new JsonObject().put("batch", items).encode().getBytes(StandardCharsets.UTF_8), true);
    assertEquals(400, r.statusCode(), r.body());
    r = post("/v1/track", basic(ingestKey), track("big", "big-single").put("properties", new JsonObject().put("blob", "z".repeat(33 * 1024))));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(0, stored("contact_id = 'big'"));
    r = post("/v1/batch", basic(ingestKey), "{\"batch\": [".getBytes(StandardCharsets.UTF_8), false);
    assertEquals(400, r.statusCode(), r.body());
  }

  @Test
  void theClientClockIsCorrectedBySentAtAndTheTopLevelContextIsMerged() {
    // The client's clock is 2 hours fast: it says the event happened at T+2h-10min, and sent it at T+2h.
    Instant now = Instant.now();
    Instant clientNow = now.plus(2, ChronoUnit.HOURS);
    JsonObject message = track("skew-1", "skew-a").put("timestamp", clientNow.minus(10, ChronoUnit.MINUTES).toString());
    HttpResponse<String> r = post("/v1/batch", basic(ingestKey), new JsonObject()
        .put("batch", new JsonArray().add(message))
        .put("sentAt", clientNow.toString())
        .put("context", new JsonObject().put("timezone", "Asia/Tokyo")));
    assertEquals(200, r.statusCode(), r.body());
    long ts = TestStores.clickhouseLong("SELECT any(toUInt32(ts)) FROM " + server.database + ".events WHERE event_instance_id = 'skew-a'");
    long expected = now.minus(10, ChronoUnit.MINUTES).getEpochSecond();
    assertTrue(Math.abs(ts - expected) <= 5, "stored at " + Instant.ofEpochSecond(ts) + ", expected about " + Instant.ofEpochSecond(expected));
    assertEquals("Asia/Tokyo", TestStores.clickhouse("SELECT any(timezone) FROM " + server.database + ".events WHERE event_instance_id = 'skew-a'").strip());
    // Without a timestamp: the time of arrival.
    r = post("/v1/track", basic(ingestKey), track("skew-1", "skew-b"));
    assertEquals(200, r.statusCode(), r.body());
    ts = TestStores.clickhouseLong("SELECT any(toUInt32(ts)) FROM " + server.database + ".events WHERE event_instance_id = 'skew-b'");
    assertTrue(Math.abs(ts - Instant.now().getEpochSecond()) <= 10);
  }

  @Test
  void singleCallsAndRudderStackShapedMessagesMapAsDocumented() {
    Instant at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    // RudderStack: originalTimestamp and sentAt on each message, channel, gzip by default.
    JsonObject rudder = new JsonObject().put("type", "track").put("anonymousId", "rs-anon").put("event", "Viewed")
        .put("messageId", "rs-1").put("channel", "server").put("originalTimestamp", at.toString()).put("sentAt", at.toString())
        .put("properties", new JsonObject().put("sku", "A1"));
    HttpResponse<String> r = post("/v1/batch", basic(ingestKey),
        new JsonObject().put("batch", new JsonArray().add(rudder)).put("sentAt", at.toString()).encode().getBytes(StandardCharsets.UTF_8), true);
    assertEquals(200, r.statusCode(), r.body());
    // sentAt equals the original timestamp: the event happened as it was sent, i.e. at arrival.
    long ts = TestStores.clickhouseLong("SELECT any(toUInt32(ts)) FROM " + server.database + ".events WHERE event_instance_id = 'rs-1'");
    assertTrue(Math.abs(ts - Instant.now().getEpochSecond()) <= 10);
    assertEquals(1, stored("contact_id = 'rs-anon'"));

    r = post("/v1/identify", basic(ingestKey), new JsonObject().put("userId", "rs-user").put("anonymousId", "rs-anon")
        .put("traits", new JsonObject().put("name", "Grace").put("tags", new JsonArray().add("a").add("b")))
        .put("context", new JsonObject().put("location", new JsonObject().put("country", "FR"))));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject contact = new JsonObject(server.get("/v1/contacts/rs-user").body());
    assertEquals("FR", contact.getString("country"));
    assertEquals("[\"a\",\"b\"]", contact.getJsonObject("properties").getString("tags"));
    // A later identify without a country keeps it.
    assertEquals(200, post("/v1/identify", basic(ingestKey), new JsonObject().put("userId", "rs-user")
        .put("traits", new JsonObject().put("plan", "free"))).statusCode());
    contact = new JsonObject(server.get("/v1/contacts/rs-user").body());
    assertEquals("FR", contact.getString("country"));
    assertEquals("free", contact.getJsonObject("properties").getString("plan"));

    // The anonymous id is linked now: its later events go to the user.
    assertEquals(200, post("/v1/page", basic(ingestKey), new JsonObject().put("anonymousId", "rs-anon").put("name", "Docs")
        .put("messageId", "rs-2")).statusCode());
    assertEquals(1, stored("contact_id = 'rs-user' AND event_name = 'page_viewed' AND metadata LIKE '%Docs%'"));
    // The anonymous contact, created by its first event, is still there, with an unknown country.
    assertEquals("unknown", new JsonObject(server.get("/v1/contacts/rs-anon").body()).getString("country"));

    r = post("/v1/track", basic(ingestKey), new JsonObject().put("userId", "x"));
    assertEquals(400, r.statusCode());
    assertEquals("event", new JsonObject(r.body()).getString("field"));
    r = post("/v1/alias", basic(ingestKey), new JsonObject().put("userId", "x"));
    assertEquals(400, r.statusCode());
    assertEquals(200, post("/v1/group", basic(ingestKey), new JsonObject().put("userId", "rs-user").put("groupId", "g1")).statusCode());
    assertEquals("g1", new JsonObject(server.get("/v1/contacts/rs-user").body()).getJsonObject("properties").getString("group_id"));
    assertEquals(200, post("/v1/screen", basic(ingestKey), new JsonObject().put("userId", "rs-user").put("name", "Home")).statusCode());
    assertEquals(1, stored("contact_id = 'rs-user' AND event_name = 'screen_viewed'"));
  }

  /** A batch whose messages are given as raw JSON texts (some of them not what an encoder would write). */
  private static byte[] rawBatch(String... messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("{\"batch\":[".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < messages.length; i++) {
      if (i > 0) out.write(',');
      out.writeBytes(messages[i].getBytes(StandardCharsets.ISO_8859_1)); // one char, one byte: raw bytes pass as they are
    }
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String rawTrack(String messageId, String extra) {
    return "{\"type\":\"track\",\"userId\":\"strict-1\",\"event\":\"Opened\",\"messageId\":\"" + messageId + "\"" + extra + "}";
  }

  @Test
  void messagesThatNoStoreCouldKeepFaithfullyAreRejectedAloneNamingTheirField() {
    byte[] body = rawBatch(
        rawTrack("strict-a", ""),
        rawTrack("strict-b", ",\"event\":\"Closed\""), // a key given twice
        rawTrack("strict-c", ",\"properties\":{\"plan\":\"a\",\"plan\":\"b\"}"),
        rawTrack("strict-d", ",\"properties\":{\"name\":\"x\\ud800y\"}"), // a lone surrogate, escaped
        rawTrack("strict-e", ",\"properties\":{\"name\":\"caf\u00e9\"}"), // a Latin-1 byte: not UTF-8
        rawTrack("strict-f", ",\"properties\":{\"n\":1" + "0".repeat(400) + "}"), // beyond a double
        rawTrack("strict-g", ",\"properties\":{\"n\":1e999}"),
        rawTrack("strict-h", ",\"properties\":{\"\\udc00\":1}"), // a lone surrogate in a key
        rawTrack("strict-i", ",\"properties\":{\"name\":\"caf\u00c3\u00a9\"}")); // "café" in UTF-8: fine
    HttpResponse<String> r = post("/v1/batch", basic(ingestKey), body, false);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject answer = new JsonObject(r.body());
    assertEquals(2, answer.getLong("accepted"), r.body());
    JsonArray rejected = answer.getJsonArray("rejected");
    String[][] expected = {{"1", "event"}, {"2", "properties"}, {"3", "properties.name"}, {"4", "properties.name"},
        {"5", "properties.n"}, {"6", "properties.n"}, {"7", "properties"}};
    assertEquals(expected.length, rejected.size(), r.body());
    for (int i = 0; i < expected.length; i++) {
      JsonObject rejection = rejected.getJsonObject(i);
      assertEquals(Integer.parseInt(expected[i][0]), rejection.getInteger("row"), r.body());
      assertEquals(expected[i][1], rejection.getString("field"), r.body());
    }
    assertTrue(rejected.getJsonObject(0).getString("error").contains("more than once"), r.body());
    assertTrue(rejected.getJsonObject(1).getString("error").contains("'plan' more than once"), r.body());
    assertTrue(rejected.getJsonObject(2).getString("error").contains("surrogate"), r.body());
    assertTrue(rejected.getJsonObject(3).getString("error").contains("UTF-8"), r.body());
    assertTrue(rejected.getJsonObject(4).getString("error").contains("out of range"), r.body());
    assertEquals(2, stored("contact_id = 'strict-1'"));
    assertEquals("{\"name\":\"café\"}", TestStores.clickhouse("SELECT any(metadata) FROM " + server.database
        + ".events WHERE event_instance_id = 'strict-i'").strip());

    // A single call is refused whole, naming the field; a body naming 'batch' twice is refused whole.
    r = post("/v1/track", basic(ingestKey), rawTrack("strict-j", ",\"properties\":{\"a\":1,\"a\":2}").getBytes(StandardCharsets.UTF_8), false);
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("properties", new JsonObject(r.body()).getString("field"), r.body());
    r = post("/v1/batch", basic(ingestKey), ("{\"batch\":[" + rawTrack("strict-k", "") + "],\"batch\":[]}").getBytes(StandardCharsets.UTF_8), false);
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(0, TestStores.clickhouseLong("SELECT count() FROM " + server.database + ".events WHERE event_instance_id IN ('strict-j', 'strict-k')"));
  }

  @Test
  void segmentMessagesAreCountedInTheIngestMetersAsEventsAndContacts() throws Exception {
    PrometheusText before = PrometheusText.parse(server.get("/metrics").body());
    JsonArray items = new JsonArray()
        .add(track("metrics-1", "metrics-a"))
        .add(track("metrics-1", "metrics-b"))
        .add(new JsonObject().put("type", "page").put("userId", "metrics-1").put("name", "Home").put("messageId", "metrics-c"))
        .add(new JsonObject().put("type", "identify").put("userId", "metrics-1").put("traits", new JsonObject().put("plan", "pro")))
        .add(new JsonObject().put("type", "track").put("userId", "metrics-1")) // no event
        .add(new JsonObject().put("type", "group").put("userId", "metrics-1")); // no groupId
    JsonObject body = new JsonObject().put("batch", items);
    assertEquals(200, post("/v1/batch", basic(ingestKey), body).statusCode());
    assertEquals(200, post("/v1/batch", basic(ingestKey), body.encode().getBytes(StandardCharsets.UTF_8), true).statusCode());
    PrometheusText after = PrometheusText.parse(server.get("/metrics").body());
    String rows = "shiftlens_ingest_rows_total";
    String[][] deltas = {{"events", "accepted", "3"}, {"events", "duplicate", "3"}, {"events", "rejected", "2"},
        {"contacts", "accepted", "2"}, {"contacts", "rejected", "2"}};
    for (String[] d : deltas) {
      assertEquals(Double.parseDouble(d[2]), after.sum(rows, "dataset", d[0], "outcome", d[1]) - before.sum(rows, "dataset", d[0], "outcome", d[1]),
          d[0] + " " + d[1]);
    }
    assertTrue(after.sum("shiftlens_ingest_decoded_bytes_total") - before.sum("shiftlens_ingest_decoded_bytes_total") >= body.encode().length(),
        "the gzip body's decoded bytes are counted");
    assertTrue(after.sum("shiftlens_ingest_batch_rows_count", "dataset", "contacts") > before.sum("shiftlens_ingest_batch_rows_count", "dataset", "contacts"),
        "the contact upserts are measured as writes");
  }
}
