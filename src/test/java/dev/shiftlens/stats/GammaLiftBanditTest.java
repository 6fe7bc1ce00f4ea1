package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Gamma-Poisson lift of each option, prob_best and Thompson sampling, with seeded randomness. */
class GammaLiftBanditTest {
  @Test
  void thePosteriorAddsTheObservedAndExpectedCountsToAPriorWorthItsStrength() {
    GammaLiftBandit.Posterior p = GammaLiftBandit.posterior(12, 8, 1.5, 5);
    assertEquals(5 * 1.5 + 12, p.shape(), 1e-12);
    assertEquals(13, p.rate(), 1e-12);
    assertEquals(19.5 / 13, p.mean(), 1e-12);
    // Without sends the posterior is the prior, centred on the population's lift.
    assertEquals(0.8, GammaLiftBandit.posterior(0, 0, 0.8, 5).mean(), 1e-12);
    // A negative reward-weighted sum counts as nothing observed.
    assertEquals(5.0 / 15, GammaLiftBandit.posterior(-3, 10, 1, 5).mean(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> GammaLiftBandit.posterior(1, -1, 1, 5));
    assertThrows(IllegalArgumentException.class, () -> GammaLiftBandit.posterior(1, 1, 0, 5));
  }

  @Test
  void gammaDrawsHaveTheMeanAndVarianceOfTheirShapeAboveAndBelowOne() {
    SplittableRandom random = new SplittableRandom(7);
    for (double shape : new double[] {0.3, 1, 2.5, 40}) {
      int n = 200_000;
      double sum = 0, sumSq = 0;
      for (int i = 0; i < n; i++) {
        double x = GammaLiftBandit.gamma(shape, random);
        assertTrue(x >= 0);
        sum += x;
        sumSq += x * x;
      }
      double mean = sum / n, variance = sumSq / n - mean * mean;
      assertEquals(shape, mean, 0.01 * Math.max(1, shape), "mean of Gamma(" + shape + ")");
      assertEquals(shape, variance, 0.03 * Math.max(1, shape), "variance of Gamma(" + shape + ")");
    }
  }

  @Test
  void probBestOfTwoOptionsMatchesTheExactBetaIdentity() {
    // X ~ Gamma(3, 1), Y ~ Gamma(2, 1): P(X > Y) = P(Beta(3, 2) > 1/2) = 1 - I_0.5(3, 2) = 1 - 5/16 = 0.6875.
    List<GammaLiftBandit.Posterior> options = List.of(new GammaLiftBandit.Posterior(3, 1), new GammaLiftBandit.Posterior(2, 1));
    double[] best = GammaLiftBandit.probBest(options, 200_000, new SplittableRandom(11));
    assertEquals(0.6875, best[0], 0.005);
    assertEquals(1, best[0] + best[1], 1e-12);
  }

  @Test
  void drawsGivenOnceCountAsTheOptionsOwnDraws() {
    List<GammaLiftBandit.Posterior> options = List.of(new GammaLiftBandit.Posterior(3, 1), new GammaLiftBandit.Posterior(2, 1));
    double[][] given = {null, GammaLiftBandit.draws(options.get(1), 200_000, new SplittableRandom(21))};
    double[] best = GammaLiftBandit.probBest(options, given, 200_000, new SplittableRandom(11));
    assertEquals(0.6875, best[0], 0.005);
    assertThrows(IllegalArgumentException.class, () -> GammaLiftBandit.probBest(options, given, 200_001, new SplittableRandom(1)));
  }

  @Test
  void theLargestOfTheMembersLeftInWinsEachDrawWhicheverAreLeftOut() {
    SplittableRandom random = new SplittableRandom(4);
    double[][] draws = new double[12][];
    for (int m = 0; m < draws.length; m++) draws[m] = GammaLiftBandit.draws(GammaLiftBandit.posterior(0, 0, 0.5 + m * 0.1, 5), 300, random);
    GammaLiftBandit.SharedDraws shared = new GammaLiftBandit.SharedDraws(draws, 3);
    for (int d = 0; d < 300; d++) {
      final int at = d;
      Integer[] order = new Integer[draws.length];
      for (int m = 0; m < order.length; m++) order[m] = m;
      java.util.Arrays.sort(order, (a, b) -> Double.compare(draws[b][at], draws[a][at]));
      // With the k largest members left out, the next one wins the draw: within the two leaders kept
      // per draw, and beyond them.
      for (int k = 0; k < 3; k++) {
        int[] members = new int[draws.length - k];
        List<GammaLiftBandit.Posterior> options = new java.util.ArrayList<>();
        int o = 0;
        for (int m = 0; m < draws.length; m++) {
          boolean out = false;
          for (int j = 0; j < k; j++) out |= order[j] == m;
          if (out) continue;
          options.add(GammaLiftBandit.posterior(0, 0, 1, 5));
          members[o++] = m;
        }
        double[] one = oneDraw(shared, d, options, members);
        int leader = java.util.Arrays.asList(java.util.Arrays.stream(members).boxed().toArray(Integer[]::new)).indexOf(order[k]);
        assertEquals(1, one[leader], "draw " + d + ", " + k + " leaders left out");
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new GammaLiftBandit.SharedDraws(draws, 0));
  }

  /** probBest over draw {@code d} of the shared draws alone. */
  private static double[] oneDraw(GammaLiftBandit.SharedDraws shared, int d, List<GammaLiftBandit.Posterior> options, int[] members) {
    double[][] single = new double[shared.size()][];
    for (int m = 0; m < single.length; m++) single[m] = new double[] {shared.draws(m)[d]};
    return GammaLiftBandit.probBest(options, new double[options.size()][], members, new GammaLiftBandit.SharedDraws(single, 2), 1,
        new SplittableRandom(1));
  }

  @Test
  void sharedDrawsGiveWhatTheSameDrawsGivenOneByOneGive() {
    SplittableRandom setup = new SplittableRandom(8);
    for (int round = 0; round < 200; round++) {
      int size = 1 + setup.nextInt(30);
      double[][] memberDraws = new double[size][];
      for (int m = 0; m < size; m++) {
        memberDraws[m] = GammaLiftBandit.draws(GammaLiftBandit.posterior(0, 0, 0.6 + setup.nextDouble(), 5), 500, setup);
      }
      GammaLiftBandit.SharedDraws shared = new GammaLiftBandit.SharedDraws(memberDraws, 1 + setup.nextInt(4));
      List<GammaLiftBandit.Posterior> options = new java.util.ArrayList<>();
      List<double[]> given = new java.util.ArrayList<>();
      List<Integer> members = new java.util.ArrayList<>();
      for (int m = 0; m < size; m++) {
        if (setup.nextInt(4) == 0) continue; // a member that is not an option (the contact's own data moved it)
        options.add(GammaLiftBandit.posterior(0, 0, 1, 5));
        given.add(memberDraws[m]);
        members.add(m);
      }
      for (int extra = setup.nextInt(4); extra > 0; extra--) { // options of their own: drawn here, or given
        int at = setup.nextInt(options.size() + 1);
        boolean drawn = setup.nextBoolean();
        options.add(at, GammaLiftBandit.posterior(setup.nextInt(10), setup.nextDouble() * 8, 0.5 + setup.nextDouble(), 5));
        given.add(at, drawn ? null : GammaLiftBandit.draws(options.get(at), 500, setup));
        members.add(at, -1);
      }
      double[][] oneByOne = given.toArray(new double[0][]);
      double[][] own = new double[options.size()][];
      for (int i = 0; i < own.length; i++) own[i] = members.get(i) < 0 ? oneByOne[i] : null;
      long seed = setup.nextLong();
      double[] expected = GammaLiftBandit.probBest(options, oneByOne, 500, new SplittableRandom(seed));
      double[] actual = GammaLiftBandit.probBest(options, own, members.stream().mapToInt(Integer::intValue).toArray(), shared, 500,
          new SplittableRandom(seed));
      assertArrayEquals(expected, actual, "round " + round);
    }
  }

  @Test
  void aClearlyBetterOptionIsAlmostSurelyBestAndASingleOptionIsBestForCertain() {
    var good = GammaLiftBandit.posterior(60, 30, 1, 5);
    var poor = GammaLiftBandit.posterior(10, 30, 1, 5);
    double[] best = GammaLiftBandit.probBest(List.of(poor, good), 2000, new SplittableRandom(3));
    assertTrue(best[1] > 0.999, "prob_best " + best[1]);
    assertArrayEquals(new double[] {1}, GammaLiftBandit.probBest(List.of(poor), 2000, new SplittableRandom(3)));
    assertEquals(0, GammaLiftBandit.probBest(List.of(), 2000, new SplittableRandom(3)).length);
  }

  @Test
  void thompsonSamplingPicksEachOptionAboutAsOftenAsItsProbBestAndRepeatsWithTheSameSeed() {
    var a = GammaLiftBandit.posterior(6, 5, 1, 5);
    var b = GammaLiftBandit.posterior(4, 5, 1, 5);
    var c = GammaLiftBandit.posterior(0, 0, 1, 5); // never tried: only the prior
    List<GammaLiftBandit.Posterior> options = List.of(a, b, c);
    double[] best = GammaLiftBandit.probBest(options, 100_000, new SplittableRandom(5));
    int[] picks = new int[3];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 100_000; i++) picks[GammaLiftBandit.thompson(options, random)]++;
    for (int i = 0; i < 3; i++) assertEquals(best[i], picks[i] / 100_000.0, 0.01, "option " + i);
    assertTrue(picks[2] > 10_000, "the untried option is explored: " + picks[2]);

    int first = GammaLiftBandit.thompson(options, new SplittableRandom(42));
    for (int i = 0; i < 5; i++) assertEquals(first, GammaLiftBandit.thompson(options, new SplittableRandom(42)));
    assertEquals(-1, GammaLiftBandit.thompson(List.of(), new SplittableRandom(42)));
  }
}
