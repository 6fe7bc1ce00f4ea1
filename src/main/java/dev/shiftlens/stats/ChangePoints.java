package dev.shiftlens.stats;

import org.apache.commons.math3.special.Gamma;

/**
 * Change points in a series of event counts per period (a contact's daily activity, say), each count
 * taken as Poisson with a rate that is constant between change points.
 */
public final class ChangePoints {
  private ChangePoints() {
  }

  /**
   * The best single split of a series.
   *
   * @param index      first index of the second segment; 0 when no split is more likely than one
   *                   constant rate (a constant series, or fewer than two counts)
   * @param rateBefore mean count before {@code index} (the overall mean when index is 0; 0 when empty)
   * @param rateAfter  mean count from {@code index} on
   */
  public record SingleChange(int index, double rateBefore, double rateAfter) {
    public SingleChange {
      if (index < 0) {
        throw new IllegalArgumentException("index must not be negative, got " + index);
      }
      if (!(rateBefore >= 0) || !(rateAfter >= 0)) {
        throw new IllegalArgumentException("rates must be >= 0, got " + rateBefore + " and " + rateAfter);
      }
    }

    /** Whether the series was split at all. */
    public boolean found() {
      return index > 0;
    }
  }

  /**
   * The single change point of a Poisson series that maximises the likelihood. With {@code S1}
   * events in the first {@code t} periods and {@code S2} in the other {@code T - t}, the rates'
   * maximum-likelihood estimates are the segment means and the profile log-likelihood, up to terms
   * that do not depend on t, is {@code S1 ln(S1 / t) + S2 ln(S2 / (T - t))} (with 0 ln 0 = 0). Every t
   * in 1..T-1 is tried, with running sums: O(T). The earliest of equally good splits wins; a split
   * must beat one constant rate by more than rounding to count.
   */
  public static SingleChange singleChange(int[] counts) {
    int n = counts.length;
    long total = 0;
    for (int c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("counts must not be negative, got " + c);
      }
      total += c;
    }
    double overall = n == 0 ? 0 : (double) total / n;
    double bestScore = xLogMean(total, n);
    double tolerance = 1e-9 * Math.max(1, Math.abs(bestScore));
    int best = 0;
    long before = 0;
    for (int t = 1; t < n; t++) {
      before += counts[t - 1];
      double score = xLogMean(before, t) + xLogMean(total - before, n - t);
      if (score > bestScore + (best == 0 ? tolerance : 0)) {
        bestScore = score;
        best = t;
      }
    }
    if (best == 0) {
      return new SingleChange(0, overall, overall);
    }
    long first = 0;
    for (int t = 0; t < best; t++) {
      first += counts[t];
    }
    return new SingleChange(best, (double) first / best, (double) (total - first) / (n - best));
  }

  /**
   * Bayesian online change-point detection (Adams and MacKay 2007) with a Poisson-Gamma model and
   * constant hazard H. Run length {@code r} at index t means the current segment began at
   * {@code t - r}. Within a segment the rate has the prior Gamma(alpha0, beta0) (shape, rate), so after
   * the segment's counts {@code x_s} so far the next count has the negative-binomial predictive
   * {@code P(x | r) = Gamma(alpha + x) / (Gamma(alpha) x!) (beta / (beta + 1))^alpha (1 / (beta + 1))^x}
   * with {@code alpha = alpha0 + sum x_s}, {@code beta = beta0 + r}. The recursion over the joint
   * {@code P(r_t, x_0..t)}:
   * {@code P(r_t = r + 1) = P(r_{t-1} = r) (1 - H) P(x_t | r)} (growth) and
   * {@code P(r_t = 0) = H P(x_t | prior) sum_r P(r_{t-1} = r)} (a new segment starts at x_t); the
   * first count starts a segment. Each step is normalised (in logs, so that no count underflows every
   * term), which leaves the argmax unchanged.
   * O(T^2) time, O(T) memory.
   *
   * @return for each index t, the run length of largest posterior probability given counts 0..t
   */
  public static int[] mostProbableRunLengths(int[] counts, double hazard, double priorShape, double priorRate) {
    if (!(hazard > 0 && hazard <= 1)) {
      throw new IllegalArgumentException("hazard must be in (0, 1], got " + hazard);
    }
    if (!(priorShape > 0 && Double.isFinite(priorShape)) || !(priorRate > 0 && Double.isFinite(priorRate))) {
      throw new IllegalArgumentException("prior shape and rate must be positive, got " + priorShape + ", " + priorRate);
    }
    int n = counts.length;
    int[] result = new int[n];
    // Index r holds the run of length r: its probability and its gamma posterior (shape, rate).
    double[] prob = new double[n];
    double[] shape = new double[n];
    double[] rate = new double[n];
    double[] next = new double[n];
    int runs = 0;
    for (int t = 0; t < n; t++) {
      int x = counts[t];
      if (x < 0) {
        throw new IllegalArgumentException("counts must not be negative, got " + x);
      }
      if (t == 0) {
        prob[0] = 1;
      } else {
        // In logs, scaled by the largest term: a count far from every run's predictive would
        // otherwise underflow all of them to 0.
        double logGrow = Math.log1p(-hazard);
        double top = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < runs; r++) {
          next[r + 1] = Math.log(prob[r]) + logGrow + logPredictive(x, shape[r], rate[r]);
          top = Math.max(top, next[r + 1]);
        }
        // The probabilities sum to 1 after the previous step, so the new segment's weight is H P(x_t | prior).
        next[0] = Math.log(hazard) + logPredictive(x, priorShape, priorRate);
        top = Math.max(top, next[0]);
        double norm = 0;
        for (int r = 0; r <= runs; r++) {
          next[r] = Math.exp(next[r] - top);
          norm += next[r];
        }
        for (int r = 0; r <= runs; r++) {
          prob[r] = next[r] / norm;
        }
        // Each run absorbs x_t: shift the posteriors up by one and start a fresh one at 0.
        for (int r = runs; r >= 1; r--) {
          shape[r] = shape[r - 1];
          rate[r] = rate[r - 1];
        }
      }
      shape[0] = priorShape;
      rate[0] = priorRate;
      runs++;
      int best = 0;
      for (int r = 0; r < runs; r++) {
        shape[r] += x;
        rate[r] += 1;
        if (prob[r] > prob[best]) {
          best = r;
        }
      }
      result[t] = best;
    }
    return result;
  }

  private static double logPredictive(int x, double alpha, double beta) {
    return Gamma.logGamma(alpha + x) - Gamma.logGamma(alpha) - Gamma.logGamma(x + 1.0)
        + alpha * Math.log(beta / (beta + 1)) - x * Math.log1p(beta);
  }

  /** {@code s ln(s / n)}, 0 when s = 0. */
  private static double xLogMean(long s, int n) {
    return s == 0 ? 0 : s * Math.log((double) s / n);
  }
}
