package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A corpus of hostile requests against one running server, each with the status and problem (or row
 * rejection) it must get, run in order; then the server must still be healthy. Where the right answer
 * was already given, the corpus pins it.
 */
class HostileRequestsEndToEndTest {
  private static final String T = TestEvents.RECENT;
  private static final String NDJSON = "application/x-ndjson";
  private static final String JSON = "application/json";
  private static final String CSV = "text/csv";

  private static TestServer server;
  private static String readOnlyKey;
  /** A second server whose ClickHouse is cut off after it started, with a spool of 64 KiB. */
  private static dev.shiftlens.support.CuttableProxy cutClickHouse;
  private static TestServer down;

  @BeforeAll
  static void start() {
    URI clickhouse = URI.create(dev.shiftlens.support.TestStores.CLICKHOUSE_URL);
    cutClickHouse = new dev.shiftlens.support.CuttableProxy(clickhouse.getHost(), clickhouse.getPort());
    down = TestServer.start(java.util.Map.of(
        "SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:" + cutClickHouse.port(),
        "SHIFTLENS_SPOOL_MAX_BYTES", String.valueOf(64 * 1024)));
    cutClickHouse.cut();
    server = TestServer.start();
    readOnlyKey = server.createKey("reader", "read");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
    if (cutClickHouse != null) cutClickHouse.restore();
    if (down != null) down.close();
    if (cutClickHouse != null) cutClickHouse.close();
  }

  /** A request to the server whose ClickHouse is down. */
  private static HttpRequest.Builder toDown(String method, String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(down.url(path))).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TestServer.KEY);
    if (contentType != null) b.header("Content-Type", contentType);
    return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
  }

  /** A member at a path of members ({@code ingest.spool.state}). */
  private static Object at(JsonObject body, String path) {
    Object v = body;
    for (String part : path.split("\\.")) v = v instanceof JsonObject o ? o.getValue(part) : null;
    return v;
  }

  /** One hostile request and what its answer must be. */
  private record Case(String name, HttpRequest.Builder request, int status, Consumer<JsonObject> check) {}

  private static HttpRequest.Builder req(String method, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TestServer.KEY);
    if (contentType != null) b.header("Content-Type", contentType);
    for (int i = 0; i < headers.length; i += 2) b.setHeader(headers[i], headers[i + 1]);
    return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static HttpRequest.Builder post(String path, String contentType, String body, String... headers) {
    return req("POST", path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static HttpRequest.Builder postBytes(String path, String contentType, byte[] body, String... headers) {
    return req("POST", path, contentType, body, headers);
  }

  private static HttpRequest.Builder get(String path) {
    return req("GET", path, null, null);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      else if (p instanceof byte[] b) out.writeBytes(b);
      else if (p instanceof Integer i) out.write(i);
    }
    return out.toByteArray();
  }

  /** {@code n} zero bytes, gzipped: a small body that unpacks to much. */
  private static byte[] zeros(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out, 1 << 16)) {
      byte[] block = new byte[1 << 20];
      for (int i = 0; i < n / block.length; i++) z.write(block);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(body);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static String event(String contact, String extra) {
    return "{\"contact_id\":\"" + contact + "\",\"timestamp\":\"" + T + "\",\"event_name\":\"x\"" + extra + "}";
  }

  private static String send(String sendId, String extra) {
    return "{\"send_id\":\"" + sendId + "\",\"contact_id\":\"c\",\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"" + T + "\"" + extra + "}";
  }

  // ---- expectations ----

  /** A problem whose detail contains {@code detail}. */
  private static Consumer<JsonObject> problem(String title, String detail) {
    return body -> {
      assertEquals(title, body.getString("title"), body.encode());
      assertTrue(body.getString("detail", "").contains(detail), "detail should contain '" + detail + "': " + body.encode());
    };
  }

  /** A 200 answer that counts {@code accepted} and {@code duplicates} and rejects nothing. */
  private static Consumer<JsonObject> counts(long accepted, long duplicates) {
    return body -> {
      assertEquals(accepted, body.getLong("accepted"), body.encode());
      assertEquals(duplicates, body.getLong("duplicates"), body.encode());
      assertEquals(0, body.getJsonArray("rejected").size(), body.encode());
    };
  }

  /** A 200 answer that rejects row {@code row} on {@code field} (null: the whole row) with an error containing {@code error}. */
  private static Consumer<JsonObject> rejects(int row, String field, String error) {
    return body -> {
      JsonArray rejected = body.getJsonArray("rejected");
      assertTrue(rejected != null && !rejected.isEmpty(), "a rejection expected: " + body.encode());
      boolean found = rejected.stream().map(JsonObject.class::cast).anyMatch(r -> r.getInteger("row") == row
          && java.util.Objects.equals(field, r.getString("field")) && r.getString("error").contains(error));
      assertTrue(found, "row " + row + " field " + field + " '" + error + "' expected: " + body.encode());
    };
  }

  private static Consumer<JsonObject> has(String member, Object value) {
    return body -> assertEquals(value, body.getValue(member), body.encode());
  }

  private static Consumer<JsonObject> any() {
    return body -> { };
  }

  private static List<Case> corpus() {
    List<Case> c = new ArrayList<>();
    String okEvent = event("ok", "");

    // authentication and scope
    c.add(new Case("no key", HttpRequest.newBuilder(URI.create(server.url("/v1/events"))).header("Content-Type", NDJSON)
        .POST(HttpRequest.BodyPublishers.ofString(okEvent)), 401, problem("Unauthorized", "")));
    c.add(new Case("unknown key", post("/v1/events", NDJSON, okEvent, "Authorization", "Bearer nope"), 401, problem("Unauthorized", "")));
    c.add(new Case("a read key cannot ingest", post("/v1/events", NDJSON, okEvent, "Authorization", "Bearer " + readOnlyKey),
        403, problem("Forbidden", "ingest")));
    c.add(new Case("a read key cannot create keys", post("/v1/admin/keys", JSON, "{\"name\":\"x\",\"scopes\":[\"admin\"]}",
        "Authorization", "Bearer " + readOnlyKey), 403, problem("Forbidden", "admin")));

    // content types and encodings
    c.add(new Case("text/plain", post("/v1/events", "text/plain", okEvent), 415, problem("Unsupported Media Type", "text/plain")));
    c.add(new Case("no content type", post("/v1/events", null, okEvent), 415, problem("Unsupported Media Type", "no Content-Type")));
    c.add(new Case("form content type", post("/v1/contacts", "application/x-www-form-urlencoded", "contact_id=a&country=FR"),
        415, problem("Unsupported Media Type", "application/x-www-form-urlencoded")));
    c.add(new Case("brotli", post("/v1/events", NDJSON, okEvent, "Content-Encoding", "br"), 415, problem("Unsupported Media Type", "br")));
    c.add(new Case("gzip header on a plain body", post("/v1/events", NDJSON, okEvent, "Content-Encoding", "gzip"),
        400, problem("Bad Request", "gzip")));
    c.add(new Case("gzip body cut short", postBytes("/v1/events", NDJSON,
        java.util.Arrays.copyOf(TestServer.gzip(okEvent.getBytes(StandardCharsets.UTF_8)), 20), "Content-Encoding", "gzip"),
        400, problem("Bad Request", "gzip")));
    c.add(new Case("deflate header on garbage", postBytes("/v1/contacts", NDJSON, bytes("\u0001\u0002garbage"), "Content-Encoding", "deflate"),
        400, problem("Bad Request", "deflate")));
    c.add(new Case("bad gzip on a small body", postBytes("/v1/audiences/query", JSON, bytes("{}"), "Content-Encoding", "gzip"),
        400, problem("Bad Request", "gzip")));
    c.add(new Case("a good deflate body", postBytes("/v1/events", NDJSON, deflate(event("deflated", "").getBytes(StandardCharsets.UTF_8)),
        "Content-Encoding", "deflate"), 200, counts(1, 0)));

    // bodies that are not rows
    c.add(new Case("truncated JSON array", post("/v1/events", JSON, "[" + okEvent + ",{\"contact_id\":\"a"), 400, problem("Bad Request", "truncated")));
    c.add(new Case("a JSON number body", post("/v1/events", JSON, "42"), 400, problem("Bad Request", "expected a JSON array")));
    c.add(new Case("an empty JSON body", post("/v1/events", JSON, ""), 400, problem("Bad Request", "empty body")));
    c.add(new Case("array of non-objects", post("/v1/events", JSON, "[1,\"x\",null]"), 200, rejects(1, null, "must be a JSON object")));
    c.add(new Case("NDJSON line that is an array", post("/v1/events", NDJSON, "[1]\n" + okEvent), 200, rejects(0, null, "must be a JSON object")));
    c.add(new Case("truncated NDJSON line", post("/v1/events", NDJSON, okEvent + "\n{\"contact_id\":"), 200, rejects(1, null, "not valid JSON")));
    c.add(new Case("NDJSON with a BOM and blank lines", postBytes("/v1/events", NDJSON,
        bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, event("bom", "") + "\n\n  \r\n" + event("bom2", "") + "\n\n")),
        200, counts(2, 0)));

    // values out of range
    c.add(new Case("10,000 nested arrays in metadata", post("/v1/events", NDJSON,
        event("deep", ",\"metadata\":{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")), 200, rejects(0, "metadata", "nesting depth")));
    c.add(new Case("a huge number as a property", post("/v1/contacts", NDJSON, "{\"contact_id\":\"huge\",\"country\":\"FR\",\"score\":1e400}"),
        200, rejects(0, "score", "out of range")));
    c.add(new Case("a huge number in CSV", post("/v1/contacts", CSV, "contact_id,country,score\nhuge-csv,FR,1e400\n"),
        200, rejects(0, "score", "out of range")));
    c.add(new Case("a huge number in metadata", post("/v1/events", NDJSON, event("huge-meta", ",\"metadata\":{\"n\":-1e999}")),
        200, rejects(0, "metadata", "out of range")));
    c.add(new Case("a huge integer as a property", post("/v1/contacts", NDJSON,
        "{\"contact_id\":\"huge-int\",\"country\":\"FR\",\"n\":1" + "0".repeat(400) + "}"), 200, rejects(0, "n", "out of range")));
    c.add(new Case("a huge timestamp", post("/v1/events", NDJSON, "{\"contact_id\":\"t\",\"timestamp\":1e400,\"event_name\":\"x\"}"),
        200, rejects(0, "timestamp", "")));
    c.add(new Case("negative window_hours", post("/v1/sends", NDJSON, send("neg", ",\"window_hours\":-1")), 200, rejects(0, "window_hours", "(0, 168]")));
    c.add(new Case("window_hours 1e400", post("/v1/sends", NDJSON, send("inf", ",\"window_hours\":1e400")), 200, rejects(0, "window_hours", "")));
    c.add(new Case("NaN window_hours in CSV", post("/v1/sends", CSV,
        "send_id,contact_id,message_id,channel,sent_at,window_hours\nnan,c,m,push," + T + ",NaN\n"), 200, rejects(0, "window_hours", "")));
    c.add(new Case("NaN literal in JSON", post("/v1/sends", NDJSON, "{\"send_id\":\"nan2\",\"window_hours\":NaN}"), 200, rejects(0, null, "not valid JSON")));
    c.add(new Case("a timestamp in 1999", post("/v1/events", NDJSON, "{\"contact_id\":\"t\",\"timestamp\":\"1999-12-31T23:59:59Z\",\"event_name\":\"x\"}"),
        200, rejects(0, "timestamp", "before 2000-01-01")));
    c.add(new Case("a timestamp in year 10000", post("/v1/events", NDJSON, "{\"contact_id\":\"t\",\"timestamp\":\"+10000-01-01T00:00:00Z\",\"event_name\":\"x\"}"),
        200, rejects(0, "timestamp", "")));
    c.add(new Case("a timestamp far in the future", post("/v1/events", NDJSON, "{\"contact_id\":\"t\",\"timestamp\":\"2999-01-01T00:00:00Z\",\"event_name\":\"x\"}"),
        200, rejects(0, "timestamp", "future")));
    c.add(new Case("an unknown time zone", post("/v1/events", NDJSON, event("tz", ",\"timezone\":\"Mars/Olympus\"")), 200, rejects(0, "timezone", "IANA")));
    c.add(new Case("a time zone that is a path", post("/v1/contacts", NDJSON, "{\"contact_id\":\"tz\",\"country\":\"FR\",\"timezone\":\"../../etc/localtime\"}"),
        200, rejects(0, "timezone", "IANA")));

    // identifiers
    c.add(new Case("an id over 256 characters", post("/v1/events", NDJSON, event("x".repeat(257), "")), 200, rejects(0, "contact_id", "at most 256")));
    c.add(new Case("an event_instance_id over 256 characters", post("/v1/events", NDJSON, event("ok", ",\"event_instance_id\":\"" + "i".repeat(257) + "\"")),
        200, rejects(0, "event_instance_id", "at most 256")));
    c.add(new Case("NUL in an id", post("/v1/events", NDJSON, event("a\\u0000b", "")), 200, rejects(0, "contact_id", "NUL")));
    c.add(new Case("a lone surrogate in an id", post("/v1/events", NDJSON, event("lone\\ud800", "") + "\n" + event("lone\\udc00", "")),
        200, rejects(1, "contact_id", "surrogate")));
    c.add(new Case("a lone surrogate in a property", post("/v1/contacts", JSON, "[{\"contact_id\":\"s\",\"country\":\"FR\",\"name\":\"\\udbff\"}]"),
        200, rejects(0, "name", "surrogate")));
    c.add(new Case("a lone surrogate in metadata", post("/v1/events", NDJSON, event("s", ",\"metadata\":{\"k\":\"\\ud800x\"}")),
        200, rejects(0, "metadata", "surrogate")));
    c.add(new Case("a surrogate pair is a character", post("/v1/events", NDJSON, event("pair\\ud83d\\ude00", "")), 200, counts(1, 0)));
    c.add(new Case("invalid UTF-8 in JSON", postBytes("/v1/events", NDJSON, bytes("{\"contact_id\":\"a", 0xFF, "\",\"timestamp\":\"" + T + "\",\"event_name\":\"x\"}")),
        200, rejects(0, null, "UTF-8")));
    c.add(new Case("invalid UTF-8 in CSV", postBytes("/v1/contacts", CSV, bytes("contact_id,country,city\nu1,FR,Par", 0xFF, "s\n")),
        200, rejects(0, "city", "UTF-8")));
    c.add(new Case("an encoded surrogate in CSV", postBytes("/v1/contacts", CSV, bytes("contact_id,country\nu", 0xED, 0xA0, 0x80, ",FR\n")),
        200, rejects(0, "contact_id", "UTF-8")));
    c.add(new Case("control characters in ids are stored verbatim", post("/v1/events", NDJSON, event("ctl\\u0001\\t\\n", "")), 200, counts(1, 0)));
    c.add(new Case("SQL in ids is stored verbatim", post("/v1/contacts", NDJSON,
        "{\"contact_id\":\"x'); DROP TABLE contacts; --\",\"country\":\"FR\",\"note\":\"1' OR '1'='1\"}"), 200, counts(1, 0)));
    c.add(new Case("...and read back verbatim", get("/v1/contacts/" + enc("x'); DROP TABLE contacts; --")), 200, body -> {
      assertEquals("x'); DROP TABLE contacts; --", body.getString("contact_id"));
      assertEquals("1' OR '1'='1", body.getJsonObject("properties").getString("note"));
    }));
    c.add(new Case("a path-like id is stored verbatim", post("/v1/contacts", NDJSON, "{\"contact_id\":\"../../etc/passwd\",\"country\":\"FR\"}"),
        200, counts(1, 0)));
    c.add(new Case("...and read back with its slashes encoded", get("/v1/contacts/" + enc("../../etc/passwd")), 200,
        has("contact_id", "../../etc/passwd")));
    c.add(new Case("dot segments do not reach another route", get("/v1/contacts/..%2F..%2Fadmin%2Fkeys"), 404, problem("Not Found", "")));

    // CSV structure
    c.add(new Case("a ragged CSV row", post("/v1/contacts", CSV, "contact_id,country\nr1,FR\nr2,FR,extra\nr3\n"),
        200, rejects(1, null, "3 fields but the header has 2").andThen(rejects(2, null, "1 fields"))));
    c.add(new Case("an unclosed CSV quote", post("/v1/contacts", CSV, "contact_id,country\n\"q1,FR\n"), 400, problem("Bad Request", "quoted field")));
    c.add(new Case("a repeated CSV header", post("/v1/contacts", CSV, "contact_id,country,contact_id\na,FR,b\n"), 400, problem("Bad Request", "contact_id")));
    c.add(new Case("a CSV header without names", post("/v1/contacts", CSV, "contact_id,,country\n"), 400, problem("Bad Request", "no name")));

    // repeated keys and rows
    c.add(new Case("a repeated JSON key", post("/v1/events", NDJSON, "{\"contact_id\":\"a\",\"contact_id\":\"b\",\"timestamp\":\"" + T + "\",\"event_name\":\"x\"}"),
        200, rejects(0, "contact_id", "more than once")));
    c.add(new Case("a repeated key in metadata", post("/v1/events", NDJSON, event("dupmeta", ",\"metadata\":{\"k\":1,\"k\":2}")),
        200, rejects(0, "metadata", "'k'")));
    c.add(new Case("the same event twice in a body", post("/v1/events", NDJSON, event("twice", ",\"event_instance_id\":\"e1\"") + "\n"
        + event("twice", ",\"event_instance_id\":\"e1\"") + "\n" + event("twice", ",\"event_instance_id\":\"e2\"")), 200, counts(2, 1)));
    c.add(new Case("...and sent again", post("/v1/events", NDJSON, event("twice", ",\"event_instance_id\":\"e1\"")), 200, counts(0, 1)));
    c.add(new Case("the same contact twice in a body", post("/v1/contacts", NDJSON, "{\"contact_id\":\"dup\",\"country\":\"FR\",\"a\":1}\n"
        + "{\"contact_id\":\"dup\",\"country\":\"DE\",\"b\":2}"), 200, counts(1, 1)));
    c.add(new Case("...merged in order", get("/v1/contacts/dup"), 200, body -> {
      assertEquals("DE", body.getString("country"));
      assertEquals(new JsonObject().put("a", 1).put("b", 2), body.getJsonObject("properties"));
    }));
    c.add(new Case("the same send twice in a body", post("/v1/sends", NDJSON, send("s-dup", "") + "\n" + send("s-dup", ",\"labels\":{\"copy\":\"later\"}")),
        200, counts(1, 1)));

    // path ids and small bodies that PostgreSQL cannot take
    c.add(new Case("NUL in a contact id path", get("/v1/contacts/a%00b"), 404, problem("Not Found", "NUL")));
    c.add(new Case("NUL in a send id path", get("/v1/sends/%00"), 404, problem("Not Found", "NUL")));
    c.add(new Case("NUL in a contact view path", get("/v1/contacts/%00/shifts"), 404, problem("Not Found", "NUL")));
    c.add(new Case("NUL in a message id", req("PUT", "/v1/messages/%00", JSON, bytes("{\"holdout_share\":0.1}")), 400, problem("Bad Request", "NUL")));
    c.add(new Case("NUL in an event type", req("PUT", "/v1/event-types/a%00", JSON, bytes("{\"category\":\"revenue\",\"reward\":1}")),
        400, problem("Bad Request", "NUL")));
    c.add(new Case("NUL in a key name", post("/v1/admin/keys", JSON, "{\"name\":\"a\\u0000b\",\"scopes\":[\"read\"]}"), 400, problem("Bad Request", "name")));
    c.add(new Case("an audience date in year 0", post("/v1/audiences/query", JSON,
        "{\"properties\":[{\"key\":\"signup\",\"op\":\"gt\",\"value\":\"0000-01-01T00:00:00Z\"}]}"), 400, problem("Bad Request", "properties[0].value")));
    c.add(new Case("an audience date in year 10000", post("/v1/audiences/query", JSON,
        "{\"properties\":[{\"key\":\"signup\",\"op\":\"lt\",\"value\":\"+10000-01-01T00:00:00Z\"}]}"), 400, problem("Bad Request", "properties[0].value")));
    c.add(new Case("a huge audience number", post("/v1/audiences/query", JSON,
        "{\"properties\":[{\"key\":\"n\",\"op\":\"gt\",\"value\":1e400}]}"), 400, problem("Bad Request", "properties[0].value")));
    c.add(new Case("NUL in an audience value", post("/v1/audiences/query", JSON,
        "{\"properties\":[{\"key\":\"n\",\"op\":\"eq\",\"value\":\"a\\u0000\"}]}"), 400, problem("Bad Request", "properties[0].value")));
    // ClickHouse down: events wait in the spool, answered 200 until it is full, then 503 with Retry-After
    // (The first body's rows may have reached ClickHouse before the insert failed: they are checked, their ids
    // sent as TSV, before they are inserted; so its ids carry tabs, newlines and backslashes.)
    String tricky = event("sp\\t\\\\x\\n", ",\"event_instance_id\":\"sp-1\\t\\\\\"");
    c.add(new Case("an event while ClickHouse is down is acknowledged from the spool", toDown("POST", "/v1/events", NDJSON, tricky),
        200, counts(1, 0)));
    c.add(new Case("...and its retry is recognised while it waits in the spool", toDown("POST", "/v1/events", NDJSON, tricky),
        200, counts(0, 1)));
    c.add(new Case("later events follow it into the spool", toDown("POST", "/v1/events", NDJSON,
        event("spooled", ",\"event_instance_id\":\"sp-2\"")), 200, counts(1, 0)));
    c.add(new Case("CSV events while ClickHouse is down", toDown("POST", "/v1/events", CSV,
        "contact_id,timestamp,event_name,event_instance_id\nspcsv," + T + ",x,sp-3\nspcsv," + T + ",x,sp-4\n"), 200, counts(2, 0)));
    c.add(new Case("a body larger than the spool's room is 503 with Retry-After", toDown("POST", "/v1/events", NDJSON,
        TestEvents.ndjson("sp-full-", 2_000, 10)), 503, problem("Service Unavailable", "spool is full").andThen(has("retry_after", 10))));
    c.add(new Case("contacts are stored while ClickHouse is down", toDown("POST", "/v1/contacts", NDJSON,
        "{\"contact_id\":\"while-ch-down\",\"country\":\"FR\"}"), 200, counts(1, 0)));
    c.add(new Case("...and read back", toDown("GET", "/v1/contacts/while-ch-down", null, null), 200, has("country", "FR")));
    c.add(new Case("status while ClickHouse is down names it and shows the spool", toDown("GET", "/v1/status", null, null), 503,
        problem("Service Unavailable", "ClickHouse is unavailable").andThen(has("clickhouse", "down")).andThen(has("postgres", "up"))
            .andThen(body -> {
              assertEquals("waiting", at(body, "ingest.spool.state"), body.encode());
              assertEquals(4L, ((Number) at(body, "ingest.spool.event_rows")).longValue(), body.encode());
            })));
    c.add(new Case("health while ClickHouse is down shows the spool", toDown("GET", "/health", null, null), 503,
        has("clickhouse", "down").andThen(body -> assertTrue(((Number) at(body, "ingest.spool.records")).longValue() >= 3, body.encode()))));

    // the wide row, gzip bombs and slow upload, in the corpus too (their own tests measure more)
    StringBuilder wide = new StringBuilder("{\"contact_id\":\"wide\",\"timestamp\":\"" + T + "\",\"event_name\":\"x\"");
    for (int i = 0; i < 85_000; i++) wide.append(",\"k").append(i).append("\":0");
    c.add(new Case("a row of 85,000 keys is read in linear time", post("/v1/events", NDJSON, wide.append('}').toString()), 200, counts(1, 0)));
    byte[] bomb = zeros(256 << 20);
    c.add(new Case("a gzip bomb without a key is refused unread", HttpRequest.newBuilder(URI.create(server.url("/v1/events")))
        .header("Content-Type", NDJSON).header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(bomb)),
        401, problem("Unauthorized", "")));
    c.add(new Case("a gzip bomb whose first byte is not JSON stops at it", postBytes("/v1/events", JSON, bomb, "Content-Encoding", "gzip"),
        400, problem("Bad Request", "")));
    c.add(new Case("a body trickled at a byte a second is cut", req("POST", "/v1/events", NDJSON, null)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.InputStream() {
          private int sent;

          @Override
          public int read(byte[] into, int at, int length) {
            int b = read();
            if (b < 0) return -1;
            into[at] = (byte) b;
            return 1;
          }

          @Override
          public int read() {
            if (sent >= 30) return -1;
            try {
              Thread.sleep(1_000);
            } catch (InterruptedException e) {
              return -1;
            }
            return okEvent.charAt(sent++);
          }
        })), 408, problem("Request Timeout", "slower than")));

    // more malformed requests
    c.add(new Case("a JSON array followed by more", post("/v1/events", JSON, "[" + event("trail", "") + "] [1]"), 400, problem("Bad Request", "")));
    c.add(new Case("Basic instead of Bearer", post("/v1/events", NDJSON, okEvent, "Authorization", "Basic dXNlcjpwYXNz"),
        401, problem("Unauthorized", "")));
    c.add(new Case("the key in the query string is not a key", HttpRequest.newBuilder(URI.create(server.url("/v1/status?api_key=" + TestServer.KEY)))
        .GET(), 401, problem("Unauthorized", "")));
    c.add(new Case("an unknown route", get("/v1/../../etc/passwd"), 404, any()));
    c.add(new Case("a wrong method", req("DELETE", "/v1/events", null, null), 405, problem("Method Not Allowed", "")));
    return c;
  }

  @TestFactory
  Stream<DynamicTest> everyHostileRequestGetsItsAnswerAndTheServerStaysHealthy() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case k : corpus()) {
      tests.add(DynamicTest.dynamicTest(k.name(), () -> {
        HttpResponse<String> answer = server.send(k.request());
        String type = answer.headers().firstValue("Content-Type").orElse("");
        assertEquals(k.status(), answer.statusCode(), answer.body());
        if (answer.statusCode() >= 400) assertEquals("application/problem+json", type, answer.body());
        if (answer.statusCode() == 503) assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "503 without Retry-After");
        assertFalse(answer.body().contains("ERROR:") || answer.body().contains("SQLSTATE") || answer.body().contains("PgException")
            || answer.body().contains("Code: "), "store text reached the client: " + answer.body());
        k.check().accept(answer.body().isEmpty() ? new JsonObject() : new JsonObject(answer.body()));
      }));
    }
    tests.add(DynamicTest.dynamicTest("the server is healthy afterwards", () -> {
      HttpResponse<String> health = server.send(HttpRequest.newBuilder(URI.create(server.url("/health"))).GET());
      assertEquals(200, health.statusCode(), health.body());
      assertEquals(200, server.post("/v1/events", NDJSON, event("after", "")).statusCode());
    }));
    tests.add(DynamicTest.dynamicTest("once ClickHouse is back, the spooled events are stored once each", () -> {
      cutClickHouse.restore();
      String state = null;
      HttpResponse<String> status = null;
      for (int i = 0; i < 300 && !"empty".equals(state); i++) {
        status = down.get("/v1/status");
        state = (String) at(new JsonObject(status.body()), "ingest.spool.state");
        Thread.sleep(100);
      }
      assertEquals("empty", state, status.body());
      assertEquals("4\t4", dev.shiftlens.support.TestStores.clickhouse("SELECT count(), uniqExact(event_key) FROM " + down.database
          + ".events WHERE startsWith(event_instance_id, 'sp-')"));
      assertEquals(1, dev.shiftlens.support.TestStores.clickhouseLong("SELECT count() FROM " + down.database
          + ".events WHERE contact_id = 'sp\t\\\\x\n' AND event_instance_id = 'sp-1\t\\\\'"));
    }));
    return tests.stream();
  }
}
