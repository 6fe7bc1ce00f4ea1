package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Segment Java SDK ({@code com.segment.analytics.java:analytics}), unchanged, pointed at a
 * whole server with {@code Analytics.builder(writeKey).endpoint(url)}: it posts to {@code /v1/import/}
 * with the write key as the HTTP Basic user name.
 */
class SegmentSdkEndToEndTest {
  private static TestServer server;
  private static String writeKey;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    writeKey = server.createKey("segment", "ingest");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** Sends the messages through the SDK, in order, in one batch; waits for the SDK to report each one. */
  private static void sendWithSdk(List<MessageBuilder<?, ?>> messages) throws Exception {
    AtomicInteger ok = new AtomicInteger();
    List<String> failed = new ArrayList<>();
    Analytics analytics = Analytics.builder(writeKey)
        .endpoint(server.url(""))
        .flushQueueSize(1000)
        .flushInterval(60, TimeUnit.SECONDS)
        .callback(new Callback() {
          @Override
          public void success(Message message) {
            ok.incrementAndGet();
          }

          @Override
          public void failure(Message message, Throwable throwable) {
            synchronized (failed) {
              failed.add(message.type() + ": " + throwable);
            }
          }
        })
        .build();
    try {
      for (MessageBuilder<?, ?> m : messages) analytics.enqueue(m);
      analytics.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ok.get() + failed.size() < messages.size() && System.nanoTime() < deadline) Thread.sleep(50);
    } finally {
      analytics.shutdown();
    }
    assertTrue(failed.isEmpty(), "the SDK reported failures: " + failed);
    assertEquals(messages.size(), ok.get(), "messages the SDK reported as delivered");
  }

  private static JsonObject contact(String id) {
    HttpResponse<String> r = server.get("/v1/contacts/" + id);
    assertEquals(200, r.statusCode(), id + ": " + r.body());
    return new JsonObject(r.body());
  }

  private static long stored(String where) {
    return TestStores.clickhouseLong("SELECT uniqExact(event_key) FROM " + server.database + ".events WHERE " + where);
  }

  @Test
  void identifyAndTrackSentTwiceBecomeOneContactAndOneEventWithZonesAndLinkedAnonymousIds() throws Exception {
    Instant orderedAt = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    Map<String, Object> berlin = Map.of("timezone", "Europe/Berlin", "device", Map.of("token", "push-token-1"));
    List<MessageBuilder<?, ?>> first = new ArrayList<>();
    for (int copy = 0; copy < 2; copy++) {
      first.add(IdentifyMessage.builder().userId("sdk-user-1").anonymousId("anon-1").messageId("identify-1")
          .context(berlin)
          .traits(Map.of("email", "ada@example.com", "phone", "+4930123", "plan", "pro", "seats", 3,
              "address", Map.of("country", "DE", "city", "Berlin"))));
      first.add(TrackMessage.builder("Order Completed").userId("sdk-user-1").messageId("track-1")
          .timestamp(Date.from(orderedAt)).context(Map.of("timezone", "Europe/Berlin"))
          .properties(Map.of("revenue", 19.9, "currency", "EUR")));
    }
    // Only the anonymous id, after the identify that linked it: attributed to the user.
    first.add(TrackMessage.builder("Cart Viewed").anonymousId("anon-1").messageId("track-2"));
    // An anonymous id never linked: stored under that id, whose contact has no country yet.
    first.add(TrackMessage.builder("App Opened").anonymousId("anon-never").messageId("track-3"));
    first.add(AliasMessage.builder("anon-2").userId("sdk-user-2").messageId("alias-1"));
    first.add(TrackMessage.builder("App Opened").anonymousId("anon-2").messageId("track-4"));
    first.add(PageMessage.builder("Pricing").userId("sdk-user-1").messageId("page-1").properties(Map.of("path", "/pricing")));
    first.add(ScreenMessage.builder("Home").userId("sdk-user-1").messageId("screen-1"));
    first.add(GroupMessage.builder("acme").userId("sdk-user-1").messageId("group-1").traits(Map.of("name", "Acme Inc", "employees", 40)));
    sendWithSdk(first);

    JsonObject ada = contact("sdk-user-1");
    assertEquals("DE", ada.getString("country"), ada.encode());
    assertEquals("ada@example.com", ada.getString("email_address"));
    assertEquals("+4930123", ada.getString("phone_number"));
    assertEquals("push-token-1", ada.getString("push_token"));
    assertEquals("Europe/Berlin", ada.getString("timezone"));
    JsonObject props = ada.getJsonObject("properties");
    assertEquals("pro", props.getString("plan"));
    assertEquals(3, props.getInteger("seats"));
    assertEquals("Berlin", props.getString("address.city"));
    assertEquals("acme", props.getString("group_id"));
    assertEquals("Acme Inc", props.getString("group_name"));
    assertEquals(40, props.getInteger("group_employees"));

    assertEquals("unknown", contact("anon-never").getString("country"));
    assertEquals(404, server.get("/v1/contacts/anon-1").statusCode(), "a linked anonymous id gets no contact of its own");

    // The track sent twice is one event; its time is the SDK's timestamp (no skew to correct here).
    assertEquals(1, stored("event_instance_id = 'track-1'"));
    long ts = TestStores.clickhouseLong("SELECT any(toUInt32(ts)) FROM " + server.database + ".events WHERE event_instance_id = 'track-1'");
    assertTrue(Math.abs(ts - orderedAt.getEpochSecond()) <= 5, "stored at " + Instant.ofEpochSecond(ts) + ", sent for " + orderedAt);
    assertEquals("Europe/Berlin", TestStores.clickhouse("SELECT any(timezone) FROM " + server.database + ".events WHERE event_instance_id = 'track-1'").strip());
    assertEquals("Order Completed", TestStores.clickhouse("SELECT any(event_name) FROM " + server.database + ".events WHERE event_instance_id = 'track-1'").strip());
    assertTrue(TestStores.clickhouse("SELECT any(metadata) FROM " + server.database + ".events WHERE event_instance_id = 'track-1'").contains("\"currency\":\"EUR\""));
    assertEquals(1, stored("event_instance_id = 'track-2' AND contact_id = 'sdk-user-1'"));
    assertEquals(1, stored("event_instance_id = 'track-3' AND contact_id = 'anon-never'"));
    assertEquals(1, stored("event_instance_id = 'track-4' AND contact_id = 'sdk-user-2'"));
    assertEquals(1, stored("event_instance_id = 'page-1' AND event_name = 'page_viewed' AND contact_id = 'sdk-user-1'"));
    assertEquals(1, stored("event_instance_id = 'screen-1' AND event_name = 'screen_viewed' AND contact_id = 'sdk-user-1'"));
    assertEquals(6, new JsonObject(server.get("/v1/status").body()).getLong("events"));

    // A later batch: the stored link attributes an anonymous-only event; a resent track is a duplicate.
    sendWithSdk(List.of(
        TrackMessage.builder("Cart Viewed").anonymousId("anon-1").messageId("track-5"),
        TrackMessage.builder("Order Completed").userId("sdk-user-1").messageId("track-1").timestamp(Date.from(orderedAt))));
    assertEquals(1, stored("event_instance_id = 'track-5' AND contact_id = 'sdk-user-1'"));
    assertEquals(7, new JsonObject(server.get("/v1/status").body()).getLong("events"));

    // The per-contact views see the user's events and zone.
    JsonObject baseline = new JsonObject(server.get("/v1/contacts/sdk-user-1/baseline").body());
    assertEquals("Europe/Berlin", baseline.getString("timezone"), baseline.encode());
    JsonArray names = new JsonArray();
    baseline.getJsonArray("events").forEach(e -> names.add(((JsonObject) e).getString("event_name")));
    assertTrue(names.contains("Order Completed") && names.contains("Cart Viewed") && names.contains("page_viewed"), names.encode());
  }
}
