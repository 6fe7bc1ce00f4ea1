package dev.shiftlens.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.evaluation.EvaluationVerticle;
import dev.shiftlens.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stream's limits with sends published straight on the event bus: a client that never reads
 * costs a bounded amount of memory, has sends dropped and is disconnected; the number of streams is
 * bounded; a closed client's stream is gone; and the scope is checked.
 */
class StreamLimitsEndToEndTest {
  private static final int BUFFER = 16 * 1024;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(
        "SHIFTLENS_STREAM_HEARTBEAT_SECONDS", "1",
        "SHIFTLENS_STREAM_STALL_SECONDS", "3",
        "SHIFTLENS_STREAM_BUFFER_BYTES", String.valueOf(BUFFER),
        "SHIFTLENS_STREAM_MAX", "3",
        // Streams hear of this server's evaluations from the event bus, where the test publishes.
        "SHIFTLENS_STREAM_ACROSS_SERVERS", "false"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An evaluated send with an "up" verdict, carrying {@code padding} characters in a label. */
  private static JsonObject send(String id, int padding) {
    return new JsonObject().put("send_id", id).put("contact_id", "c").put("message_id", "m").put("channel", "push")
        .put("labels", new JsonObject().put("pad", "x".repeat(padding))).put("holdout", false)
        .put("sent_at", "2026-11-01T00:00:00Z").put("window_hours", 24.0).put("window_end", "2026-11-02T00:00:00Z")
        .put("status", "evaluated").put("evaluated_at", Instant.now().toString())
        .put("effects", new JsonArray().add(new JsonObject().put("event_name", "*").put("verdict", "up")))
        .put("overlaps_send_id", null).put("baseline", null);
  }

  private static JsonObject streams() {
    return new JsonObject(server.get("/v1/admin/streams").body());
  }

  @Test
  void aClientThatNeverReadsHasSendsDroppedWithinABoundedQueueAndIsDisconnected() throws Exception {
    int published = 2000, padding = 16 * 1024;
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096); // before connecting: a small window, so the server's queue fills soon
      slow.connect(new InetSocketAddress("127.0.0.1", server.port));
      OutputStream out = slow.getOutputStream();
      out.write(("GET /v1/stream/shifts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.KEY + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StreamEndToEndTest.await(() -> streams().getInteger("open") == 1);
      assertEquals(1, streams().getInteger("open"));

      for (int i = 0; i < published; i++) server.vertx().eventBus().publish(EvaluationVerticle.EVALUATED_ADDRESS, send("s" + i, padding));
      StreamEndToEndTest.await(() -> {
        JsonArray items = streams().getJsonArray("items");
        if (items.isEmpty()) return true;
        JsonObject s = items.getJsonObject(0);
        return s.getLong("sent") + s.getLong("dropped") == published;
      });
      JsonArray items = streams().getJsonArray("items");
      if (!items.isEmpty()) {
        JsonObject s = items.getJsonObject(0);
        assertEquals(published, s.getLong("sent") + s.getLong("dropped"), s.encode());
        assertTrue(s.getLong("dropped") > published / 2, s.encode());
        // What was written fits in the socket buffers (at most 4 MiB on this kernel) and the queue's bound,
        // however much was published (32 MiB).
        assertTrue(s.getLong("bytes_written") < (6L << 20), s.encode());
      }
      // The queue stays full: after the stall time the server hangs up, and its place is free again.
      StreamEndToEndTest.await(() -> streams().getInteger("open") == 0);
      assertEquals(0, streams().getInteger("open"));
      slow.setSoTimeout(20_000);
      InputStream in = slow.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long read = 0;
      int n;
      while ((n = in.read(buf)) >= 0) read += n;
      assertTrue(read < (long) published * padding / 2, "read " + read);
    }
  }

  @Test
  void aClientThatReadsSlowlyIsToldHowManySendsItMissed() throws Exception {
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", server.port));
      slow.getOutputStream().write(("GET /v1/stream/shifts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.KEY
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      StreamEndToEndTest.await(() -> streams().getInteger("open") == 1);
      for (int i = 0; i < 500; i++) server.vertx().eventBus().publish(EvaluationVerticle.EVALUATED_ADDRESS, send("r" + i, 8 * 1024));
      StreamEndToEndTest.await(() -> {
        JsonArray items = streams().getJsonArray("items");
        return !items.isEmpty() && items.getJsonObject(0).getLong("dropped") > 0;
      });
      // Now it reads everything: once the queue drains, it hears of the dropped sends.
      slow.setSoTimeout(10_000);
      InputStream in = slow.getInputStream();
      StringBuilder text = new StringBuilder();
      byte[] buf = new byte[64 * 1024];
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (!text.toString().contains("event: dropped") && System.nanoTime() < deadline) {
        int n = in.read(buf);
        if (n < 0) break;
        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      String all = text.toString();
      int at = all.indexOf("event: dropped\ndata: {\"count\":");
      assertTrue(at >= 0, "no dropped event");
      long shifts = all.split("event: shift\n", -1).length - 1;
      long told = Long.parseLong(all.substring(at + "event: dropped\ndata: {\"count\":".length(), all.indexOf('}', at)));
      assertTrue(told > 0 && shifts + told <= 500, shifts + " + " + told);
    }
    StreamEndToEndTest.await(() -> streams().getInteger("open") == 0);
  }

  @Test
  void beyondTheLimitOfStreamsA503AndAClosedClientFreesItsPlace() throws Exception {
    StreamEndToEndTest.await(() -> streams().getInteger("open") == 0);
    String url = server.url("/v1/stream/shifts");
    try (SseClient a = SseClient.open(url, TestServer.KEY, null); SseClient b = SseClient.open(url, TestServer.KEY, null);
        SseClient c = SseClient.open(url, TestServer.KEY, null)) {
      assertEquals(List.of(200, 200, 200), List.of(a.status, b.status, c.status));
      try (SseClient d = SseClient.open(url, TestServer.KEY, null)) {
        assertEquals(503, d.status);
        assertTrue(d.response.headers().firstValue("Retry-After").isPresent());
      }
      assertEquals(3, streams().getInteger("open"));
      c.close();
      StreamEndToEndTest.await(() -> streams().getInteger("open") == 2);
      assertEquals(2, streams().getInteger("open"));
      try (SseClient e = SseClient.open(url, TestServer.KEY, null)) {
        assertEquals(200, e.status);
        server.vertx().eventBus().publish(EvaluationVerticle.EVALUATED_ADDRESS, send("late", 10));
        StreamEndToEndTest.await(() -> StreamEndToEndTest.shiftIds(e).size() == 1 && StreamEndToEndTest.shiftIds(a).size() == 1);
        assertEquals(List.of("late"), StreamEndToEndTest.shiftIds(e));
        assertEquals(List.of("late"), StreamEndToEndTest.shiftIds(a));
      }
    }
    StreamEndToEndTest.await(() -> streams().getInteger("open") == 0);
    assertEquals(0, streams().getInteger("open"));
  }

  @Test
  void sendsWithoutAVerdictAreNotStreamedAndBadFiltersAre400() throws Exception {
    try (SseClient c = SseClient.open(server.url("/v1/stream/shifts?event_name=open"), TestServer.KEY, null)) {
      JsonObject none = send("none", 1);
      none.getJsonArray("effects").getJsonObject(0).put("verdict", "none");
      JsonObject otherEvent = send("other", 1); // "up" in "*", not in "open"
      JsonObject up = send("up", 1);
      up.getJsonArray("effects").add(new JsonObject().put("event_name", "open").put("verdict", "down"));
      for (JsonObject s : List.of(none, otherEvent, up)) server.vertx().eventBus().publish(EvaluationVerticle.EVALUATED_ADDRESS, s);
      StreamEndToEndTest.await(() -> !StreamEndToEndTest.shiftIds(c).isEmpty());
      Thread.sleep(300);
      assertEquals(List.of("up"), StreamEndToEndTest.shiftIds(c));
    }
    try (SseClient c = SseClient.open(server.url("/v1/stream/shifts?message_id=" + "m".repeat(257)), TestServer.KEY, null)) {
      assertEquals(400, c.status);
    }
  }

  @Test
  void withoutTheReadScopeTheStreamIs401Or403() throws Exception {
    try (SseClient c = SseClient.open(server.url("/v1/stream/shifts"), null, null)) {
      assertEquals(401, c.status);
    }
    try (SseClient c = SseClient.open(server.url("/v1/stream/shifts"), "sl_unknown_key_000000000000000000000", null)) {
      assertEquals(401, c.status);
    }
    var created = server.post("/v1/admin/keys", "application/json", "{\"name\":\"pipeline\",\"scopes\":[\"ingest\"]}");
    assertEquals(201, created.statusCode(), created.body());
    String ingestOnly = new JsonObject(created.body()).getString("key");
    try (SseClient c = SseClient.open(server.url("/v1/stream/shifts"), ingestOnly, null)) {
      assertEquals(403, c.status);
    }
  }
}
