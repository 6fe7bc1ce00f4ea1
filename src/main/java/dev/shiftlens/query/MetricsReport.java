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
import java.util.TreeSet;

/**
 * Turns the per-day sums of each group and arm into the response of {@code GET /v1/metrics/sends}:
 * lifts with always-valid intervals ({@link AggregateLift}, one unit per contact), shares of verdicts
 * of the sends and of the holdout sends (the A/A check), the sample-ratio check of configured
 * messages, and q-values across the groups. Pure; it folds one entry per group, arm and day, so it runs
 * on a worker thread (a group with a year of daily looks costs some milliseconds for its ratio p-values).
 *
 * <p>The looks of a group are the ends of the UTC days on which its sends were evaluated: the sums at
 * each are the cumulated additions of the days up to it. {@code p_value} and {@code adjusted_p_value} are
 * the running minimums over these looks (an always-valid p-value is the running minimum over looks),
 * computed again from the stored data on every call, so that they never go up as days are added. Lifts
 * and intervals are those of the latest look.
 *
 * <p>Numbers that the data cannot give (a lift with nothing expected, the high end of an interval
 * the data cannot bound yet) are JSON {@code null}.
 */
final class MetricsReport {
  private MetricsReport() {}

  /** One arm of a group over all its days; {@code looks} are its cumulative sums at the group's looks. */
  private record Arm(long sends, long evaluated, long overlapping, long counted, long ups, long downs,
      List<AggregateLift.Sums> looks) {
    AggregateLift.Sums sums() {
      return looks.isEmpty() ? AggregateLift.Sums.EMPTY : looks.get(looks.size() - 1);
    }
  }

  private record Group(String key, Arm treated, Arm holdout) {}

  static JsonObject build(MetricsQuery q, List<MetricsRepository.ArmDay> rows, Map<String, Double> holdoutShares, double alpha) {
    Map<String, List<MetricsRepository.ArmDay>> byKey = new TreeMap<>();
    for (MetricsRepository.ArmDay r : rows) byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    List<Group> groups = new ArrayList<>();
    byKey.forEach((key, days) -> groups.add(group(key, days)));
    if (q.groupBy().equals("send_hour")) groups.sort(Comparator.comparingInt(g -> Integer.parseInt(g.key())));

    List<JsonObject> out = new ArrayList<>(groups.size());
    double[] p = new double[groups.size()];
    for (int i = 0; i < groups.size(); i++) {
      Group g = groups.get(i);
      Arm t = g.treated();
      Arm h = g.holdout();
      AggregateLift.Estimate lift = AggregateLift.of(t.sums(), alpha);
      AggregateLift.Estimate holdoutLift = AggregateLift.of(h.sums(), alpha);
      AggregateLift.Estimate adjusted = AggregateLift.ratio(t.sums(), h.sums(), alpha);
      double liftP = AggregateLift.runningPValue(t.looks());
      double adjustedP = adjusted.defined() ? AggregateLift.runningRatioPValue(t.looks(), h.looks()) : Double.NaN;
      p[i] = adjusted.defined() ? adjustedP : liftP;
      JsonObject o = new JsonObject()
          .put("key", key(q, g.key()))
          .put("sends", t.sends() + h.sends())
          .put("evaluated", t.evaluated() + h.evaluated())
          .put("holdouts", h.sends())
          .put("evaluated_holdouts", h.evaluated())
          .put("insufficient_history", t.sends() - t.evaluated() + h.sends() - h.evaluated())
          .put("overlapping", t.overlapping() + h.overlapping())
          .put("contacts", t.sums().n())
          .put("holdout_contacts", h.sums().n())
          .put("observed", t.sums().observed())
          .put("expected", t.sums().expected())
          .put("lift", num(lift.lift()))
          .put("ci_low", lift.defined() ? num(lift.interval().low()) : null)
          .put("ci_high", lift.defined() ? num(lift.interval().high()) : null)
          .put("p_value", num(liftP))
          .put("holdout_observed", h.sums().observed())
          .put("holdout_expected", h.sums().expected())
          .put("holdout_lift", num(holdoutLift.lift()))
          .put("holdout_ci_low", holdoutLift.defined() ? num(holdoutLift.interval().low()) : null)
          .put("holdout_ci_high", holdoutLift.defined() ? num(holdoutLift.interval().high()) : null)
          .put("adjusted_lift", num(adjusted.lift()))
          .put("adjusted_ci_low", adjusted.defined() ? num(adjusted.interval().low()) : null)
          .put("adjusted_ci_high", adjusted.defined() ? num(adjusted.interval().high()) : null)
          .put("adjusted_p_value", num(adjustedP))
          .put("share_up", share(t.ups(), t.counted()))
          .put("share_down", share(t.downs(), t.counted()))
          .put("holdout_share_up", share(h.ups(), h.counted()))
          .put("holdout_share_down", share(h.downs(), h.counted()));
      if (q.groupBy().equals("message_id")) {
        Double configured = holdoutShares.get(g.key());
        o.put("sample_ratio", configured == null ? null : sampleRatio(SampleRatio.test(h.sends(), t.sends() + h.sends(), configured)));
      }
      out.add(o);
    }
    // One family per response: one event name, one grouping, its groups.
    double[] qValues = BenjaminiHochberg.qValues(p);
    for (int i = 0; i < out.size(); i++) out.get(i).put("q_value", num(qValues[i]));
    return new JsonObject()
        .put("event_name", q.eventName())
        .put("group_by", q.groupByName())
        .put("groups", new JsonArray(new ArrayList<>(out)));
  }

  /** A group's two arms, their sums cumulated over the union of the days of both (the group's looks). */
  private static Group group(String key, List<MetricsRepository.ArmDay> days) {
    TreeSet<Long> looks = new TreeSet<>();
    for (MetricsRepository.ArmDay d : days) looks.add(d.day());
    return new Group(key, arm(days, false, looks), arm(days, true, looks));
  }

  private static Arm arm(List<MetricsRepository.ArmDay> days, boolean holdout, TreeSet<Long> looks) {
    Map<Long, MetricsRepository.ArmDay> byDay = new TreeMap<>();
    for (MetricsRepository.ArmDay d : days) {
      if (d.holdout() == holdout) byDay.merge(d.day(), d, MetricsReport::merge);
    }
    long sends = 0, evaluated = 0, overlapping = 0, counted = 0, ups = 0, downs = 0;
    List<AggregateLift.Sums> cumulative = new ArrayList<>(looks.size());
    AggregateLift.Sums running = AggregateLift.Sums.EMPTY;
    for (long day : looks) {
      MetricsRepository.ArmDay d = byDay.get(day);
      if (d != null) {
        sends += d.sends();
        evaluated += d.evaluated();
        overlapping += d.overlapping();
        counted += d.counted();
        ups += d.ups();
        downs += d.downs();
        running = running.plus(d.added());
      }
      cumulative.add(running);
    }
    return new Arm(sends, evaluated, overlapping, counted, ups, downs, cumulative);
  }

  /** Two entries of one arm and day (the store returns one; this keeps the fold total anyway). */
  private static MetricsRepository.ArmDay merge(MetricsRepository.ArmDay a, MetricsRepository.ArmDay b) {
    return new MetricsRepository.ArmDay(a.key(), a.holdout(), a.day(), a.sends() + b.sends(), a.evaluated() + b.evaluated(),
        a.overlapping() + b.overlapping(), a.counted() + b.counted(), a.ups() + b.ups(), a.downs() + b.downs(),
        a.added().plus(b.added()));
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

  private static Double share(long count, long of) {
    return of == 0 ? null : (double) count / of;
  }

  private static Double num(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
