package dev.shiftlens.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/metrics/sends} over HTTP on effects written straight into {@code send_effects}, as the
 * evaluator mirrors them: contacts with many sends, sends whose windows overlap, holdouts, sends
 * evaluated on several days. Each test works on message ids of its own, filtered with
 * {@code message_id=}, so that they share one server.
 */
class MetricsStoredEffectsEndToEndTest {
  private static final long DAY = 86_400;
  /** 2026-11-02T00:00:00Z. */
  private static final long T0 = 1_793_577_600L;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /**
   * Two delivered sends of one contact whose windows overlap: the evaluator marks both. Neither is
   * credited with anything; both count in {@code sends} and {@code overlapping}.
   */
  @Test
  void sendsWhoseWindowsOverlapCountAsSendsButNotInTheSums() {
    StringBuilder rows = new StringBuilder();
    // c1: two pushes two hours apart, 24 h windows, both overlapping, both with a big count.
    row(rows, "ov-1", "c1", "overlap_msg", 0, T0, "evaluated", 1, T0 + DAY + 3600, "*", 9, 1, "up");
    row(rows, "ov-2", "c1", "overlap_msg", 0, T0 + 7200, "evaluated", 1, T0 + DAY + 3600, "*", 7, 1, "up");
    // Three other contacts, one send each, no effect.
    row(rows, "ov-3", "c2", "overlap_msg", 0, T0, "evaluated", 0, T0 + DAY + 3600, "*", 1, 1, "none");
    row(rows, "ov-4", "c3", "overlap_msg", 0, T0, "evaluated", 0, T0 + DAY + 3600, "*", 2, 2, "none");
    row(rows, "ov-5", "c4", "overlap_msg", 0, T0, "evaluated", 0, T0 + DAY + 3600, "*", 0, 1, "down");
    insert(rows);
    JsonObject g = groups("group_by=message_id&message_id=overlap_msg").get(0);
    assertEquals(5, g.getLong("sends"), g.encode());
    assertEquals(5, g.getLong("evaluated"), g.encode());
    assertEquals(2, g.getLong("overlapping"), g.encode());
    assertEquals(3, g.getLong("contacts"), g.encode());
    assertEquals(3.0, g.getDouble("observed"), 1e-12, g.encode());
    assertEquals(4.0, g.getDouble("expected"), 1e-12, g.encode());
    assertEquals(0.75, g.getDouble("lift"), 1e-12, g.encode());
    assertEquals(0.0, g.getDouble("share_up"), 1e-12, "the overlapping sends' verdicts are not counted: " + g);
    assertEquals(1 / 3.0, g.getDouble("share_down"), 1e-12, g.encode());
    StoredEffects.check(groups("group_by=message_id&message_id=overlap_msg"),
        StoredEffects.expectedGroups(only(StoredEffects.read(server.database, "*", "copy"), "overlap_msg"), "message_id", 0.05));
  }

  /**
   * Many contacts with several sends each, in two arms, over several evaluation days, some overlapping,
   * some with insufficient history, two event names: every grouping's sums, intervals, p-values and
   * shares equal a recomputation from the stored rows with the contact as the unit.
   */
  @Test
  void everyGroupingEqualsARecomputationFromTheStoredRowsClusteredByContact() {
    Random rng = new Random(31);
    StringBuilder rows = new StringBuilder();
    int sendNo = 0;
    for (int c = 0; c < 60; c++) {
      double rate = 0.2 + 3 * rng.nextDouble();
      double activity = 0.3 + 1.4 * rng.nextDouble(); // shared by the contact's sends
      int sends = 1 + rng.nextInt(12);
      for (int i = 0; i < sends; i++) {
        String id = "cl-" + (sendNo++);
        String message = rng.nextBoolean() ? "cluster_a" : "cluster_b";
        int holdout = rng.nextDouble() < 0.2 ? 1 : 0;
        long sentAt = T0 + rng.nextInt(6) * DAY + rng.nextInt(24) * 3600;
        long evaluatedAt = sentAt + DAY + rng.nextInt(3) * DAY + 600;
        if (rng.nextDouble() < 0.08) {
          row(rows, id, "k" + c, message, holdout, sentAt, "insufficient_history", 0, evaluatedAt, "", 0, 0, "");
          continue;
        }
        int overlapping = rng.nextDouble() < 0.1 ? 1 : 0;
        double expected = rate * (0.5 + rng.nextDouble());
        double observed = Math.floor(rate * activity * (holdout == 1 ? 1 : 1.3) * 2 * rng.nextDouble() + 0.5);
        String verdict = observed > 2 * expected + 2 ? "up" : observed == 0 && expected > 2 ? "down" : "none";
        row(rows, id, "k" + c, message, holdout, sentAt, "evaluated", overlapping, evaluatedAt, "*", observed, expected, verdict);
        if (rng.nextBoolean()) {
          row(rows, id, "k" + c, message, holdout, sentAt, "evaluated", overlapping, evaluatedAt, "purchase", observed / 2,
              expected / 3, verdict);
        }
      }
    }
    insert(rows);
    for (String event : List.of("*", "purchase")) {
      List<StoredEffects.Send> stored = only(StoredEffects.read(server.database, event, "copy"), "cluster_a", "cluster_b");
      for (String groupBy : List.of("message_id", "channel", "day", "send_hour", "label:copy")) {
        String g = groupBy.startsWith("label:") ? "label" : groupBy;
        List<JsonObject> got = groups("group_by=" + groupBy + "&event_name=" + event
            + "&channel=cluster");
        StoredEffects.check(got, StoredEffects.expectedGroups(stored, g, 0.05));
      }
    }
    // The clustering matters here: the contacts are far fewer than the sends behind the lift.
    JsonObject a = groups("group_by=message_id&channel=cluster&message_id=cluster_a").get(0);
    assertTrue(a.getLong("contacts") < a.getLong("evaluated") - a.getLong("evaluated_holdouts") - a.getLong("overlapping"),
        a.encode());
  }

  /** A group's p-value does not go up when a later day's evaluations are added, though that day's data alone would raise it. */
  @Test
  void aPValueDoesNotGoUpWhenALaterDaysDataIsAdded() {
    StringBuilder day1 = new StringBuilder();
    for (int c = 0; c < 80; c++) {
      row(day1, "rm1-" + c, "r" + c, "running_msg", 0, T0, "evaluated", 0, T0 + DAY + 600, "*", 2 + c % 3, 1, "none");
    }
    insert(day1);
    JsonObject first = groups("group_by=message_id&message_id=running_msg").get(0);
    StringBuilder day2 = new StringBuilder();
    for (int c = 0; c < 400; c++) {
      row(day2, "rm2-" + c, "s" + c, "running_msg", 0, T0 + DAY, "evaluated", 0, T0 + 2 * DAY + 600, "*", c % 3, 1, "none");
    }
    insert(day2);
    JsonObject second = groups("group_by=message_id&message_id=running_msg").get(0);
    assertEquals(480, second.getLong("contacts"), second.encode());
    assertTrue(first.getDouble("p_value") < 1e-3, first.encode());
    assertTrue(second.getDouble("lift") < first.getDouble("lift"), second.encode());
    dev.shiftlens.stats.AggregateLift.Sums atTheEnd = dev.shiftlens.stats.AggregateLift.Sums.EMPTY;
    for (int c = 0; c < 80; c++) atTheEnd = atTheEnd.plus(2 + c % 3, 1);
    for (int c = 0; c < 400; c++) atTheEnd = atTheEnd.plus(c % 3, 1);
    assertTrue(dev.shiftlens.stats.AggregateLift.pValue(atTheEnd, 1) > first.getDouble("p_value"),
        "the second look alone has a larger p-value");
    assertEquals(first.getDouble("p_value"), second.getDouble("p_value"), 1e-15, "running minimum: " + second.encode());
    assertEquals(first.getDouble("q_value"), second.getDouble("q_value"), 1e-15, second.encode());
  }

  /** Holdout sends were not delivered: their verdict shares are the A/A check, reported next to the sends'. */
  @Test
  void holdoutVerdictSharesAreReportedForTheAaCheck() {
    StringBuilder rows = new StringBuilder();
    String[] verdicts = {"up", "none", "none", "none", "down", "none", "none", "none", "none", "none"};
    for (int c = 0; c < verdicts.length; c++) {
      row(rows, "aa-h" + c, "a" + c, "aa_msg", 1, T0, "evaluated", 0, T0 + DAY, "*", 1, 1, verdicts[c]);
      row(rows, "aa-t" + c, "a" + c, "aa_msg", 0, T0 + 3600, "evaluated", 0, T0 + DAY, "*", 1, 1, "up");
    }
    // An overlapping holdout send's verdict is not counted.
    row(rows, "aa-hx", "a0", "aa_msg", 1, T0 + 1800, "evaluated", 1, T0 + DAY, "*", 5, 1, "up");
    insert(rows);
    JsonObject g = groups("group_by=message_id&message_id=aa_msg").get(0);
    assertEquals(0.1, g.getDouble("holdout_share_up"), 1e-12, g.encode());
    assertEquals(0.1, g.getDouble("holdout_share_down"), 1e-12, g.encode());
    assertEquals(1.0, g.getDouble("share_up"), 1e-12, g.encode());
    assertEquals(10, g.getLong("holdout_contacts"), g.encode());
    assertEquals(1, g.getLong("overlapping"), g.encode());
  }

  private static List<StoredEffects.Send> only(List<StoredEffects.Send> sends, String... messages) {
    List<String> m = List.of(messages);
    return sends.stream().filter(s -> m.contains(s.messageId())).toList();
  }

  /**
   * One stored row, as the evaluator mirrors it; channel {@code cluster} for the clustering test's
   * messages, {@code push} otherwise; the label {@code copy} on every other contact.
   */
  private static void row(StringBuilder out, String sendId, String contact, String message, int holdout, long sentAt,
      String status, int overlapping, long evaluatedAt, String eventName, double observed, double expected, String verdict) {
    String channel = message.startsWith("cluster") ? "cluster" : "push";
    String labels = contact.hashCode() % 2 == 0 ? "{\"copy\":\"friendly\"}" : "{}";
    int hour = (int) (Math.floorMod(sentAt, DAY) / 3600);
    out.append(String.join("\t", sendId, contact, message, channel, labels, Integer.toString(holdout),
        Long.toString(sentAt), Integer.toString(hour), "1", "24", status, Integer.toString(overlapping),
        Long.toString(evaluatedAt), eventName, eventName.isEmpty() ? "0" : "1", Double.toString(observed),
        Double.toString(expected), "0.5", "0.5", verdict, "1")).append('\n');
  }

  private static void insert(StringBuilder rows) {
    TestStores.clickhouse("INSERT INTO " + server.database + ".send_effects FORMAT TabSeparated\n" + rows);
  }

  private static List<JsonObject> groups(String query) {
    HttpResponse<String> r = server.get("/v1/metrics/sends?" + query);
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body()).getJsonArray("groups").stream().map(JsonObject.class::cast).toList();
  }
}
