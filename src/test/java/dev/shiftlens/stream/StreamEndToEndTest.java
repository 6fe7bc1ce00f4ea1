package dev.shiftlens.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoSend;
import dev.shiftlens.demo.DemoSpec;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The live stream over HTTP while the engine evaluates a demo dataset: each client gets exactly the
 * sends with a verdict that match its filters, as {@code GET /v1/sends/{id}} shows them, whichever
 * server it is connected to, and can resume from an event id.
 */
class StreamEndToEndTest {
  private static final Map<String, String> EVALUATING = TestServer.evaluating("SHIFTLENS_EVALUATION_BATCH", "100", "SHIFTLENS_STREAM_HEARTBEAT_SECONDS", "1");

  @Test
  void clientsGetExactlyTheEvaluatedSendsWithAVerdictThatMatchTheirFilters() throws Exception {
    Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
    DemoSpec spec = new DemoSpec(7, 300, 35, anchor);
    var data = DemoGenerator.generate(spec);
    String message = mostCommon(data.sends().stream().map(DemoSend::messageId).toList());
    String event = mostCommon(iterate(data.events()).stream().map(e -> e.eventName()).toList());
    try (TestServer server = TestServer.start(EVALUATING)) {
      // A second server that evaluates nothing: its clients hear of the first one's evaluations through PostgreSQL.
      TestServer quiet = TestServer.startOn(server.database, Map.of("SHIFTLENS_STREAM_HEARTBEAT_SECONDS", "1"));
      String base = server.url("/v1/stream/shifts");
      String quietBase = quiet.url("/v1/stream/shifts");
      try (SseClient all = SseClient.open(quietBase, TestServer.KEY, null);
          SseClient ofMessage = SseClient.open(quietBase + "?message_id=" + enc(message), TestServer.KEY, null);
          SseClient ofEvent = SseClient.open(base + "?event_name=" + enc(event) + "&message_id=", TestServer.KEY, null)) {
        for (SseClient c : List.of(all, ofMessage, ofEvent)) {
          assertEquals(200, c.status);
          assertTrue(c.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        }
        server.loadDemo(7, 300, anchor, "stream-truth.json");
        assertEvaluated(server, data.sends().size());

        List<JsonObject> evaluated = allSends(server);
        assertEquals(data.sends().size(), evaluated.size());
        Set<String> wantAll = ids(evaluated, s -> verdictIn(s, null));
        Set<String> wantMessage = ids(evaluated, s -> s.getString("message_id").equals(message) && verdictIn(s, null));
        Set<String> wantEvent = ids(evaluated, s -> verdictIn(s, event));
        assertTrue(wantAll.size() > wantMessage.size() && !wantMessage.isEmpty(), wantAll.size() + " " + wantMessage.size());
        assertTrue(wantAll.size() > wantEvent.size() && !wantEvent.isEmpty(), wantAll.size() + " " + wantEvent.size());
        assertTrue(wantAll.size() < evaluated.size(), "some sends have no verdict");

        await(() -> shiftIds(all).size() >= wantAll.size() && shiftIds(ofMessage).size() >= wantMessage.size()
            && shiftIds(ofEvent).size() >= wantEvent.size());
        Thread.sleep(500); // nothing more arrives
        assertEquals(wantAll, Set.copyOf(shiftIds(all)));
        assertEquals(wantAll.size(), shiftIds(all).size(), "each send once");
        assertEquals(wantMessage, Set.copyOf(shiftIds(ofMessage)));
        assertEquals(wantMessage.size(), shiftIds(ofMessage).size());
        assertEquals(wantEvent, Set.copyOf(shiftIds(ofEvent)));
        assertEquals(wantEvent.size(), shiftIds(ofEvent).size());

        // The data is the send as GET /v1/sends/{id} shows it.
        Map<String, JsonObject> byId = new HashMap<>();
        evaluated.forEach(s -> byId.put(s.getString("send_id"), s));
        int checked = 0;
        for (SseClient.Event e : all.named("shift")) {
          JsonObject got = new JsonObject(e.data());
          assertEquals(byId.get(got.getString("send_id")), got);
          if (checked++ < 20) assertEquals(new JsonObject(server.get("/v1/sends/" + got.getString("send_id")).body()), got);
        }
        assertTrue(all.comments.stream().anyMatch(c -> c.startsWith(": heartbeat")), "heartbeats: " + all.comments);
        assertTrue(all.named("dropped").isEmpty());

        // Resuming after the 10th send: exactly the matching sends evaluated after it, in the order of evaluation.
        List<SseClient.Event> received = all.named("shift");
        String tenth = received.get(9).id();
        JsonObject tenthSend = new JsonObject(received.get(9).data());
        List<String> after = evaluated.stream()
            .filter(s -> verdictIn(s, null))
            .sorted(Comparator.<JsonObject, String>comparing(s -> s.getString("evaluated_at"), Comparator.comparing(Instant::parse))
                .thenComparing(s -> s.getString("send_id")))
            .map(s -> s.getString("send_id"))
            .dropWhile(id -> !id.equals(tenthSend.getString("send_id")))
            .skip(1)
            .toList();
        assertFalse(after.isEmpty());
        try (SseClient resumed = SseClient.open(base, TestServer.KEY, tenth)) {
          assertEquals(200, resumed.status);
          await(() -> shiftIds(resumed).size() >= after.size());
          assertEquals(after, shiftIds(resumed));
          assertTrue(resumed.named("truncated").isEmpty());
        }
      } finally {
        quiet.stop(); // the databases are the first server's to drop
      }
    }
  }

  @Test
  void aResumptionBeyondTheReplayLimitIsTruncatedAndSaysSo() throws Exception {
    Map<String, String> env = new HashMap<>(EVALUATING);
    env.put("SHIFTLENS_STREAM_REPLAY_LIMIT", "3");
    try (TestServer server = TestServer.start(env)) {
      Instant anchor = Instant.now().truncatedTo(ChronoUnit.HOURS);
      var data = DemoGenerator.generate(new DemoSpec(5, 120, 35, anchor));
      server.loadDemo(5, 120, anchor, "stream-truth-5.json");
      assertEvaluated(server, data.sends().size());
      // The earliest possible cursor: every send with a verdict was evaluated after it.
      String start = new StreamCursor(946_684_800_000_000L, "0").encode();
      try (SseClient resumed = SseClient.open(server.url("/v1/stream/shifts"), TestServer.KEY, start)) {
        assertEquals(200, resumed.status);
        await(() -> !resumed.named("truncated").isEmpty());
        assertEquals(3, shiftIds(resumed).size());
        assertEquals(new JsonObject().put("replayed", 3), new JsonObject(resumed.named("truncated").get(0).data()));
      }
      try (SseClient bad = SseClient.open(server.url("/v1/stream/shifts"), TestServer.KEY, "not-an-id")) {
        assertEquals(400, bad.status);
      }
    }
  }

  @Test
  void aStoppingServerEndsItsStreamsInsteadOfWaitingForThem() throws Exception {
    TestServer server = TestServer.start(Map.of("SHIFTLENS_STREAM_HEARTBEAT_SECONDS", "1"));
    try (SseClient client = SseClient.open(server.url("/v1/stream/shifts"), TestServer.KEY, null)) {
      assertEquals(200, client.status);
      long start = System.nanoTime();
      server.stop();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 10_000, "stopping took " + millis + " ms");
      await(client::ended);
      assertTrue(client.ended());
    } finally {
      dev.shiftlens.support.TestStores.drop(server.database);
    }
  }

  private static boolean verdictIn(JsonObject send, String eventName) {
    if (!"evaluated".equals(send.getString("status"))) return false;
    for (Object o : send.getJsonArray("effects")) {
      JsonObject e = (JsonObject) o;
      if ((eventName == null || eventName.equals(e.getString("event_name"))) && !"none".equals(e.getString("verdict"))) return true;
    }
    return false;
  }

  private static Set<String> ids(List<JsonObject> sends, Predicate<JsonObject> keep) {
    return sends.stream().filter(keep).map(s -> s.getString("send_id")).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  static List<String> shiftIds(SseClient c) {
    return c.named("shift").stream().map(e -> new JsonObject(e.data()).getString("send_id")).toList();
  }

  private static List<JsonObject> allSends(TestServer server) {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = new JsonObject(server.get("/v1/sends?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).body());
      page.getJsonArray("items").forEach(o -> out.add((JsonObject) o));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return out;
  }


  static void await(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.get() && System.nanoTime() < deadline) Thread.sleep(50);
  }

  private static <T> List<T> iterate(Iterable<T> items) {
    List<T> out = new ArrayList<>();
    items.forEach(out::add);
    return out;
  }

  private static String mostCommon(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())).entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey())).orElseThrow().getKey();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void assertEvaluated(TestServer server, long sends) throws InterruptedException {
    JsonObject status = server.awaitEvaluated(sends, Duration.ofMinutes(3));
    assertEquals(sends, status.getLong("evaluated_sends"), status.encode());
  }
}
