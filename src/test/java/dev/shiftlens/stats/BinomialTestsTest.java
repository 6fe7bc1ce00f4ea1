package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/** Binomial p-values and intervals against scipy 1.17 ({@code binomtest}, {@code binom}, {@code beta.ppf}). */
class BinomialTestsTest {
  @Test
  void twoSidedPValueMatchesScipyForFiveOfEight() {
    assertEquals(0.0104064, BinomialTests.twoSided(5, 8, 0.2), 5e-8);
  }

  @Test
  void twoSidedPValueMatchesScipyForNineOfThirteen() {
    assertEquals(1.66007e-4, BinomialTests.twoSided(9, 13, 0.2), 5e-10);
  }

  @Test
  void twoSidedPValueMatchesScipyForZeroOfTen() {
    assertEquals(0.228248, BinomialTests.twoSided(0, 10, 0.2), 5e-7);
  }

  @Test
  void zeroOfThreeAtOneHalfIsOneQuarter() {
    assertEquals(0.25, BinomialTests.twoSided(0, 3, 0.5), 1e-12);
  }

  @Test
  void fiveOfTenAtOneHalfIsOne() {
    assertEquals(1.0, BinomialTests.twoSided(5, 10, 0.5), 1e-12);
  }

  @Test
  void largeCountsMatchScipyIncludingVerySmallPValues() {
    // scipy.stats.binomtest(k, n, p).pvalue
    assertEquals(0.2051721057181839, BinomialTests.twoSided(1234, 3000, 0.4), 1e-9);
    assertEquals(1.5006391236618943e-10, BinomialTests.twoSided(200, 3000, 0.1), 1e-16);
    assertEquals(8.702517989875608e-116, BinomialTests.twoSided(1500, 3000, 0.3), 1e-121);
    assertEquals(0.020388845062199186, BinomialTests.twoSided(37, 2500, 0.01), 1e-10);
    assertEquals(0.0048073706302362235, BinomialTests.twoSided(2400, 2500, 0.97), 1e-11);
  }

  @Test
  void pValuesNeverExceedOneAndAreSymmetricAtOneHalf() {
    // Commons Math's BinomialTest can return p > 1 here (MATH-1381); this sum must not.
    double[] ps = {0.01, 0.1, 0.2, 1.0 / 3, 0.5, 0.7, 0.99};
    for (int n = 0; n <= 60; n++) {
      for (int k = 0; k <= n; k++) {
        for (double p : ps) {
          double v = BinomialTests.twoSided(k, n, p);
          double mid = BinomialTests.twoSidedMidP(k, n, p);
          String at = k + " of " + n + " at " + p;
          assertTrue(v >= 0 && v <= 1, at + ": " + v);
          assertTrue(mid >= 0 && mid <= v, at + ": mid-p " + mid + " vs " + v);
        }
        assertEquals(BinomialTests.twoSided(k, n, 0.5), BinomialTests.twoSided(n - k, n, 0.5), 1e-12, k + " of " + n);
      }
    }
  }

  @Test
  void twoSidedPValueEqualsABruteForceSumOverTheWholeSupport() {
    double[] ps = {0.03, 0.2, 0.5, 0.77};
    for (int n : new int[] {1, 7, 40, 333}) {
      for (double p : ps) {
        BinomialDistribution d = new BinomialDistribution(null, n, p);
        for (int k = 0; k <= n; k += Math.max(1, n / 17)) {
          double pk = d.probability(k);
          double sum = 0;
          for (int x = 0; x <= n; x++) {
            double px = d.probability(x);
            if (px <= pk * (1 + 1e-7)) {
              sum += px;
            }
          }
          assertEquals(Math.min(1, sum), BinomialTests.twoSided(k, n, p), 1e-12 + 1e-9 * sum, k + " of " + n + " at " + p);
        }
      }
    }
  }

  @Test
  void midPCountsTheObservedOutcomeHalf() {
    // P(X = 5) for Binomial(8, 0.2) is 56 * 0.2^5 * 0.8^3 = 0.00917504; 0.0104064 - 0.00917504 / 2.
    assertEquals(0.00581888, BinomialTests.twoSidedMidP(5, 8, 0.2), 1e-12);
    // P(X = 5) for Binomial(10, 0.5) is 252 / 1024.
    assertEquals(1 - 126.0 / 1024, BinomialTests.twoSidedMidP(5, 10, 0.5), 1e-12);
  }

  @Test
  void midPCountsOutcomesAsLikelyAsTheObservedOneHalfOnBothSides() {
    // Binomial(10, 0.5): P(2) = P(8) = 45/1024; two-sided = 2 P(X <= 2) = 2 * 56/1024.
    assertEquals(112.0 / 1024, BinomialTests.twoSided(2, 10, 0.5), 1e-12);
    assertEquals((112.0 - 45) / 1024, BinomialTests.twoSidedMidP(2, 10, 0.5), 1e-12);
    // Binomial(9, 0.5) has two modes, P(4) = P(5) = 126/512.
    assertEquals(1.0, BinomialTests.twoSided(4, 9, 0.5), 1e-12);
    assertEquals(1 - 126.0 / 512, BinomialTests.twoSidedMidP(4, 9, 0.5), 1e-12);
  }

  @Test
  void upperTailsMatchScipy() {
    // binom.sf(4, 8, 0.2) and binom.sf(5, 8, 0.2) + binom.pmf(5, 8, 0.2) / 2
    assertEquals(0.0104064, BinomialTests.upperTail(5, 8, 0.2), 1e-12);
    assertEquals(0.00581888, BinomialTests.upperTailMidP(5, 8, 0.2), 1e-12);
    assertEquals(1.0, BinomialTests.upperTail(0, 8, 0.2), 0);
    assertEquals(Math.pow(0.2, 8) / 2, BinomialTests.upperTailMidP(8, 8, 0.2), 1e-18);
  }

  @Test
  void noTrialsGiveAPValueOfOne() {
    assertEquals(1.0, BinomialTests.twoSided(0, 0, 0.3), 0);
    assertEquals(1.0, BinomialTests.twoSidedMidP(0, 0, 0.3), 0);
    assertEquals(1.0, BinomialTests.upperTail(0, 0, 0.3), 0);
  }

  @Test
  void aCertainOutcomeGivesOneAndAnImpossibleOneZero() {
    assertEquals(1.0, BinomialTests.twoSided(0, 5, 0.0), 0);
    assertEquals(0.0, BinomialTests.twoSided(1, 5, 0.0), 0);
    assertEquals(1.0, BinomialTests.twoSided(5, 5, 1.0), 0);
    assertEquals(0.0, BinomialTests.twoSided(4, 5, 1.0), 0);
    assertEquals(0.0, BinomialTests.upperTail(1, 5, 0.0), 0);
    assertEquals(1.0, BinomialTests.upperTail(5, 5, 1.0), 0);
    assertEquals(0.5, BinomialTests.upperTailMidP(5, 5, 1.0), 0);
  }

  @Test
  void clopperPearsonMatchesScipyForFiveOfEight() {
    // scipy binomtest(5, 8).proportion_ci(method='exact') = (0.2448632163665, 0.9147665858624)
    Interval ci = BinomialTests.clopperPearson(5, 8, 0.95);
    assertEquals(0.2448632, ci.low(), 5e-8);
    assertEquals(0.9147666, ci.high(), 5e-8);
  }

  @Test
  void clopperPearsonPinsTheEndsAtZeroAndOne() {
    // beta.ppf(0.975, 1, 10) and beta.ppf(0.025, 10, 1)
    Interval none = BinomialTests.clopperPearson(0, 10, 0.95);
    assertEquals(0.0, none.low(), 0);
    assertEquals(0.3084971078187607, none.high(), 1e-10);
    Interval all = BinomialTests.clopperPearson(10, 10, 0.95);
    assertEquals(0.6915028921812392, all.low(), 1e-10);
    assertEquals(1.0, all.high(), 0);
    assertEquals(new Interval(0, 1), BinomialTests.clopperPearson(0, 0, 0.95));
  }

  @Test
  void clopperPearsonAcceptsANonIntegerNumberOfTrials() {
    // 3 of 7.5: beta.ppf(0.025, 3, 5.5) and beta.ppf(0.975, 4, 4.5)
    Interval ci = BinomialTests.clopperPearson(3, 7.5, 0.95);
    assertEquals(0.09159274570766344, ci.low(), 1e-10);
    assertEquals(0.7847695551239013, ci.high(), 1e-10);
  }

  @Test
  void impossibleArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> BinomialTests.twoSided(6, 5, 0.5));
    assertThrows(IllegalArgumentException.class, () -> BinomialTests.twoSided(-1, 5, 0.5));
    assertThrows(IllegalArgumentException.class, () -> BinomialTests.twoSided(1, 5, 1.5));
    assertThrows(IllegalArgumentException.class, () -> BinomialTests.twoSided(1, 5, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> BinomialTests.clopperPearson(1, 5, 1.0));
  }
}
