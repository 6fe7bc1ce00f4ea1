package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** STATS.md section 1: the window-against-baseline test, through the record callers use. */
class RateComparisonTest {
  @Test
  void fiveInSevenAgainstThreeInTwentyEightMatchesScipy() {
    RateComparison c = new RateComparison(5, 7, 3, 28);
    assertEquals(0.2, c.p0(), 1e-15);
    assertEquals(0.75, c.expected(), 1e-15);
    assertEquals(0.0104064, c.pValue(), 5e-8);
    assertEquals(BinomialTests.twoSided(5, 8, 0.2), c.pValue(), 0);
  }

  @Test
  void nineInSevenAgainstFourInTwentyEightMatchesScipy() {
    RateComparison c = new RateComparison(9, 7, 4, 28);
    assertEquals(0.2, c.p0(), 1e-15);
    assertEquals(1.66007e-4, c.pValue(), 5e-10);
    assertEquals(BinomialTests.twoSided(9, 13, 0.2), c.pValue(), 0);
  }

  @Test
  void zeroInSevenAgainstTenInTwentyEightMatchesScipy() {
    RateComparison c = new RateComparison(0, 7, 10, 28);
    assertEquals(0.228248, c.pValue(), 5e-7);
    assertEquals(BinomialTests.twoSided(0, 10, 0.2), c.pValue(), 0);
    assertEquals(0.0, c.rateRatio(), 0);
  }

  @Test
  void guEtAlExampleOneGivesTheirOneSidedAndMidPValues() {
    RateComparison c = new RateComparison(60, 51477.5, 30, 54308.7);
    assertEquals(0.000428, c.pValueUpper(), 5e-7);
    assertEquals(0.000310, c.pValueUpperMidP(), 5e-7);
  }

  @Test
  void rateRatioIsTheRatioOfRatesPerExposure() {
    assertEquals((5 / 7.0) / (3 / 28.0), new RateComparison(5, 7, 3, 28).rateRatio(), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, new RateComparison(2, 7, 0, 28).rateRatio(), 0);
    assertTrue(Double.isNaN(new RateComparison(0, 7, 0, 28).rateRatio()));
  }

  @Test
  void rateRatioIntervalMapsTheClopperPearsonIntervalOfTheShareInTheWindow() {
    // 5 of 8 events in the window: pi in [0.2448632, 0.9147666] (scipy). With E_b / E_w = 28 / 7 = 4,
    // r = 4 pi / (1 - pi): 4 * 0.2448632 / 0.7551368 = 1.297054 and 4 * 0.9147666 / 0.0852334 = 42.92995.
    RateComparison c = new RateComparison(5, 7, 3, 28);
    Interval r = c.rateRatioInterval(0.95);
    assertEquals(1.297054, r.low(), 5e-6);
    assertEquals(42.92995, r.high(), 5e-5);
    assertTrue(r.contains(c.rateRatio()), r + " should contain " + c.rateRatio());
  }

  @Test
  void rateRatioIntervalContainsThePointEstimateAcrossCounts() {
    for (int k = 1; k <= 40; k += 3) {
      for (int n = 1; n <= 40; n += 4) {
        RateComparison c = new RateComparison(k, 6.5, n, 150.25);
        Interval r = c.rateRatioInterval(0.95);
        assertTrue(r.contains(c.rateRatio()), k + " vs " + n + ": " + r);
        assertTrue(r.low() > 0 && Double.isFinite(r.high()), k + " vs " + n + ": " + r);
      }
    }
  }

  @Test
  void noBaselineEventsLeaveTheRatioUnboundedAbove() {
    Interval r = new RateComparison(4, 7, 0, 28).rateRatioInterval(0.95);
    assertTrue(r.low() > 0);
    assertEquals(Double.POSITIVE_INFINITY, r.high(), 0);
  }

  @Test
  void noEventsAtAllIsAnInsufficientResultNotAnError() {
    RateComparison c = new RateComparison(0, 7, 0, 28);
    assertTrue(c.insufficient());
    assertEquals(1.0, c.pValue(), 0);
    assertEquals(1.0, c.pValueMidP(), 0);
    assertEquals(1.0, c.pValueUpper(), 0);
    assertEquals(new Interval(0, Double.POSITIVE_INFINITY), c.rateRatioInterval(0.95));
  }

  @Test
  void aBusyWindowIsNotReadAsARiseOnceExposureIsCounted() {
    // 6 events in a window whose exposure is 1.25 times its clock length, at the baseline rate:
    // the expected count is 6 and nothing is significant.
    RateComparison c = new RateComparison(6, 7.5, 112, 140);
    assertEquals(6.0, c.expected(), 1e-12);
    assertEquals(1.0, c.rateRatio(), 1e-12);
    assertTrue(c.pValue() > 0.5);
  }

  @Test
  void negativeCountsAndNonPositiveExposuresAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new RateComparison(-1, 7, 3, 28));
    assertThrows(IllegalArgumentException.class, () -> new RateComparison(1, 0, 3, 28));
    assertThrows(IllegalArgumentException.class, () -> new RateComparison(1, 7, 3, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new RateComparison(1, 7, 3, Double.POSITIVE_INFINITY));
  }
}
