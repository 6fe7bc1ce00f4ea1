package dev.shiftlens.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The baseline period of a send: whole hours before it, from first seen, minus earlier response windows. */
class BaselineTest {
  private static final long HOUR_MS = 3_600_000L;
  private static final long DAY_MS = 24 * HOUR_MS;
  private static final long MINUTE_MS = 60_000L;
  private static final HourOfWeekProfile FLAT = HourOfWeekProfile.flat();
  /** The send goes out at 10:25; its hour starts at 10:00. */
  private static final long SENT = Instant.parse("2024-02-01T10:25:00Z").toEpochMilli();
  private static final long HOUR_OF_SEND = Instant.parse("2024-02-01T10:00:00Z").toEpochMilli();

  /** Seen since long before the send, one "open" a day at the hour of the send, and nothing else. */
  private static ContactHistory daily(String zone) {
    ContactHistory.Builder b = ContactHistory.builder("c1");
    for (int d = 1; d <= 60; d++) b.add("open", HOUR_OF_SEND - d * DAY_MS, 1);
    return b.build(zone);
  }

  @Test
  void theBaselineIsTheWholeHoursOfTheDaysBeforeTheHourOfTheSend() {
    Baseline b = Baseline.of(daily(null), SENT, List.of(), FLAT, 28);
    assertEquals(HOUR_OF_SEND, b.toMillis());
    assertEquals(HOUR_OF_SEND - 28 * DAY_MS, b.fromMillis());
    assertEquals(28, b.days(), 1e-12);
    assertEquals(28 * 24, b.exposure(), 1e-9);
    // Days 1 to 28 before: the one 28 days before starts exactly at the start of the period.
    assertEquals(Map.of("open", 28L), b.counts());
    assertEquals(28, b.count("open"));
    assertEquals(0, b.count("click"));
    assertEquals(28, b.total());
  }

  @Test
  void eventsInTheHourOfTheSendBeforeItGoesOutAreNotInTheBaseline() {
    ContactHistory h = ContactHistory.builder("c1")
        .firstSeen(HOUR_OF_SEND - 40 * DAY_MS)
        .add("open", HOUR_OF_SEND, 5) // 10:00-10:59, partly before the send
        .add("open", HOUR_OF_SEND - HOUR_MS, 2) // 09:00-09:59
        .add("open", HOUR_OF_SEND - 28 * DAY_MS - HOUR_MS, 7) // just before the period
        .build(null);
    Baseline b = Baseline.of(h, SENT, List.of(), FLAT, 28);
    assertEquals(2, b.count("open"));
  }

  @Test
  void aNewContactsBaselineStartsTwoHoursAfterTheHourOfItsFirstEventWhichNeverCounts() {
    ContactHistory h = ContactHistory.builder("c1")
        .add("open", HOUR_OF_SEND - 10 * DAY_MS + 3 * HOUR_MS + 20 * MINUTE_MS, 4) // the first event's session
        .add("open", HOUR_OF_SEND - 10 * DAY_MS + 4 * HOUR_MS, 2) // its next hour
        .add("open", HOUR_OF_SEND - 2 * DAY_MS, 1)
        .build(null);
    Baseline b = Baseline.of(h, SENT, List.of(), FLAT, 28);
    assertEquals(HOUR_OF_SEND - 10 * DAY_MS + 5 * HOUR_MS, b.fromMillis());
    assertEquals(10 - 5 / 24.0, b.days(), 1e-12);
    assertEquals(10 * 24 - 5, b.exposure(), 1e-9);
    assertEquals(1, b.count("open"));
  }

  /**
   * A contact with one event a week, first seen some days before the send: starting the baseline at
   * its first event counts that event every time and reads the rate too high (1.1 to 2.4 times for
   * contacts first seen 7 to 21 days before). Started after it, the rate is unbiased: averaged over
   * where the first event falls, the baseline's rate equals the true one within 5%.
   */
  @Test
  void theRateOfNewContactsIsUnbiased() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    double truePerHour = 1.0 / (2 * 24);
    double sumCount = 0, sumExposure = 0;
    int kept = 0;
    for (int c = 0; c < 20_000; c++) {
      // Poisson events from a moment 7 to 25 days before the send; the store knows the contact from its
      // first event on, and contacts first seen 7 to 21 days before the send are kept.
      ContactHistory.Builder builder = ContactHistory.builder("c");
      long first = Long.MAX_VALUE;
      long born = HOUR_OF_SEND - 7 * DAY_MS - (long) (rng.nextDouble() * 18) * DAY_MS;
      for (long t = born; t < HOUR_OF_SEND; t += HOUR_MS) {
        if (rng.nextDouble() < truePerHour) {
          builder.add("open", t, 1);
          first = Math.min(first, t);
        }
      }
      if (first == Long.MAX_VALUE || first < HOUR_OF_SEND - 21 * DAY_MS || first > HOUR_OF_SEND - 7 * DAY_MS) continue;
      Baseline b = Baseline.of(builder.build(null), SENT, List.of(), FLAT, 28);
      sumCount += b.count("open");
      sumExposure += b.exposure();
      kept++;
    }
    assertTrue(kept > 10_000, "kept " + kept);
    assertEquals(1, sumCount / sumExposure / truePerHour, 0.03);
  }

  @Test
  void aContactFirstSeenAfterTheHourOfTheSendHasNoBaseline() {
    ContactHistory seenInTheHour = ContactHistory.builder("c1").add("open", SENT + 10 * MINUTE_MS, 1).build(null);
    ContactHistory seenLater = ContactHistory.builder("c1").add("open", SENT + 5 * HOUR_MS, 1).build(null);
    ContactHistory neverSeen = ContactHistory.builder("c1").build(null);
    for (ContactHistory h : List.of(seenInTheHour, seenLater, neverSeen)) {
      Baseline b = Baseline.of(h, SENT, List.of(), FLAT, 28);
      assertEquals(0, b.days(), 0);
      assertEquals(0, b.exposure(), 0);
      assertEquals(Map.of(), b.counts());
      assertEquals(b.fromMillis(), b.toMillis());
    }
  }

  @Test
  void anEarlierSendsWindowIsLeftOutRoundedOutToWholeHours() {
    // Window 10:10 to 12:30 five days before: hours 10, 11 and 12 are left out.
    long day = HOUR_OF_SEND - 5 * DAY_MS;
    ContactHistory.Builder hb = ContactHistory.builder("c1").firstSeen(HOUR_OF_SEND - 40 * DAY_MS);
    for (int hr = 9; hr <= 13; hr++) hb.add("click", day + (hr - 10) * HOUR_MS, 1);
    ContactHistory h = hb.build(null);
    Baseline b = Baseline.of(h, SENT,
        List.of(new Baseline.Span(day + 10 * MINUTE_MS, day + 2 * HOUR_MS + 30 * MINUTE_MS)), FLAT, 28);
    assertEquals(28 - 3 / 24.0, b.days(), 1e-12);
    assertEquals(28 * 24 - 3, b.exposure(), 1e-9);
    assertEquals(2, b.count("click")); // 09:00 and 13:00
    assertEquals(HOUR_OF_SEND - 28 * DAY_MS, b.fromMillis());
    assertEquals(HOUR_OF_SEND, b.toMillis());
  }

  @Test
  void overlappingLeftOutWindowsAreJoinedAndCountedOnce() {
    long day = HOUR_OF_SEND - 5 * DAY_MS;
    List<Baseline.Span> windows = List.of(
        new Baseline.Span(day + HOUR_MS, day + 4 * HOUR_MS),
        new Baseline.Span(day, day + 2 * HOUR_MS),
        new Baseline.Span(day + 4 * HOUR_MS, day + 5 * HOUR_MS + 1)); // touches the first, ends in hour 5
    ContactHistory.Builder hb = ContactHistory.builder("c1").firstSeen(HOUR_OF_SEND - 40 * DAY_MS);
    for (int hr = -1; hr <= 7; hr++) hb.add("open", day + hr * HOUR_MS, 10);
    Baseline b = Baseline.of(hb.build(null), SENT, windows, FLAT, 28);
    // Hours 0 to 5 of that day are out: 6 hours, not the 3 + 2 + 2 of the windows one by one.
    assertEquals(28 - 6 / 24.0, b.days(), 1e-12);
    assertEquals(28 * 24 - 6, b.exposure(), 1e-9);
    assertEquals(30, b.count("open")); // hours -1, 6 and 7

    assertEquals(List.of(new Baseline.Span(day, day + 6 * HOUR_MS)),
        Baseline.merged(windows, HOUR_OF_SEND - 28 * DAY_MS, HOUR_OF_SEND));
  }

  @Test
  void leftOutWindowsAreClippedToTheBaseline() {
    long from = HOUR_OF_SEND - 28 * DAY_MS;
    List<Baseline.Span> windows = List.of(
        new Baseline.Span(from - 3 * HOUR_MS, from + 90 * MINUTE_MS), // starts before the period
        new Baseline.Span(HOUR_OF_SEND - 2 * HOUR_MS + 5 * MINUTE_MS, SENT + 20 * HOUR_MS), // still open at the send
        new Baseline.Span(from - 10 * DAY_MS, from - 9 * DAY_MS)); // wholly before: no effect
    assertEquals(List.of(new Baseline.Span(from, from + 2 * HOUR_MS),
            new Baseline.Span(HOUR_OF_SEND - 2 * HOUR_MS, HOUR_OF_SEND)),
        Baseline.merged(windows, from, HOUR_OF_SEND));
    Baseline b = Baseline.of(daily(null), SENT, windows, FLAT, 28);
    assertEquals(28 - 4 / 24.0, b.days(), 1e-12);
    assertEquals(28 * 24 - 4, b.exposure(), 1e-9);
    // The event 28 days before sits in the first hour of the period, which is left out.
    assertEquals(27, b.count("open"));
  }

  @Test
  void aNameWhoseEveryBaselineEventIsLeftOutIsAbsent() {
    long day = HOUR_OF_SEND - 3 * DAY_MS;
    ContactHistory h = ContactHistory.builder("c1").firstSeen(HOUR_OF_SEND - 40 * DAY_MS)
        .add("purchase", day, 1).add("open", day - DAY_MS, 1).build(null);
    Baseline b = Baseline.of(h, SENT, List.of(new Baseline.Span(day, day + HOUR_MS)), FLAT, 28);
    assertEquals(Map.of("open", 1L), b.counts());
  }

  @Test
  void theExposureOfAPeakedProfileLeavesOutTheWeightOfTheLeftOutHoursInTheContactsZone() {
    double[] w = new double[168];
    for (int h = 0; h < 168; h++) w[h] = h % 24 >= 9 && h % 24 < 21 ? 4 : 1;
    HourOfWeekProfile peaked = HourOfWeekProfile.of(w);
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    ContactHistory h = daily("Asia/Kolkata");
    // 2024-01-27 04:00-06:00 UTC is 09:30-11:30 local on a Saturday: two busy hours.
    long cutFrom = Instant.parse("2024-01-27T04:00:00Z").toEpochMilli();
    long cutTo = cutFrom + 2 * HOUR_MS;
    Baseline b = Baseline.of(h, SENT, List.of(new Baseline.Span(cutFrom, cutTo)), peaked, 28);
    // 28 whole days weigh 28 * 24 whatever the zone; the cut is 0.5 w[5*24+9] + w[5*24+10] + 0.5 w[5*24+11] hours.
    double cut = 0.5 * peaked.weight(129) + peaked.weight(130) + 0.5 * peaked.weight(131);
    assertEquals(2 * 4 / 2.5, cut, 1e-12); // the weights' mean before rescaling is (12 * 4 + 12) / 24 = 2.5
    assertEquals(28 * 24 - cut, b.exposure(), 1e-9);
    assertEquals(peaked.exposure(kolkata, b.fromMillis(), cutFrom) + peaked.exposure(kolkata, cutTo, b.toMillis()),
        b.exposure(), 1e-9);
    assertEquals(28 - 2 / 24.0, b.days(), 1e-12);
  }

  @Test
  void aShorterBaselineSettingCountsFewerDays() {
    Baseline b = Baseline.of(daily(null), SENT, List.of(), FLAT, 7);
    assertEquals(7, b.days(), 1e-12);
    assertEquals(7 * 24, b.exposure(), 1e-9);
    assertEquals(7, b.count("open"));
  }
}
