package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.stats.WeightedCounts.Component;
import dev.shiftlens.stats.WeightedCounts.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.special.Beta;
import org.junit.jupiter.api.Test;

/**
 * The saddlepoint tails of a reward-weighted sum of negative-binomial counts, against the exact
 * distribution computed here by convolving the pmfs, and the consistency of the row's verdicts.
 */
class WeightedCountsTest {
  /** Values of S are keyed in units of 1e-6 so that equal sums from different terms meet. */
  private static final double KEY = 1e6;

  /** The exact distribution of {@code S = sum a_j Y_j}, the pmfs truncated where they fall below 1e-17. */
  private static TreeMap<Long, Double> exact(Component... components) {
    TreeMap<Long, Double> dist = new TreeMap<>();
    dist.put(0L, 1.0);
    for (Component c : components) {
      double[] pmf = pmf(c.shape(), c.mean());
      double a = c.weight() * c.phi();
      TreeMap<Long, Double> next = new TreeMap<>();
      for (Map.Entry<Long, Double> e : dist.entrySet()) {
        for (int y = 0; y < pmf.length; y++) {
          double p = e.getValue() * pmf[y];
          if (p > 1e-20) {
            next.merge(e.getKey() + Math.round(a * y * KEY), p, Double::sum);
          }
        }
      }
      dist = next;
    }
    return dist;
  }

  /** NB(r, q) with mean m by the recursion {@code P(y + 1) = P(y) (r + y) / (y + 1) (1 - q)}. */
  private static double[] pmf(double r, double mean) {
    double q = r / (r + mean);
    List<Double> p = new ArrayList<>();
    double py = Math.exp(r * Math.log(q));
    double total = 0;
    for (int y = 0; total < 1 - 1e-16 && y < 100_000; y++) {
      p.add(py);
      total += py;
      py *= (r + y) / (y + 1) * (1 - q);
    }
    return p.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double atLeast(TreeMap<Long, Double> dist, double s) {
    return dist.tailMap(Math.round(s * KEY), true).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double atMost(TreeMap<Long, Double> dist, double s) {
    return dist.headMap(Math.round(s * KEY), true).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double midUpper(TreeMap<Long, Double> dist, double s) {
    long key = Math.round(s * KEY);
    return atLeast(dist, s) - dist.getOrDefault(key, 0.0) / 2;
  }

  private static void assertRelative(double expected, double actual, double tolerance, String what) {
    assertTrue(Math.abs(actual / expected - 1) <= tolerance,
        what + ": expected " + expected + ", got " + actual + " (" + (actual / expected - 1) + ")");
  }

  /** Checks the upper and lower tails and the mid tail against the exact ones wherever they lie in [1e-4, 0.5]. */
  private static int assertTailsMatch(double from, double to, double by, double tolerance, Component... components) {
    TreeMap<Long, Double> dist = exact(components);
    int checked = 0;
    for (double s = from; s <= to + 1e-9; s += by) {
      double up = atLeast(dist, s);
      double low = atMost(dist, s);
      double mid = midUpper(dist, s);
      if (up >= 1e-4 && up <= 0.5) {
        assertRelative(up, WeightedCounts.upperTail(s, components), tolerance, "P(S >= " + s + ")");
        checked++;
      }
      if (low >= 1e-4 && low <= 0.5) {
        assertRelative(low, WeightedCounts.lowerTail(s, components), tolerance, "P(S <= " + s + ")");
        checked++;
      }
      if (mid >= 1e-4 && mid <= 0.5) {
        assertRelative(mid, WeightedCounts.midUpperTail(s, components), tolerance, "mid P(S > " + s + ")");
        checked++;
      }
      if (1 - mid >= 1e-4 && 1 - mid <= 0.5) {
        assertRelative(1 - mid, 1 - WeightedCounts.midUpperTail(s, components), tolerance, "mid P(S < " + s + ")");
        checked++;
      }
    }
    return checked;
  }

  @Test
  void meanAndVarianceAreTheSumsOverComponents() {
    Component[] c = {new Component(2, 1.5, 4, 3), new Component(-1, 1, 0.5, 2), Component.poisson(0.5, 1, 6)};
    // 2*1.5*3 - 2 + 0.5*6; 9 * 3 * (1 + 3/4) + 1 * 2 * (1 + 4) + 0.25 * 6
    assertEquals(9 - 2 + 3, WeightedCounts.mean(c), 1e-12);
    assertEquals(47.25 + 10 + 1.5, WeightedCounts.variance(c), 1e-12);
    assertEquals(2.5 * (1 - 0.25) / 0.25, Component.negativeBinomial(1, 1, 2.5, 0.25).mean(), 1e-12);
  }

  @Test
  void aSingleUnitComponentMatchesTheExactNegativeBinomialTails() {
    double[][] cases = {{0.7, 1.5}, {2.5, 4}, {12, 20}, {1, 0.3}};
    for (double[] rm : cases) {
      double r = rm[0];
      double q = r / (r + rm[1]);
      Component c = Component.negativeBinomial(1, 1, r, q);
      assertEquals(1.0, WeightedCounts.latticeStep(c));
      for (int y = 1; y < 200; y++) {
        // P(Y >= y) = I_{1-q}(y, r), P(Y <= y) = I_q(r, y + 1)
        double up = Beta.regularizedBeta(1 - q, y, r);
        double low = Beta.regularizedBeta(q, r, y + 1.0);
        // A gamma-like tail keeps a relative error that grows slowly: 2.5% at 1e-4, 4.5% at 1e-7 for r = 0.7.
        if (up >= 1e-7 && up <= 0.6) {
          assertRelative(up, WeightedCounts.upperTail(y, c), up >= 1e-4 ? 0.03 : 0.05, "r = " + r + ": P(Y >= " + y + ")");
        }
        if (low >= 1e-7 && low <= 0.6) {
          assertRelative(low, WeightedCounts.lowerTail(y, c), 0.03, "r = " + r + ": P(Y <= " + y + ")");
        }
      }
      // The edge of the support is exact: P(Y = 0) = q^r.
      assertEquals(1 - Math.pow(q, r), WeightedCounts.upperTail(1, c), 1e-12);
      assertEquals(Math.pow(q, r), WeightedCounts.lowerTail(0, c), 1e-12);
      assertEquals(1 - Math.pow(q, r) / 2, WeightedCounts.midUpperTail(0, c), 1e-12);
      assertEquals(1.0, WeightedCounts.upperTail(0, c));
      assertEquals(0.0, WeightedCounts.lowerTail(-1, c));
    }
  }

  @Test
  void aPoissonComponentMatchesThePoissonTails() {
    Component c = Component.poisson(1, 1, 6.5);
    PoissonDistribution poisson = new PoissonDistribution(6.5);
    for (int k = 1; k < 30; k++) {
      double up = 1 - poisson.cumulativeProbability(k - 1);
      if (up >= 1e-6 && up <= 0.5) {
        assertRelative(up, WeightedCounts.upperTail(k, c), 0.02, "Poisson P(Y >= " + k + ")");
      }
    }
    assertEquals(1 - Math.exp(-6.5), WeightedCounts.upperTail(1, c), 1e-12);
  }

  @Test
  void mixedSignsOnTheIntegerLatticeMatchTheExactConvolution() {
    Component[] c = {new Component(1, 1, 2, 3), new Component(2, 1, 0.8, 1.5), new Component(-1, 1, 5, 2)};
    assertEquals(1.0, WeightedCounts.latticeStep(c));
    assertTrue(assertTailsMatch(-25, 45, 1, 0.05, c) > 60);
  }

  @Test
  void fourComponentsWithHalfRewardsMatchTheExactConvolution() {
    Component[] c = {new Component(1, 1, 3, 2), new Component(3, 1, 1.5, 0.8), new Component(-2, 1, 4, 1),
        new Component(0.5, 1, 2, 4)};
    assertEquals(0.5, WeightedCounts.latticeStep(c));
    assertTrue(assertTailsMatch(-15, 30, 0.5, 0.06, c) > 60);
  }

  @Test
  void onlyNegativeWeightsMatchTheExactConvolution() {
    Component[] c = {new Component(-1, 1, 2, 4), new Component(-2, 1, 1.2, 2.5)};
    assertTrue(assertTailsMatch(-40, 0, 1, 0.05, c) > 30);
    // S <= 0 surely; S = 0 exactly when both counts are 0.
    double p0 = Math.pow(2 / 6.0, 2) * Math.pow(1.2 / 3.7, 1.2);
    assertEquals(0.0, WeightedCounts.upperTail(0.5, c));
    assertEquals(p0, WeightedCounts.upperTail(0, c), 1e-12);
    assertEquals(p0, WeightedCounts.upperTail(-0.5, c), 1e-12);
    assertEquals(1.0, WeightedCounts.lowerTail(0, c));
  }

  @Test
  void weightsOffAnyLatticeMatchTheExactMidTails() {
    // Dispersion scales and rewards that share no step: the atoms are many and small.
    Component[] c = {new Component(1, 1.37, 4, 6), new Component(0.8, 1.13, 2, 5), new Component(-0.45, 1, 6, 3)};
    assertEquals(0.0, WeightedCounts.latticeStep(c));
    TreeMap<Long, Double> dist = exact(c);
    int checked = 0;
    for (double s = -3; s <= 40; s += 0.77) {
      double mid = midUpper(dist, s);
      double approx = WeightedCounts.midUpperTail(s, c);
      if (mid >= 1e-4 && mid <= 0.5) {
        assertRelative(mid, approx, 0.05, "mid P(S > " + s + ")");
        checked++;
      } else if (1 - mid >= 1e-4 && 1 - mid <= 0.5) {
        // Near the bottom of the support a few atoms of the negative term carry the tail, and a
        // continuous approximation sits between the steps of the exact one: up to 15% below S = 4.
        assertRelative(1 - mid, 1 - approx, s < 4 ? 0.2 : 0.05, "mid P(S < " + s + ")");
        checked++;
      }
    }
    assertTrue(checked > 40);
  }

  @Test
  void degenerateComponentsChangeNothing() {
    Component nb = new Component(1, 1, 2.5, 4);
    Component[] with = {nb, Component.negativeBinomial(3, 1, 2, 1), new Component(0, 1, 2, 7)};
    for (int s = 0; s < 20; s++) {
      assertEquals(WeightedCounts.upperTail(s, nb), WeightedCounts.upperTail(s, with), 1e-15);
      assertEquals(WeightedCounts.midUpperTail(s, nb), WeightedCounts.midUpperTail(s, with), 1e-15);
    }
    // Nothing left: S = 0 surely.
    Component[] none = {Component.negativeBinomial(2, 1, 3, 1)};
    assertEquals(1.0, WeightedCounts.upperTail(0, none));
    assertEquals(0.0, WeightedCounts.upperTail(0.1, none));
    assertEquals(0.5, WeightedCounts.midUpperTail(0, none));
    Result r = WeightedCounts.test(none, 0, 0.05);
    assertEquals(1.0, r.pValue());
    assertFalse(r.hasInterval());
    assertEquals(0.0, WeightedCounts.test(none, 2, 0.05).pValue());
  }

  @Test
  void aNegativeExpectedTotalHasNoIntervalButAPValue() {
    Component[] c = {new Component(1, 1, 2, 1), new Component(-3, 1, 3, 2)};
    Result r = WeightedCounts.test(c, 4, 0.05);
    assertEquals(-5.0, r.expected(), 1e-12);
    assertFalse(r.hasInterval());
    assertTrue(Double.isNaN(r.low()) && Double.isNaN(r.high()));
    double u = WeightedCounts.midUpperTail(4, c);
    assertEquals(1 - u, r.probIncrease(), 1e-15);
    assertEquals(2 * u, r.pValue(), 1e-15);
    assertTrue(r.pValue() < 0.05 && r.probIncrease() > 0.975);
    // Zero expected: no interval either.
    assertFalse(WeightedCounts.test(new Component[] {new Component(1, 1, 2, 2), new Component(-1, 1, 2, 2)}, 0, 0.05)
        .hasInterval());
  }

  @Test
  void theVerdictsAgreeAndTheIntervalCoversOneExactlyWhenNotRejected() {
    Component[][] rows = {
        {new Component(1, 1, 2.5, 4)},
        {new Component(1, 1.3, 0.6, 0.8)},
        {Component.poisson(1, 1, 3)},
        {new Component(1, 1, 2, 3), new Component(2, 1, 0.8, 1.5), new Component(0.5, 1, 5, 2)},
        {new Component(1, 1.37, 4, 6), new Component(0.8, 1.13, 2, 5)},
        {new Component(1, 1, 2, 3), new Component(2, 1, 0.8, 1.5), new Component(-1, 1, 5, 2)},
        {new Component(5, 1, 30, 40), new Component(-0.2, 2, 1, 10)},
    };
    int rejectedUp = 0;
    int rejectedDown = 0;
    for (Component[] row : rows) {
      double mean = WeightedCounts.mean(row);
      double sd = Math.sqrt(WeightedCounts.variance(row));
      for (double alpha : new double[] {0.01, 0.05, 0.2}) {
        for (double z = -4; z <= 8; z += 0.25) {
          double s = Math.rint(mean + z * sd);
          Result r = WeightedCounts.test(row, s, alpha);
          String where = "row " + List.of(row) + ", s = " + s + ", alpha = " + alpha + ": " + r;
          boolean up = r.pValue() < alpha && r.probIncrease() > 0.5;
          boolean down = r.pValue() < alpha && r.probIncrease() < 0.5;
          assertEquals(up, r.low() > 1, where);
          assertEquals(up, r.probIncrease() > 1 - alpha / 2, where);
          assertEquals(down, r.high() < 1, where);
          assertEquals(down, r.probIncrease() < alpha / 2, where);
          assertEquals(r.pValue() >= alpha, r.low() <= 1 && 1 <= r.high(), where);
          if (up) {
            assertTrue(s > mean, where);
          }
          if (down) {
            assertTrue(s < mean, where);
          }
          assertTrue(r.low() <= r.high(), where);
          // The ends are where the test just stops rejecting: U(low) = alpha/2, U(high) = 1 - alpha/2.
          if (r.low() > 0 && r.low() < Double.POSITIVE_INFINITY) {
            assertEquals(alpha / 2, WeightedCounts.midUpperTail(s, scaled(row, r.low())), 1e-6 * alpha, where);
          }
          if (r.high() > 0 && r.high() < Double.POSITIVE_INFINITY) {
            assertEquals(1 - alpha / 2, WeightedCounts.midUpperTail(s, scaled(row, r.high())), 1e-6 * alpha, where);
          }
          rejectedUp += up ? 1 : 0;
          rejectedDown += down ? 1 : 0;
        }
      }
    }
    assertTrue(rejectedUp > 100 && rejectedDown > 10, rejectedUp + " up, " + rejectedDown + " down");
  }

  @Test
  void theIntervalOfASingleCountBracketsTheObservedRatio() {
    Component c = new Component(1, 1, 3, 4);
    Result r = WeightedCounts.test(new Component[] {c}, 12, 0.05);
    assertEquals(4.0, r.expected());
    assertTrue(r.low() > 1 && r.low() < 3 && r.high() > 3, r.toString());
    // More baseline (a larger shape) means a narrower interval around the same ratio.
    Result sharper = WeightedCounts.test(new Component[] {new Component(1, 1, 300, 4)}, 12, 0.05);
    assertTrue(sharper.low() > r.low() && sharper.high() < r.high(), sharper + " vs " + r);
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Component(Double.NaN, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Component(1, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Component(1, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Component(1, 1, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> Component.negativeBinomial(1, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Component.negativeBinomial(1, 1, 1, 1.5));
    Component[] c = {new Component(1, 1, 1, 1)};
    assertThrows(IllegalArgumentException.class, () -> WeightedCounts.test(c, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> WeightedCounts.test(c, Double.NaN, 0.05));
  }

  private static Component[] scaled(Component[] row, double rho) {
    Component[] out = new Component[row.length];
    for (int i = 0; i < row.length; i++) {
      out[i] = new Component(row[i].weight(), row[i].phi(), row[i].shape(), rho * row[i].mean());
    }
    return out;
  }
}
