package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.demo.DemoDataset;
import dev.shiftlens.demo.DemoEvent;
import dev.shiftlens.demo.DemoMessage;
import dev.shiftlens.demo.DemoSend;
import dev.shiftlens.demo.SendTruth;
import dev.shiftlens.stats.AggregateLift;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.distribution.PoissonDistribution;

/**
 * Runs the engine's statistics on a demo dataset in memory, exactly as the scheduler feeds them
 * (hourly counts, window counts, earlier sends), and scores the results against the ground truth.
 */
final class DemoQuality {
  static final double ALPHA = 0.05;
  private static final long HOUR_MS = 3_600_000L;

  /** What one evaluated send looked like, next to the truth. */
  record Scored(DemoSend send, SendTruth truth, SendEvaluator.Result result) {}

  /** Quality figures of one run. */
  record Figures(long nullTests, long falsePositives, double expectedSum, double trueExpectedSum,
      long plantedTests, long found, long oracleFound, double power, double oraclePower, double totalObserved,
      double totalExpected) {
    double falsePositiveRate() {
      return (double) falsePositives / nullTests;
    }

    double expectedRatio() {
      return expectedSum / trueExpectedSum;
    }

    /** Sum of observed over sum of expected in the {@code "*"} rows of sends without any planted effect: what an aggregate lift reads. */
    double nullTotalLift() {
      return totalObserved / totalExpected;
    }

    /** Power (expected detections, given each contact's baseline) relative to the oracle's. */
    double relativePower() {
      return power / oraclePower;
    }

    @Override
    public String toString() {
      return String.format("false positives %d/%d = %.4f; sum expected / truth = %.4f; planted effects %d: "
          + "power %.4f vs oracle %.4f (relative %.3f), found %d vs oracle %d",
          falsePositives, nullTests, falsePositiveRate(), expectedRatio(), plantedTests, power / plantedTests,
          oraclePower / plantedTests, relativePower(), found, oracleFound) + String.format("; \"*\" lift of sends without effect %.4f",
          nullTotalLift());
    }
  }

  private final DemoDataset data;
  private final Map<String, ContactHistory> histories = new HashMap<>();
  private final Map<String, List<DemoEvent>> eventsByContact = new HashMap<>();
  private long latestHour = Long.MIN_VALUE;

  DemoQuality(DemoDataset data) {
    this.data = data;
    Map<String, ContactHistory.Builder> builders = new HashMap<>();
    Map<String, Map<Long, int[]>> hourly = new HashMap<>(); // contact|name -> hour -> count
    Map<String, String> zones = new HashMap<>();
    for (DemoEvent e : data.events()) {
      eventsByContact.computeIfAbsent(e.contactId(), c -> new ArrayList<>()).add(e);
      long hour = Math.floorDiv(e.timestamp().toEpochMilli(), HOUR_MS) * HOUR_MS;
      latestHour = Math.max(latestHour, hour);
      hourly.computeIfAbsent(e.contactId() + "|" + e.eventName(), k -> new HashMap<>())
          .computeIfAbsent(hour, h -> new int[1])[0]++;
      if (e.timezone() != null) zones.put(e.contactId() + "|" + e.eventName() + "|" + hour, e.timezone());
    }
    hourly.forEach((key, hours) -> {
      String contact = key.substring(0, key.indexOf('|'));
      String name = key.substring(key.indexOf('|') + 1);
      ContactHistory.Builder b = builders.computeIfAbsent(contact, ContactHistory::builder);
      hours.forEach((hour, count) -> b.add(name, hour, count[0], zones.getOrDefault(key + "|" + hour, "")));
    });
    Map<String, String> contactZones = new HashMap<>();
    data.contacts().forEach(c -> contactZones.put(c.contactId(), c.timezone()));
    builders.forEach((id, b) -> histories.put(id, b.build(contactZones.get(id))));
  }

  /**
   * The population model the server fits: over the four weeks before the end of the hour of the latest
   * event, on the contacts sent to in them (the population it evaluates), their delivered sends' windows
   * left out.
   */
  PopulationModel population() {
    long to = fitTo(), from = fitFrom();
    java.util.Set<String> sent = new java.util.HashSet<>();
    for (DemoSend s : data.sends()) {
      if (s.sentAt().toEpochMilli() >= from && s.sentAt().toEpochMilli() < to) sent.add(s.contactId());
    }
    List<ContactHistory> sample = histories.values().stream().filter(h -> sent.isEmpty() || sent.contains(h.contactId())).toList();
    return PopulationModel.fit(sample, windows(), from, to);
  }

  java.util.Collection<ContactHistory> histories() {
    return histories.values();
  }

  long fitTo() {
    return latestHour + HOUR_MS;
  }

  long fitFrom() {
    return fitTo() - Duration.ofDays(28).toMillis();
  }

  /** The response windows of every contact's delivered sends, which the population model leaves out as the server does. */
  Map<String, List<Baseline.Span>> windows() {
    Map<String, List<Baseline.Span>> out = new HashMap<>();
    for (DemoSend s : data.sends()) {
      if (s.holdout()) continue;
      out.computeIfAbsent(s.contactId(), c -> new ArrayList<>())
          .add(new Baseline.Span(s.sentAt().toEpochMilli(), s.windowEnd().toEpochMilli()));
    }
    return out;
  }

  /** The same priors, but clock time as exposure: what a naive flat-rate baseline does. */
  PopulationModel flat() {
    PopulationModel fitted = population();
    return new PopulationModel(HourOfWeekProfile.flat(), fitted.priors(), fitted.contacts(), fitted.events());
  }

  static SendEvaluator evaluator(PopulationModel model) {
    return new SendEvaluator(new SendEvaluator.Settings(ALPHA, 28, 7), model, name -> 1.0);
  }

  List<Scored> evaluate(PopulationModel model) {
    SendEvaluator evaluator = evaluator(model);
    Map<String, SendTruth> truths = new HashMap<>();
    data.truth().sends().forEach(t -> truths.put(t.sendId(), t));
    Map<String, List<SendEvaluator.Send>> byContact = new HashMap<>();
    List<DemoSend> sends = data.sends();
    Function<DemoSend, SendEvaluator.Send> toSend = s -> new SendEvaluator.Send(s.sendId(), s.contactId(),
        s.sentAt().toEpochMilli(), s.windowEnd().toEpochMilli(), s.holdout());
    sends.forEach(s -> byContact.computeIfAbsent(s.contactId(), c -> new ArrayList<>()).add(toSend.apply(s)));
    List<Scored> out = new ArrayList<>(sends.size());
    for (DemoSend s : sends) {
      Map<String, Integer> window = new HashMap<>();
      for (DemoEvent e : eventsByContact.getOrDefault(s.contactId(), List.of())) {
        if (!e.timestamp().isBefore(s.sentAt()) && e.timestamp().isBefore(s.windowEnd())) {
          window.merge(e.eventName(), 1, Integer::sum);
        }
      }
      out.add(new Scored(s, truths.get(s.sendId()), evaluator.evaluate(toSend.apply(s), histories.get(s.contactId()),
          window, byContact.get(s.contactId()))));
    }
    return out;
  }

  /**
   * Scores the sends of one window length: false positives over the event rows of sends without a
   * planted effect on that name; the sum of expected against the truth over every event name of the
   * evaluated sends without an effect (names the send does not show included, as aggregates see them);
   * and detections of planted effects against an oracle that knows each contact's true rate (the exact
   * Poisson test of the observed count against the true expected count). Power is each planted test's
   * probability of detection in the planted direction, summed over the tests: for the oracle over the
   * window count's true distribution, for the engine over the same distribution with the contact's
   * baseline as it was; far less noisy than counting the few detections of one draw.
   */
  static Figures score(List<Scored> scored, SendEvaluator evaluator, PopulationModel model, double windowHours) {
    long nullTests = 0, falsePositives = 0, planted = 0, found = 0, oracle = 0;
    double expected = 0, trueExpected = 0, power = 0, oraclePower = 0, totalObserved = 0, totalExpected = 0;
    for (Scored s : scored) {
      if (s.send().windowHours() != windowHours) continue;
      Map<String, Effect> effects = new HashMap<>();
      Map<String, Effect> unreported = new HashMap<>();
      s.result().effects().forEach(e -> effects.put(e.eventName(), e));
      s.result().unreported().forEach(e -> unreported.put(e.eventName(), e));
      if (s.truth().unaffected() && effects.containsKey(Effect.TOTAL)) {
        totalObserved += effects.get(Effect.TOTAL).observed();
        totalExpected += effects.get(Effect.TOTAL).expected();
      }
      for (String name : s.truth().lift().keySet()) {
        double lift = s.truth().lift().get(name);
        Effect e = effects.get(name);
        boolean rejected = e != null && e.pValue() < ALPHA;
        double truthExpected = s.truth().expected().get(name);
        double withEffects = s.truth().expectedWithEffect(name);
        if (lift == 1.0) {
          // A name no effect touches in this window (another send's window may overlap it with its own).
          if (!s.result().status().equals(SendEvaluator.EVALUATED) || !same(withEffects, truthExpected)) continue;
          nullTests++;
          if (rejected) falsePositives++;
          trueExpected += s.truth().expected().get(name);
          Effect either = e != null ? e : unreported.get(name);
          expected += either == null ? 0 : either.expected();
        } else {
          // Only the send's own effect, and a contact that has not lapsed: the oracle's test is defined.
          if (!same(withEffects, truthExpected * lift) || !(truthExpected > 0)) continue;
          planted++;
          String direction = lift > 1 ? "up" : "down";
          if (rejected && e.verdict().equals(direction)) found++;
          double mean = s.truth().expected().get(name);
          if (oracleRejects(s.truth().observed().get(name), mean, lift > 1)) oracle++;
          PoissonDistribution window = new PoissonDistribution(null, mean * lift, 1e-12, 10_000_000);
          boolean evaluated = s.result().status().equals(SendEvaluator.EVALUATED);
          for (int k = 0; k <= (int) (mean * lift * 6) + 30; k++) {
            double pk = window.probability(k);
            if (oracleRejects(k, mean, lift > 1)) oraclePower += pk;
            if (evaluated && evaluator.effect(name, k, (int) s.result().baseline().count(name), s.result().windowExposure(),
                s.result().baseline().exposure(), s.result().clumps().get(name), s.result().dispersions().get(name)).verdict().equals(direction)) {
              power += pk;
            }
          }
        }
      }
    }
    return new Figures(nullTests, falsePositives, expected, trueExpected, planted, found, oracle, power, oraclePower,
        totalObserved, totalExpected);
  }

  /**
   * One message's lift for one event name as {@code GET /v1/metrics/sends} computes it, from the same
   * sums (one unit per contact, sends whose windows overlap another delivered send's left out), next to
   * the planted truth. The truth over those sends is
   * {@code sum_i sum_n w_n T'_in / sum_i sum_n w_n T_in}, with {@code T_in} the true expected count of
   * name n in send i's window without effect, {@code T'_in} with the effects in force ({@code T_in L_n},
   * {@code L_n} the planted lift, but for sessions an earlier effect started), and {@code w_n} the name's
   * reward (1 for every demo name): for one event name, simply its planted lift; for {@code "*"}, the
   * planted lifts averaged by how much of each name the sends would have seen without them.
   * {@code realized} is what an oracle that knows every contact's true rate reads from the same events,
   * {@code sum_i sum_n w_n O_in / sum_i sum_n w_n T_in}: it differs from the truth only by the chance in
   * the counts, so the engine's lift against it measures the engine's own error (its expected counts).
   */
  record MessageLift(String messageId, String eventName, AggregateLift.Sums treated, AggregateLift.Sums holdout,
      double truth, double realized) {
    AggregateLift.Estimate lift() {
      return AggregateLift.of(treated, ALPHA);
    }

    AggregateLift.Estimate adjusted() {
      return AggregateLift.ratio(treated, holdout, ALPHA);
    }

    @Override
    public String toString() {
      AggregateLift.Estimate l = lift();
      AggregateLift.Estimate a = adjusted();
      return String.format("%s %s: lift %.4f [%.4f, %.4f] vs truth %.4f (%+.1f%%), oracle %.4f (%+.1f%%), %d sends; adjusted %s",
          messageId, eventName, l.lift(), l.interval().low(), l.interval().high(), truth, 100 * (l.lift() / truth - 1), realized,
          100 * (l.lift() / realized - 1), treated.n(),
          a.defined() ? String.format("%.4f [%.4f, %.4f]", a.lift(), a.interval().low(), a.interval().high()) : "none");
    }
  }

  /** Per message, the lift of {@code "*"} and of each planted event name, over the evaluated sends. */
  static List<MessageLift> messageLifts(DemoDataset data, List<Scored> scored) {
    List<MessageLift> out = new ArrayList<>();
    for (DemoMessage m : data.truth().messages()) {
      List<String> names = new ArrayList<>(m.lift().keySet());
      names.sort(null);
      names.add(0, Effect.TOTAL);
      for (String name : names) {
        Map<String, double[]> treatedByContact = new java.util.TreeMap<>(); // contact -> {observed, expected}
        Map<String, double[]> holdoutByContact = new java.util.TreeMap<>();
        double weighted = 0, base = 0, counted = 0;
        for (Scored s : scored) {
          // As GET /v1/metrics/sends counts them: evaluated sends whose windows overlap no other delivered send's.
          if (!s.send().messageId().equals(m.messageId()) || !s.result().status().equals(SendEvaluator.EVALUATED)
              || s.result().overlapping()) {
            continue;
          }
          Effect e = null;
          for (Effect x : s.result().effects()) if (x.eventName().equals(name)) e = x;
          for (Effect x : s.result().unreported()) if (x.eventName().equals(name)) e = x;
          double o = e == null ? 0 : e.observed();
          double ex = e == null ? 0 : e.expected();
          double[] sums = (s.send().holdout() ? holdoutByContact : treatedByContact)
              .computeIfAbsent(s.send().contactId(), c -> new double[2]);
          sums[0] += o;
          sums[1] += ex;
          if (s.send().holdout()) continue;
          for (String n : s.truth().expected().keySet()) {
            if (!name.equals(Effect.TOTAL) && !n.equals(name)) continue;
            weighted += s.truth().expectedWithEffect(n);
            base += s.truth().expected().get(n);
            counted += s.truth().observed().get(n);
          }
        }
        // One unit per contact: its sends' windows are correlated (STATS.md section 7).
        AggregateLift.Sums treated = AggregateLift.Sums.EMPTY;
        AggregateLift.Sums holdout = AggregateLift.Sums.EMPTY;
        for (double[] c : treatedByContact.values()) treated = treated.plus(c[0], c[1]);
        for (double[] c : holdoutByContact.values()) holdout = holdout.plus(c[0], c[1]);
        out.add(new MessageLift(m.messageId(), name, treated, holdout, weighted / base, counted / base));
      }
    }
    return out;
  }

  private static boolean same(double a, double b) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }

  /** Exact two-sided Poisson test of k against a known mean, minimum-likelihood rule, in the planted direction. */
  static boolean oracleRejects(int k, double mean, boolean up) {
    if (up ? k <= mean : k >= mean) return false;
    PoissonDistribution poisson = new PoissonDistribution(null, mean, 1e-12, 10_000_000);
    double pk = poisson.probability(k);
    double p = 0;
    int limit = (int) Math.max(k, mean) * 4 + 50;
    for (int x = 0; x <= limit; x++) {
      double px = poisson.probability(x);
      if (px <= pk * (1 + 1e-7)) p += px;
    }
    return Math.min(1, p) < ALPHA;
  }
}
