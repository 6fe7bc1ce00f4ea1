package dev.shiftlens.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
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

/** {@code GET /v1/sends} over HTTP, on a whole server holding sends ingested through {@code POST /v1/sends}. */
class SendListEndToEndTest {
  private static TestServer server;
  private static final Instant T0 = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);

  /** Newest first, as the list must return them: s5 and s4 share their sent_at, so send_id decides. */
  private static final List<String> NEWEST_FIRST = List.of("s6", "s5", "s4", "s3", "s2", "s1");

  @BeforeAll
  static void start() {
    server = TestServer.start();
    String body = new JsonArray()
        .add(send("s1", "c1", "m1", T0))
        .add(send("s2", "c2", "m1", T0.plus(1, ChronoUnit.HOURS)))
        .add(send("s3", "c1", "m2", T0.plus(2, ChronoUnit.HOURS)).put("holdout", true))
        .add(send("s4", "c1", "m1", T0.plus(3, ChronoUnit.HOURS)))
        .add(send("s5", "c2", "m2", T0.plus(3, ChronoUnit.HOURS)))
        .add(send("s6", "c1", "m1", T0.plus(4, ChronoUnit.HOURS).plusMillis(250)))
        .encode();
    HttpResponse<String> r = server.post("/v1/sends", "application/json", body);
    assertEquals(6, new JsonObject(r.body()).getLong("accepted"), r.body());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static JsonObject send(String id, String contact, String message, Instant sentAt) {
    return new JsonObject().put("send_id", id).put("contact_id", contact).put("message_id", message)
        .put("channel", "push").put("sent_at", sentAt.toString()).put("labels", new JsonObject().put("copy", "a"));
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static JsonObject page(String query) {
    HttpResponse<String> r = server.get("/v1/sends?" + query);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("send_id")).toList();
  }

  /** Every send of the query, following next_cursor with pages of {@code limit}. */
  private static List<String> all(String query, int limit) {
    List<String> out = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 20; pages++) {
      JsonObject page = page(query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
      assertTrue(page.getJsonArray("items").size() <= limit);
      out.addAll(ids(page));
      cursor = page.getString("next_cursor");
      if (cursor == null) return out;
      assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
    }
    throw new AssertionError("the pages did not end");
  }

  private static void assertBadRequest(String query, String field) {
    HttpResponse<String> r = server.get("/v1/sends?" + query);
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject problem = new JsonObject(r.body());
    assertEquals(field, problem.getString("field"), problem.encode());
    assertTrue(problem.getString("detail").contains(field), problem.encode());
  }

  @Test
  void pagesOfTwoWalkEverySendOnceNewestFirst() {
    JsonObject first = page("limit=2");
    assertEquals(List.of("s6", "s5"), ids(first));
    assertNotNull(first.getString("next_cursor"));
    assertEquals(NEWEST_FIRST, all("", 2));
    assertEquals(NEWEST_FIRST, all("", 1));
    JsonObject whole = page("limit=6");
    assertEquals(NEWEST_FIRST, ids(whole));
    assertNull(whole.getValue("next_cursor"));
    assertTrue(whole.containsKey("next_cursor"));
    assertEquals(NEWEST_FIRST, ids(page("")));
  }

  @Test
  void itemsAreTheSendsAsGetShowsThem() {
    for (Object o : page("limit=1000").getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      assertEquals(new JsonObject(server.get("/v1/sends/" + item.getString("send_id")).body()), item);
    }
  }

  @Test
  void filtersCombine() {
    assertEquals(List.of("s6", "s4", "s3", "s1"), all("contact_id=c1", 2));
    assertEquals(List.of("s6", "s4", "s2", "s1"), all("message_id=m1", 2));
    assertEquals(List.of("s6", "s4", "s1"), all("contact_id=c1&message_id=m1", 2));
    assertEquals(NEWEST_FIRST, all("status=pending", 4));
    assertEquals(List.of(), all("status=evaluated", 2));
    assertEquals(List.of(), all("contact_id=nobody", 2));
    // from is inclusive, to exclusive.
    String from = q(T0.plus(1, ChronoUnit.HOURS).toString()), to = q(T0.plus(3, ChronoUnit.HOURS).toString());
    assertEquals(List.of("s3", "s2"), all("from=" + from + "&to=" + to, 1));
    assertEquals(List.of("s6", "s5", "s4", "s3", "s2"), all("from=" + from, 2));
    assertEquals(List.of("s3", "s2", "s1"), all("to=" + to + "&status=pending&contact_id=&cursor=", 5));
    assertEquals(List.of("s1"), all("to=" + T0.plusSeconds(1).getEpochSecond(), 5));
  }

  @Test
  void badParametersAre400ProblemsNamingThem() {
    assertBadRequest("cursor=garbage", "cursor");
    assertBadRequest("cursor=" + q("MTp4Onk"), "cursor");
    assertBadRequest("limit=0", "limit");
    assertBadRequest("limit=1001", "limit");
    assertBadRequest("limit=many", "limit");
    assertBadRequest("status=finished", "status");
    assertBadRequest("from=last-week", "from");
    assertBadRequest("to=2026-02-30T00:00:00Z", "to");
    assertBadRequest("contact_id=a%00b", "contact_id");
  }

  @Test
  void listingNeedsAKey() {
    HttpResponse<String> none = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/sends"))).GET());
    assertEquals(401, none.statusCode());
    assertEquals("application/problem+json", none.headers().firstValue("Content-Type").orElse(""));
  }
}
