package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.stats.GammaPrior;
import dev.shiftlens.stats.Interval;
import dev.shiftlens.stats.RateComparison;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Turns one send, the contact's hourly history and its window counts into effects. Pure: no I/O,
 * any thread; the scheduler feeds it what the stores returned.
 *
 * <p>Per event name, with {@code k} events in the window of exposure {@code E_w} and {@code n} in
 * the baseline of exposure {@code E_b} (exposure = the population's hour-of-week weights summed over
 * the hours, in the contact's zone):
 * <ul>
 *   <li>{@code expected} = posterior mean rate x {@code E_w}, the rate shrunk toward the population's
 *       prior for the name ({@code (a + n) / (b + E_b)}); without a prior, {@code n E_w / E_b};
 *   <li>{@code rate_ratio} = observed / expected, its 95% interval from the Clopper-Pearson interval
 *       of {@code k} in {@code k + a + n} trials;
 *   <li>{@code p_value}: the exact conditional test, {@code k | k + n ~ Binomial(k + n, E_w/(E_w + E_b))},
 *       two-sided by the minimum-likelihood rule; the verdict is its direction when below alpha;
 *   <li>{@code prob_increase}: where the observed count falls in the posterior predictive of the
 *       window count, {@code P(X < k) + P(X = k)/2}.
 * </ul>
 * The {@code "*"} row weights every name by its reward (irrelevant names weigh 0). With one common
 * reward it is the exact test of the pooled counts; with mixed rewards a normal approximation with
 * variance {@code sum w^2 mu (1 + E_w/E_b)}, the second term for the uncertainty of the baseline.
 */
public final class SendEvaluator {
  public static final String EVALUATED = "evaluated";
  public static final String INSUFFICIENT = "insufficient_history";
  private static final double CONFIDENCE = 0.95;
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

  /** @param minBaselineDays a contact seen for less than this before the send has insufficient history */
  public record Settings(double alpha, int baselineDays, double minBaselineDays) {}

  /** A send as the evaluator needs it; times are epoch milliseconds. */
  public record Send(String sendId, String contactId, long sentAtMillis, long windowEndMillis, boolean holdout) {}

  /**
   * @param effects one per event name the contact performed in its baseline or window, then {@code "*"}
   * @param unreported the event names with a population prior that the contact did not perform
   *     around the send (nothing observed, nothing in the baseline, a small expected count): not
   *     shown per send, but part of {@code "*"} and of aggregates
   * @param overlapsSendId the latest earlier delivered send of the contact whose window was still open
   *     when this one went out, or null
   * @param zone the zone the contact's hours were read in
   */
  public record Result(String status, List<Effect> effects, List<Effect> unreported, String overlapsSendId,
      Baseline baseline, double windowExposure, String zone) {}

  private final Settings settings;
  private final PopulationModel population;
  private final ToDoubleFunction<String> rewards;

  /** @param rewards reward of an event name in the {@code "*"} row; 0 leaves it out */
  public SendEvaluator(Settings settings, PopulationModel population, ToDoubleFunction<String> rewards) {
    this.settings = settings;
    this.population = population;
    this.rewards = rewards;
  }

  /**
   * @param history the contact's hourly counts around the send (null when it has no event at all)
   * @param window events per name in {@code [sent_at, window_end)}
   * @param contactSends other sends of the contact that may bear on this one (any order; the send
   *     itself is skipped)
   */
  public Result evaluate(Send send, ContactHistory history, Map<String, Integer> window, Collection<Send> contactSends) {
    Send latestOpen = null;
    List<Baseline.Span> leftOut = new ArrayList<>();
    for (Send other : contactSends) {
      if (other.sendId().equals(send.sendId()) || other.holdout() || !isEarlier(other, send)) continue;
      leftOut.add(new Baseline.Span(other.sentAtMillis(), other.windowEndMillis()));
      // Latest in the same order as isEarlier, so sends at the same instant give one answer in any order.
      if (other.windowEndMillis() > send.sentAtMillis() && (latestOpen == null || isEarlier(latestOpen, other))) {
        latestOpen = other;
      }
    }
    String overlaps = latestOpen == null ? null : latestOpen.sendId();
    if (history == null) return new Result(INSUFFICIENT, List.of(), List.of(), overlaps, null, 0, null);

    HourOfWeekProfile profile = population.profile();
    Baseline baseline = Baseline.of(history, send.sentAtMillis(), leftOut, profile, settings.baselineDays());
    double ew = profile.exposure(history.zone(), send.sentAtMillis(), send.windowEndMillis());
    String zone = history.zone().getId();
    if (baseline.days() < settings.minBaselineDays() || !(baseline.exposure() > 0)) {
      return new Result(INSUFFICIENT, List.of(), List.of(), overlaps, baseline, ew, zone);
    }

    TreeSet<String> names = new TreeSet<>(baseline.counts().keySet());
    window.forEach((name, k) -> {
      if (k > 0) names.add(name);
    });
    // The names the population performs but this contact did not, before or in the window, are not
    // reported, yet the contact's baseline still expects a little of each: that counts in "*" and in
    // aggregates, or the expected side would be short by exactly what such contacts were not seen doing.
    TreeSet<String> all = new TreeSet<>(population.priors().keySet());
    all.addAll(names);
    List<Effect> effects = new ArrayList<>(names.size() + 1);
    List<Effect> unreported = new ArrayList<>(all.size() - names.size());
    List<double[]> parts = new ArrayList<>(); // {reward, k, n, expected}
    for (String name : all) {
      int k = window.getOrDefault(name, 0);
      long n = baseline.count(name);
      Effect e = effect(name, k, (int) n, ew, baseline.exposure());
      (names.contains(name) ? effects : unreported).add(e);
      double w = rewards.applyAsDouble(name);
      if (w != 0 && Double.isFinite(w)) parts.add(new double[] {w, k, n, e.expected()});
    }
    effects.add(total(parts, ew, baseline.exposure()));
    return new Result(EVALUATED, List.copyOf(effects), List.copyOf(unreported), overlaps, baseline, ew, zone);
  }

  private static boolean isEarlier(Send a, Send b) {
    return a.sentAtMillis() < b.sentAtMillis()
        || (a.sentAtMillis() == b.sentAtMillis() && a.sendId().compareTo(b.sendId()) < 0);
  }

  Effect effect(String name, int k, int n, double ew, double eb) {
    RateComparison rc = new RateComparison(k, ew, n, eb);
    double p = rc.pValue();
    GammaPrior prior = population.prior(name);
    double expected;
    Interval ci;
    double probIncrease;
    if (prior != null) {
      expected = prior.posteriorMean(n, eb) * ew;
      ci = prior.rateRatioInterval(k, n, eb, ew, CONFIDENCE);
      probIncrease = prior.probIncrease(k, n, eb, ew);
    } else {
      expected = rc.expected();
      ci = rc.rateRatioInterval(CONFIDENCE);
      probIncrease = k + n == 0 ? 0.5 : 1 - rc.pValueUpperMidP();
    }
    double ratio = expected > 0 ? k / expected : Double.NaN;
    return new Effect(name, k, expected, ratio, ci.low(), ci.high(), p, probIncrease,
        verdict(p, (double) k * eb - (double) n * ew));
  }

  private Effect total(List<double[]> parts, double ew, double eb) {
    double observed = 0, expected = 0;
    boolean common = true;
    for (double[] part : parts) {
      observed += part[0] * part[1];
      expected += part[0] * part[3];
      common &= part[0] == parts.get(0)[0];
    }
    if (parts.isEmpty()) {
      return new Effect(Effect.TOTAL, 0, 0, Double.NaN, Double.NaN, Double.NaN, 1, 0.5, "none");
    }
    double ratio = expected != 0 ? observed / expected : Double.NaN;
    if (common) {
      double w = parts.get(0)[0];
      long k = 0, n = 0;
      double shrunk = 0;
      for (double[] part : parts) {
        k += (long) part[1];
        n += (long) part[2];
        shrunk += part[3];
      }
      RateComparison rc = new RateComparison((int) k, ew, (int) n, eb);
      Interval raw = rc.rateRatioInterval(CONFIDENCE);
      // The interval is the pooled test's; moved to sit around observed / expected as reported here.
      double scale = shrunk > 0 && n > 0 ? rc.expected() / shrunk : Double.NaN;
      double p = rc.pValue();
      double up = k + n == 0 ? 0.5 : 1 - rc.pValueUpperMidP();
      return new Effect(Effect.TOTAL, observed, expected, ratio, raw.low() * scale, raw.high() * scale, p,
          w > 0 ? up : 1 - up, verdict(p, w * ((double) k * eb - (double) n * ew)));
    }
    double variance = 0;
    for (double[] part : parts) variance += part[0] * part[0] * part[3] * (1 + ew / eb);
    double z = variance > 0 ? (observed - expected) / Math.sqrt(variance) : 0;
    double p = variance > 0 ? 2 * NORMAL.cumulativeProbability(-Math.abs(z)) : 1;
    double half = 1.959963984540054 * Math.sqrt(variance) / Math.abs(expected);
    return new Effect(Effect.TOTAL, observed, expected, ratio,
        expected != 0 ? ratio - half : Double.NaN, expected != 0 ? ratio + half : Double.NaN, p,
        variance > 0 ? NORMAL.cumulativeProbability(z) : 0.5, verdict(p, observed - expected));
  }

  private String verdict(double p, double direction) {
    if (!(p < settings.alpha()) || direction == 0) return "none";
    return direction > 0 ? "up" : "down";
  }
}
