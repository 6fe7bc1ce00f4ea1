package dev.shiftlens.baseline;

import dev.shiftlens.stats.WindowCountTest;
import java.util.List;
import java.util.Optional;

/**
 * Whether a contact stopped: a silence at the end of its baseline that its own rate makes improbable.
 * People stop using an app, and a baseline of the 28 days before a send would go on expecting what a
 * contact did before it stopped, for up to 28 days, against windows where nothing can happen: every
 * send to it reads "down", and aggregates over messages that keep sending to lapsed contacts (a daily
 * campaign most) read a lift too low. Pure; any thread.
 *
 * <h2>The test</h2>
 * The silence runs from the end of the hour of the contact's latest event (of any name) before the
 * baseline's end to that end; every hour counts, response windows too (a message that changes nothing
 * in them changes nothing, one that adds activity only makes the silence stranger). Its exposure is
 * {@code E_s}. The contact's most frequent name in the rest of the baseline, {@code n} events in
 * exposure {@code E_r}, gives the predictive of that name's count over the silence, the same
 * negative binomial in clumps that {@link WindowCountTest} uses, with the contact's own rate (no
 * population prior: the question is whether its own history explains the silence) and its clumps and
 * dispersion at the silence's time scale. {@code P(X = 0)} is a p-value: under an unchanged rate the
 * time since the latest event is as long as the time to the next one, and no event of the main name is
 * likelier than no event at all. Below {@link #P_VALUE} the contact has lapsed.
 *
 * <p>A lapsed contact's baseline is its silence (with the response windows in it left out, as always):
 * no event in that exposure, read with the population's prior like any baseline, expects little,
 * less the longer the silence lasts. An active contact that the model describes is taken for lapsed
 * on {@link #P_VALUE} of its sends; on the realistic demo data 0.1-0.3% of active contacts' sends were (the
 * model's dispersion is an approximation at the scale of days), and a lapsed contact was found on about
 * 40% of the sends after it stopped, the rest falling in the first days, before its silence said so.
 */
public final class Lapse {
  /** A silence less likely than this under the contact's own rate means it stopped. */
  public static final double P_VALUE = 0.001;
  private static final long HOUR_MS = 3_600_000L;
  /** {@code P(X = 0) >= exp(-mean)} for a mixed Poisson count in clumps of at least one event. */
  private static final double SCREEN = -Math.log(P_VALUE);

  private Lapse() {
  }

  /**
   * The silent part of the baseline when the contact has lapsed.
   *
   * @param history the contact's history, in the zone it is read in
   * @param baseline its baseline before the send
   * @param leftOut response windows of its earlier delivered sends
   */
  public static Optional<Baseline> silence(ContactHistory history, Baseline baseline, List<Baseline.Span> leftOut,
      HourOfWeekProfile profile, PopulationModel population) {
    long to = baseline.toMillis();
    long from = baseline.fromMillis();
    long latest = Long.MIN_VALUE; // the start of the hour of the latest event before the baseline's end
    for (ContactHistory.Series s : history.series().values()) latest = Math.max(latest, latestHourBefore(s, to));
    long start = latest + HOUR_MS;
    if (latest == Long.MIN_VALUE || start <= from || start >= to) return Optional.empty();
    Baseline rest = Baseline.between(history, from, start, leftOut, profile);
    String main = null;
    long n = 0;
    for (var e : rest.counts().entrySet()) {
      if (e.getValue() > n || (e.getValue() == n && main != null && e.getKey().compareTo(main) < 0)) {
        main = e.getKey();
        n = e.getValue();
      }
    }
    if (main == null || !(rest.exposure() > 0)) return Optional.empty();
    double silent = profile.exposure(history.zone(), start, to);
    if (n * silent / rest.exposure() < SCREEN) return Optional.empty();
    int blockHours = Dispersion.blockHours((to - start) / (double) HOUR_MS);
    HourGrid grid = HourGrid.of(history.zone(), rest.fromMillis(), rest.toMillis(), leftOut, profile);
    PopulationModel.Counting counting = population.counting(main, grid, history.series().get(main), n, blockHours);
    WindowCountTest.Result r = WindowCountTest.test(0, n, rest.exposure(), silent, null, counting.clump(),
        counting.dispersion(), 0.05);
    double none = 2 * r.probIncrease(); // the mid-p lower tail at 0 is half of P(X = 0)
    if (none >= P_VALUE) return Optional.empty();
    Baseline silence = Baseline.between(history, start, to, leftOut, profile);
    return silence.exposure() > 0 ? Optional.of(silence) : Optional.empty();
  }

  /** The start of the latest hour with an event before {@code toMillis}, or Long.MIN_VALUE. */
  private static long latestHourBefore(ContactHistory.Series s, long toMillis) {
    long[] hours = s.hours();
    int i = java.util.Arrays.binarySearch(hours, Math.floorDiv(toMillis + HOUR_MS - 1, HOUR_MS));
    i = (i >= 0 ? i : -i - 1) - 1;
    for (; i >= 0; i--) if (s.counts()[i] > 0) return hours[i] * HOUR_MS;
    return Long.MIN_VALUE;
  }
}
