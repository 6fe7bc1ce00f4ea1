package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.RandomDataGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Sequential sample-ratio checks. The p-values are {@code min(1, 1/BF)} of the Beta(1, 1) mixture,
 * computed independently with Python's {@code math.lgamma}:
 * {@code ln BF = lbeta(1 + h, 1 + n - h) - h ln p - (n - h) ln(1 - p)}.
 */
class SampleRatioTest {
  /** The 0.999 quantile of chi-square with one degree of freedom: the fixed-horizon test's threshold at 0.001. */
  private static final double CHI2_999 = 10.827566170662733;

  @Test
  void fourHundredEightyHoldoutsOfAThousandAtHalfAreNoMismatch() {
    SampleRatio.Check c = SampleRatio.test(480, 1000, 0.5);
    assertEquals(0.48, c.observedShare(), 1e-12);
    assertEquals(1, c.pValue(), 0);
    assertFalse(c.mismatch());
  }

  @Test
  void theSequentialPValueIsTheInverseMixtureBayesFactor() {
    // Sixty of a thousand against ten percent: chi-square alone says 2.5e-5; read at every send, that is
    // not enough evidence yet.
    SampleRatio.Check sixty = SampleRatio.test(60, 1000, 0.1);
    assertEquals(0.0019222088226514135, sixty.pValue(), 1e-12);
    assertFalse(sixty.mismatch());
    SampleRatio.Check forty = SampleRatio.test(40, 1000, 0.1);
    assertEquals(6.581091855066249e-10, forty.pValue(), 1e-18);
    assertTrue(forty.mismatch());
  }

  @Test
  void aHoldoutOfAMessageConfiguredWithoutHoldoutsIsAMismatch() {
    assertTrue(SampleRatio.test(1, 500, 0).mismatch());
    assertFalse(SampleRatio.test(0, 500, 0).mismatch());
    assertEquals(1, SampleRatio.test(0, 0, 0.1).pValue());
  }

  /**
   * 2000 histories of 2000 sends each with a correct 10% holdout split, checked after every send. The
   * sequential check may call a mismatch in fewer than 0.1% of them (its threshold); the chi-square test
   * read as often does so in several percent.
   */
  @Test
  void aCorrectSplitCheckedAfterEverySendIsRarelyCalledAMismatch() {
    int histories = 2000;
    int sends = 2000;
    double share = 0.1;
    RandomDataGenerator rng = new RandomDataGenerator(new Well19937c(20261201L));
    int sequential = 0;
    int chiSquare = 0;
    for (int h = 0; h < histories; h++) {
      long holdouts = 0;
      boolean seqWrong = false;
      boolean chiWrong = false;
      for (int n = 1; n <= sends; n++) {
        if (rng.nextUniform(0, 1) < share) holdouts++;
        seqWrong |= SampleRatio.test(holdouts, n, share).mismatch();
        chiWrong |= chiSquare(holdouts, n, share) > CHI2_999;
      }
      if (seqWrong) sequential++;
      if (chiWrong) chiSquare++;
    }
    double seqRate = (double) sequential / histories;
    double chiRate = (double) chiSquare / histories;
    System.out.printf("correct 10%% split checked after each of %d sends in %d histories: sequential mismatch in %.4f, "
        + "chi-square in %.4f%n", sends, histories, seqRate, chiRate);
    assertTrue(seqRate < 0.001, "the sequential check called a mismatch in " + seqRate + " of histories");
    assertTrue(chiRate >= 0.01, "chi-square read after every send should be wrong far more than 0.001: " + chiRate);
  }

  @Test
  void aRealMismatchIsFound() {
    SampleRatio.Check exact = SampleRatio.test(250, 5000, 0.1);
    assertEquals(6.827844133347589e-35, exact.pValue(), 1e-43);
    assertTrue(exact.mismatch());
    // A history whose holdouts are 5% instead of the configured 10%: found by the end in every one of 200.
    RandomDataGenerator rng = new RandomDataGenerator(new Well19937c(11));
    int found = 0;
    long firstFoundMax = 0;
    for (int h = 0; h < 200; h++) {
      long holdouts = 0;
      long first = -1;
      for (int n = 1; n <= 5000; n++) {
        if (rng.nextUniform(0, 1) < 0.05) holdouts++;
        if (first < 0 && SampleRatio.test(holdouts, n, 0.1).mismatch()) first = n;
      }
      if (first > 0) {
        found++;
        firstFoundMax = Math.max(firstFoundMax, first);
      }
    }
    System.out.printf("holdouts at 5%% against 10%% configured: found in %d of 200 histories of 5000 sends, the latest after %d%n",
        found, firstFoundMax);
    assertEquals(200, found);
  }

  private static double chiSquare(long holdouts, long sends, double p) {
    double n = sends;
    double treated = sends - holdouts;
    return Math.pow(holdouts - n * p, 2) / (n * p) + Math.pow(treated - n * (1 - p), 2) / (n * (1 - p));
  }
}
