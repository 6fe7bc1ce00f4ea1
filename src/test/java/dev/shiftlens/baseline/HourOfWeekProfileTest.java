package dev.shiftlens.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** STATS.md section 1: the hour-of-week exposure, in the contact's local time. */
class HourOfWeekProfileTest {
  private static final long HOUR_MS = 3_600_000L;
  private static final ZoneId UTC = ZoneId.of("UTC");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata"); // +05:30, no DST
  private static final ZoneId SAO_PAULO = ZoneId.of("America/Sao_Paulo"); // -03:00, no DST since 2019
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** Weight h + 1 before rescaling: every hour different, so a wrong hour shows. */
  private static final HourOfWeekProfile RAMP = HourOfWeekProfile.of(ramp());
  /** A profile with a daytime peak and a busier weekend. */
  private static final HourOfWeekProfile PEAKED = HourOfWeekProfile.of(peaked());

  private static double[] ramp() {
    double[] w = new double[168];
    for (int h = 0; h < 168; h++) w[h] = h + 1;
    return w;
  }

  private static double[] peaked() {
    double[] w = new double[168];
    for (int h = 0; h < 168; h++) {
      int hourOfDay = h % 24;
      w[h] = (hourOfDay >= 9 && hourOfDay < 21 ? 5 : 1) + (h >= 120 ? 2 : 0);
    }
    return w;
  }

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  @Test
  void mondayMidnightLocalIsHourZeroAndSundayElevenPmIsHour167() {
    // 2024-01-01 was a Monday.
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2024-01-01T00:00:00Z"), UTC));
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2024-01-01T00:59:59.999Z"), UTC));
    assertEquals(1, HourOfWeekProfile.hourOfWeek(at("2024-01-01T01:00:00Z"), UTC));
    assertEquals(167, HourOfWeekProfile.hourOfWeek(at("2024-01-07T23:00:00Z"), UTC));
    assertEquals(167, HourOfWeekProfile.hourOfWeek(at("2024-01-07T23:45:00Z"), UTC));
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2024-01-08T00:00:00Z"), UTC));
  }

  @Test
  void theEpochWasThursdayMidnightAndInstantsBeforeItWrapAround() {
    assertEquals(3 * 24, HourOfWeekProfile.hourOfWeek(0, UTC));
    assertEquals(3 * 24 - 1, HourOfWeekProfile.hourOfWeek(-1, UTC));
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("1969-12-29T00:00:00Z"), UTC));
  }

  @Test
  void aZoneAtPlusFiveThirtyStartsItsWeekAtSixThirtyPmUtcOnSunday() {
    // Monday 00:00 in Kolkata is Sunday 18:30 UTC.
    assertEquals(167, HourOfWeekProfile.hourOfWeek(at("2023-12-31T18:29:59Z"), KOLKATA));
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2023-12-31T18:30:00Z"), KOLKATA));
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2023-12-31T19:29:59Z"), KOLKATA));
    assertEquals(1, HourOfWeekProfile.hourOfWeek(at("2023-12-31T19:30:00Z"), KOLKATA));
    // Monday 00:00 UTC is Monday 05:30 there.
    assertEquals(5, HourOfWeekProfile.hourOfWeek(at("2024-01-01T00:00:00Z"), KOLKATA));
  }

  @Test
  void aZoneAtMinusThreeStartsItsWeekAtThreeUtcOnMonday() {
    for (ZoneId zone : new ZoneId[] {SAO_PAULO, ZoneOffset.ofHours(-3)}) {
      assertEquals(167, HourOfWeekProfile.hourOfWeek(at("2024-01-01T02:59:59Z"), zone), zone.getId());
      assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2024-01-01T03:00:00Z"), zone), zone.getId());
      assertEquals(21, HourOfWeekProfile.hourOfWeek(at("2024-01-02T00:00:00Z"), zone), zone.getId());
    }
  }

  @Test
  void berlinHoursOfTheWeekFollowItsOffsetOnBothSidesOfEachTransition() {
    // Spring forward on Sunday 2026-03-29 at 01:00 UTC: 01:59 CET is followed by 03:00 CEST.
    assertEquals(6 * 24 + 1, HourOfWeekProfile.hourOfWeek(at("2026-03-29T00:59:59Z"), BERLIN));
    assertEquals(6 * 24 + 3, HourOfWeekProfile.hourOfWeek(at("2026-03-29T01:00:00Z"), BERLIN));
    // A summer Monday: 00:00 local is 22:00 UTC the day before.
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2026-06-14T22:00:00Z"), BERLIN));
    // Fall back on Sunday 2026-10-25 at 01:00 UTC: local 02:xx happens twice, both hour 146.
    assertEquals(6 * 24 + 2, HourOfWeekProfile.hourOfWeek(at("2026-10-25T00:30:00Z"), BERLIN));
    assertEquals(6 * 24 + 2, HourOfWeekProfile.hourOfWeek(at("2026-10-25T01:30:00Z"), BERLIN));
    assertEquals(6 * 24 + 3, HourOfWeekProfile.hourOfWeek(at("2026-10-25T02:00:00Z"), BERLIN));
    // A winter Monday: 00:00 local is 23:00 UTC the day before.
    assertEquals(0, HourOfWeekProfile.hourOfWeek(at("2026-11-01T23:00:00Z"), BERLIN));
  }

  @Test
  void aWholeWeekHasExposure168ForAnyProfileWithMeanOneInAnyZone() {
    ZoneId[] zones = {UTC, KOLKATA, SAO_PAULO, ZoneId.of("Asia/Kathmandu"), ZoneId.of("Pacific/Chatham"), BERLIN};
    // Starts on and off the hour; January weeks, so no zone here changes its offset inside them.
    long[] starts = {at("2024-01-01T00:00:00Z"), at("2024-01-03T07:17:23.456Z"), at("2024-01-10T18:30:00Z")};
    for (HourOfWeekProfile profile : new HourOfWeekProfile[] {RAMP, PEAKED, HourOfWeekProfile.flat()}) {
      for (ZoneId zone : zones) {
        for (long from : starts) {
          assertEquals(168, profile.exposure(zone, from, from + 168 * HOUR_MS), 1e-9, zone + " from " + from);
        }
      }
    }
    assertEquals(4 * 168, RAMP.exposure(KOLKATA, starts[1], starts[1] + 4 * 168 * HOUR_MS), 1e-9);
  }

  @Test
  void aLongSpanWeighsWhatItsHoursWeighOneByOneAcrossTransitionsAndFromAnyStart() {
    ZoneId[] zones = {UTC, BERLIN, ZoneId.of("America/New_York"), ZoneId.of("Australia/Lord_Howe"), KOLKATA};
    long[] starts = {at("2024-02-20T00:00:00Z"), at("2024-03-09T13:41:07.250Z"), at("2024-10-01T23:59:59.999Z")};
    long[] lengths = {7 * 24 * HOUR_MS, 28 * 24 * HOUR_MS, 45 * 24 * HOUR_MS + 17 * 60_000 + 3};
    for (HourOfWeekProfile profile : new HourOfWeekProfile[] {RAMP, PEAKED}) {
      for (ZoneId zone : zones) {
        for (long from : starts) {
          for (long length : lengths) {
            double byHours = 0;
            for (long t = from; t < from + length; t += HOUR_MS) byHours += profile.exposure(zone, t, Math.min(t + HOUR_MS, from + length));
            assertEquals(byHours, profile.exposure(zone, from, from + length), 1e-9, zone + " from " + from + " for " + length);
          }
        }
      }
    }
  }

  @Test
  void aPartOfAnHourWeighsItsShareOfThatHoursWeight() {
    // UTC 00:15-00:45 on Monday is half of hour 0, 00:00-00:06 a tenth of it.
    long monday = at("2024-01-01T00:00:00Z");
    assertEquals(0.5 * RAMP.weight(0), RAMP.exposure(UTC, monday + 15 * 60_000, monday + 45 * 60_000), 1e-12);
    assertEquals(0.1 * RAMP.weight(0), RAMP.exposure(UTC, monday, monday + 6 * 60_000), 1e-12);
    // In Kolkata UTC 00:40-01:10 is local 06:10-06:40: half of hour 6.
    assertEquals(0.5 * RAMP.weight(6),
        RAMP.exposure(KOLKATA, at("2024-01-01T00:40:00Z"), at("2024-01-01T01:10:00Z")), 1e-12);
    // UTC 00:15-00:45 is local 05:45-06:15: a quarter of hour 5 and a quarter of hour 6.
    assertEquals(0.25 * RAMP.weight(5) + 0.25 * RAMP.weight(6),
        RAMP.exposure(KOLKATA, at("2024-01-01T00:15:00Z"), at("2024-01-01T00:45:00Z")), 1e-12);
    // Across the end of the week: Sunday 23:30 to Monday 00:30 UTC.
    assertEquals(0.5 * RAMP.weight(167) + 0.5 * RAMP.weight(0),
        RAMP.exposure(UTC, at("2024-01-07T23:30:00Z"), at("2024-01-08T00:30:00Z")), 1e-12);
  }

  @Test
  void anEmptyOrBackwardSpanHasNoExposure() {
    long t = at("2024-01-01T05:00:00Z");
    assertEquals(0, RAMP.exposure(UTC, t, t), 0);
    assertEquals(0, RAMP.exposure(UTC, t, t - HOUR_MS), 0);
  }

  @Test
  void theFlatProfilesExposureIsClockHoursEvenAcrossATransition() {
    HourOfWeekProfile flat = HourOfWeekProfile.flat();
    assertEquals(10.5, flat.exposure(KOLKATA, at("2024-01-01T00:00:00Z"), at("2024-01-01T10:30:00Z")), 1e-12);
    assertEquals(24, flat.exposure(BERLIN, at("2026-03-28T23:00:00Z"), at("2026-03-29T23:00:00Z")), 1e-12);
    assertEquals(25, flat.exposure(BERLIN, at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")), 1e-12);
    assertEquals(17.25, flat.exposure(BERLIN, at("2026-03-29T00:10:00Z"), at("2026-03-29T17:25:00Z")), 1e-12);
  }

  @Test
  void twentyFourUtcHoursAcrossBerlinsSpringForwardWeighTheLocalHoursTheyCover() {
    // Sunday 00:00 CET to Monday 01:00 CEST: local 00, 01, then 03 to 23 (02 never happens), then Monday 00.
    double expected = RAMP.weight(144) + RAMP.weight(145) + RAMP.weight(0);
    for (int h = 147; h <= 167; h++) expected += RAMP.weight(h);
    assertEquals(expected, RAMP.exposure(BERLIN, at("2026-03-28T23:00:00Z"), at("2026-03-29T23:00:00Z")), 1e-12);
    // Not the sum over 24 consecutive local hours from Sunday 00:00.
    double consecutive = 0;
    for (int h = 144; h < 168; h++) consecutive += RAMP.weight(h);
    assertTrue(Math.abs(expected - consecutive) > 0.1);
  }

  @Test
  void twentyFiveUtcHoursAcrossBerlinsFallBackWeighLocalTwoOClockTwice() {
    // Sunday 00:00 CEST to Monday 00:00 CET: local 00, 01, 02, 02 again, 03 to 23.
    double expected = RAMP.weight(144) + RAMP.weight(145) + 2 * RAMP.weight(146);
    for (int h = 147; h <= 167; h++) expected += RAMP.weight(h);
    assertEquals(expected, RAMP.exposure(BERLIN, at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")), 1e-12);
  }

  @Test
  void fromCountsSmoothsEveryWeightAboveZeroAndKeepsTheMeanAtOne() {
    double[] counts = new double[168];
    counts[0] = 168; // mean 1, so a = 0.5
    HourOfWeekProfile p = HourOfWeekProfile.fromCounts(counts);
    assertEquals(168.5 / 1.5, p.weight(0), 1e-12);
    assertEquals(0.5 / 1.5, p.weight(1), 1e-12);
    assertMeanOneAndPositive(p);

    double[] many = new double[168];
    for (int h = 0; h < 168; h++) many[h] = h % 24 < 6 ? 0 : 2400; // mean 1800, a = 18
    HourOfWeekProfile q = HourOfWeekProfile.fromCounts(many);
    assertEquals(18 / 1818.0, q.weight(3), 1e-12);
    assertEquals(2418 / 1818.0, q.weight(12), 1e-12);
    assertMeanOneAndPositive(q);

    assertMeanOneAndPositive(HourOfWeekProfile.fromCounts(new double[168]));
    assertEquals(1, HourOfWeekProfile.fromCounts(new double[168]).weight(100), 1e-12);
  }

  @Test
  void ofRescalesTheWeightsToMeanOne() {
    assertEquals(1 / 84.5, RAMP.weight(0), 1e-15);
    assertEquals(168 / 84.5, RAMP.weight(167), 1e-15);
    assertMeanOneAndPositive(RAMP);
    double[] twos = new double[168];
    Arrays.fill(twos, 2);
    assertEquals(1, HourOfWeekProfile.of(twos).weight(77), 1e-15);
    // The profile keeps its own copy.
    double[] w = ramp();
    HourOfWeekProfile p = HourOfWeekProfile.of(w);
    w[0] = 1000;
    p.weights()[1] = 1000;
    assertEquals(1 / 84.5, p.weight(0), 1e-15);
    assertEquals(2 / 84.5, p.weight(1), 1e-15);
  }

  @Test
  void ofAndFromCountsRejectAnythingButOneHundredSixtyEightHoursAndOfAZeroSum() {
    assertThrows(IllegalArgumentException.class, () -> HourOfWeekProfile.of(new double[24]));
    assertThrows(IllegalArgumentException.class, () -> HourOfWeekProfile.fromCounts(new double[169]));
    assertThrows(IllegalArgumentException.class, () -> HourOfWeekProfile.of(new double[168]));
  }

  private static void assertMeanOneAndPositive(HourOfWeekProfile p) {
    double sum = 0;
    for (int h = 0; h < 168; h++) {
      assertTrue(p.weight(h) > 0, "weight of hour " + h + " is " + p.weight(h));
      sum += p.weight(h);
    }
    assertEquals(168, sum, 1e-9);
  }
}
