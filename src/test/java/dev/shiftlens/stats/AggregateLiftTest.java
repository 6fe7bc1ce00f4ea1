package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lift of a group of sends with its always-valid interval; reference values recomputed in Python. */
class AggregateLiftTest {
  private static final AggregateLift.Sums FOUR_HUNDRED = new AggregateLift.Sums(400, 520, 400, 1500, 560, 480);

  @Test
  void theTuningIsTheNormalMixtureOfAThousandSends() {
    assertEquals(9.7579958136, AggregateLift.boundarySquared(400, 0.05), 1e-9);
  }

  @Test
  void fourHundredSendsGiveTheClosedFormIntervalAndPValue() {
    AggregateLift.Estimate e = AggregateLift.of(FOUR_HUNDRED, 0.05);
    assertEquals(1.3, e.lift(), 1e-12);
    assertEquals(1.0221811992, e.interval().low(), 1e-9);
    assertEquals(1.6109912776, e.interval().high(), 1e-9);
    assertEquals(0.0264916589, e.pValue(), 1e-9);
  }

  @Test
  void theIntervalEndsAreWhereTheBoundaryIsReached() {
    Interval ci = AggregateLift.interval(FOUR_HUNDRED, 0.05);
    for (double lambda : new double[] {ci.low(), ci.high()}) {
      assertEquals(0.05, AggregateLift.pValue(FOUR_HUNDRED, lambda), 1e-9, "at " + lambda);
    }
    assertTrue(AggregateLift.pValue(FOUR_HUNDRED, ci.low() * 0.99) < 0.05);
    assertTrue(AggregateLift.pValue(FOUR_HUNDRED, ci.high() * 1.01) < 0.05);
  }

  @Test
  void aFewSendsCannotRejectAnything() {
    AggregateLift.Sums three = AggregateLift.Sums.EMPTY.plus(9, 1).plus(8, 1).plus(10, 1);
    AggregateLift.Estimate e = AggregateLift.of(three, 0.05);
    assertEquals(9, e.lift(), 1e-12);
    assertTrue(e.pValue() > 0.5, "p " + e.pValue());
    assertEquals(Double.POSITIVE_INFINITY, e.interval().high());
    assertTrue(e.interval().contains(1));
  }

  @Test
  void nothingExpectedIsNoLift() {
    AggregateLift.Estimate e = AggregateLift.of(AggregateLift.Sums.EMPTY, 0.05);
    assertFalse(e.defined());
    assertNull(e.interval());
    assertFalse(AggregateLift.ratio(FOUR_HUNDRED, AggregateLift.Sums.EMPTY, 0.05).defined());
  }

  @Test
  void theRatioIntervalHoldsBothHalfLevelIntervalsAndItsPValueIsWhereTheyPart() {
    AggregateLift.Sums holdout = new AggregateLift.Sums(400, 320, 400, 800, 350, 480);
    AggregateLift.Estimate r = AggregateLift.ratio(FOUR_HUNDRED, holdout, 0.05);
    assertEquals(1.3 / 0.8, r.lift(), 1e-12);
    Interval t = AggregateLift.interval(FOUR_HUNDRED, 0.025);
    Interval h = AggregateLift.interval(holdout, 0.025);
    assertEquals(t.low() / h.high(), r.interval().low(), 1e-12);
    assertEquals(t.high() / h.low(), r.interval().high(), 1e-12);
    assertTrue(r.pValue() > 0 && r.pValue() < 1);
    Interval tp = AggregateLift.interval(FOUR_HUNDRED, r.pValue() / 2);
    Interval hp = AggregateLift.interval(holdout, r.pValue() / 2);
    assertEquals(hp.high(), tp.low(), 1e-6, "at the p-value the two intervals just touch");
    assertEquals(r.pValue() < 0.05, !r.interval().contains(1));
  }
}
