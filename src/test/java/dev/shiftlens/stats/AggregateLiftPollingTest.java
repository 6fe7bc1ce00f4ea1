package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.RandomDataGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * A dashboard polls a message that changes nothing, a few hundred times as its sends are evaluated,
 * in many independent histories. The always-valid interval may exclude the true lift 1 at some look
 * in at most 5% of the histories; a fixed-horizon 95% interval read as often fails far more.
 *
 * <p>The sends are realistic: contacts' rates differ widely (Gamma), their counts in a window are
 * over-dispersed (Poisson with a Gamma-distributed burstiness of mean 1), and each send's expected
 * count is itself an estimate, the contact's baseline count over an exposure twenty windows long
 * (unbiased but noisy, zero for many quiet contacts). One in ten sends is a holdout. The numbers
 * come from {@link AggregateLift}, the code behind {@code GET /v1/metrics/sends}.
 */
class AggregateLiftPollingTest {
  private static final int HISTORIES = 1000;
  private static final int SENDS = 3000;
  private static final int LOOK_EVERY = 10; // 300 looks per history
  private static final double BASELINE_WINDOWS = 20;

  private record Failures(int alwaysValid, int fixedHorizon, int adjusted, int adjustedFixed) {}

  @Test
  void theAlwaysValidIntervalOfANullMessageExcludesOneInAtMostFivePercentOfPolledHistories() {
    Failures f = simulate(1.0, 20261128L);
    double alwaysValid = (double) f.alwaysValid() / HISTORIES;
    double fixed = (double) f.fixedHorizon() / HISTORIES;
    double adjusted = (double) f.adjusted() / HISTORIES;
    double adjustedFixed = (double) f.adjustedFixed() / HISTORIES;
    System.out.printf("null message polled %d times in %d histories: always-valid lift interval excluded 1 in %.3f, "
        + "fixed-horizon 95%% in %.3f; adjusted lift %.3f vs fixed-horizon %.3f%n",
        SENDS / LOOK_EVERY, HISTORIES, alwaysValid, fixed, adjusted, adjustedFixed);
    assertTrue(alwaysValid <= 0.05, "always-valid lift interval wrong in " + alwaysValid + " of histories");
    assertTrue(adjusted <= 0.05, "always-valid adjusted interval wrong in " + adjusted + " of histories");
    assertTrue(fixed >= 0.15 && fixed >= 3 * Math.max(alwaysValid, 0.01),
        "the fixed-horizon interval polled as often should fail far more: " + fixed);
    assertTrue(adjustedFixed >= 0.15, "the fixed-horizon adjusted interval polled as often should fail far more: " + adjustedFixed);
  }

  @Test
  void aRealLiftOfTwentyPercentIsFoundByTheEndOfMostHistories() {
    RandomDataGenerator rng = new RandomDataGenerator(new Well19937c(7));
    int found = 0;
    int histories = 200;
    for (int h = 0; h < histories; h++) {
      AggregateLift.Sums treated = AggregateLift.Sums.EMPTY;
      for (int i = 0; i < SENDS; i++) {
        double[] oe = send(rng, 1.2);
        treated = treated.plus(oe[0], oe[1]);
      }
      if (AggregateLift.of(treated, 0.05).interval().low() > 1) found++;
    }
    System.out.printf("lift 1.2: found by %d sends in %d of %d histories%n", SENDS, found, histories);
    assertTrue(found >= histories * 0.7, "power too low: " + found + " of " + histories);
  }

  private static Failures simulate(double lift, long seed) {
    RandomDataGenerator rng = new RandomDataGenerator(new Well19937c(seed));
    int alwaysValid = 0, fixed = 0, adjusted = 0, adjustedFixed = 0;
    for (int h = 0; h < HISTORIES; h++) {
      AggregateLift.Sums treated = AggregateLift.Sums.EMPTY;
      AggregateLift.Sums holdout = AggregateLift.Sums.EMPTY;
      boolean avWrong = false, fixedWrong = false, adjWrong = false, adjFixedWrong = false;
      for (int i = 1; i <= SENDS; i++) {
        boolean isHoldout = rng.nextUniform(0, 1) < 0.1;
        double[] oe = send(rng, isHoldout ? 1.0 : lift);
        if (isHoldout) holdout = holdout.plus(oe[0], oe[1]);
        else treated = treated.plus(oe[0], oe[1]);
        if (i % LOOK_EVERY != 0) continue;
        AggregateLift.Estimate e = AggregateLift.of(treated, 0.05);
        if (e.defined()) {
          avWrong |= !e.interval().contains(lift);
          fixedWrong |= !fixedHorizon(treated).contains(lift);
        }
        AggregateLift.Estimate r = AggregateLift.ratio(treated, holdout, 0.05);
        if (r.defined()) {
          adjWrong |= !r.interval().contains(lift);
          adjFixedWrong |= Math.abs(Math.log(r.lift() / lift)) > 1.96 * Math.sqrt(logVariance(treated) + logVariance(holdout));
        }
      }
      if (avWrong) alwaysValid++;
      if (fixedWrong) fixed++;
      if (adjWrong) adjusted++;
      if (adjFixedWrong) adjustedFixed++;
    }
    return new Failures(alwaysValid, fixed, adjusted, adjustedFixed);
  }

  /** One send: observed and estimated expected count of its window. */
  private static double[] send(RandomDataGenerator rng, double lift) {
    double rate = rng.nextGamma(0.8, 2.0 / 0.8); // mean 1.6 events per window, widely spread
    double burst = rng.nextGamma(0.5, 2.0); // mean 1: over-dispersion
    double mean = rate * burst * lift;
    double observed = mean > 0 ? rng.nextPoisson(mean) : 0;
    double baselineMean = rate * BASELINE_WINDOWS;
    double baseline = baselineMean > 0 ? rng.nextPoisson(baselineMean) : 0;
    return new double[] {observed, baseline / BASELINE_WINDOWS};
  }

  /** What a fixed-horizon 95% interval says: {@code lift +- 1.96 sqrt(V) / sum E}. */
  private static Interval fixedHorizon(AggregateLift.Sums s) {
    double lift = s.observed() / s.expected();
    double half = 1.96 * Math.sqrt(s.variance(lift)) / s.expected();
    return new Interval(lift - half, lift + half);
  }

  private static double logVariance(AggregateLift.Sums s) {
    double lift = s.observed() / s.expected();
    return s.variance(lift) / (s.observed() * s.observed());
  }
}
