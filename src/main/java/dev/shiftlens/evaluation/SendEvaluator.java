package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.Dispersion;
import dev.shiftlens.baseline.HourGrid;
import dev.shiftlens.baseline.HourOfWeekProfile;
import dev.shiftlens.baseline.Lapse;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.stats.WeightedCounts;
import dev.shiftlens.stats.WindowCountTest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Turns one send, the contact's hourly history and its window counts into effects. Pure: no I/O,
 * any thread; the scheduler feeds it what the stores returned.
 *
 * <p>Per event name, with {@code k} events in the window of exposure {@code E_w} and {@code n} in
 * the baseline of exposure {@code E_b} (exposure = the population's hour-of-week weights summed over
 * the hours, in the contact's zone; a contact without one is placed by its own hours, else read against
 * a flat profile), one model gives every number of the row ({@link WindowCountTest}): the rate's
 * posterior under the population's prior, events counted in the contact's clumps (sessions; {@link
 * Dispersion#clumpSize}) whose number varies as much as the contact's counts do at the window's time
 * scale ({@link Dispersion}), both estimated on the baseline and shrunk toward the population's.
 * {@code expected} is the posterior mean rate times {@code E_w}; the p-value, the verdict, the
 * interval of {@code rate_ratio} and {@code prob_increase} come from the mid-p tails of the window
 * count's predictive, so an "up" never shows an interval containing 1 or a {@code prob_increase} below
 * {@code 1 - alpha/2}.
 *
 * <p>The {@code "*"} row weights every name by its reward (irrelevant names weigh 0) and tests the
 * weighted total against the sum of the names' predictives ({@link WeightedCounts}).
 */
public final class SendEvaluator {
  public static final String EVALUATED = "evaluated";
  public static final String INSUFFICIENT = "insufficient_history";

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
   * @param overlappedBySendId the first later delivered send of the contact that went out before this
   *     one's window closed, or null
   * @param zone the zone the contact's hours were read in
   * @param dispersions per event name evaluated, the dispersion its test used
   * @param clumps per event name evaluated, the events per clump its test used
   */
  public record Result(String status, List<Effect> effects, List<Effect> unreported, String overlapsSendId,
      String overlappedBySendId, Baseline baseline, double windowExposure, String zone, Map<String, Double> dispersions,
      Map<String, Double> clumps) {
    /** Whether the window shares time with another delivered send's window (before or after). */
    public boolean overlapping() {
      return overlapsSendId != null || overlappedBySendId != null;
    }
  }

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
    Send firstLater = null;
    List<Baseline.Span> leftOut = new ArrayList<>();
    for (Send other : contactSends) {
      if (other.sendId().equals(send.sendId()) || other.holdout()) continue;
      if (!isEarlier(other, send)) {
        // A later send that went out while this window was open shares the window's events.
        if (other.sentAtMillis() < send.windowEndMillis() && (firstLater == null || isEarlier(other, firstLater))) {
          firstLater = other;
        }
        continue;
      }
      leftOut.add(new Baseline.Span(other.sentAtMillis(), other.windowEndMillis()));
      // Latest in the same order as isEarlier, so sends at the same instant give one answer in any order.
      if (other.windowEndMillis() > send.sentAtMillis() && (latestOpen == null || isEarlier(latestOpen, other))) {
        latestOpen = other;
      }
    }
    String overlaps = latestOpen == null ? null : latestOpen.sendId();
    String overlappedBy = firstLater == null ? null : firstLater.sendId();
    if (history == null) return new Result(INSUFFICIENT, List.of(), List.of(), overlaps, overlappedBy, null, 0, null, Map.of(), Map.of());

    PopulationModel.Reading reading = population.reading(history);
    history = reading.history();
    HourOfWeekProfile profile = reading.profile();
    Baseline baseline = Baseline.of(history, send.sentAtMillis(), leftOut, profile, settings.baselineDays());
    double ew = profile.exposure(history.zone(), send.sentAtMillis(), send.windowEndMillis());
    String zone = history.zone().getId();
    if (baseline.days() < settings.minBaselineDays() || !(baseline.exposure() > 0)) {
      return new Result(INSUFFICIENT, List.of(), List.of(), overlaps, overlappedBy, baseline, ew, zone, Map.of(), Map.of());
    }
    // The names the contact performed in its 28 days are shown even when it has stopped since.
    TreeSet<String> names = new TreeSet<>(baseline.counts().keySet());
    // A contact that stopped is measured against its silence, not against what it did before (Lapse).
    baseline = Lapse.silence(history, baseline, leftOut, profile, population).orElse(baseline);
    window.forEach((name, k) -> {
      if (k > 0) names.add(name);
    });
    // The names the population performs but this contact did not, before or in the window, are not
    // reported, yet the contact's baseline still expects a little of each: that counts in "*" and in
    // aggregates, or the expected side would be short by exactly what such contacts were not seen doing.
    TreeSet<String> all = new TreeSet<>(population.priors().keySet());
    all.addAll(names);
    int blockHours = Dispersion.blockHours((send.windowEndMillis() - send.sentAtMillis()) / 3_600_000.0);
    HourGrid grid = HourGrid.of(history.zone(), baseline.fromMillis(), baseline.toMillis(), leftOut, profile);
    List<Effect> effects = new ArrayList<>(names.size() + 1);
    List<Effect> unreported = new ArrayList<>(all.size() - names.size());
    Map<String, Double> dispersions = new HashMap<>();
    Map<String, Double> clumps = new HashMap<>();
    List<Part> parts = new ArrayList<>();
    for (String name : all) {
      int k = window.getOrDefault(name, 0);
      long n = baseline.count(name);
      PopulationModel.Counting counting = population.counting(name, grid, history.series().get(name), n, blockHours);
      double phi = counting.dispersion();
      double clump = counting.clump();
      dispersions.put(name, phi);
      clumps.put(name, clump);
      WindowCountTest.Result model = WindowCountTest.test(k, n, baseline.exposure(), ew, population.prior(name), clump, phi,
          settings.alpha());
      (names.contains(name) ? effects : unreported).add(effect(name, k, model));
      double w = rewards.applyAsDouble(name);
      if (w != 0 && Double.isFinite(w) && model.expected() > 0) parts.add(new Part(w, k, clump, model));
    }
    effects.add(total(parts));
    return new Result(EVALUATED, List.copyOf(effects), List.copyOf(unreported), overlaps, overlappedBy, baseline, ew, zone,
        Map.copyOf(dispersions), Map.copyOf(clumps));
  }

  private static boolean isEarlier(Send a, Send b) {
    return a.sentAtMillis() < b.sentAtMillis()
        || (a.sentAtMillis() == b.sentAtMillis() && a.sendId().compareTo(b.sendId()) < 0);
  }

  /** The effect of one event name: {@link WindowCountTest} with the name's prior and the contact's dispersion. */
  Effect effect(String name, int k, int n, double ew, double eb, double clump, double dispersion) {
    return effect(name, k, WindowCountTest.test(k, n, eb, ew, population.prior(name), clump, dispersion, settings.alpha()));
  }

  private static Effect effect(String name, int k, WindowCountTest.Result r) {
    return new Effect(name, k, r.expected(), r.expected() > 0 ? r.rateRatio() : Double.NaN, r.interval().low(),
        r.interval().high(), r.pValue(), r.probIncrease(), r.direction() > 0 ? "up" : r.direction() < 0 ? "down" : "none");
  }

  /**
   * The {@code "*"} row: every name's window count weighted by its reward, against the sum of the names'
   * predictives ({@link WeightedCounts}: saddlepoint tails of a weighted sum of negative binomials, in
   * clumps, whatever the rewards' signs). Its verdict, interval and probability of an increase come from
   * that one distribution. A total expected at or below 0 (negative rewards outweigh) has no ratio.
   */
  private Effect total(List<Part> parts) {
    if (parts.isEmpty()) {
      return new Effect(Effect.TOTAL, 0, 0, Double.NaN, Double.NaN, Double.NaN, 1, 0.5, "none");
    }
    WeightedCounts.Component[] components = new WeightedCounts.Component[parts.size()];
    double observed = 0;
    for (int i = 0; i < components.length; i++) {
      Part p = parts.get(i);
      observed += p.weight() * p.observed();
      double mean = p.model().expected() / p.clump();
      components[i] = Double.isInfinite(p.model().shape())
          ? WeightedCounts.Component.poisson(p.weight(), p.clump(), mean)
          : new WeightedCounts.Component(p.weight(), p.clump(), p.model().shape(), mean);
    }
    double alpha = settings.alpha();
    WeightedCounts.Result r = WeightedCounts.test(components, observed, alpha);
    boolean ratio = r.hasInterval() && r.expected() > 0;
    String verdict = r.probIncrease() > 1 - alpha / 2 ? "up" : r.probIncrease() < alpha / 2 ? "down" : "none";
    return new Effect(Effect.TOTAL, observed, r.expected(), ratio ? observed / r.expected() : Double.NaN,
        ratio ? r.low() : Double.NaN, ratio ? r.high() : Double.NaN, r.pValue(), r.probIncrease(), verdict);
  }

  /** One name's part of {@code "*"}: its reward, window count, events per clump and its own test. */
  private record Part(double weight, int observed, double clump, WindowCountTest.Result model) {}

}
