package dev.shiftlens.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.demo.DemoDataset;
import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoMessage;
import dev.shiftlens.demo.DemoSpec;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/metrics/sends} over HTTP: a dashboard polls it while a demo dataset is loaded and its
 * sends are evaluated, and the final figures agree with the sends' own effects.
 */
class MetricsEndToEndTest {
  private static final Map<String, String> FAST = TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "25");
  private static final long SEED = 13;
  private static TestServer server;
  private static DemoDataset data;
  private static int polls;
  private static String loadOutput;

  @BeforeAll
  static void loadWhilePolling() throws Exception {
    server = TestServer.start(FAST);
    Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
    data = DemoGenerator.generate(new DemoSpec(SEED, 150, 35, anchor));
    CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> server.loadDemo(SEED, 150, anchor, "metrics-truth.json"));
    Map<String, Long> lastEvaluated = new HashMap<>();
    long deadline = System.nanoTime() + 180_000_000_000L;
    int total = data.sends().size();
    while (true) {
      JsonObject body = metrics("group_by=message_id");
      polls++;
      long evaluated = 0;
      for (JsonObject g : groups(body)) {
        String message = g.getString("key");
        checkWellFormed(g);
        assertTrue(g.getLong("evaluated") >= lastEvaluated.getOrDefault(message, 0L), "evaluated sends never go back: " + g);
        lastEvaluated.put(message, g.getLong("evaluated"));
        evaluated += g.getLong("sends");
        DemoMessage m = data.truth().message(message).orElseThrow();
        if (!m.hasEffect() && g.getValue("adjusted_ci_low") != null) {
          assertTrue(g.getDouble("adjusted_ci_low") <= 1 && (g.getValue("adjusted_ci_high") == null
              || g.getDouble("adjusted_ci_high") >= 1), "a message without effect: the adjusted interval covers 1 at every look: " + g);
        }
      }
      if (load.isDone() && evaluated == total) break;
      assertTrue(System.nanoTime() < deadline, "not every send evaluated in time: " + evaluated + " of " + total);
      // A dashboard that polls often: the evaluation of these sends takes about a second on a quiet machine.
      Thread.sleep(5);
    }
    loadOutput = load.get();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void theDashboardPolledManyTimesWhileSendsWereEvaluated() {
    System.out.println("metrics polled " + polls + " times while " + data.sends().size() + " sends were evaluated");
    assertTrue(polls >= 20, "polled only " + polls + " times");
    assertTrue(loadOutput.contains("holdout shares of 7 messages configured"), loadOutput);
  }

  @Test
  void eachMessagesSumsAreThoseOfItsSendsEffects() {
    Map<String, double[]> want = new HashMap<>(); // observed, expected, evaluated non-holdouts
    for (JsonObject send : allSends()) {
      if (!send.getString("status").equals("evaluated") || send.getBoolean("holdout")) continue;
      double[] w = want.computeIfAbsent(send.getString("message_id"), k -> new double[3]);
      w[2]++;
    }
    List<JsonObject> groups = groups(metrics("group_by=message_id"));
    assertEquals(want.keySet().size(), groups.size());
    for (JsonObject g : groups) {
      double[] w = want.get(g.getString("key"));
      assertEquals((long) w[2], g.getLong("evaluated") - g.getLong("evaluated_holdouts"), g.encode());
    }
  }

  /**
   * The demo's contacts get several sends each: every grouping's sums, intervals, p-values and shares
   * equal a recomputation from the stored rows with the contact as the unit and overlapping sends left out.
   */
  @Test
  void everyGroupingEqualsTheStoredRowsClusteredByContact() {
    for (String event : List.of("*", "purchase")) {
      List<StoredEffects.Send> stored = StoredEffects.read(server.database, event, "copy");
      for (String g : List.of("message_id", "channel", "day", "send_hour", "label:copy")) {
        StoredEffects.check(groups(metrics("group_by=" + g + "&event_name=" + event)),
            StoredEffects.expectedGroups(stored, g.startsWith("label:") ? "label" : g, 0.05));
      }
    }
  }

  @Test
  void messagesWithAConfiguredShareGetASampleRatioCheckThatFindsNoMismatch() {
    for (JsonObject g : groups(metrics("group_by=message_id"))) {
      DemoMessage m = data.truth().message(g.getString("key")).orElseThrow();
      JsonObject srm = g.getJsonObject("sample_ratio");
      assertNotNull(srm, g.encode());
      assertEquals(m.holdoutShare(), srm.getDouble("expected_holdout_share"));
      assertEquals((double) g.getLong("holdouts") / g.getLong("sends"), srm.getDouble("observed_holdout_share"), 1e-12);
      assertFalse(srm.getBoolean("mismatch"), g.encode());
      if (m.holdoutShare() == 0) {
        assertNull(g.getValue("adjusted_lift"), "no holdouts, no adjusted lift: " + g);
      }
    }
    JsonArray items = new JsonObject(server.get("/v1/messages").body()).getJsonArray("items");
    assertEquals(7, items.size(), items.encode());
  }

  @Test
  void aWrongConfiguredShareIsReportedAsAMismatch() {
    HttpResponse<String> put = put("/v1/messages/weekly_digest", "{\"holdout_share\": 0.9}");
    assertEquals(200, put.statusCode(), put.body());
    try {
      JsonObject g = groups(metrics("group_by=message_id&message_id=weekly_digest")).get(0);
      assertTrue(g.getJsonObject("sample_ratio").getBoolean("mismatch"), g.encode());
      assertTrue(g.getJsonObject("sample_ratio").getDouble("p_value") < 0.001, g.encode());
    } finally {
      assertEquals(200, put("/v1/messages/weekly_digest", "{\"holdout_share\": 0.1}").statusCode());
    }
  }

  @Test
  void everyGroupingCountsEverySendOnce() {
    int total = data.sends().size();
    for (String g : List.of("channel", "day", "send_hour", "label:copy", "label:nope")) {
      JsonObject body = metrics("group_by=" + g);
      assertEquals(g, body.getString("group_by"));
      assertEquals("*", body.getString("event_name"));
      long sends = groups(body).stream().mapToLong(x -> x.getLong("sends")).sum();
      assertEquals(total, sends, g + ": " + body.encode());
      groups(body).forEach(MetricsEndToEndTest::checkWellFormed);
    }
    assertEquals(List.of("friendly", "urgency"), groups(metrics("group_by=label:copy")).stream().map(x -> x.getString("key")).toList());
    assertNull(groups(metrics("group_by=label:nope")).get(0).getValue("key"), "sends without the label group under null");
    groups(metrics("group_by=send_hour")).forEach(x -> assertTrue(x.getValue("key") instanceof Integer, x.encode()));
  }

  @Test
  void filtersNarrowTheSends() {
    JsonObject push = metrics("group_by=message_id&channel=push");
    assertTrue(groups(push).stream().allMatch(g -> List.of("promo_10pct", "winback_push", "cart_reminder").contains(g.getString("key"))),
        push.encode());
    Instant from = data.sends().stream().map(s -> s.sentAt()).max(Instant::compareTo).orElseThrow();
    long latest = data.sends().stream().filter(s -> !s.sentAt().isBefore(from.truncatedTo(ChronoUnit.SECONDS))).count();
    JsonObject late = metrics("group_by=channel&from=" + from.truncatedTo(ChronoUnit.SECONDS));
    assertEquals(latest, groups(late).stream().mapToLong(g -> g.getLong("sends")).sum(), late.encode());
    JsonObject purchase = metrics("group_by=message_id&event_name=purchase&message_id=promo_10pct");
    assertEquals("purchase", purchase.getString("event_name"));
    assertEquals(1, groups(purchase).size());
  }

  @Test
  void aBadParameterIsAProblemNamingIt() {
    Map<String, String> bad = Map.of(
        "", "group_by",
        "group_by=hour", "group_by",
        "group_by=label:", "group_by",
        "group_by=label:a%22b", "group_by",
        "group_by=day&from=yesterday", "from",
        "group_by=day&from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "to",
        "group_by=day&event_name=a&event_name=b", "event_name");
    bad.forEach((query, field) -> {
      HttpResponse<String> r = server.get("/v1/metrics/sends?" + query);
      assertEquals(400, r.statusCode(), query + ": " + r.body());
      assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals(field, new JsonObject(r.body()).getString("field"), query + ": " + r.body());
    });
    HttpResponse<String> share = put("/v1/messages/m1", "{\"holdout_share\": 1.5}");
    assertEquals(400, share.statusCode(), share.body());
    assertEquals("holdout_share", new JsonObject(share.body()).getString("field"));
  }

  private static void checkWellFormed(JsonObject g) {
    for (String k : List.of("key", "sends", "evaluated", "holdouts", "observed", "expected", "lift", "ci_low", "ci_high",
        "holdout_lift", "adjusted_lift", "adjusted_ci_low", "adjusted_ci_high", "share_up", "share_down", "q_value",
        "overlapping", "contacts", "holdout_contacts", "holdout_share_up", "holdout_share_down")) {
      assertTrue(g.containsKey(k), "missing " + k + ": " + g);
    }
    if (g.getValue("lift") != null) {
      double lift = g.getDouble("lift");
      assertTrue(g.getDouble("ci_low") <= lift, g.encode());
      assertTrue(g.getValue("ci_high") == null || g.getDouble("ci_high") >= lift, g.encode());
      assertTrue(g.getDouble("q_value") >= g.getDouble("p_value") || g.getValue("adjusted_p_value") != null, g.encode());
      assertTrue(g.getDouble("q_value") <= 1, g.encode());
    }
    assertTrue(g.getLong("holdouts") <= g.getLong("sends") && g.getLong("evaluated") <= g.getLong("sends"), g.encode());
  }

  private static JsonObject metrics(String query) {
    HttpResponse<String> r = server.get("/v1/metrics/sends?" + query);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  private static List<JsonObject> groups(JsonObject body) {
    return body.getJsonArray("groups").stream().map(JsonObject.class::cast).toList();
  }

  private static List<JsonObject> allSends() {
    List<JsonObject> out = new java.util.ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = new JsonObject(server.get("/v1/sends?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).body());
      page.getJsonArray("items").forEach(i -> out.add((JsonObject) i));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return out;
  }

  private static HttpResponse<String> put(String path, String body) {
    return server.send(HttpRequest.newBuilder(URI.create(server.url(path))).header("Authorization", "Bearer " + TestServer.KEY)
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
  }
}
