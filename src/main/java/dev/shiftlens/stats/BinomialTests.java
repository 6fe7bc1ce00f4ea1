package dev.shiftlens.stats;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Beta;

/**
 * Exact tests and intervals of a binomial proportion: {@code X ~ Binomial(n, p)}, {@code k} observed.
 *
 * <p>Commons Math 3.6.1 has a {@code BinomialTest}, but its two-sided p-value compares doubles with
 * {@code ==} and can exceed 1 (MATH-1381, fixed only after the last 3.x release), so the two-sided
 * sum is written here. It costs O(log n): the pmf is unimodal, so the outcomes at most as likely as
 * {@code k} form two tails whose edges a binary search finds; the tails themselves are regularized
 * incomplete beta functions, each accurate down to the smallest p-values. Nothing here allocates a
 * random generator, so a call is cheap enough for thousands of comparisons a second.
 */
public final class BinomialTests {
  /** Relative tolerance of the minimum-likelihood rule, the one R's binom.test and scipy use. */
  static final double RELATIVE_TOLERANCE = 1e-7;
  private static final double LOG_TOLERANCE = Math.log1p(RELATIVE_TOLERANCE);
  /** Absolute accuracy of the beta quantile; the solver's relative accuracy (1e-14) then rules. */
  private static final double QUANTILE_ACCURACY = Double.MIN_NORMAL;

  private BinomialTests() {
  }

  /**
   * Two-sided p-value by the minimum-likelihood rule:
   * {@code sum of P(X = x) over all x with P(X = x) <= P(X = k) * (1 + 1e-7)}, clamped to 1. The
   * tolerance keeps outcomes exactly as likely as {@code k} in the sum despite rounding. With
   * {@code n = 0} there is no evidence and the p-value is 1; with {@code p} 0 or 1 the only possible
   * outcome gives 1 and any other 0.
   */
  public static double twoSided(int k, int n, double p) {
    return minimumLikelihoodSum(k, n, p, false);
  }

  /**
   * Mid-p two-sided p-value: the sum of {@link #twoSided} with the outcomes as likely as {@code k}
   * (within the same relative tolerance 1e-7; {@code k} itself always among them) counted half:
   * {@code sum over P(x) <= P(k)(1 + 1e-7) of P(x) - (1/2) sum over |P(x) - P(k)| within tolerance of P(x)}.
   * Less conservative than the exact test for small counts. {@code n = 0} gives 1.
   */
  public static double twoSidedMidP(int k, int n, double p) {
    return minimumLikelihoodSum(k, n, p, true);
  }

  /** {@code P(X >= k) = I_p(k, n - k + 1)} (regularized incomplete beta), 1 for {@code k = 0}. */
  public static double upperTail(int k, int n, double p) {
    check(k, n, p);
    return atLeast(k, n, p);
  }

  /** Mid-p upper tail: {@code P(X > k) + P(X = k) / 2}. */
  public static double upperTailMidP(int k, int n, double p) {
    check(k, n, p);
    return atLeast(k + 1, n, p) + pmf(k, n, p) / 2;
  }

  /**
   * Clopper-Pearson interval of the proportion for {@code k} successes in {@code n} trials, with
   * {@code alpha = 1 - confidence}: {@code low = BetaInv(alpha/2; k, n - k + 1)} (0 when k = 0),
   * {@code high = BetaInv(1 - alpha/2; k + 1, n - k)} (1 when k = n). Each tail of the interval misses
   * with probability at most alpha/2. The counts may be non-integer (a gamma posterior's shape stands
   * in for a baseline count in {@link GammaPrior#rateRatioInterval}); {@code n = 0} gives [0, 1].
   */
  public static Interval clopperPearson(double k, double n, double confidence) {
    if (!(k >= 0 && k <= n && Double.isFinite(n))) {
      throw new IllegalArgumentException("need 0 <= k <= n, finite, got k = " + k + ", n = " + n);
    }
    checkConfidence(confidence);
    double alpha = 1 - confidence;
    double low = k == 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
    double high = k == n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
    return new Interval(low, high);
  }

  static void checkConfidence(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
  }

  private static double betaQuantile(double q, double a, double b) {
    return new BetaDistribution(null, a, b, QUANTILE_ACCURACY).inverseCumulativeProbability(q);
  }

  private static double minimumLikelihoodSum(int k, int n, double p, boolean mid) {
    check(k, n, p);
    if (n == 0) {
      return 1;
    }
    if (p == 0 || p == 1) {
      // One outcome is certain. If it is k, every outcome is at most as likely as k; else only the
      // impossible ones are, and they add nothing.
      int certain = p == 0 ? 0 : n;
      return k != certain ? 0 : mid ? 0.5 : 1;
    }
    BinomialDistribution d = new BinomialDistribution(null, n, p);
    double logPk = d.logProbability(k);
    double limit = logPk + LOG_TOLERANCE;
    // P(x + 1) / P(x) = (n - x) p / ((x + 1)(1 - p)) >= 1 exactly while x + 1 <= (n + 1) p: the pmf
    // rises up to the mode and falls after it.
    int mode = (int) Math.min(n, Math.floor((n + 1) * p));
    int lowEdge = lastAtMost(d, 0, mode, limit);
    int highEdge = firstAtMost(d, mode + 1, n, limit);
    double sum = atMost(lowEdge, n, p) + atLeast(highEdge, n, p);
    if (mid) {
      // Outcomes as likely as k sit at the inner edges of the two tails.
      double floor = logPk - LOG_TOLERANCE;
      double ties = 0;
      for (int x = lowEdge; x >= 0; x--) {
        double lp = d.logProbability(x);
        if (lp < floor) {
          break;
        }
        ties += Math.exp(lp);
      }
      for (int x = highEdge; x <= n; x++) {
        double lp = d.logProbability(x);
        if (lp < floor) {
          break;
        }
        ties += Math.exp(lp);
      }
      sum -= ties / 2;
    }
    return Math.max(0, Math.min(1, sum));
  }

  /** The last x in [from, to] with logP(x) <= limit, on a stretch where the pmf rises; from - 1 if none. */
  private static int lastAtMost(BinomialDistribution d, int from, int to, double limit) {
    int lo = from - 1;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (d.logProbability(mid) <= limit) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The first x in [from, to] with logP(x) <= limit, on a stretch where the pmf falls; to + 1 if none. */
  private static int firstAtMost(BinomialDistribution d, int from, int to, double limit) {
    int lo = from;
    int hi = to + 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (d.logProbability(mid) <= limit) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** {@code P(X <= x) = I_{1-p}(n - x, x + 1)}, computed directly so that small lower tails keep their digits. */
  private static double atMost(int x, int n, double p) {
    if (x < 0) {
      return 0;
    }
    if (x >= n) {
      return 1;
    }
    if (p == 0 || p == 1) {
      return p == 0 ? 1 : 0;
    }
    return Beta.regularizedBeta(1 - p, n - x, x + 1.0);
  }

  /** {@code P(X >= x) = I_p(x, n - x + 1)}. */
  private static double atLeast(int x, int n, double p) {
    if (x <= 0) {
      return 1;
    }
    if (x > n) {
      return 0;
    }
    if (p == 0 || p == 1) {
      return p == 0 ? 0 : 1;
    }
    return Beta.regularizedBeta(p, x, n - x + 1.0);
  }

  private static double pmf(int k, int n, double p) {
    if (p == 0 || p == 1) {
      return k == (p == 0 ? 0 : n) ? 1 : 0;
    }
    return new BinomialDistribution(null, n, p).probability(k);
  }

  private static void check(int k, int n, double p) {
    if (n < 0 || k < 0 || k > n) {
      throw new IllegalArgumentException("need 0 <= k <= n, got k = " + k + ", n = " + n);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
    }
  }
}
