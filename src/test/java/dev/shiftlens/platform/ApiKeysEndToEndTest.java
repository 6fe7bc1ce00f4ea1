package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API keys with scopes over HTTP: created, used, listed and revoked on a real server and PostgreSQL. */
class ApiKeysEndToEndTest {
  private static final Map<String, String> ONE_SECOND_CACHE = Map.of("SHIFTLENS_KEY_CACHE_SECONDS", "1");
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(ONE_SECOND_CACHE);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> as(String key, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)));
    if (key != null) b.header("Authorization", "Bearer " + key);
    if (body != null) b.header("Content-Type", body.startsWith("{\"contact_id") ? "application/x-ndjson" : "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return server.send(b);
  }

  private static JsonObject create(String name, String... scopes) {
    HttpResponse<String> r = as(TestServer.KEY, "POST", "/v1/admin/keys",
        new JsonObject().put("name", name).put("scopes", new JsonArray(List.of(scopes))).encode());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static void assertProblem(int status, HttpResponse<String> r) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(status, new JsonObject(r.body()).getInteger("status"));
  }

  @Test
  void aReadKeyCanReadButNotIngestNorAdminister() {
    JsonObject created = create("dashboard", "read");
    String key = created.getString("key");
    assertTrue(key.startsWith("sl_") && key.length() == 46, key);
    assertEquals("dashboard", created.getString("name"));
    assertEquals(new JsonArray().add("read"), created.getJsonArray("scopes"));
    assertEquals(key.substring(0, 12), created.getString("prefix"));
    assertNotNull(created.getString("created_at"));
    assertNotNull(created.getString("id"));

    assertEquals(200, as(key, "GET", "/v1/status", null).statusCode());
    assertEquals(200, as(key, "GET", "/v1/event-types", null).statusCode());
    assertProblem(403, as(key, "POST", "/v1/events", TestEvents.ndjson("r", 2, 1)));
    assertProblem(403, as(key, "GET", "/v1/admin/keys", null));
    assertProblem(403, as(key, "POST", "/v1/admin/keys", "{\"name\":\"mine\",\"scopes\":[\"admin\"]}"));
    assertProblem(403, as(key, "PUT", "/v1/event-types/x", "{\"category\":\"engagement\"}"));
  }

  @Test
  void anIngestKeyCanIngestButNotRead() {
    String key = create("pipeline", "ingest").getString("key");
    HttpResponse<String> r = as(key, "POST", "/v1/events", TestEvents.ndjson("i", 3, 1));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(3, new JsonObject(r.body()).getInteger("accepted"));
    assertProblem(403, as(key, "GET", "/v1/status", null));
  }

  @Test
  void anAdminKeyCanCreateKeysAndAKeyWithSeveralScopesHasThemAll() {
    String admin = create("ops", "admin").getString("key");
    HttpResponse<String> r = as(admin, "POST", "/v1/admin/keys", "{\"name\":\"both\",\"scopes\":[\"read\",\"ingest\",\"read\"]}");
    assertEquals(201, r.statusCode(), r.body());
    JsonObject both = new JsonObject(r.body());
    assertEquals(new JsonArray().add("ingest").add("read"), both.getJsonArray("scopes"));
    assertEquals(200, as(both.getString("key"), "GET", "/v1/status", null).statusCode());
    assertEquals(200, as(both.getString("key"), "POST", "/v1/events", TestEvents.ndjson("b", 1, 1)).statusCode());
    assertProblem(403, as(admin, "GET", "/v1/status", null));
  }

  @Test
  void missingAndUnknownKeysAre401() {
    assertProblem(401, as(null, "GET", "/v1/status", null));
    assertProblem(401, as("sl_not-a-key-at-all-0000000000000000000000000000", "GET", "/v1/status", null));
    assertProblem(401, as("sl_not-a-key-at-all-0000000000000000000000000000", "GET", "/v1/status", null)); // remembered
    assertProblem(401, as(null, "GET", "/v1/admin/keys", null));
  }

  @Test
  void aRevokedKeyIs401AtOnceOnItsServerAndWithinTheCachePeriodOnAnother() throws Exception {
    JsonObject created = create("temporary", "read");
    String key = created.getString("key");
    TestServer other = TestServer.startOn(server.database, ONE_SECOND_CACHE);
    try {
      HttpRequest.Builder onOther = HttpRequest.newBuilder(URI.create(other.url("/v1/status"))).header("Authorization", "Bearer " + key);
      assertEquals(200, as(key, "GET", "/v1/status", null).statusCode());
      assertEquals(200, other.send(onOther).statusCode()); // now cached there

      HttpResponse<String> revoked = as(TestServer.KEY, "DELETE", "/v1/admin/keys/" + created.getString("id"), null);
      assertEquals(204, revoked.statusCode(), revoked.body());
      assertProblem(401, as(key, "GET", "/v1/status", null));
      long deadline = System.nanoTime() + 3_000_000_000L;
      int status;
      do {
        Thread.sleep(100);
        status = other.send(onOther).statusCode();
      } while (status == 200 && System.nanoTime() < deadline);
      assertEquals(401, status, "the other server still accepts the revoked key 3 s later");

      assertProblem(404, as(TestServer.KEY, "DELETE", "/v1/admin/keys/" + created.getString("id"), null));
      assertFalse(new JsonObject(as(TestServer.KEY, "GET", "/v1/admin/keys", null).body()).encode().contains(created.getString("id")));
    } finally {
      other.stop();
    }
  }

  @Test
  void revokingAnUnknownKeyIs404() {
    assertProblem(404, as(TestServer.KEY, "DELETE", "/v1/admin/keys/0b8a4c61-3a43-4c3e-9d8c-3f1e7f4a0c11", null));
    assertProblem(404, as(TestServer.KEY, "DELETE", "/v1/admin/keys/not-a-uuid", null));
  }

  @Test
  void theEnvironmentKeyAlwaysHasEveryScope() {
    assertEquals(200, as(TestServer.KEY, "GET", "/v1/status", null).statusCode());
    assertEquals(200, as(TestServer.KEY, "GET", "/v1/admin/keys", null).statusCode());
    assertEquals(200, as(TestServer.KEY, "POST", "/v1/events", TestEvents.ndjson("e", 1, 1)).statusCode());
  }

  @Test
  void listingShowsPrefixesAndNeverTheSecretNorItsHash() {
    JsonObject created = create("listed", "read", "ingest");
    String key = created.getString("key");
    as(key, "GET", "/v1/status", null);
    HttpResponse<String> r = as(TestServer.KEY, "GET", "/v1/admin/keys", null);
    assertEquals(200, r.statusCode(), r.body());
    String hash = HexFormat.of().formatHex(ApiKeys.sha256(key));
    assertFalse(r.body().contains(key.substring(12)), r.body());
    assertFalse(r.body().toLowerCase().contains(hash), r.body());
    JsonObject listed = null;
    for (Object o : new JsonObject(r.body()).getJsonArray("items")) {
      JsonObject item = (JsonObject) o;
      assertEquals(java.util.Set.of("id", "name", "prefix", "scopes", "created_at", "last_used_at"), item.fieldNames());
      if (item.getString("id").equals(created.getString("id"))) listed = item;
    }
    assertNotNull(listed, r.body());
    assertEquals(key.substring(0, 12), listed.getString("prefix"));
    assertEquals(new JsonArray().add("ingest").add("read"), listed.getJsonArray("scopes"));
    assertNotNull(listed.getString("last_used_at"), "the key was used");
  }

  @Test
  void theStoreKeepsTheSha256OfTheKeyAndNotTheKey() {
    JsonObject created = create("stored", "read");
    String key = created.getString("key");
    List<String> hashes = TestStores.postgres(server.database,
        "SELECT encode(key_hash, 'hex') FROM api_keys WHERE id = '" + created.getString("id") + "'");
    assertEquals(List.of(HexFormat.of().formatHex(ApiKeys.sha256(key))), hashes);
    List<String> rows = TestStores.postgres(server.database, "SELECT row_to_json(k)::text FROM api_keys k");
    assertFalse(rows.isEmpty());
    for (String row : rows) assertFalse(row.contains(key.substring(3)), row);
  }

  @Test
  void badRequestsNameTheField() {
    assertField("scopes", "{\"name\":\"x\",\"scopes\":[\"write\"]}");
    assertField("scopes", "{\"name\":\"x\",\"scopes\":[]}");
    assertField("scopes", "{\"name\":\"x\",\"scopes\":\"read\"}");
    assertField("scopes", "{\"name\":\"x\"}");
    assertField("name", "{\"scopes\":[\"read\"]}");
    assertField("name", "{\"name\":\" \",\"scopes\":[\"read\"]}");
    assertField("name", "{\"name\":7,\"scopes\":[\"read\"]}");
    assertField("expires", "{\"name\":\"x\",\"scopes\":[\"read\"],\"expires\":1}");
    HttpResponse<String> notJson = as(TestServer.KEY, "POST", "/v1/admin/keys", "[1,");
    assertProblem(400, notJson);
    assertNull(new JsonObject(notJson.body()).getString("field"));
    assertProblem(400, as(TestServer.KEY, "POST", "/v1/admin/keys", "[]"));
  }

  private static void assertField(String field, String body) {
    HttpResponse<String> r = as(TestServer.KEY, "POST", "/v1/admin/keys", body);
    assertProblem(400, r);
    assertEquals(field, new JsonObject(r.body()).getString("field"), r.body());
  }
}
