package dev.shiftlens.baseline;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Arrays;

/**
 * The population's activity by hour of the week in local time: 168 weights with mean 1, Monday
 * 00:00 first. It is the exposure of the rate tests: a contact's expected count over a stretch of
 * time is its rate times the sum of the weights over that stretch, not times its length, so that a
 * window at busy hours expects more than one at night. Immutable; any thread.
 */
public final class HourOfWeekProfile {
  public static final int HOURS = 168;
  private static final long HOUR_MS = 3_600_000L;
  /**
   * Pseudo-count added to every hour, as a share of the mean hourly count: keeps a quiet hour that
   * the sample happened to miss from getting weight 0, which would make any event in it "impossible".
   */
  private static final double SMOOTHING_SHARE = 0.01;

  private static final long WEEK_MS = HOURS * HOUR_MS;

  private final double[] weights;
  /** The sum of the weights: a whole week's exposure. */
  private final double weekTotal;

  private HourOfWeekProfile(double[] weights) {
    this.weights = weights;
    this.weekTotal = Arrays.stream(weights).sum();
  }

  /** Every hour alike: exposure is clock time. What a naive baseline assumes. */
  public static HourOfWeekProfile flat() {
    double[] w = new double[HOURS];
    Arrays.fill(w, 1);
    return new HourOfWeekProfile(w);
  }

  /**
   * From event counts by local hour of the week: {@code s[h] = (c[h] + a) / (mean(c) + a)} with
   * {@code a = max(0.5, 1% of mean(c))}, so the weights have mean 1.
   */
  public static HourOfWeekProfile fromCounts(double[] counts) {
    if (counts.length != HOURS) throw new IllegalArgumentException("expected 168 counts, got " + counts.length);
    double mean = Arrays.stream(counts).sum() / HOURS;
    double a = Math.max(0.5, SMOOTHING_SHARE * mean);
    double[] w = new double[HOURS];
    for (int h = 0; h < HOURS; h++) w[h] = (counts[h] + a) / (mean + a);
    return new HourOfWeekProfile(w);
  }

  /** Weights as given, rescaled to mean 1. */
  public static HourOfWeekProfile of(double[] weights) {
    if (weights.length != HOURS) throw new IllegalArgumentException("expected 168 weights, got " + weights.length);
    double mean = Arrays.stream(weights).sum() / HOURS;
    if (!(mean > 0)) throw new IllegalArgumentException("weights must have a positive sum");
    return new HourOfWeekProfile(Arrays.stream(weights).map(x -> x / mean).toArray());
  }

  public double weight(int hourOfWeek) {
    return weights[hourOfWeek];
  }

  public double[] weights() {
    return weights.clone();
  }

  /** Local hour of the week (Monday 00:00 = 0) of an instant given as epoch milliseconds. */
  public static int hourOfWeek(long epochMillis, ZoneId zone) {
    int offset = zone.getRules().getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds();
    return hourOfWeekAtOffset(epochMillis, offset);
  }

  static int hourOfWeekAtOffset(long epochMillis, int offsetSeconds) {
    long localHour = Math.floorDiv(epochMillis + offsetSeconds * 1000L, HOUR_MS);
    // 1970-01-01 was a Thursday: day 3 of a week that starts on Monday.
    return (int) Math.floorMod(localHour + 3 * 24, HOURS);
  }

  /**
   * Exposure of {@code [fromMillis, toMillis)} in hours: the integral of the weights over it, each
   * piece weighted by the local hour it falls in. Adds whole weeks at once and steps through the other
   * hours, looking the zone's offset up again only at its transitions.
   */
  public double exposure(ZoneId zone, long fromMillis, long toMillis) {
    if (toMillis <= fromMillis) return 0;
    ZoneRules rules = zone.getRules();
    long t = fromMillis;
    int offset = rules.getOffset(Instant.ofEpochMilli(t)).getTotalSeconds();
    long nextChange = nextTransition(rules, t);
    double sum = 0;
    while (t < toMillis) {
      if (t >= nextChange) {
        offset = rules.getOffset(Instant.ofEpochMilli(t)).getTotalSeconds();
        nextChange = nextTransition(rules, t);
      }
      // Any whole week at one offset, wherever it starts, covers every hour of the week for an hour in all.
      long weeks = (Math.min(toMillis, nextChange) - t) / WEEK_MS;
      if (weeks > 0) {
        sum += weeks * weekTotal;
        t += weeks * WEEK_MS;
        continue;
      }
      // End of the local hour that t is in, at this offset.
      long local = t + offset * 1000L;
      long end = Math.min(Math.min(toMillis, nextChange), local - Math.floorMod(local, HOUR_MS) + HOUR_MS - offset * 1000L);
      sum += weights[hourOfWeekAtOffset(t, offset)] * (end - t) / (double) HOUR_MS;
      t = end;
    }
    return sum;
  }

  /**
   * The exposure of each of {@code hours} consecutive UTC hours from {@code fromMillis} (a whole hour):
   * the weight of the local hour it falls in, or for a zone whose offset is not whole hours the two
   * local hours it straddles, each by its share. Offsets are looked up again only at transitions (one
   * that falls inside an hour is taken at the hour's start). Sums to {@link #exposure} over whole hours.
   */
  public double[] hourlyExposures(ZoneId zone, long fromMillis, int hours) {
    int[] offsets = offsets(zone, fromMillis, hours);
    double[] out = new double[hours];
    long t = fromMillis;
    for (int i = 0; i < hours; i++, t += HOUR_MS) {
      int how = hourOfWeekAtOffset(t, offsets[i]);
      long into = Math.floorMod(t + offsets[i] * 1000L, HOUR_MS);
      if (into == 0) {
        out[i] = weights[how];
      } else {
        double share = (double) into / HOUR_MS; // the part of this UTC hour spent in the next local hour
        out[i] = weights[how] * (1 - share) + weights[(how + 1) % HOURS] * share;
      }
    }
    return out;
  }

  /** The local hour of the week at the start of each of {@code hours} consecutive UTC hours from {@code fromMillis}. */
  public static int[] hoursOfWeek(ZoneId zone, long fromMillis, int hours) {
    int[] out = offsets(zone, fromMillis, hours);
    for (int i = 0; i < hours; i++) out[i] = hourOfWeekAtOffset(fromMillis + i * HOUR_MS, out[i]);
    return out;
  }

  /** The zone's offset in seconds at the start of each of {@code hours} consecutive hours, looked up again only at transitions. */
  private static int[] offsets(ZoneId zone, long fromMillis, int hours) {
    ZoneRules rules = zone.getRules();
    int[] out = new int[hours];
    long t = fromMillis;
    int offset = rules.getOffset(Instant.ofEpochMilli(t)).getTotalSeconds();
    long nextChange = nextTransition(rules, t);
    for (int i = 0; i < hours; i++, t += HOUR_MS) {
      if (t >= nextChange) {
        offset = rules.getOffset(Instant.ofEpochMilli(t)).getTotalSeconds();
        nextChange = nextTransition(rules, t);
      }
      out[i] = offset;
    }
    return out;
  }

  private static long nextTransition(ZoneRules rules, long epochMillis) {
    if (rules.isFixedOffset()) return Long.MAX_VALUE;
    ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochMilli(epochMillis));
    return next == null ? Long.MAX_VALUE : next.toEpochSecond() * 1000L;
  }
}
