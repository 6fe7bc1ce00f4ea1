package dev.shiftlens.baseline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;

/**
 * The UTC offset of a contact that came with no time zone, inferred from when its events happen.
 * Reading such a contact in UTC against the population's local-time profile shifts every hour: a New
 * York contact read in UTC looks up 2.5 times at some hours with nothing changed.
 *
 * <p>Candidates are the fixed offsets from -12:00 to +14:00 in 15-minute steps (105 of them, so that
 * +05:30, +05:45 and +09:30 are possible). At offset {@code o} a UTC hour of the week {@code h} has
 * exposure {@code e_o[h]}: the profile integrated over that UTC hour read at {@code o}
 * ({@link HourOfWeekProfile#exposure}; an offset that is not a whole hour mixes two local hours). The
 * weights have mean 1, so {@code e_o} sums to 168 and the share of hour h is {@code e_o[h] / 168}. A
 * contact with {@code c_h} events in UTC hour of the week h (over any number of weeks) scores each
 * candidate by its multinomial log-likelihood against a flat profile (share 1/168):
 * {@code G(o) = sum_h c_h ln e_o[h]}. The best candidate is returned only when it is trustworthy:
 * at least {@code minEvents} events and {@code G >= minGain} nats, i.e. the profile read at that offset
 * explains the events at least {@code e^minGain} times better than no daily rhythm at all. Otherwise
 * the caller keeps a flat profile, which biases nothing.
 *
 * <p>The 105 x 168 log-exposures are computed once per profile ({@link #forProfile}); an inference is
 * one pass over the contact's hours and a 105 x 168 scan. Immutable; any thread.
 */
public final class ZoneInference {
  public static final int MIN_OFFSET_MINUTES = -12 * 60;
  public static final int MAX_OFFSET_MINUTES = 14 * 60;
  public static final int STEP_MINUTES = 15;
  /** Defaults: below 30 events the hour-of-week histogram is mostly noise. */
  public static final int DEFAULT_MIN_EVENTS = 30;
  /** 3 nats: the chosen offset explains the events e^3 = 20 times better than a flat profile. */
  public static final double DEFAULT_MIN_GAIN = 3;

  private static final int HOURS = HourOfWeekProfile.HOURS;
  private static final long HOUR_MS = 3_600_000L;
  private static final int CANDIDATES = (MAX_OFFSET_MINUTES - MIN_OFFSET_MINUTES) / STEP_MINUTES + 1;
  /** A Monday 00:00 UTC: the reference week whose UTC hours the exposures are computed over. */
  private static final long REFERENCE_MONDAY = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

  /** {@code ln e_o[h]}, candidate-major. */
  private final double[][] logExposure;
  private final HourOfWeekProfile profile;

  private ZoneInference(double[][] logExposure, HourOfWeekProfile profile) {
    this.logExposure = logExposure;
    this.profile = profile;
  }

  /** The profile the candidates were computed for. */
  public HourOfWeekProfile profile() {
    return profile;
  }

  /**
   * What the data say about a contact's offset.
   *
   * @param offset the best candidate
   * @param events the number of events scored
   * @param gain   {@code G(offset)}, nats by which the offset beats a flat profile (negative when the
   *     contact has no rhythm the profile recognizes)
   * @param sufficient whether {@code events >= minEvents} and {@code gain >= minGain}
   */
  public record Evidence(ZoneOffset offset, long events, double gain, boolean sufficient) {
  }

  /** Precomputes the 105 x 168 log-exposures of {@code profile}. */
  public static ZoneInference forProfile(HourOfWeekProfile profile) {
    double[][] log = new double[CANDIDATES][HOURS];
    for (int i = 0; i < CANDIDATES; i++) {
      ZoneOffset offset = candidate(i);
      for (int h = 0; h < HOURS; h++) {
        long from = REFERENCE_MONDAY + h * HOUR_MS;
        log[i][h] = Math.log(profile.exposure(offset, from, from + HOUR_MS));
      }
    }
    return new ZoneInference(log, profile);
  }

  /** The number of candidate offsets: 105. */
  public static int candidates() {
    return CANDIDATES;
  }

  private static ZoneOffset candidate(int i) {
    return ZoneOffset.ofTotalSeconds((MIN_OFFSET_MINUTES + i * STEP_MINUTES) * 60);
  }

  /** The offset with the default thresholds (30 events, 3 nats), or empty when the evidence is short. */
  public Optional<Evidence> infer(Collection<ContactHistory.Series> series) {
    return sufficient(evidence(series, DEFAULT_MIN_EVENTS, DEFAULT_MIN_GAIN));
  }

  /** The same from hours (epoch hours, UTC) and counts of equal length. */
  public Optional<Evidence> infer(long[] epochHours, int[] counts) {
    return sufficient(evidence(epochHours, counts, DEFAULT_MIN_EVENTS, DEFAULT_MIN_GAIN));
  }

  private static Optional<Evidence> sufficient(Evidence e) {
    return e.sufficient() ? Optional.of(e) : Optional.empty();
  }

  /** The evidence over every event name of a contact, sufficient or not. */
  public Evidence evidence(Collection<ContactHistory.Series> series, int minEvents, double minGain) {
    long[] byHour = new long[HOURS];
    for (ContactHistory.Series s : series) {
      accumulate(s.hours(), s.counts(), byHour);
    }
    return score(byHour, minEvents, minGain);
  }

  /** The evidence from hours (epoch hours, UTC) and counts, sufficient or not. */
  public Evidence evidence(long[] epochHours, int[] counts, int minEvents, double minGain) {
    long[] byHour = new long[HOURS];
    accumulate(epochHours, counts, byHour);
    return score(byHour, minEvents, minGain);
  }

  private static void accumulate(long[] epochHours, int[] counts, long[] byHour) {
    if (epochHours.length != counts.length) {
      throw new IllegalArgumentException("hours and counts differ in length: " + epochHours.length + " and " + counts.length);
    }
    for (int i = 0; i < epochHours.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("counts must be >= 0, got " + counts[i] + " at hour " + epochHours[i]);
      }
      byHour[HourOfWeekProfile.hourOfWeekAtOffset(epochHours[i] * HOUR_MS, 0)] += counts[i];
    }
  }

  private Evidence score(long[] byHour, int minEvents, double minGain) {
    if (minEvents < 0 || Double.isNaN(minGain)) {
      throw new IllegalArgumentException("need minEvents >= 0 and a minimum gain, got " + minEvents + " and " + minGain);
    }
    long events = 0;
    for (long c : byHour) {
      events += c;
    }
    int best = -1;
    double bestGain = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < CANDIDATES; i++) {
      double[] log = logExposure[i];
      double g = 0;
      for (int h = 0; h < HOURS; h++) {
        if (byHour[h] != 0) {
          g += byHour[h] * log[h];
        }
      }
      // Strictly better only: among equals the westernmost wins, so the answer is deterministic.
      if (g > bestGain) {
        best = i;
        bestGain = g;
      }
    }
    if (events == 0) {
      return new Evidence(ZoneOffset.UTC, 0, 0, false);
    }
    return new Evidence(candidate(best), events, bestGain, events >= minEvents && bestGain >= minGain);
  }
}
