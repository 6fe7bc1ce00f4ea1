package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/** STATS.md section 2: the method-of-moments Gamma prior and what it says about one contact. */
class GammaPriorTest {
  private static final double[] Y = {0, 2, 1, 8, 15, 0, 3, 20};
  private static final double[] E = {10, 10, 20, 20, 30, 5, 30, 25};

  @Test
  void theReferenceContactsGiveTheReferencePrior() {
    GammaPrior prior = GammaPrior.fit(Y, E);
    assertEquals(0.326667, prior.mean(), 5e-7);
    assertEquals(0.058867, prior.phi(), 5e-7);
    assertEquals(1.812760, prior.shape(), 5e-7);
    assertEquals(5.549264, prior.rate(), 5e-7);
    assertEquals(0.116582, prior.posteriorMean(Y[0], E[0]), 5e-7);
    assertFalse(prior.pooled());
  }

  @Test
  void sufficientStatisticsGiveTheSamePrior() {
    double sumY = 0;
    double sumE = 0;
    double sumY2OverE = 0;
    for (int i = 0; i < Y.length; i++) {
      sumY += Y[i];
      sumE += E[i];
      sumY2OverE += Y[i] * Y[i] / E[i];
    }
    GammaPrior fromSums = GammaPrior.fromSums(Y.length, sumY, sumE, sumY2OverE);
    GammaPrior fit = GammaPrior.fit(Y, E);
    assertEquals(fit.mean(), fromSums.mean(), 1e-15);
    assertEquals(fit.phi(), fromSums.phi(), 1e-13);
    assertEquals(0.058867, fromSums.phi(), 5e-7);
    assertEquals(1.812760, fromSums.shape(), 5e-7);
    assertEquals(5.549264, fromSums.rate(), 5e-7);
  }

  @Test
  void contactsWithoutExposureAreSkipped() {
    double[] y = {0, 2, 1, 8, 15, 0, 3, 20, 0, 0};
    double[] e = {10, 10, 20, 20, 30, 5, 30, 25, 0, -3};
    assertEquals(GammaPrior.fit(Y, E), GammaPrior.fit(y, e));
  }

  @Test
  void ratesThatVaryNoMoreThanPoissonNoisePoolFully() {
    // Every contact at exactly the population rate: the spread is below Poisson noise, phi = 0.
    GammaPrior prior = GammaPrior.fit(new double[] {2, 4, 1, 3}, new double[] {2, 4, 1, 3});
    assertTrue(prior.pooled());
    assertEquals(1.0, prior.mean(), 1e-15);
    assertEquals(0.0, prior.phi(), 0);
    assertEquals(Double.POSITIVE_INFINITY, prior.shape(), 0);
    assertEquals(Double.POSITIVE_INFINITY, prior.rate(), 0);
    assertEquals(1.0, prior.posteriorMean(0, 50), 0);
    assertEquals(1.0, prior.posteriorMean(30, 1), 0);
  }

  @Test
  void pooledProbIncreaseIsTheMidPOfThePoissonWithThePopulationRate() {
    GammaPrior prior = new GammaPrior(1, 0);
    // scipy: poisson(2).cdf(k - 1) + poisson(2).pmf(k) / 2
    assertEquals(0.06766764161830635, prior.probIncrease(0, 3, 2, 2), 1e-12);
    assertEquals(0.7668999383408052, prior.probIncrease(3, 3, 2, 2), 1e-12);
  }

  @Test
  void pooledRateRatioIntervalIsTheExactPoissonIntervalOverTheExpectedCount() {
    GammaPrior prior = new GammaPrior(1, 0);
    // scipy: gamma.ppf(0.025, 3) / 2, gamma.ppf(0.975, 4) / 2; for k = 0 the low end is 0.
    Interval three = prior.rateRatioInterval(3, 0, 0, 2, 0.95);
    assertEquals(0.3093360614478007, three.low(), 1e-10);
    assertEquals(4.383636534871162, three.high(), 1e-10);
    Interval none = prior.rateRatioInterval(0, 0, 0, 2, 0.95);
    assertEquals(0.0, none.low(), 0);
    assertEquals(1.8444397270569677, none.high(), 1e-10);
  }

  @Test
  void noContactsAtAllGiveTheZeroRateNotAnError() {
    assertEquals(GammaPrior.NONE, GammaPrior.fit(new double[0], new double[0]));
    assertEquals(GammaPrior.NONE, GammaPrior.fromSums(0, 0, 0, 0));
    assertEquals(0.5, GammaPrior.NONE.probIncrease(0, 0, 0, 1), 0);
    assertEquals(1.0, GammaPrior.NONE.probIncrease(1, 0, 0, 1), 0);
    assertEquals(new Interval(0, Double.POSITIVE_INFINITY), GammaPrior.NONE.rateRatioInterval(0, 0, 0, 1, 0.95));
  }

  @Test
  void probIncreaseMatchesScipyNegativeBinomial() {
    GammaPrior prior = GammaPrior.fit(Y, E);
    // scipy: nbinom(a + y, q).cdf(k - 1) + nbinom(a + y, q).pmf(k) / 2, q = (b + e) / (b + e + ew)
    assertEquals(0.4015236919282378, prior.probIncrease(0, 0, 10, 2), 1e-10);
    assertEquals(0.8859985440973722, prior.probIncrease(1, 0, 10, 2), 1e-10);
    assertEquals(0.99746586914136, prior.probIncrease(3, 0, 10, 2), 1e-10);
    assertEquals(0.98714726684023, prior.probIncrease(9, 20, 25, 5), 1e-10);
    assertEquals(0.23928283374171938, prior.probIncrease(2, 20, 25, 5), 1e-10);
  }

  @Test
  void probIncreaseEqualsADirectNegativeBinomialSum() {
    GammaPrior prior = GammaPrior.fit(Y, E);
    double y = 8;
    double e = 20;
    double ew = 3.5;
    double r = prior.shape() + y;
    double q = (prior.rate() + e) / (prior.rate() + e + ew);
    for (int k = 0; k <= 30; k++) {
      double below = 0;
      for (int x = 0; x < k; x++) {
        below += nbPmf(x, r, q);
      }
      double direct = below + nbPmf(k, r, q) / 2;
      assertEquals(direct, prior.probIncrease(k, y, e, ew), 1e-12, "k = " + k);
    }
  }

  @Test
  void probIncreaseStaysInTheUnitIntervalAndRisesWithTheWindowCount() {
    for (GammaPrior prior : new GammaPrior[] {GammaPrior.fit(Y, E), new GammaPrior(0.3, 0)}) {
      double previous = -1;
      for (int k = 0; k <= 200; k++) {
        double p = prior.probIncrease(k, 3, 30, 4);
        assertTrue(p >= 0 && p <= 1, prior + " k = " + k + ": " + p);
        assertTrue(p > previous || p == 1, prior + " k = " + k + ": " + p + " after " + previous);
        previous = p;
      }
    }
  }

  @Test
  void rateRatioIntervalMatchesClopperPearsonWithTheGammaShapeAsBaselineCount() {
    GammaPrior prior = GammaPrior.fit(Y, E);
    // scipy: pi = beta.ppf(0.025, k, a + y + 1), beta.ppf(0.975, k + 1, a + y); r = pi / (1 - pi) * (b + e) / ew
    Interval up = prior.rateRatioInterval(9, 20, 25, 5, 0.95);
    assertEquals(1.0208218104215043, up.low(), 1e-9);
    assertEquals(5.704644920581231, up.high(), 1e-9);
    Interval none = prior.rateRatioInterval(0, 0, 10, 2, 0.95);
    assertEquals(0.0, none.low(), 0);
    assertEquals(51.71598309102372, none.high(), 1e-8);
  }

  @Test
  void rateRatioIntervalContainsTheRatioOfTheWindowRateToThePosteriorMean() {
    GammaPrior prior = GammaPrior.fit(Y, E);
    for (int k = 1; k <= 30; k += 2) {
      double ratio = (k / 5.0) / prior.posteriorMean(20, 25);
      Interval r = prior.rateRatioInterval(k, 20, 25, 5, 0.95);
      assertTrue(r.contains(ratio), "k = " + k + ": " + r + " should contain " + ratio);
    }
  }

  @Test
  void aNearlyPointPriorGivesNearlyThePooledAnswers() {
    GammaPrior point = new GammaPrior(0.5, 1e-9);
    GammaPrior pooled = new GammaPrior(0.5, 0);
    assertEquals(pooled.probIncrease(4, 1, 2, 6), point.probIncrease(4, 1, 2, 6), 1e-6);
    Interval a = point.rateRatioInterval(4, 1, 2, 6, 0.9);
    Interval b = pooled.rateRatioInterval(4, 1, 2, 6, 0.9);
    assertEquals(b.low(), a.low(), 1e-6);
    assertEquals(b.high(), a.high(), 1e-6);
  }

  @Test
  void impossiblePriorsAndDataAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new GammaPrior(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new GammaPrior(0, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new GammaPrior(1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> GammaPrior.fit(new double[] {1}, new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> GammaPrior.fit(new double[] {-1}, new double[] {1}));
    assertThrows(IllegalArgumentException.class, () -> GammaPrior.NONE.probIncrease(1, 0, 0, 0));
  }

  private static double nbPmf(int x, double r, double q) {
    return Math.exp(Gamma.logGamma(r + x) - Gamma.logGamma(r) - Gamma.logGamma(x + 1.0)
        + r * Math.log(q) + x * Math.log(1 - q));
  }
}
