package dev.shiftlens.query;

import dev.shiftlens.stats.AggregateLift;
import dev.shiftlens.stats.BenjaminiHochberg;
import dev.shiftlens.stats.SampleRatio;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the sums per group and arm into the response of {@code GET /v1/metrics/sends}: lifts with
 * always-valid intervals ({@link AggregateLift}), shares of verdicts, the sample-ratio check of
 * configured messages, and q-values across the groups. Pure; any thread.
 *
 * <p>Numbers that the data cannot give (a lift with nothing expected, the high end of an interval
 * the data cannot bound yet) are JSON {@code null}.
 */
final class MetricsReport {
  private MetricsReport() {}

  /** A group's two arms; an arm without sends is all zeros. */
  private record Group(String key, MetricsRepository.Arm treated, MetricsRepository.Arm holdout) {}

  static JsonObject build(MetricsQuery q, List<MetricsRepository.Arm> arms, Map<String, Double> holdoutShares, double alpha) {
    Map<String, MetricsRepository.Arm[]> byKey = new TreeMap<>();
    for (MetricsRepository.Arm a : arms) byKey.computeIfAbsent(a.key(), k -> new MetricsRepository.Arm[2])[a.holdout() ? 1 : 0] = a;
    List<Group> groups = new ArrayList<>();
    byKey.forEach((key, pair) -> groups.add(new Group(key, orEmpty(pair[0], key, false), orEmpty(pair[1], key, true))));
    if (q.groupBy().equals("send_hour")) groups.sort(Comparator.comparingInt(g -> Integer.parseInt(g.key())));

    List<JsonObject> out = new ArrayList<>(groups.size());
    double[] p = new double[groups.size()];
    for (int i = 0; i < groups.size(); i++) {
      Group g = groups.get(i);
      AggregateLift.Estimate lift = AggregateLift.of(g.treated().sums(), alpha);
      AggregateLift.Estimate holdoutLift = AggregateLift.of(g.holdout().sums(), alpha);
      AggregateLift.Estimate adjusted = AggregateLift.ratio(g.treated().sums(), g.holdout().sums(), alpha);
      p[i] = adjusted.defined() ? adjusted.pValue() : lift.pValue();
      long treatedEvaluated = g.treated().evaluated();
      JsonObject o = new JsonObject()
          .put("key", key(q, g.key()))
          .put("sends", g.treated().sends() + g.holdout().sends())
          .put("evaluated", treatedEvaluated + g.holdout().evaluated())
          .put("holdouts", g.holdout().sends())
          .put("evaluated_holdouts", g.holdout().evaluated())
          .put("insufficient_history", g.treated().sends() - treatedEvaluated + g.holdout().sends() - g.holdout().evaluated())
          .put("observed", g.treated().sums().observed())
          .put("expected", g.treated().sums().expected())
          .put("lift", num(lift.lift()))
          .put("ci_low", lift.defined() ? num(lift.interval().low()) : null)
          .put("ci_high", lift.defined() ? num(lift.interval().high()) : null)
          .put("p_value", num(lift.pValue()))
          .put("holdout_observed", g.holdout().sums().observed())
          .put("holdout_expected", g.holdout().sums().expected())
          .put("holdout_lift", num(holdoutLift.lift()))
          .put("holdout_ci_low", holdoutLift.defined() ? num(holdoutLift.interval().low()) : null)
          .put("holdout_ci_high", holdoutLift.defined() ? num(holdoutLift.interval().high()) : null)
          .put("adjusted_lift", num(adjusted.lift()))
          .put("adjusted_ci_low", adjusted.defined() ? num(adjusted.interval().low()) : null)
          .put("adjusted_ci_high", adjusted.defined() ? num(adjusted.interval().high()) : null)
          .put("adjusted_p_value", num(adjusted.pValue()))
          .put("share_up", treatedEvaluated == 0 ? null : (double) g.treated().ups() / treatedEvaluated)
          .put("share_down", treatedEvaluated == 0 ? null : (double) g.treated().downs() / treatedEvaluated);
      if (q.groupBy().equals("message_id")) {
        Double share = holdoutShares.get(g.key());
        o.put("sample_ratio", share == null ? null : sampleRatio(SampleRatio.test(g.holdout().sends(),
            g.treated().sends() + g.holdout().sends(), share)));
      }
      out.add(o);
    }
    double[] qValues = BenjaminiHochberg.qValues(p);
    for (int i = 0; i < out.size(); i++) out.get(i).put("q_value", num(qValues[i]));
    return new JsonObject()
        .put("event_name", q.eventName())
        .put("group_by", q.groupByName())
        .put("groups", new JsonArray(new ArrayList<>(out)));
  }

  private static JsonObject sampleRatio(SampleRatio.Check c) {
    return new JsonObject()
        .put("expected_holdout_share", c.expectedShare())
        .put("observed_holdout_share", num(c.observedShare()))
        .put("p_value", c.pValue())
        .put("mismatch", c.mismatch());
  }

  /** The hour of a send is a number; a send without the label is grouped under null. */
  private static Object key(MetricsQuery q, String key) {
    if (q.groupBy().equals("send_hour")) return Integer.parseInt(key);
    if (q.groupBy().equals("label") && key.isEmpty()) return null;
    return key;
  }

  private static MetricsRepository.Arm orEmpty(MetricsRepository.Arm arm, String key, boolean holdout) {
    return arm != null ? arm : new MetricsRepository.Arm(key, holdout, 0, 0, AggregateLift.Sums.EMPTY, 0, 0);
  }

  private static Double num(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
