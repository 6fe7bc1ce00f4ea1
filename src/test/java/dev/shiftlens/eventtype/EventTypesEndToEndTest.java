package dev.shiftlens.eventtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code PUT /v1/event-types/{event_name}} and {@code GET /v1/event-types} over HTTP, on a whole server. */
class EventTypesEndToEndTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static HttpResponse<String> put(String eventName, String body) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/event-types/" + eventName)))
        .header("Authorization", "Bearer " + TestServer.KEY)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static JsonObject listed(String eventName) {
    HttpResponse<String> r = server.get("/v1/event-types");
    assertEquals(200, r.statusCode(), r.body());
    for (Object o : json(r).getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      if (item.getString("event_name").equals(eventName)) return item;
    }
    return null;
  }

  private static void assertBadRequest(HttpResponse<String> r, String field) {
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject problem = json(r);
    assertEquals(400, problem.getInteger("status"));
    assertEquals(field, problem.getString("field"), problem.encode());
  }

  @Test
  void aPutTypeIsAnsweredAsStoredAndListedSortedByName() {
    HttpResponse<String> purchase = put("purchase", "{\"category\":\"revenue\",\"reward\":25.5}");
    assertEquals(200, purchase.statusCode(), purchase.body());
    JsonObject stored = json(purchase);
    assertEquals("purchase", stored.getString("event_name"));
    assertEquals("revenue", stored.getString("category"));
    assertEquals(25.5, stored.getDouble("reward"));
    assertTrue(Instant.parse(stored.getString("updated_at")).isAfter(Instant.now().minusSeconds(60)));
    assertEquals(200, put("app_open", "{\"category\":\"engagement\"}").statusCode());
    assertEquals(200, put("zz_heartbeat", "{\"category\":\"irrelevant\"}").statusCode());

    JsonArray items = json(server.get("/v1/event-types")).getJsonArray("items");
    List<String> names = items.stream().map(o -> ((JsonObject) o).getString("event_name")).toList();
    assertEquals(names.stream().sorted().toList(), names);
    assertTrue(names.containsAll(List.of("app_open", "purchase", "zz_heartbeat")), names.toString());
    assertEquals(stored, listed("purchase"));
    assertEquals(List.of("event_name", "category", "reward", "updated_at"), List.copyOf(listed("purchase").fieldNames()));
  }

  @Test
  void aSecondPutReplacesTheType() {
    assertEquals(200, put("refund", "{\"category\":\"negative\",\"reward\":-10}").statusCode());
    JsonObject second = json(put("refund", "{\"category\":\"irrelevant\"}"));
    assertEquals("irrelevant", second.getString("category"));
    assertEquals(0.0, second.getDouble("reward"));
    assertEquals(second, listed("refund"));
  }

  @Test
  void theRewardDefaultsByCategory() {
    assertEquals(1.0, json(put("d_engagement", "{\"category\":\"engagement\"}")).getDouble("reward"));
    assertEquals(1.0, json(put("d_revenue", "{\"category\":\"revenue\"}")).getDouble("reward"));
    assertEquals(-1.0, json(put("d_negative", "{\"category\":\"negative\"}")).getDouble("reward"));
    assertEquals(0.0, json(put("d_irrelevant", "{\"category\":\"irrelevant\"}")).getDouble("reward"));
  }

  @Test
  void badBodiesAre400ProblemsNamingTheFieldAndStoreNothing() {
    assertBadRequest(put("bad_1", "{\"category\":\"negative\",\"reward\":3}"), "reward");
    assertBadRequest(put("bad_2", "{\"category\":\"bonus\"}"), "category");
    assertBadRequest(put("bad_3", "{\"reward\":1}"), "category");
    assertBadRequest(put("bad_4", "{\"category\":\"revenue\",\"reward\":\"high\"}"), "reward");
    assertBadRequest(put("bad_5", "{\"category\":\"revenue\",\"reward\":1e999}"), "reward");
    assertBadRequest(put("x".repeat(257), "{\"category\":\"revenue\"}"), "event_name");
    assertBadRequest(put("bad_6", "not json"), null);
    assertBadRequest(put("bad_7", "[{\"category\":\"revenue\"}]"), null);
    assertBadRequest(put("bad_8", ""), null);
    for (int i = 1; i <= 8; i++) assertEquals(null, listed("bad_" + i));
  }

  @Test
  void namesAreTakenFromThePathDecodedAndMayHoldAnyCharacter() {
    String name = "screen/view ü?#";
    HttpResponse<String> r = put(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), "{\"category\":\"engagement\",\"reward\":2}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(name, json(r).getString("event_name"));
    assertEquals(2.0, listed(name).getDouble("reward"));
  }

  @Test
  void aBodyOverTheLimitIs413() {
    HttpResponse<String> r = put("big", "{\"category\":\"revenue\",\"pad\":\"" + "x".repeat(EventTypeApi.MAX_BODY_BYTES) + "\"}");
    assertEquals(413, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));

    byte[] inflated = ("{\"category\":\"revenue\",\"pad\":\"" + "x".repeat(4 * EventTypeApi.MAX_BODY_BYTES) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> gzipped = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/event-types/big")))
        .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").PUT(HttpRequest.BodyPublishers.ofByteArray(TestServer.gzip(inflated))));
    assertEquals(413, gzipped.statusCode(), gzipped.body());
    assertEquals(null, listed("big"));

    HttpResponse<String> small = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/event-types/small_gzip")))
        .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Encoding", "gzip")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(TestServer.gzip("{\"category\":\"revenue\"}".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(200, small.statusCode(), small.body());
  }

  @Test
  void requestsWithoutAValidKeyAre401() {
    HttpResponse<String> noKey = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/event-types/nokey")))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"category\":\"revenue\"}")));
    assertEquals(401, noKey.statusCode());
    assertEquals("application/problem+json", noKey.headers().firstValue("Content-Type").orElse(""));
    HttpResponse<String> wrongKey = server.send(HttpRequest.newBuilder(URI.create(server.url("/v1/event-types")))
        .header("Authorization", "Bearer wrong").GET());
    assertEquals(401, wrongKey.statusCode());
    assertFalse(listed("nokey") != null);
  }
}
