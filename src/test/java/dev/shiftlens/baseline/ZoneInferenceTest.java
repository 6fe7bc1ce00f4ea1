package dev.shiftlens.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Inferring a contact's UTC offset from when its events happen, against the population profile. */
class ZoneInferenceTest {
  private static final long HOUR_MS = 3_600_000L;
  /** The demo catalog's profile: quiet nights, busy evenings, later weekends. */
  private static final double[] WEEKDAY = {
      0.25, 0.12, 0.08, 0.06, 0.07, 0.15, 0.45, 0.95, 1.35, 1.2, 1.0, 1.0,
      1.2, 1.1, 0.95, 0.95, 1.0, 1.15, 1.4, 1.7, 1.85, 1.6, 1.05, 0.55};
  private static final double[] WEEKEND = {
      0.4, 0.25, 0.15, 0.1, 0.08, 0.08, 0.15, 0.35, 0.65, 0.95, 1.2, 1.35,
      1.4, 1.35, 1.3, 1.3, 1.35, 1.4, 1.5, 1.6, 1.7, 1.55, 1.1, 0.7};
  private static final HourOfWeekProfile PROFILE = HourOfWeekProfile.of(realistic());
  private static final ZoneInference INFERENCE = ZoneInference.forProfile(PROFILE);
  /** Four weeks of January 2024 (New York on -05:00, Sydney on +11:00 daylight time). */
  private static final long FROM = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  private static final int SPAN_HOURS = 28 * 24;

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
  private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");

  private static double[] realistic() {
    double[] w = new double[168];
    for (int h = 0; h < 168; h++) {
      w[h] = (h / 24 >= 5 ? WEEKEND : WEEKDAY)[h % 24];
    }
    return w;
  }

  /** A contact of the population in {@code zone}: {@code events} events over four weeks, hourly counts by UTC hour. */
  private static long[][] simulate(ZoneId zone, int events, long seed) {
    double[] cumulative = new double[SPAN_HOURS];
    double total = 0;
    for (int i = 0; i < SPAN_HOURS; i++) {
      long t = FROM + i * HOUR_MS;
      total += PROFILE.exposure(zone, t, t + HOUR_MS);
      cumulative[i] = total;
    }
    Random random = new Random(seed);
    TreeMap<Long, Long> counts = new TreeMap<>();
    for (int e = 0; e < events; e++) {
      double u = random.nextDouble() * total;
      int i = 0;
      while (cumulative[i] < u) {
        i++;
      }
      counts.merge(FROM / HOUR_MS + i, 1L, Long::sum);
    }
    long[] hours = new long[counts.size()];
    long[] c = new long[counts.size()];
    int k = 0;
    for (Map.Entry<Long, Long> entry : counts.entrySet()) {
      hours[k] = entry.getKey();
      c[k++] = entry.getValue();
    }
    return new long[][] {hours, c};
  }

  private static int[] ints(long[] a) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (int) a[i];
    }
    return out;
  }

  private static Optional<ZoneInference.Evidence> infer(ZoneId zone, int events, long seed) {
    long[][] s = simulate(zone, events, seed);
    return INFERENCE.infer(s[0], ints(s[1]));
  }

  private static int minutes(ZoneOffset offset) {
    return offset.getTotalSeconds() / 60;
  }

  /** Minutes between two offsets on the clock face, a whole day apart counting as none. */
  private static int dailyDistance(int a, int b) {
    int d = Math.floorMod(a - b, 24 * 60);
    return Math.min(d, 24 * 60 - d);
  }

  @Test
  void thereAreOneHundredAndFiveCandidates() {
    assertEquals(105, ZoneInference.candidates());
  }

  @Test
  void contactsOfTheThreeZonesGetTheirOffsetWithinAnHourFromOneHundredEvents() {
    Object[][] cases = {{NEW_YORK, -5 * 60}, {KOLKATA, 5 * 60 + 30}, {SYDNEY, 11 * 60}};
    for (Object[] c : cases) {
      for (int events : new int[] {100, 300}) {
        for (long seed = 1; seed <= 5; seed++) {
          Optional<ZoneInference.Evidence> e = infer((ZoneId) c[0], events, seed);
          String where = c[0] + ", " + events + " events, seed " + seed + ": " + e;
          assertTrue(e.isPresent(), where);
          assertEquals(events, e.get().events(), where);
          assertTrue(e.get().gain() >= ZoneInference.DEFAULT_MIN_GAIN, where);
          // Hours of the day within an hour; the day itself (+11:00 against -12:00, one day and an
          // hour apart) rests on the weekend alone, which 100 events may not settle.
          assertTrue(dailyDistance(minutes(e.get().offset()), (int) c[1]) <= 60, where);
          if (events == 300) {
            assertTrue(Math.abs(minutes(e.get().offset()) - (int) c[1]) <= 60, where);
          }
        }
      }
    }
  }

  @Test
  void fiftyEventsAreEnoughToBeRoughlyRight() {
    int right = 0;
    for (long seed = 1; seed <= 10; seed++) {
      Optional<ZoneInference.Evidence> e = infer(NEW_YORK, 50, seed);
      if (e.isPresent() && Math.abs(minutes(e.get().offset()) + 300) <= 120) {
        right++;
      }
    }
    assertTrue(right >= 9, right + " of 10");
  }

  @Test
  void kolkataIsExactlyPlusFiveThirtyWithEnoughEvents() {
    for (long seed = 1; seed <= 3; seed++) {
      Optional<ZoneInference.Evidence> e = infer(KOLKATA, 2000, seed);
      assertTrue(e.isPresent());
      assertEquals(ZoneOffset.ofHoursMinutes(5, 30), e.get().offset(), "seed " + seed);
    }
  }

  @Test
  void fiveEventsAreNotEnough() {
    long[][] s = simulate(NEW_YORK, 5, 7);
    assertTrue(INFERENCE.infer(s[0], ints(s[1])).isEmpty());
    ZoneInference.Evidence e = INFERENCE.evidence(s[0], ints(s[1]), ZoneInference.DEFAULT_MIN_EVENTS, ZoneInference.DEFAULT_MIN_GAIN);
    assertEquals(5, e.events());
    assertFalse(e.sufficient());
  }

  @Test
  void aContactActiveAroundTheClockGetsNoOffset() {
    // Hours drawn uniformly: no daily rhythm, whatever the number of events.
    for (int events : new int[] {100, 1000}) {
      Random random = new Random(events);
      TreeMap<Long, Integer> counts = new TreeMap<>();
      for (int i = 0; i < events; i++) {
        counts.merge(FROM / HOUR_MS + random.nextInt(SPAN_HOURS), 1, Integer::sum);
      }
      long[] hours = counts.keySet().stream().mapToLong(Long::longValue).toArray();
      int[] c = counts.values().stream().mapToInt(Integer::intValue).toArray();
      ZoneInference.Evidence e = INFERENCE.evidence(hours, c, 30, 3);
      assertTrue(e.gain() < 0, e.toString());
      assertTrue(INFERENCE.infer(hours, c).isEmpty());
    }
    assertTrue(INFERENCE.infer(new long[0], new int[0]).isEmpty());
  }

  @Test
  void theSeriesOfAContactHistoryAreReadTogether() {
    long[][] a = simulate(SYDNEY, 150, 11);
    long[][] b = simulate(SYDNEY, 150, 12);
    ContactHistory.Builder builder = ContactHistory.builder("c1");
    for (int i = 0; i < a[0].length; i++) {
      builder.add("open", a[0][i] * HOUR_MS, (int) a[1][i]);
    }
    for (int i = 0; i < b[0].length; i++) {
      builder.add("click", b[0][i] * HOUR_MS, (int) b[1][i]);
    }
    ContactHistory history = builder.build(null);
    Optional<ZoneInference.Evidence> e = INFERENCE.infer(history.series().values());
    assertTrue(e.isPresent());
    assertEquals(300, e.get().events());
    assertTrue(Math.abs(minutes(e.get().offset()) - 11 * 60) <= 60, e.toString());
  }

  @Test
  void theInferredOffsetGivesNearlyTheExpectedCountOfTheTrueZone() {
    // What the engine does with the offset: a window's exposure relative to the baseline's.
    long baselineFrom = FROM;
    long baselineTo = FROM + 28 * 24 * HOUR_MS;
    double readError = 0;
    double utcError = 0;
    for (ZoneId zone : List.of(NEW_YORK, KOLKATA, SYDNEY)) {
      ZoneOffset inferred = infer(zone, 300, 3).orElseThrow().offset();
      for (int startHour = 0; startHour < 24; startHour += 3) {
        for (int length : new int[] {6, 24}) {
          long from = baselineTo + 24 * HOUR_MS + startHour * HOUR_MS;
          long to = from + length * HOUR_MS;
          double truth = PROFILE.exposure(zone, from, to) / PROFILE.exposure(zone, baselineFrom, baselineTo);
          double read = PROFILE.exposure(inferred, from, to) / PROFILE.exposure(inferred, baselineFrom, baselineTo);
          double utc = PROFILE.exposure(ZoneOffset.UTC, from, to) / PROFILE.exposure(ZoneOffset.UTC, baselineFrom, baselineTo);
          String where = zone + " read at " + inferred + ", " + length + " h from " + startHour + ":00 UTC";
          // A day's window barely depends on a half-hour error in the offset. Six hours at night
          // do: the quiet hours are small numbers that a half hour changes by a quarter; those
          // are checked on average, against what UTC would give.
          if (length == 24) {
            assertEquals(1, read / truth, 0.03, where);
          } else {
            readError += Math.abs(read / truth - 1);
            utcError += Math.abs(utc / truth - 1);
          }
        }
      }
    }
    assertTrue(readError < utcError / 5, "mean error " + readError / 24 + " against " + utcError / 24 + " in UTC");
  }

  @Test
  void mismatchedArraysAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> INFERENCE.infer(new long[2], new int[1]));
    assertThrows(IllegalArgumentException.class, () -> INFERENCE.infer(new long[] {1}, new int[] {-1}));
  }
}
