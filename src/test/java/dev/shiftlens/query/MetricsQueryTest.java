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
    List<MetricsRepository.Arm> arms = List.of(
        new MetricsRepository.Arm("a", false, 410, 400, treated, 30, 5),
        new MetricsRepository.Arm("a", true, 45, 40, holdout, 0, 0),
        new MetricsRepository.Arm("b", false, 100, 0, AggregateLift.Sums.EMPTY, 0, 0));
    JsonObject report = MetricsReport.build(q, arms, Map.of("a", 0.1), 0.05);
    assertEquals("message_id", report.getString("group_by"));
    JsonObject a = report.getJsonArray("groups").getJsonObject(0);
    assertEquals(455, a.getLong("sends"));
    assertEquals(440, a.getLong("evaluated"));
    assertEquals(45, a.getLong("holdouts"));
    assertEquals(15, a.getLong("insufficient_history"));
    assertEquals(1.3, a.getDouble("lift"), 1e-12);
    assertEquals(1.0, a.getDouble("holdout_lift"), 1e-12);
    assertEquals(1.3, a.getDouble("adjusted_lift"), 1e-12);
    assertEquals(30 / 400.0, a.getDouble("share_up"), 1e-12);
    assertEquals(a.getDouble("adjusted_p_value"), a.getDouble("q_value"), 1e-12, "the only tested group: q = p");
    assertEquals(45 / 455.0, a.getJsonObject("sample_ratio").getDouble("observed_holdout_share"), 1e-12);
    JsonObject b = report.getJsonArray("groups").getJsonObject(1);
    assertNull(b.getValue("lift"));
    assertNull(b.getValue("q_value"));
    assertNull(b.getValue("share_up"));
    assertNull(b.getValue("sample_ratio"));
    assertTrue(b.containsKey("sample_ratio"));
  }
}
