package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowCountTestTest {
  private static final double ALPHA = 0.05;

  @Test
  void theVerdictTheIntervalAndTheProbabilityOfIncreaseNeverDisagree() {
    GammaPrior[] priors = {null, new GammaPrior(0.05, 0.01), new GammaPrior(0.003, 1e-5), new GammaPrior(2, 0)};
    double[] phis = {0.8, 1, 1.7, 5};
    int checked = 0;
    for (GammaPrior prior : priors) {
      for (double phi : phis) {
        for (int n : new int[] {0, 1, 3, 28, 300}) {
          for (int k = 0; k <= 40; k++) {
            WindowCountTest.Result r = WindowCountTest.test(k, n, 672, 24, prior, phi, ALPHA);
            String where = "k=" + k + " n=" + n + " phi=" + phi + " prior=" + prior + ": " + r;
            if (r.direction() > 0) {
              assertTrue(r.pValue() < ALPHA && r.interval().low() > 1 && r.probIncrease() > 1 - ALPHA / 2, where);
            } else if (r.direction() < 0) {
              assertTrue(r.pValue() < ALPHA && r.interval().high() < 1 && r.probIncrease() < ALPHA / 2, where);
            } else {
              assertTrue(r.pValue() >= ALPHA && r.interval().low() <= 1 + 1e-9 && r.interval().high() >= 1 - 1e-9, where);
            }
            assertTrue(r.interval().low() <= r.interval().high(), where);
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 3000);
  }

  @Test
  void withoutDispersionTheTailsAreTheNegativeBinomialPredictives() {
    GammaPrior prior = new GammaPrior(0.05, 0.01); // a = 0.25, b = 5
    int k = 4, n = 10;
    WindowCountTest.Result r = WindowCountTest.test(k, n, 672, 24, prior, 1, ALPHA);
    double shape = 0.25 + n;
    double q = (5 + 672.0) / (5 + 672 + 24);
    assertEquals(shape, r.shape(), 1e-12);
    assertEquals(q, r.q(), 1e-12);
    assertEquals(shape / (5 + 672) * 24, r.expected(), 1e-12);
    // P(X > k) + P(X = k)/2 from the pmf: the mid-p upper tail; p = twice the smaller side.
    double below = 0;
    for (int x = 0; x < k; x++) below += nbPmf(x, shape, q);
    double mid = 1 - below - nbPmf(k, shape, q) / 2;
    assertEquals(1 - mid, r.probIncrease(), 1e-9);
    assertEquals(Math.min(1, 2 * Math.min(mid, 1 - mid)), r.pValue(), 1e-9);
  }

  @Test
  void burstsWidenTheIntervalAndRaiseThePValue() {
    WindowCountTest.Result poisson = WindowCountTest.test(9, 84, 672, 24, null, 1, ALPHA);
    WindowCountTest.Result bursty = WindowCountTest.test(9, 84, 672, 24, null, 3, ALPHA);
    assertEquals(poisson.expected(), bursty.expected(), 0.02 * poisson.expected()); // Jeffreys' half event weighs more
    assertTrue(poisson.pValue() < ALPHA, poisson.toString());
    assertTrue(bursty.pValue() > ALPHA, bursty.toString());
    assertTrue(bursty.interval().high() - bursty.interval().low() > poisson.interval().high() - poisson.interval().low());
  }

  /**
   * Counts that come in sessions of 1 + Geometric events (mean 3; variance over mean 5), at rates spread
   * over contacts as in an app (gamma, shape 0.5, a mean of 0.1 events an hour): the test that counts
   * in sessions with their dispersion flags at most alpha of unchanged windows, where the same test
   * taking events for Poisson ones flags several times alpha.
   */
  @Test
  void withClumpsAndDispersionUnchangedWindowsAreFlaggedAtMostAlpha() {
    SplittableRandom rng = new SplittableRandom(11);
    org.apache.commons.math3.distribution.GammaDistribution rates = new org.apache.commons.math3.distribution.GammaDistribution(
        new org.apache.commons.math3.random.Well19937c(3), 0.5, 0.2);
    int tests = 20_000, poissonFlags = 0, clumpedFlags = 0;
    for (int i = 0; i < tests; i++) {
      double rate = rates.sample();
      int n = sessions(rng, rate * 672);
      int k = sessions(rng, rate * 24);
      if (WindowCountTest.test(k, n, 672, 24, null, 1, ALPHA).direction() != 0) poissonFlags++;
      if (WindowCountTest.test(k, n, 672, 24, null, 3, 5, ALPHA).direction() != 0) clumpedFlags++;
    }
    assertTrue(poissonFlags > 2 * ALPHA * tests, "Poisson test: " + poissonFlags);
    assertTrue(clumpedFlags <= ALPHA * tests, "clumped test: " + clumpedFlags);
  }

  @Test
  void aPointPriorMakesThePredictivePoisson() {
    WindowCountTest.Result r = WindowCountTest.test(3, 0, 672, 24, new GammaPrior(0.05, 0), 1, ALPHA);
    assertEquals(1.2, r.expected(), 1e-12);
    assertEquals(3 / 1.2, r.rateRatio(), 1e-12);
    assertTrue(r.interval().low() < 3 / 1.2 && r.interval().high() > 3 / 1.2);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> WindowCountTest.test(-1, 1, 1, 1, null, 1, ALPHA));
    assertThrows(IllegalArgumentException.class, () -> WindowCountTest.test(1, 1, 0, 1, null, 1, ALPHA));
    assertThrows(IllegalArgumentException.class, () -> WindowCountTest.test(1, 1, 1, 1, null, 0, ALPHA));
    assertThrows(IllegalArgumentException.class, () -> WindowCountTest.test(1, 1, 1, 1, null, 1, 1));
  }

  /** Events of sessions started as Poisson(mean / 3), each of 1 + Geometric events (mean 3). */
  private static int sessions(SplittableRandom rng, double mean) {
    int starts = poisson(rng, mean / 3);
    int events = 0;
    for (int s = 0; s < starts; s++) {
      events++;
      while (rng.nextDouble() < 2.0 / 3) events++;
    }
    return events;
  }

  private static int poisson(SplittableRandom rng, double mean) {
    int x = 0;
    double t = -Math.log(1 - rng.nextDouble());
    while (t < mean) {
      x++;
      t += -Math.log(1 - rng.nextDouble());
    }
    return x;
  }

  private static double nbPmf(int x, double r, double q) {
    return Math.exp(org.apache.commons.math3.special.Gamma.logGamma(r + x) - org.apache.commons.math3.special.Gamma.logGamma(r)
        - org.apache.commons.math3.special.Gamma.logGamma(x + 1.0) + r * Math.log(q) + x * Math.log(1 - q));
  }
}
