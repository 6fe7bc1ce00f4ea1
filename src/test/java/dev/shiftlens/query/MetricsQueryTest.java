package dev.shiftlens.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.stats.AggregateLift;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameters of {@code GET /v1/metrics/sends} and the report built from sums, without the stores. */
class MetricsQueryTest {
  private static MultiMap params(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) m.add(kv[i], kv[i + 1]);
    return m;
  }

  @Test
  void defaultsAreAllEventsAllTimesAllMessages() {
    MetricsQuery q = MetricsQuery.parse(params("group_by", "channel"));
    assertEquals(new MetricsQuery("channel", "", "*", 0, MetricsQuery.MAX_SECONDS, "", ""), q);
  }

  @Test
  void aLabelGroupingKeepsItsKeyAndTimesBecomeSeconds() {
    MetricsQuery q = MetricsQuery.parse(params("group_by", "label:copy", "from", "2026-11-28T10:00:00Z", "to", "1795860000500"));
    assertEquals("label", q.groupBy());
    assertEquals("copy", q.labelKey());
    assertEquals("label:copy", q.groupByName());
    assertEquals(1795860000L, q.fromSeconds());
    assertEquals(1795860001L, q.toSeconds());
  }

  @Test
  void badParametersAreNamed() {
    Map<String, List<String>> cases = Map.of(
        "group_by", List.of("group_by", "weekday"),
        "event_name", List.of("group_by", "day", "event_name", "x".repeat(257)),
        "from", List.of("group_by", "day", "from", "soon"));
    cases.forEach((field, kv) -> {
      ApiException e = assertThrows(ApiException.class, () -> MetricsQuery.parse(params(kv.toArray(new String[0]))));
      assertEquals(400, e.status());
      assertEquals(field, e.extra().getString("field"));
    });
  }

  @Test
  void theReportJoinsArmsAndAddsQValuesAndTheSampleRatio() {
    MetricsQuery q = MetricsQuery.parse(params("group_by", "message_id"));
    AggregateLift.Sums treated = new AggregateLift.Sums(400, 520, 400, 1500, 560, 480);
    AggregateLift.Sums holdout = new AggregateLift.Sums(40, 40, 40, 120, 46, 48);
    List<MetricsRepository.ArmDay> rows = List.of(
        new MetricsRepository.ArmDay("a", false, 20000, 410, 400, 12, 380, 30, 5, treated),
        new MetricsRepository.ArmDay("a", true, 20000, 45, 40, 2, 38, 1, 2, holdout),
        new MetricsRepository.ArmDay("b", false, 20000, 100, 0, 0, 0, 0, 0, AggregateLift.Sums.EMPTY));
    JsonObject report = MetricsReport.build(q, rows, Map.of("a", 0.1), 0.05);
    assertEquals("message_id", report.getString("group_by"));
    JsonObject a = report.getJsonArray("groups").getJsonObject(0);
    assertEquals(455, a.getLong("sends"));
    assertEquals(440, a.getLong("evaluated"));
    assertEquals(45, a.getLong("holdouts"));
    assertEquals(15, a.getLong("insufficient_history"));
    assertEquals(14, a.getLong("overlapping"));
    assertEquals(400, a.getLong("contacts"));
    assertEquals(40, a.getLong("holdout_contacts"));
    assertEquals(1.3, a.getDouble("lift"), 1e-12);
    assertEquals(1.0, a.getDouble("holdout_lift"), 1e-12);
    assertEquals(1.3, a.getDouble("adjusted_lift"), 1e-12);
    assertEquals(30 / 380.0, a.getDouble("share_up"), 1e-12, "shares are of the sends that do not overlap");
    assertEquals(1 / 38.0, a.getDouble("holdout_share_up"), 1e-12);
    assertEquals(2 / 38.0, a.getDouble("holdout_share_down"), 1e-12);
    assertEquals(a.getDouble("adjusted_p_value"), a.getDouble("q_value"), 1e-12, "the only tested group: q = p");
    assertEquals(45 / 455.0, a.getJsonObject("sample_ratio").getDouble("observed_holdout_share"), 1e-12);
    JsonObject b = report.getJsonArray("groups").getJsonObject(1);
    assertNull(b.getValue("lift"));
    assertNull(b.getValue("q_value"));
    assertNull(b.getValue("share_up"));
    assertNull(b.getValue("holdout_share_up"));
    assertNull(b.getValue("sample_ratio"));
    assertTrue(b.containsKey("sample_ratio"));
  }

  /**
   * The looks of a group are the ends of its evaluation days. A first day with a clear lift, then days
   * of sends without any: the p-values are running minimums and stay at the first day's, while the lift
   * and its interval are those of the latest day. Each day is a new set of contacts here.
   */
  @Test
  void pValuesAreRunningMinimumsOverTheDaysOfEvaluation() {
    MetricsQuery q = MetricsQuery.parse(params("group_by", "channel"));
    AggregateLift.Sums strong = sums(300, 2.0, 1.0);
    AggregateLift.Sums none = sums(300, 1.0, 1.0);
    AggregateLift.Sums holdoutDay = sums(100, 1.0, 1.0);
    List<MetricsRepository.ArmDay> day1 = List.of(
        new MetricsRepository.ArmDay("push", false, 20000, 300, 300, 0, 300, 0, 0, strong),
        new MetricsRepository.ArmDay("push", true, 20000, 100, 100, 0, 100, 0, 0, holdoutDay));
    List<MetricsRepository.ArmDay> later = new java.util.ArrayList<>(day1);
    for (long day = 20001; day <= 20010; day++) {
      later.add(new MetricsRepository.ArmDay("push", false, day, 300, 300, 0, 300, 0, 0, none));
      later.add(new MetricsRepository.ArmDay("push", true, day, 100, 100, 0, 100, 0, 0, holdoutDay));
    }
    JsonObject first = MetricsReport.build(q, day1, Map.of(), 0.05).getJsonArray("groups").getJsonObject(0);
    JsonObject last = MetricsReport.build(q, later, Map.of(), 0.05).getJsonArray("groups").getJsonObject(0);

    AggregateLift.Sums total = strong;
    AggregateLift.Sums holdoutTotal = holdoutDay;
    for (int i = 0; i < 10; i++) {
      total = total.plus(none);
      holdoutTotal = holdoutTotal.plus(holdoutDay);
    }
    double pAtTheEnd = AggregateLift.pValue(total, 1);
    assertTrue(pAtTheEnd > first.getDouble("p_value"), "the data of the later days alone would raise p: " + pAtTheEnd);
    assertEquals(AggregateLift.pValue(strong, 1), first.getDouble("p_value"), 1e-15);
    assertEquals(first.getDouble("p_value"), last.getDouble("p_value"), 1e-15, "p does not go up: " + last);
    assertTrue(last.getDouble("adjusted_p_value") <= first.getDouble("adjusted_p_value"), last.encode());
    assertTrue(last.getDouble("adjusted_p_value") < AggregateLift.ratio(total, holdoutTotal, 0.05).pValue(), last.encode());
    assertEquals(total.observed() / total.expected(), last.getDouble("lift"), 1e-12, "the lift is the latest look's");
    assertEquals(AggregateLift.of(total, 0.05).interval().low(), last.getDouble("ci_low"), 1e-12);
    assertEquals(3300, last.getLong("contacts"));
  }

  /** {@code n} contacts, one send each, observing {@code o} of {@code e} expected give or take one. */
  private static AggregateLift.Sums sums(int n, double o, double e) {
    AggregateLift.Sums s = AggregateLift.Sums.EMPTY;
    for (int i = 0; i < n; i++) {
      double wobble = (i % 3) - 1; // -1, 0, 1: some spread
      s = s.plus(Math.max(0, o * e + wobble), e);
    }
    return s;
  }
}
