package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.PrometheusText;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after a known load: every figure equals what the load did (rows posted and
 * rejected, requests made per route template and status, sends evaluated), the queue's lag is what
 * the sends' windows say, failed store calls are counted by query name, and each server keeps its own
 * figures.
 */
class PrometheusMetricsEndToEndTest {
  private static final Map<String, String> EVALUATING = TestServer.evaluating();
  private static final int GOOD_EVENTS = 20;

  private static TestServer server;
  /** Answers of the load's requests, and how often the test read a send while it waited for its evaluation. */
  private static JsonObject contacts, contactsAgain, events, eventsAgain, sends;
  private static int sendReads;

  @BeforeAll
  static void load() throws Exception {
    server = TestServer.start(EVALUATING);
    contacts = ok(server.post("/v1/contacts", "application/json", """
        [{"contact_id": "c1", "country": "DE"}, {"contact_id": "c2", "country": "FR"},
         {"contact_id": "c3", "country": "DE"}, {"contact_id": "c4"}]"""));
    contactsAgain = ok(server.post("/v1/contacts", "application/json", """
        [{"contact_id": "c1", "country": "DE"}, {"contact_id": "c2", "country": "FR"}, {"contact_id": "c3", "country": "DE"}]"""));

    Instant now = Instant.now();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < GOOD_EVENTS; i++) {
      body.append(new JsonObject().put("contact_id", "c1").put("event_name", i % 2 == 0 ? "app_open" : "purchase")
          .put("timestamp", now.minus(i + 1, ChronoUnit.DAYS).minus(1, ChronoUnit.HOURS).toString()).encode()).append('\n');
    }
    body.append("{\"contact_id\": \"c1\", \"event_name\": \"no_time\"}\n");
    body.append("{\"event_name\": \"nobody\", \"timestamp\": \"").append(now).append("\"}\n");
    body.append("{\"contact_id\": \"c1\", \"event_name\": \"future\", \"timestamp\": \"").append(now.plus(3, ChronoUnit.DAYS)).append("\"}\n");
    events = ok(server.post("/v1/events", "application/x-ndjson", body.toString()));
    eventsAgain = ok(server.post("/v1/events", "application/x-ndjson", body.toString())); // a retry: duplicates

    String sentAt = now.minus(3, ChronoUnit.HOURS).toString();
    sends = ok(server.post("/v1/sends", "application/json", """
        [{"send_id": "s1", "contact_id": "c1", "message_id": "m", "channel": "push", "sent_at": "%s", "window_hours": 1},
         {"send_id": "s2", "contact_id": "c9", "message_id": "m", "channel": "push", "sent_at": "%s", "window_hours": 1},
         {"send_id": "s3", "contact_id": "c1", "message_id": "m", "sent_at": "%s"}]""".formatted(sentAt, sentAt, sentAt)));

    long deadline = System.currentTimeMillis() + 60_000;
    for (String id : new String[] {"s1", "s2"}) {
      while (true) {
        HttpResponse<String> send = server.get("/v1/sends/" + id);
        sendReads++;
        assertEquals(200, send.statusCode(), send.body());
        if (!"pending".equals(new JsonObject(send.body()).getString("status"))) break;
        assertTrue(System.currentTimeMillis() < deadline, "send " + id + " was not evaluated within a minute");
        Thread.sleep(100);
      }
    }
    for (int i = 0; i < 3; i++) assertEquals(200, server.get("/v1/contacts/c1").statusCode());
    for (int i = 0; i < 2; i++) assertEquals(404, server.get("/v1/contacts/nobody").statusCode());
    for (int i = 0; i < 2; i++) assertEquals(404, server.get("/v1/nowhere/at/all").statusCode());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** Scrapes until {@code ready} holds (figures are recorded as responses end), for at most 20 s. */
  static PrometheusText scrape(TestServer server, Predicate<PrometheusText> ready) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/metrics"))).GET());
      assertEquals(200, r.statusCode(), r.body());
      PrometheusText text = PrometheusText.parse(r.body());
      if (ready.test(text) || System.currentTimeMillis() > deadline) return text;
      Thread.sleep(200);
    }
  }

  @Test
  void rowsAcceptedDuplicateAndRejectedAreCountedPerDatasetAsTheAnswersSaid() throws Exception {
    assertEquals(3, contacts.getLong("accepted"));
    assertEquals(1, contacts.getJsonArray("rejected").size());
    assertEquals(3, contactsAgain.getLong("duplicates"));
    assertEquals(GOOD_EVENTS, events.getLong("accepted"));
    assertEquals(GOOD_EVENTS, eventsAgain.getLong("duplicates"));
    assertEquals(0, eventsAgain.getLong("accepted"));
    assertEquals(3, events.getJsonArray("rejected").size());
    assertEquals(2, sends.getLong("accepted"));
    assertEquals(1, sends.getJsonArray("rejected").size());

    PrometheusText m = scrape(server, t -> true);
    String rows = "shiftlens_ingest_rows_total";
    assertEquals(3, m.sum(rows, "dataset", "contacts", "outcome", "accepted"));
    assertEquals(3, m.sum(rows, "dataset", "contacts", "outcome", "duplicate"));
    assertEquals(1, m.sum(rows, "dataset", "contacts", "outcome", "rejected"));
    assertEquals(GOOD_EVENTS, m.sum(rows, "dataset", "events", "outcome", "accepted"));
    assertEquals(GOOD_EVENTS, m.sum(rows, "dataset", "events", "outcome", "duplicate"));
    assertEquals(6, m.sum(rows, "dataset", "events", "outcome", "rejected"));
    assertEquals(2, m.sum(rows, "dataset", "sends", "outcome", "accepted"));
    assertEquals(0, m.sum(rows, "dataset", "sends", "outcome", "duplicate"));
    assertEquals(1, m.sum(rows, "dataset", "sends", "outcome", "rejected"));
  }

  @Test
  void everyStoreWriteIsMeasuredWithItsRows() throws Exception {
    PrometheusText m = scrape(server, t -> true);
    // Events: only the first body was written (the retry was recognised); the writer may have split it.
    double inserts = m.sum("shiftlens_ingest_batch_rows_count", "dataset", "events");
    assertTrue(inserts >= 1, "event inserts: " + inserts);
    assertEquals(GOOD_EVENTS, m.sum("shiftlens_ingest_batch_rows_sum", "dataset", "events"));
    assertEquals(inserts, m.sum("shiftlens_ingest_batch_seconds_count", "dataset", "events", "outcome", "stored"));
    assertEquals(inserts, m.sum("shiftlens_ingest_batch_seconds_bucket", "dataset", "events", "outcome", "stored", "le", "+Inf"));
    // Contacts: one statement per body, three rows each (the second changed nothing, but was written).
    assertEquals(2, m.sum("shiftlens_ingest_batch_rows_count", "dataset", "contacts"));
    assertEquals(6, m.sum("shiftlens_ingest_batch_rows_sum", "dataset", "contacts"));
    assertEquals(1, m.sum("shiftlens_ingest_batch_rows_count", "dataset", "sends"));
    assertEquals(2, m.sum("shiftlens_ingest_batch_rows_sum", "dataset", "sends"));
    assertEquals(0, m.sum("shiftlens_ingest_batch_seconds_count", "outcome", "failed"));
    // Nothing waits once every answer is in.
    for (String gauge : new String[] {"shiftlens_event_queue_rows", "shiftlens_event_queue_bytes", "shiftlens_event_inserts_in_flight",
        "shiftlens_ingest_requests_waiting", "shiftlens_ingest_requests_active"}) {
      assertEquals(1, m.matching(gauge).size(), gauge + " is exposed");
      assertEquals(0, m.sum(gauge), gauge);
    }
  }

  @Test
  void requestsAreCountedByRouteTemplateMethodAndStatusNeverByRawPath() throws Exception {
    String requests = "vertx_http_server_requests_total";
    PrometheusText m = scrape(server, t -> t.sum(requests, "route", "", "code", "404") >= 2
        && t.sum(requests, "route", "/v1/contacts/:contact_id", "code", "404") >= 2);
    assertEquals(3, m.sum(requests, "route", "/v1/contacts/:contact_id", "method", "GET", "code", "200"));
    assertEquals(2, m.sum(requests, "route", "/v1/contacts/:contact_id", "method", "GET", "code", "404"));
    assertEquals(2, m.sum(requests, "route", "", "method", "GET", "code", "404"), "paths that no route has");
    assertEquals(2, m.sum(requests, "route", "/v1/contacts", "method", "POST", "code", "200"));
    assertEquals(2, m.sum(requests, "route", "/v1/events", "method", "POST", "code", "200"));
    assertEquals(1, m.sum(requests, "route", "/v1/sends", "method", "POST", "code", "200"));
    assertEquals(sendReads, m.sum(requests, "route", "/v1/sends/:send_id", "method", "GET", "code", "200"));
    // The latency histogram has every request of its series in its +Inf bucket, and finer buckets for percentiles.
    String latency = "vertx_http_server_response_time_seconds_bucket";
    assertEquals(5, m.sum(latency, "route", "/v1/contacts/:contact_id", "le", "+Inf"));
    assertTrue(m.matching(latency, "route", "/v1/contacts/:contact_id", "code", "200").size() > 20, "percentile histogram buckets");
    for (PrometheusText.Sample s : m.samples()) {
      String route = s.labels().get("route");
      if (route == null) continue;
      assertFalse(route.contains("c1") || route.contains("nobody") || route.contains("s1") || route.contains("nowhere"),
          "a raw path as a route: " + s);
    }
  }

  @Test
  void evaluatedSendsAreCountedByStatusAndTheQueueIsEmptyAfterwards() throws Exception {
    PrometheusText m = scrape(server, t -> t.sum("shiftlens_evaluations_total") >= 2 && t.sum("shiftlens_evaluation_due_sends") == 0);
    assertEquals(1, m.sum("shiftlens_evaluations_total", "status", "evaluated"));
    assertEquals(1, m.sum("shiftlens_evaluations_total", "status", "insufficient_history"));
    assertTrue(m.sum("shiftlens_evaluation_batch_seconds_count", "outcome", "evaluated") >= 1);
    assertEquals(0, m.sum("shiftlens_evaluation_batch_seconds_count", "outcome", "failed"));
    assertEquals(1, m.matching("shiftlens_evaluation_lag_seconds").size());
    assertEquals(0, m.sum("shiftlens_evaluation_lag_seconds"));
    assertEquals(0, m.sum("shiftlens_evaluation_due_sends"));
    assertEquals(0, m.sum("shiftlens_clickhouse_errors_total"), "no ClickHouse call failed");
    assertEquals(0, m.sum("shiftlens_postgres_errors_total"), "no PostgreSQL call failed");
  }

  /**
   * A second server, on databases of its own, beside the first: open without a key, its own figures
   * only, the lag of a send due for an hour that nobody evaluates, and store failures by query name.
   */
  @Test
  void anotherServerHasItsOwnFiguresItsQueuesLagAndItsStoreErrors() throws Exception {
    try (TestServer other = TestServer.start()) { // evaluation off
      HttpResponse<String> open = other.send(HttpRequest.newBuilder(URI.create(other.url("/metrics"))).GET());
      assertEquals(200, open.statusCode(), "no key needed");
      assertEquals("text/plain; version=0.0.4; charset=utf-8", open.headers().firstValue("Content-Type").orElse(""));
      assertEquals(0, PrometheusText.parse(open.body()).sum("shiftlens_ingest_rows_total"), "the first server's rows are not here");

      // Window closed two hours ago; with the default grace of an hour it fell due an hour ago.
      String sentAt = Instant.now().minus(3, ChronoUnit.HOURS).toString();
      ok(other.post("/v1/sends", "application/json", """
          [{"send_id": "late", "contact_id": "c1", "message_id": "m", "channel": "push", "sent_at": "%s", "window_hours": 1}]"""
          .formatted(sentAt)));
      PrometheusText queued = scrape(other, t -> t.sum("shiftlens_evaluation_due_sends") == 1);
      assertEquals(1, queued.sum("shiftlens_evaluation_due_sends"));
      double lag = queued.sum("shiftlens_evaluation_lag_seconds");
      assertTrue(lag >= 3595 && lag < 3600 + 120, "lag: " + lag);

      TestStores.postgres(other.database, "ALTER TABLE event_types RENAME TO event_types_away");
      TestStores.clickhouse("RENAME TABLE " + other.database + ".send_effects TO " + other.database + ".send_effects_away");
      assertTrue(other.get("/v1/event-types").statusCode() >= 500);
      HttpResponse<String> audience = other.send(HttpRequest.newBuilder(URI.create(other.url("/v1/audiences/query")))
          .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"shifts\": [{\"event_name\": \"*\", \"verdict\": \"up\", \"within_days\": 7}]}")));
      assertTrue(audience.statusCode() >= 500, audience.body());
      PrometheusText failed = scrape(other, t -> t.sum("shiftlens_postgres_errors_total", "operation", "event_type_list") >= 1
          && t.sum("shiftlens_clickhouse_errors_total", "operation", "audience_shift") >= 1);
      assertEquals(1, failed.sum("shiftlens_postgres_errors_total", "operation", "event_type_list"));
      assertEquals(1, failed.sum("shiftlens_clickhouse_errors_total", "operation", "audience_shift"));
      assertEquals(0, PrometheusText.parse(server.get("/metrics").body()).sum("shiftlens_postgres_errors_total"),
          "the first server saw no failure");
    }
  }
}
