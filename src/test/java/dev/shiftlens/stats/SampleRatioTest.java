package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Chi-square sample-ratio checks; the p-values are scipy's {@code chi2.sf(x, 1)}. */
class SampleRatioTest {
  @Test
  void fourHundredEightyHoldoutsOfAThousandAtHalfAreNoMismatch() {
    SampleRatio.Check c = SampleRatio.test(480, 1000, 0.5);
    assertEquals(0.48, c.observedShare(), 1e-12);
    assertEquals(0.20590321073, c.pValue(), 1e-9);
    assertFalse(c.mismatch());
  }

  @Test
  void sixtyHoldoutsOfAThousandAgainstTenPercentAreAMismatch() {
    SampleRatio.Check c = SampleRatio.test(60, 1000, 0.1);
    assertEquals(2.48266063388e-5, c.pValue(), 1e-12);
    assertTrue(c.mismatch());
  }

  @Test
  void aHoldoutOfAMessageConfiguredWithoutHoldoutsIsAMismatch() {
    assertTrue(SampleRatio.test(1, 500, 0).mismatch());
    assertFalse(SampleRatio.test(0, 500, 0).mismatch());
    assertEquals(1, SampleRatio.test(0, 0, 0.1).pValue());
  }
}
