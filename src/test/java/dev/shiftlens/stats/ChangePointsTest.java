package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** STATS.md section 5, on the coal-mining disasters series. */
class ChangePointsTest {
  /**
   * British coal-mining disasters per year, 1851 to 1961 (Jarrett 1979), as in the PyMC
   * {@code DisasterModel} example: index 0 is 1851.
   */
  private static final int[] DISASTERS = {
      4, 5, 4, 0, 1, 4, 3, 4, 0, 6, 3, 3, 4, 0, 2, 6,
      3, 3, 5, 4, 5, 3, 1, 4, 4, 1, 5, 5, 3, 4, 2, 5,
      2, 2, 3, 4, 2, 1, 3, 2, 2, 1, 1, 1, 1, 3, 0, 0,
      1, 0, 1, 1, 0, 0, 3, 1, 0, 3, 2, 2, 0, 1, 1, 1,
      0, 1, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 1, 0, 2,
      3, 3, 1, 1, 2, 1, 1, 1, 1, 2, 4, 2, 0, 0, 1, 4,
      0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1};
  private static final int FIRST_YEAR = 1851;

  @Test
  void theDisasterSeriesHasOneHundredElevenYearsAndOneHundredNinetyOneDisasters() {
    assertEquals(111, DISASTERS.length);
    assertEquals(191, Arrays.stream(DISASTERS).sum());
    assertEquals(127, Arrays.stream(DISASTERS, 0, 41).sum());
  }

  @Test
  void theSingleChangeInCoalMiningDisastersIsIn1892() {
    ChangePoints.SingleChange change = ChangePoints.singleChange(DISASTERS);
    assertEquals(41, change.index());
    assertEquals(1892, FIRST_YEAR + change.index());
    assertEquals(3.0976, change.rateBefore(), 5e-5);
    assertEquals(0.9143, change.rateAfter(), 5e-5);
    assertTrue(change.found());
  }

  @Test
  void aConstantSeriesHasNoChange() {
    ChangePoints.SingleChange change = ChangePoints.singleChange(new int[] {2, 2, 2, 2, 2});
    assertFalse(change.found());
    assertEquals(new ChangePoints.SingleChange(0, 2, 2), change);
  }

  @Test
  void tooShortASeriesIsNoChangeNotAnError() {
    assertEquals(new ChangePoints.SingleChange(0, 0, 0), ChangePoints.singleChange(new int[0]));
    assertEquals(new ChangePoints.SingleChange(0, 3, 3), ChangePoints.singleChange(new int[] {3}));
    assertEquals(0, ChangePoints.mostProbableRunLengths(new int[0], 0.01, 1, 1).length);
  }

  @Test
  void anObviousStepIsFoundAtItsFirstIndex() {
    ChangePoints.SingleChange change = ChangePoints.singleChange(new int[] {0, 0, 0, 0, 9, 9, 9});
    assertEquals(new ChangePoints.SingleChange(4, 0, 9), change);
  }

  @Test
  void onlineDetectionWithRareChangesDatesTheCurrentSegmentFrom1892() {
    // Hazard 1/1000: a change is expected about once a millennium, so only the strong one counts.
    int[] runs = ChangePoints.mostProbableRunLengths(DISASTERS, 1.0 / 1000, 1, 1);
    int last = DISASTERS.length - 1;
    int start = last - runs[last];
    assertTrue(Math.abs(start - 41) <= 3, "segment starts at " + (FIRST_YEAR + start));
  }

  @Test
  void onlineDetectionWithHazardOneInAHundredResetsTheRunLengthNear1892() {
    int[] runs = ChangePoints.mostProbableRunLengths(DISASTERS, 1.0 / 100, 1, 1);
    // Until the change the run only grows: the series is one segment from 1851.
    for (int t = 0; t < 41; t++) {
      assertEquals(t, runs[t], "t = " + t);
    }
    // It takes a few low years to be sure: the first reset comes within ten years of 1892 ...
    int reset = 1;
    while (reset < runs.length && runs[reset] == runs[reset - 1] + 1) {
      reset++;
    }
    assertTrue(reset > 41 && reset <= 51, "first reset at " + (FIRST_YEAR + reset));
    // ... and from then on through 1900-1950 the current segment is dated from within a few years of 1892.
    for (int t = 50; t <= 100; t += 10) {
      assertTrue(Math.abs(t - runs[t] - 41) <= 3, "at " + (FIRST_YEAR + t) + " the segment starts at "
          + (FIRST_YEAR + t - runs[t]));
    }
  }

  @Test
  void onlineDetectionSurvivesCountsFarFromEveryPredictive() {
    int[] counts = {1, 0, 2, 1, 100_000, 100_010, 99_990};
    int[] runs = ChangePoints.mostProbableRunLengths(counts, 0.01, 1, 1);
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2}, runs);
  }

  @Test
  void negativeCountsAndBadHazardsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ChangePoints.singleChange(new int[] {1, -1}));
    assertThrows(IllegalArgumentException.class, () -> ChangePoints.mostProbableRunLengths(new int[] {1}, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> ChangePoints.mostProbableRunLengths(new int[] {1}, 0.1, 0, 1));
  }
}
