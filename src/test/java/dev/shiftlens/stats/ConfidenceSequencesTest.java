package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** STATS.md section 3: vectors from confseq's own tests and the mixture Bayes factors. */
class ConfidenceSequencesTest {
  @Test
  void normalMixtureRhoMatchesConfseqForVOptOneHundred() {
    assertEquals(12.60056, ConfidenceSequences.normalMixtureRho(100, 0.05), 5e-6);
  }

  @Test
  void normalMixtureBoundMatchesConfseqAtVOneHundred() {
    double rho = ConfidenceSequences.normalMixtureRho(100, 0.05);
    assertEquals(30.35209, ConfidenceSequences.normalMixtureBound(100, rho, 0.05), 5e-6);
  }

  @Test
  void normalMixtureBoundGrowsWithVariance() {
    double rho = ConfidenceSequences.normalMixtureRho(100, 0.05);
    double previous = 0;
    for (double v = 0; v <= 1e6; v = v * 2 + 1) {
      double bound = ConfidenceSequences.normalMixtureBound(v, rho, 0.05);
      assertTrue(bound > previous);
      previous = bound;
    }
  }

  @Test
  void betaBinomialBayesFactorMatchesTheReferenceForSixtyAgainstThirty() {
    assertEquals(20.2096, ConfidenceSequences.betaBinomialBayesFactor(1, 1, 30, 60, 0.5), 5e-5);
    assertEquals(Math.log(20.2096), ConfidenceSequences.betaBinomialLogBayesFactor(1, 1, 30, 60, 0.5), 5e-6);
  }

  @Test
  void betaBinomialBayesFactorStaysFiniteInLogsForLargeCounts() {
    double log = ConfidenceSequences.betaBinomialLogBayesFactor(1, 1, 3_000_000, 3_200_000, 0.5);
    assertTrue(Double.isFinite(log) && log > 1000, "log BF " + log);
    assertEquals(Double.POSITIVE_INFINITY, ConfidenceSequences.betaBinomialBayesFactor(1, 1, 3_000_000, 3_200_000, 0.5));
    // Counts in exactly the expected proportion: evidence for "no effect" (BF < 1).
    assertTrue(ConfidenceSequences.betaBinomialBayesFactor(1, 1, 500_000, 500_000, 0.5) < 1);
  }

  @Test
  void gammaPoissonBayesFactorMatchesTheReferenceForTwentyEventsInTen() {
    assertEquals(7.2414, ConfidenceSequences.gammaPoissonBayesFactor(1, 1, 1, 20, 10), 5e-5);
  }

  @Test
  void gammaPoissonBayesFactorIsOneBeforeAnyData() {
    assertEquals(1.0, ConfidenceSequences.gammaPoissonBayesFactor(2, 3, 0.7, 0, 0), 1e-12);
  }

  @Test
  void badParametersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> ConfidenceSequences.normalMixtureRho(100, 0));
    assertThrows(IllegalArgumentException.class, () -> ConfidenceSequences.normalMixtureBound(-1, 1, 0.05));
    assertThrows(IllegalArgumentException.class, () -> ConfidenceSequences.betaBinomialBayesFactor(1, 1, 3, 4, 1));
    assertThrows(IllegalArgumentException.class, () -> ConfidenceSequences.gammaPoissonBayesFactor(1, 1, 0, 3, 4));
  }
}
