package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.support.PrometheusText;
import dev.shiftlens.support.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana operations dashboard ({@code dashboards/grafana/operations.json}) against the server:
 * it is a valid dashboard with unique panel ids on the Prometheus data source variable, and every
 * metric its queries read is one that {@code /metrics} exposes after a load, so that the dashboard
 * cannot silently go blank when a figure is renamed.
 */
class OperationsDashboardEndToEndTest {
  private static final Path DASHBOARD = Path.of("dashboards/grafana/operations.json");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");

  private static JsonNode dashboard;

  @BeforeAll
  static void read() throws IOException {
    dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every panel, those inside collapsed rows too. */
  private static List<JsonNode> panels() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      for (JsonNode inner : p.path("panels")) out.add(inner);
    }
    return out;
  }

  private static List<String> expressions() {
    List<String> out = new ArrayList<>();
    for (JsonNode p : panels()) for (JsonNode t : p.path("targets")) out.add(t.path("expr").asText());
    return out;
  }

  /**
   * The metric names a PromQL expression reads: what is left of its identifiers once label matchers,
   * ranges, grouping clauses, strings and function calls are taken out.
   */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String word = m.group();
      int next = m.end();
      while (next < bare.length() && bare.charAt(next) == ' ') next++;
      boolean call = next < bare.length() && bare.charAt(next) == '(';
      if (!call && !PROMQL_WORDS.contains(word.toLowerCase())) names.add(word);
    }
    return names;
  }

  @Test
  void metricNamesAreReadFromPromQlWithoutLabelsFunctionsOrClauses() {
    assertEquals(Set.of("vertx_http_server_response_time_seconds_bucket"), metricNames(
        "histogram_quantile(0.99, sum by (le, route) (rate(vertx_http_server_response_time_seconds_bucket{instance=~\"$instance\",code=~\"5..\"}[$__rate_interval])))"));
    assertEquals(Set.of("a_sum", "a_count"), metricNames("sum by (x) (rate(a_sum{y=\"z\"}[5m])) / sum without (x) (rate(a_count[5m]))"));
  }

  @Test
  void theDashboardIsAGrafanaDashboardWithUniquePanelIdsOnThePrometheusVariable() {
    assertEquals("shiftlens-operations", dashboard.path("uid").asText());
    assertTrue(dashboard.path("schemaVersion").asInt() >= 36, "a current JSON model");
    boolean variable = false;
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("name").asText().equals("DS_PROMETHEUS") && v.path("type").asText().equals("datasource")
          && v.path("query").asText().equals("prometheus")) variable = true;
    }
    assertTrue(variable, "a Prometheus data source variable named DS_PROMETHEUS");

    Set<Integer> ids = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    int queried = 0;
    for (JsonNode p : panels()) {
      if (!ids.add(p.path("id").asInt(-1)) || !p.has("id")) wrong.add("duplicate or missing id: " + p.path("title").asText());
      if (!p.path("gridPos").has("w") || !p.path("gridPos").has("h")) wrong.add("no gridPos: " + p.path("title").asText());
      if (p.path("type").asText().equals("row")) continue;
      if (p.path("title").asText().isBlank()) wrong.add("a panel without a title, id " + p.path("id"));
      if (!p.path("datasource").path("uid").asText().equals("${DS_PROMETHEUS}")) wrong.add("data source: " + p.path("title").asText());
      if (p.path("targets").isEmpty()) wrong.add("no query: " + p.path("title").asText());
      for (JsonNode t : p.path("targets")) {
        if (t.path("expr").asText().isBlank()) wrong.add("an empty query: " + p.path("title").asText());
        queried++;
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertTrue(queried >= 20, "queries: " + queried);
  }

  @Test
  void everyMetricTheDashboardReadsIsExposedByTheServerAfterALoad() throws Exception {
    Set<String> used = new TreeSet<>();
    for (String expr : expressions()) used.addAll(metricNames(expr));
    for (String prefix : new String[] {"vertx_http_server_", "shiftlens_ingest_", "shiftlens_event_queue", "shiftlens_evaluation",
        "shiftlens_clickhouse_errors", "shiftlens_postgres_errors", "vertx_pool_"}) {
      assertTrue(used.stream().anyMatch(n -> n.startsWith(prefix)), "the dashboard shows " + prefix + "*: " + used);
    }

    try (TestServer server = TestServer.start()) {
      String now = Instant.now().toString();
      assertEquals(200, server.post("/v1/contacts", "application/json", "[{\"contact_id\": \"c1\", \"country\": \"DE\"}]").statusCode());
      assertEquals(200, server.post("/v1/events", "application/x-ndjson",
          "{\"contact_id\": \"c1\", \"event_name\": \"app_open\", \"timestamp\": \"" + now + "\"}\n{\"contact_id\": \"c1\"}\n").statusCode());
      assertEquals(200, server.post("/v1/sends", "application/json", "[{\"contact_id\": \"c1\", \"message_id\": \"m\", "
          + "\"channel\": \"push\", \"sent_at\": \"" + now + "\"}]").statusCode());
      assertEquals(404, server.get("/v1/sends/none").statusCode());
      PrometheusText scraped = PrometheusMetricsEndToEndTest.scrape(server,
          t -> t.names().contains("vertx_http_server_response_time_seconds_bucket"));
      Set<String> missing = new TreeSet<>(used);
      missing.removeAll(scraped.names());
      assertTrue(missing.isEmpty(), "metrics the dashboard reads that /metrics does not expose: " + missing);
    }
  }
}
