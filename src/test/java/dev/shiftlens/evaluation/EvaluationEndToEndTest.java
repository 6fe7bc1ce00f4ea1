package dev.shiftlens.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoSpec;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The whole engine over HTTP: a demo dataset loaded after its windows closed (a backfill) is
 * evaluated by two servers sharing the queue, each send exactly once, with the same results as the
 * statistics computed in memory from the same data.
 */
class EvaluationEndToEndTest {
  private static final Map<String, String> FAST = TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "100");

  @Test
  void twoServersEvaluateEverySendOnceWithTheResultsOfTheStatisticsInMemory() throws Exception {
    Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
    DemoSpec spec = new DemoSpec(11, 400, 35, anchor);
    try (TestServer first = TestServer.start(FAST)) {
      TestServer second = TestServer.startOn(first.database, FAST);
      try {
        evaluateTogether(first, second, spec, anchor);
      } finally {
        second.stop(); // the databases are the first server's to drop
      }
    }
  }

  private static void evaluateTogether(TestServer first, TestServer second, DemoSpec spec, Instant anchor) throws Exception {
    Set<String> published = ConcurrentHashMap.newKeySet();
    List<String> publishedTwice = new java.util.concurrent.CopyOnWriteArrayList<>();
    {
      for (TestServer server : List.of(first, second)) {
        server.vertx().eventBus().<JsonObject>consumer(EvaluationVerticle.EVALUATED_ADDRESS, m -> {
          if (!published.add(m.body().getString("send_id"))) publishedTwice.add(m.body().getString("send_id"));
        });
      }
      first.loadDemo(11, 400, anchor, "e2e-truth.json");

      var data = DemoGenerator.generate(spec);
      int sends = data.sends().size();
      JsonObject counts = first.awaitEvaluated(sends, Duration.ofMinutes(2));
      assertEquals(sends, counts.getLong("evaluated_sends"), counts.encode());
      // A batch is published once its results are committed, which is when /v1/status counts them: a moment later.
      long publishedBy = System.nanoTime() + 10_000_000_000L;
      while (published.size() < sends && System.nanoTime() < publishedBy) Thread.sleep(20);
      assertEquals(sends, published.size(), "every evaluated send is published once");
      assertEquals(List.of(), publishedTwice);

      DemoQuality demo = new DemoQuality(data);
      Map<String, DemoQuality.Scored> expected = new HashMap<>();
      demo.evaluate(demo.population()).forEach(s -> expected.put(s.send().sendId(), s));
      int compared = 0;
      for (var s : data.sends()) {
        JsonObject got = new JsonObject(first.get("/v1/sends/" + s.sendId()).body());
        SendEvaluator.Result want = expected.get(s.sendId()).result();
        assertEquals(want.status(), got.getString("status"), got.encode());
        assertNotNull(got.getString("evaluated_at"));
        assertEquals(want.overlapsSendId(), got.getString("overlaps_send_id"));
        JsonArray effects = got.getJsonArray("effects");
        assertEquals(want.effects().size(), effects.size(), got.encode());
        for (int i = 0; i < effects.size(); i++) {
          Effect w = want.effects().get(i);
          Effect g = Effect.fromJson(effects.getJsonObject(i));
          assertEquals(w.eventName(), g.eventName());
          assertEquals(w.observed(), g.observed(), 1e-9, got.encode());
          assertEquals(w.expected(), g.expected(), 1e-9 * Math.max(1, w.expected()), got.encode());
          assertEquals(w.pValue(), g.pValue(), 1e-9, got.encode());
          assertEquals(w.verdict(), g.verdict(), got.encode());
          compared++;
        }
      }
      assertTrue(compared > sends, "effects compared: " + compared);

      // ClickHouse mirrors every effect, with the names a send does not show, once per send however often written.
      long rows = 0, unreported = 0;
      for (DemoQuality.Scored s : expected.values()) {
        rows += Math.max(1, s.result().effects().size() + s.result().unreported().size());
        unreported += s.result().unreported().size();
      }
      assertTrue(unreported > 0, "some contacts did not perform some events");
      assertEquals(rows, dev.shiftlens.support.TestStores.clickhouseLong("SELECT count() FROM " + first.database + ".send_effects FINAL"));
      assertEquals(unreported, dev.shiftlens.support.TestStores.clickhouseLong(
          "SELECT count() FROM " + first.database + ".send_effects FINAL WHERE reported = 0"));
    }
  }

  @Test
  void aSendWithoutAnyHistoryIsInsufficientAndStaysSoOnceEvaluated() throws Exception {
    try (TestServer server = TestServer.start(FAST)) {
      String sentAt = Instant.now().minus(3, ChronoUnit.HOURS).toString();
      var answer = server.post("/v1/sends", "application/json",
          "[{\"send_id\":\"s1\",\"contact_id\":\"nobody\",\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"" + sentAt
              + "\",\"window_hours\":1}]");
      assertEquals(200, answer.statusCode(), answer.body());
      server.awaitEvaluated(1, Duration.ofMinutes(2));
      JsonObject send = new JsonObject(server.get("/v1/sends/s1").body());
      assertEquals("insufficient_history", send.getString("status"), send.encode());
      assertEquals(0, send.getJsonArray("effects").size());
      assertNull(send.getString("overlaps_send_id"));
      // A send whose window has not closed stays pending.
      String recent = Instant.now().minus(10, ChronoUnit.MINUTES).toString();
      server.post("/v1/sends", "application/json", "[{\"send_id\":\"s2\",\"contact_id\":\"nobody\",\"message_id\":\"m\","
          + "\"channel\":\"push\",\"sent_at\":\"" + recent + "\",\"window_hours\":1}]");
      Thread.sleep(500);
      assertEquals("pending", new JsonObject(server.get("/v1/sends/s2").body()).getString("status"));
    }
  }

  @Test
  void theAllEventsRowWeighsEachEventByItsTypesReward() throws Exception {
    try (TestServer server = TestServer.start(FAST)) {
      assertEquals(200, put(server, "purchase", "{\"category\":\"revenue\",\"reward\":10}"));
      assertEquals(200, put(server, "page_ping", "{\"category\":\"irrelevant\"}"));
      Instant sent = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
      StringBuilder events = new StringBuilder();
      // Three weeks of a quiet contact: one app_open a day, one purchase a week, a page_ping an hour.
      for (int d = 21; d >= 1; d--) {
        Instant day = sent.minus(d, ChronoUnit.DAYS);
        events.append(event("app_open", day, "a" + d));
        if (d % 7 == 0) events.append(event("purchase", day.plusSeconds(60), "p" + d));
        for (int h = 0; h < 24; h++) events.append(event("page_ping", day.plus(h, ChronoUnit.HOURS).plusSeconds(5), "g" + d + "-" + h));
      }
      // In the window: two purchases, one app_open, pings.
      events.append(event("purchase", sent.plusSeconds(600), "wp1")).append(event("purchase", sent.plusSeconds(1200), "wp2"))
          .append(event("app_open", sent.plusSeconds(1800), "wa1")).append(event("page_ping", sent.plusSeconds(60), "wg1"));
      assertEquals(200, server.post("/v1/events", "application/x-ndjson", events.toString()).statusCode());
      assertEquals(200, server.post("/v1/sends", "application/json", "[{\"send_id\":\"r1\",\"contact_id\":\"quiet\","
          + "\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"" + sent + "\",\"window_hours\":1}]").statusCode());
      server.awaitEvaluated(1, Duration.ofMinutes(2));
      JsonObject send = new JsonObject(server.get("/v1/sends/r1").body());
      assertEquals("evaluated", send.getString("status"), send.encode());
      Map<String, JsonObject> effects = new HashMap<>();
      send.getJsonArray("effects").forEach(e -> effects.put(((JsonObject) e).getString("event_name"), (JsonObject) e));
      assertEquals(Set.of("app_open", "purchase", "page_ping", "*"), effects.keySet());
      assertEquals(2.0, effects.get("purchase").getDouble("observed"));
      JsonObject total = effects.get("*");
      assertEquals(10 * 2 + 1, total.getDouble("observed"), 1e-9, "pings are irrelevant: " + total);
      assertEquals(10 * effects.get("purchase").getDouble("expected") + effects.get("app_open").getDouble("expected"),
          total.getDouble("expected"), 1e-6, total.encode());
      assertEquals("up", total.getString("verdict"), total.encode());
      assertEquals("up", effects.get("purchase").getString("verdict"), effects.get("purchase").encode());
      // The first event's hour and the next never count: that day's app_open, purchase and two pings.
      assertEquals(21 + 3 + 21 * 24 - 4, send.getJsonObject("baseline").getLong("events"), "app_opens, purchases and pings of the baseline: " + send.encode());

      // Events that arrive after the evaluation are stored, but the evaluated send keeps its result.
      String late = event("purchase", sent.plusSeconds(1500), "late1") + event("app_open", sent.plusSeconds(1600), "late2");
      assertEquals(200, server.post("/v1/events", "application/x-ndjson", late).statusCode());
      Thread.sleep(1500); // several poll intervals
      JsonObject after = new JsonObject(server.get("/v1/sends/r1").body());
      assertEquals(send.getString("evaluated_at"), after.getString("evaluated_at"));
      assertEquals(send.getJsonArray("effects"), after.getJsonArray("effects"));
    }
  }

  private static int put(TestServer server, String name, String body) {
    return server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/v1/event-types/" + name)))
        .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body))).statusCode();
  }

  private static String event(String name, Instant at, String id) {
    return "{\"contact_id\":\"quiet\",\"timestamp\":\"" + at + "\",\"event_name\":\"" + name
        + "\",\"event_instance_id\":\"" + id + "\",\"timezone\":\"Europe/Paris\"}\n";
  }

}
