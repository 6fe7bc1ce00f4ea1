package dev.shiftlens.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.dashboard.AltinityQueries.Range;
import dev.shiftlens.dashboard.AltinityQueries.Variable;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard {@code dashboards/grafana/change-metrics.json} against a real ClickHouse holding an evaluated demo
 * dataset: every variable's and every panel's SQL is expanded as Grafana and the Altinity plugin would expand it, run,
 * and the panels return rows; the per-message table agrees with {@code GET /v1/metrics/sends}.
 */
class ChangeMetricsDashboardTest {
  private static final Path DASHBOARD = Path.of("dashboards/grafana/change-metrics.json");
  private static final String PLUGIN = "vertamedia-clickhouse-datasource";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> FAST = TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "50");
  private static TestServer server;
  private static JsonNode dashboard;
  private static Range range;

  @BeforeAll
  static void loadAnEvaluatedDemo() throws Exception {
    server = TestServer.start(FAST);
    Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
    server.loadDemo(5, 120, anchor, "dashboard-truth.json");
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      JsonNode s = JSON.readTree(server.get("/v1/status").body());
      if (s.path("sends").asLong() > 0 && s.path("pending_evaluations").asLong() == 0) break;
      assertTrue(System.nanoTime() < deadline, "sends still pending: " + s);
      Thread.sleep(200);
    }
    dashboard = JSON.readTree(DASHBOARD.toFile());
    range = new Range(anchor.minus(Duration.ofDays(40)), Instant.now().plus(Duration.ofHours(1)));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void everyPanelAndVariableReadsThroughTheAltinityPluginsDataSourceVariable() {
    JsonNode ds = dashboard.path("templating").path("list").get(0);
    assertEquals("datasource", ds.path("type").asText());
    assertEquals(PLUGIN, ds.path("query").asText());
    for (JsonNode panel : panels()) {
      assertEquals(PLUGIN, panel.path("datasource").path("type").asText(), panel.path("title").asText());
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
      assertFalse(panel.path("targets").isEmpty(), panel.path("title").asText());
      for (JsonNode t : panel.path("targets")) {
        assertEquals("${datasource}", t.path("datasource").path("uid").asText(), panel.path("title").asText());
      }
    }
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        assertEquals("${datasource}", v.path("datasource").path("uid").asText(), v.path("name").asText());
      }
    }
  }

  @Test
  void withEverythingSelectedEveryPanelRunsAndShowsData() throws Exception {
    Map<String, Variable> vars = variables(Map.of());
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        JsonNode answer = run(panel, target, vars);
        assertTrue(answer.path("rows").asLong() > 0, panel.path("title").asText() + " shows nothing");
        if (target.path("format").asText().equals("time_series")) checkTimeSeries(panel, target, answer);
      }
    }
  }

  @Test
  void withOneMessageAndOneEventNameEveryPanelRuns() throws Exception {
    Map<String, Variable> vars = variables(Map.of("message", "promo_10pct", "event", "purchase"));
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        JsonNode answer = run(panel, target, vars);
        if (panel.path("title").asText().equals("Lift per message")) {
          assertEquals(1, answer.path("rows").asInt(), answer.toString());
          assertEquals("promo_10pct", answer.path("data").get(0).path("message_id").asText());
        }
        if (panel.path("title").asText().startsWith("Events")) {
          for (JsonNode row : answer.path("data")) {
            for (JsonNode pair : row.path("groupArr")) assertEquals("purchase", pair.get(0).asText(), row.toString());
          }
        }
      }
    }
  }

  @Test
  void thePerMessageTableAgreesWithTheMetricsEndpoint() throws Exception {
    Map<String, Variable> vars = variables(Map.of());
    JsonNode panel = panel("Lift per message");
    JsonNode table = run(panel, panel.path("targets").get(0), vars);
    JsonNode api = JSON.readTree(server.get("/v1/metrics/sends?group_by=message_id&event_name=*").body()).path("groups");
    Map<String, JsonNode> byMessage = new HashMap<>();
    table.path("data").forEach(row -> byMessage.put(row.path("message_id").asText(), row));
    assertEquals(api.size(), byMessage.size(), table.toString());
    for (JsonNode g : api) {
      JsonNode row = byMessage.get(g.path("key").asText());
      String what = g + " vs " + row;
      assertEquals(g.path("sends").asLong(), number(row, "sends"), what);
      assertEquals(g.path("evaluated").asLong() - g.path("evaluated_holdouts").asLong(), number(row, "evaluated"), what);
      assertEquals(g.path("holdouts").asLong(), number(row, "holdouts"), what);
      assertEquals(g.path("observed").asDouble(), number(row, "observed"), 1e-6 * Math.max(1, g.path("observed").asDouble()), what);
      assertEquals(g.path("expected").asDouble(), number(row, "expected"), 1e-6 * Math.max(1, g.path("expected").asDouble()), what);
      assertEquals(g.path("lift").asDouble(), number(row, "lift"), 1e-9, what);
      assertEquals(g.path("share_up").asDouble(), number(row, "share_up"), 1e-9, what);
      assertEquals(g.path("share_down").asDouble(), number(row, "share_down"), 1e-9, what);
      if (!g.path("holdout_lift").isNull()) {
        assertEquals(g.path("holdout_lift").asDouble(), number(row, "holdout_lift"), 1e-9, what);
      }
    }
  }

  @Test
  void aMacroOfAnotherPluginOrAnUnknownVariableFailsTheCheck() {
    Map<String, Variable> vars = Map.of("database", Variable.single("database", "x"));
    JsonNode official = JSON.createObjectNode().put("query", "SELECT count() FROM ${database}.events WHERE $__timeFilter(ts)")
        .put("dateTimeColDataType", "ts");
    assertThrowsNaming("$__timeFilter", () -> AltinityQueries.panel(official, range, vars));
    JsonNode unknown = JSON.createObjectNode().put("query", "SELECT count() FROM ${database}.events WHERE event_name = '$evnt'");
    assertThrowsNaming("$evnt", () -> AltinityQueries.panel(unknown, range, vars));
    JsonNode comment = JSON.createObjectNode().put("query", "SELECT 1 -- one\n");
    assertEquals("SELECT 1 -- one FORMAT JSON", AltinityQueries.panel(comment, range, vars),
        "a trailing comment swallows FORMAT JSON, and the query then fails to run");
  }

  @Test
  void macrosExpandAsThePluginExpandsThem() {
    Range r = new Range(Instant.ofEpochSecond(1_700_000_000L), Instant.ofEpochSecond(1_700_086_400L));
    Map<String, Variable> vars = new LinkedHashMap<>();
    vars.put("database", Variable.single("database", "shiftlens"));
    vars.put("message", new Variable("message", true, true, List.of("a", "b'c")));
    JsonNode target = JSON.createObjectNode()
        .put("query", "SELECT $timeSeries AS t, count() FROM $table WHERE $timeFilter AND m IN ($message) AND n IN (${message:singlequote}) GROUP BY t")
        .put("dateTimeColDataType", "sent_at").put("dateTimeType", "DATETIME").put("interval", "1h")
        .put("database", "shiftlens").put("table", "send_effects");
    assertEquals("SELECT (intDiv(toUInt32(sent_at), 3600) * 3600) * 1000 AS t, count() FROM shiftlens.send_effects"
        + " WHERE sent_at >= toDateTime(1700000000) AND sent_at <= toDateTime(1700086400)"
        + " AND m IN ('a','b\\'c') AND n IN ('a','b\\'c') GROUP BY t FORMAT JSON", AltinityQueries.panel(target, r, vars));
  }

  /** The dashboard's variables with each query variable's options read from ClickHouse; {@code chosen} overrides "All" or the default. */
  private static Map<String, Variable> variables(Map<String, String> chosen) throws Exception {
    Map<String, Variable> vars = new LinkedHashMap<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      String name = v.path("name").asText();
      switch (v.path("type").asText()) {
        case "datasource" -> { } // picks the data source, not part of any SQL
        case "textbox", "constant" -> vars.put(name, Variable.single(name, name.equals("database") ? server.database : v.path("query").asText()));
        case "query" -> {
          String sql = AltinityQueries.variable(v.path("query").asText(), range, vars);
          JsonNode answer = clickhouse(sql, "variable " + name);
          List<String> options = new ArrayList<>();
          for (JsonNode row : answer.path("data")) options.add(row.elements().next().asText());
          assertFalse(options.isEmpty(), "variable " + name + " offers nothing");
          List<String> values;
          if (chosen.containsKey(name)) {
            assertTrue(options.contains(chosen.get(name)), name + " offers " + options);
            values = List.of(chosen.get(name));
          } else if (v.path("includeAll").asBoolean()) {
            values = options; // "All" without a custom all value: every option
          } else {
            String current = v.path("current").path("value").asText();
            assertTrue(options.contains(current), name + "'s default " + current + " is not among " + options);
            values = List.of(current);
          }
          vars.put(name, new Variable(name, v.path("multi").asBoolean(), v.path("includeAll").asBoolean(), values));
        }
        default -> fail("variable " + name + " has a type this check does not know: " + v.path("type").asText());
      }
    }
    return vars;
  }

  private static JsonNode run(JsonNode panel, JsonNode target, Map<String, Variable> vars) throws Exception {
    String title = panel.path("title").asText();
    String sql;
    try {
      sql = AltinityQueries.panel(target, range, vars);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("panel '" + title + "': " + e.getMessage(), e);
    }
    return clickhouse(sql, "panel '" + title + "'");
  }

  private static JsonNode clickhouse(String sql, String what) throws Exception {
    try {
      return JSON.readTree(TestStores.clickhouse(sql));
    } catch (IllegalStateException e) {
      throw new AssertionError(what + " fails: " + e.getMessage() + "\n" + sql, e);
    }
  }

  /** Time series: the first column is t, in epoch milliseconds within the range (floored to the bucket). */
  private static void checkTimeSeries(JsonNode panel, JsonNode target, JsonNode answer) {
    assertEquals("t", answer.path("meta").get(0).path("name").asText(), panel.path("title").asText());
    long bucket = AltinityQueries.intervalMillis(target.path("interval").asText());
    for (JsonNode row : answer.path("data")) {
      long t = row.path("t").asLong();
      assertTrue(t >= range.from().toEpochMilli() - bucket && t <= range.to().toEpochMilli(), panel.path("title") + ": t " + t);
      if (row.has("groupArr")) {
        assertFalse(row.path("groupArr").isEmpty(), row.toString());
        for (JsonNode pair : row.path("groupArr")) {
          // 64-bit counts come as strings, which the plugin reads as numbers
          assertTrue(pair.isArray() && pair.size() == 2 && pair.get(0).isTextual()
              && (pair.get(1).isNumber() || pair.get(1).asText().matches("\\d+")), "a series name and a value: " + row);
        }
      }
    }
  }

  private static List<JsonNode> panels() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      if (p.path("type").asText().equals("row")) p.path("panels").forEach(out::add);
      else out.add(p);
    }
    return out;
  }

  private static JsonNode panel(String title) {
    return panels().stream().filter(p -> p.path("title").asText().equals(title)).findFirst().orElseThrow();
  }

  /** ClickHouse writes 64-bit integers as strings in JSON. */
  private static double number(JsonNode row, String column) {
    JsonNode v = row.path(column);
    return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
  }

  private static void assertThrowsNaming(String what, Runnable r) {
    try {
      r.run();
      fail("expected a failure naming " + what);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains(what), e.getMessage());
    }
  }
}
