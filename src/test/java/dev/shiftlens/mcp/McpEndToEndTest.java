package dev.shiftlens.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.support.TestServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP endpoint spoken to by the official MCP Java client over HTTP, with a read-only key, on a server
 * whose demo sends are all evaluated: every tool answers what the REST API answers, errors are tool
 * errors that say what was wrong, and the endpoint checks keys and scopes as the REST API does.
 */
class McpEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;
  private static String readKey;
  private static String ingestKey;
  private static McpSyncClient client;
  private static JsonObject send;
  private static String contact;

  @BeforeAll
  static void loadAnEvaluatedDemo() throws Exception {
    server = TestServer.start(TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "50"));
    server.loadDemo(5, 120, Instant.now().truncatedTo(ChronoUnit.HOURS), "mcp-truth.json");
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      JsonObject s = new JsonObject(server.get("/v1/status").body());
      if (s.getLong("sends") > 0 && s.getLong("pending_evaluations") == 0) break;
      assertTrue(System.nanoTime() < deadline, "sends still pending: " + s);
      Thread.sleep(200);
    }
    readKey = key("agent", "read");
    ingestKey = key("pipeline", "ingest");
    send = new JsonObject(server.get("/v1/sends?status=evaluated&limit=1").body()).getJsonArray("items").getJsonObject(0);
    contact = send.getString("contact_id");
    client = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.url(""))
            .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + readKey))
            .build())
        .requestTimeout(Duration.ofSeconds(60))
        // The client then checks each tool's structuredContent against the outputSchema it listed.
        .enableCallToolSchemaCaching(true)
        .build();
    client.initialize();
  }

  /** The admin tool: a read-only key gets a tool error, not a protocol error; a key with admin scope sets the type. */
  @Test
  void aReadOnlyKeyCallingTheAdminToolGetsAToolErrorAndAnAdminKeySetsTheType() {
    Map<String, Object> args = Map.of("event_name", "mcp_upgrade", "category", "revenue", "reward", 25);
    assertToolError(call("set_event_type", args), "not allowed");
    assertEquals(0, rest("/v1/event-types").getJsonArray("items").stream()
        .filter(o -> ((JsonObject) o).getString("event_name").equals("mcp_upgrade")).count());
    McpSyncClient admin = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.url(""))
            .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + TestServer.KEY))
            .build())
        .requestTimeout(Duration.ofSeconds(60))
        .build();
    try {
      admin.initialize();
      JsonObject set = structured(admin.callTool(new McpSchema.CallToolRequest("set_event_type", args)));
      assertEquals("revenue", set.getString("category"));
      assertEquals(25.0, set.getDouble("reward"));
      JsonObject stored = rest("/v1/event-types").getJsonArray("items").stream().map(JsonObject.class::cast)
          .filter(o -> o.getString("event_name").equals("mcp_upgrade")).findFirst().orElseThrow();
      assertEquals(25.0, stored.getDouble("reward"));
      assertToolError(admin.callTool(new McpSchema.CallToolRequest("set_event_type",
          Map.of("event_name", "x", "category", "bogus"))), "category");
    } finally {
      admin.closeGracefully();
    }
  }

  @AfterAll
  static void stop() {
    if (client != null) client.closeGracefully();
    if (server != null) server.close();
  }

  @Test
  void theClientSeesEveryToolWithInputAndOutputSchemasAndThePrompt() {
    assertEquals("shiftlens", client.getServerInfo().name());
    assertNotNull(client.getServerCapabilities().tools());
    List<McpSchema.Tool> tools = client.listTools().tools();
    Set<String> names = new HashSet<>();
    for (McpSchema.Tool t : tools) {
      names.add(t.name());
      assertEquals("object", t.inputSchema().get("type"), t.name());
      assertNotNull(t.outputSchema(), t.name());
      assertTrue(t.description().length() > 80, t.name());
    }
    assertEquals(Set.of("get_contact_profile", "get_contact_shifts", "get_contact_preferences", "explain_send",
        "get_send_metrics", "query_audience", "list_event_types", "set_event_type"), names);
    McpSchema.Tool admin = tools.stream().filter(t -> t.name().equals("set_event_type")).findFirst().orElseThrow();
    assertFalse(admin.annotations().readOnlyHint(), "the admin tool changes state");
    String shifts = tools.stream().filter(t -> t.name().equals("get_contact_shifts")).findFirst().orElseThrow().description();
    assertTrue(shifts.contains("insufficient_history") && shifts.contains("not 1 - p") && shifts.contains("alpha"), shifts);
    assertEquals("plan_next_send", client.listPrompts().prompts().get(0).name());
    McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest("plan_next_send", Map.of("contact_id", contact)));
    assertTrue(((McpSchema.TextContent) prompt.messages().get(0).content()).text().contains("get_contact_preferences with contact_id " + contact));
    client.ping();
  }

  @Test
  void theProfileIsTheContactAndItsBaselineAsTheRestApiShowsThem() throws Exception {
    String asOf = Instant.now().truncatedTo(ChronoUnit.HOURS).toString();
    McpSchema.CallToolResult r = call("get_contact_profile", Map.of("contact_id", contact, "as_of", asOf));
    JsonObject s = structured(r);
    assertEquals(rest("/v1/contacts/" + contact), s.getJsonObject("contact"));
    JsonObject baseline = rest("/v1/contacts/" + contact + "/baseline?as_of=" + asOf);
    assertEquals(baseline.getJsonObject("baseline"), s.getJsonObject("baseline"));
    assertEquals(baseline.getString("timezone"), s.getString("timezone"));
    JsonArray events = baseline.getJsonArray("events");
    assertEquals(events.size(), s.getJsonArray("events").size());
    for (int i = 0; i < events.size(); i++) {
      JsonObject e = events.getJsonObject(i).copy();
      e.remove("hour_of_week");
      assertEquals(e, s.getJsonArray("events").getJsonObject(i));
    }
    assertTrue(text(r).contains("Contact " + contact + ": country "), text(r));
  }

  @Test
  void shiftsSendsMetricsAudiencesAndEventTypesEqualTheRestApisAnswers() throws Exception {
    JsonObject shifts = structured(call("get_contact_shifts", Map.of("contact_id", contact, "limit", 5)));
    JsonObject restShifts = rest("/v1/contacts/" + contact + "/shifts?limit=5");
    assertEquals(restShifts.getJsonArray("items"), shifts.getJsonArray("items"));
    assertEquals(restShifts.getString("next_cursor"), shifts.getString("next_cursor"));

    McpSchema.CallToolResult explained = call("explain_send", Map.of("send_id", send.getString("send_id")));
    assertEquals(rest("/v1/sends/" + enc(send.getString("send_id"))), structured(explained));
    String text = text(explained);
    assertTrue(text.contains("x the baseline (95% CI ") && text.contains(" h after " + send.getString("message_id") + " by "), text);

    assertEquals(rest("/v1/metrics/sends?group_by=message_id"), structured(call("get_send_metrics", Map.of("group_by", "message_id"))));
    assertEquals(rest("/v1/metrics/sends?group_by=label%3Aoffer&event_name=purchase"),
        structured(call("get_send_metrics", Map.of("group_by", "label:offer", "event_name", "purchase"))));

    Map<String, Object> filters = Map.of("behavior", List.of(Map.of("event_name", "*", "min_count", 1)), "limit", 20);
    JsonObject restAudience = new JsonObject(server.post("/v1/audiences/query", "application/json",
        new JsonObject().put("behavior", new JsonArray().add(new JsonObject().put("event_name", "*").put("min_count", 1)))
            .put("limit", 20).encode()).body());
    assertEquals(restAudience, structured(call("query_audience", filters)));
    assertTrue(restAudience.getLong("count") > 0, restAudience.encode());

    assertEquals(rest("/v1/event-types"), structured(call("list_event_types", Map.of())));
  }

  @Test
  void preferencesAreTheRestApisWithARecommendationAmongEachDimensionsValues() throws Exception {
    McpSchema.CallToolResult r = call("get_contact_preferences", Map.of("contact_id", contact));
    JsonObject s = structured(r);
    JsonObject restPreferences = rest("/v1/contacts/" + contact + "/preferences");
    // prob_best is seeded per contact, so it is the same on every call; the recommendation is a fresh draw.
    assertEquals(restPreferences.getJsonObject("dimensions"), s.getJsonObject("dimensions"));
    assertEquals(restPreferences.getValue("sends"), s.getValue("sends"));
    JsonObject recommendation = s.getJsonObject("recommendation");
    for (String dimension : recommendation.fieldNames()) {
      assertTrue(s.getJsonObject("dimensions").getJsonArray(dimension).stream()
          .anyMatch(v -> ((JsonObject) v).getString("value").equals(recommendation.getString(dimension))), dimension);
      assertTrue(text(r).contains("- " + dimension + ": recommended " + recommendation.getString(dimension)), text(r));
    }
  }

  @Test
  void anUnknownContactOrSendAndBadArgumentsAreToolErrorsThatSayWhatWasWrong() {
    assertToolError(call("get_contact_shifts", Map.of("contact_id", "nobody-at-all")), "unknown contact 'nobody-at-all'");
    assertToolError(call("get_contact_profile", Map.of("contact_id", "nobody-at-all")), "unknown contact 'nobody-at-all'");
    assertToolError(call("get_contact_preferences", Map.of("contact_id", "nobody-at-all")), "unknown contact 'nobody-at-all'");
    assertToolError(call("explain_send", Map.of("send_id", "no-such-send")), "unknown send 'no-such-send'");
    assertToolError(call("get_contact_profile", Map.of()), "contact_id is required");
    assertToolError(call("get_contact_shifts", Map.of("contact_id", contact, "limit", 0)), "limit must be from 1 to 100");
    assertToolError(call("get_contact_shifts", Map.of("contact_id", contact, "limt", 3)), "unknown argument 'limt'");
    assertToolError(call("get_contact_shifts", Map.of("contact_id", 42)), "contact_id must be a string");
    assertToolError(call("get_send_metrics", Map.of("group_by", "colour")), "bad argument group_by");
    assertToolError(call("query_audience", Map.of("properties", List.of(Map.of("key", "plan", "op", "like", "value", "x")))),
        "properties[0].op");
    // An unknown tool is a protocol error: the client asked for something that does not exist.
    assertThrows(RuntimeException.class, () -> call("no_such_tool", Map.of()));
  }

  @Test
  void theEndpointWantsAKeyWithTheReadScopeAndSpeaksJsonRpcOverPost() {
    String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"1999-01-01\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    assertEquals(401, post(null, init).statusCode());
    assertEquals(401, post("not-a-key", init).statusCode());
    assertEquals(403, post(ingestKey, init).statusCode());
    HttpResponse<String> ok = post(readKey, init);
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    // A version the server does not speak is answered with the newest it does.
    assertEquals(McpApi.VERSIONS.get(0), new JsonObject(ok.body()).getJsonObject("result").getString("protocolVersion"));
    assertEquals(202, post(readKey, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").statusCode());
    JsonObject unknown = new JsonObject(post(readKey, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"resources/list\"}").body());
    assertEquals(-32601, unknown.getJsonObject("error").getInteger("code"));
    assertEquals("x", unknown.getValue("id"));
    HttpResponse<String> garbage = post(readKey, "{not json");
    assertEquals(400, garbage.statusCode());
    assertEquals(-32700, new JsonObject(garbage.body()).getJsonObject("error").getInteger("code"));
    HttpResponse<String> get = server.send(HttpRequest.newBuilder(URI.create(server.url("/mcp")))
        .header("Authorization", "Bearer " + readKey).GET());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void theServerAgreesOnASupportedVersionAndRefusesOthersAndForeignOrigins() {
    String init = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-03-26\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    JsonObject agreed = new JsonObject(post(readKey, init).body());
    assertEquals("2025-03-26", agreed.getJsonObject("result").getString("protocolVersion"));
    assertEquals(7, agreed.getInteger("id"));
    HttpResponse<String> oldHeader = server.send(HttpRequest.newBuilder(URI.create(server.url("/mcp")))
        .header("Authorization", "Bearer " + readKey).header("Content-Type", "application/json")
        .header("MCP-Protocol-Version", "2023-01-01")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")));
    assertEquals(400, oldHeader.statusCode());
    assertTrue(oldHeader.body().contains("2023-01-01"), oldHeader.body());
    HttpResponse<String> foreign = server.send(HttpRequest.newBuilder(URI.create(server.url("/mcp")))
        .header("Authorization", "Bearer " + readKey).header("Content-Type", "application/json")
        .header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")));
    assertEquals(403, foreign.statusCode());
    JsonArray batch = new JsonArray(post(readKey, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
        + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}]").body());
    assertEquals(2, batch.size());
    assertEquals(8, batch.getJsonObject(1).getJsonObject("result").getJsonArray("tools").size());
  }

  private static HttpResponse<String> post(String key, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url("/mcp")))
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return server.send(b);
  }

  private static McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
    return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
  }

  private static void assertToolError(McpSchema.CallToolResult r, String expected) {
    assertTrue(Boolean.TRUE.equals(r.isError()), text(r));
    assertTrue(text(r).contains(expected), text(r));
  }

  private static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  private static JsonObject structured(McpSchema.CallToolResult r) {
    assertFalse(Boolean.TRUE.equals(r.isError()), text(r));
    try {
      return new JsonObject(JSON.writeValueAsString(r.structuredContent()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject rest(String path) {
    HttpResponse<String> r = server.get(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return new JsonObject(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String key(String name, String scope) {
    HttpResponse<String> r = server.post("/v1/admin/keys", "application/json",
        new JsonObject().put("name", name).put("scopes", new JsonArray().add(scope)).encode());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body()).getString("key");
  }
}
