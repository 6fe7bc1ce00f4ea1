package dev.shiftlens.stats;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * Did a contact's rate of one event change in a send's response window? One model gives every
 * number of the answer: the expected count, the rate ratio and its interval, the p-value, the
 * probability of an increase and the verdict, so that they can never disagree.
 *
 * <h2>The model</h2>
 * {@code n} events in the baseline of exposure {@code E_b}, {@code k} in the window of exposure
 * {@code E_w}. Real events come in sessions, so counts vary more than Poisson counts: a count's variance
 * is {@code phi} times its mean (quasi-Poisson, {@code phi} the contact's dispersion at the window's
 * time scale). Dividing counts and exposures by {@code phi} gives "effective" counts that behave as
 * Poisson ones: {@code n' = n/phi}, {@code E_b' = E_b/phi}, {@code k' = k/phi}, {@code E_w' = E_w/phi}. The
 * contact's rate has the population's prior {@code Gamma(a, b)}, so its posterior is
 * {@code Gamma(r, B)} with {@code r = a + n'} and {@code B = b + E_b'}; if the rate is unchanged,
 * the window's effective count has the negative-binomial predictive {@code X ~ NB(r, q)},
 * {@code q = B / (B + E_w')}. Without a prior, {@code a = 1/2}, {@code b = 0} (Jeffreys).
 * <ul>
 *   <li>{@code expected = (r / B) E_w}, the posterior mean rate over the window;
 *   <li>tails, continuous in the count: {@code U(x) = P(X >= x) = I_pi(x, r)} with {@code pi = 1 - q}
 *       (regularized incomplete beta; exact at whole counts when {@code phi = 1}); one step of the count is
 *       {@code 1/phi} effective events, and the mid-p upper tail is {@code M = (U(k') + U(k' + 1/phi)) / 2},
 *       {@code P(X > k) + P(X = k)/2} when {@code phi = 1};
 *   <li>{@code p = min(1, 2 min(M, 1 - M))}, and {@code prob_increase = 1 - M}, the mid-p lower
 *       distribution function {@code P(X < k) + P(X = k)/2} (see {@link GammaPrior#probIncrease} for why it
 *       reads as the probability that the window rate is above the baseline's);
 *   <li>the rate ratio's interval: the multipliers {@code rho} of the window rate that the same test does
 *       not reject. A rate {@code rho} times the baseline's makes {@code pi} the share
 *       {@code rho E_w' / (B + rho E_w')}, {@code M} rises with {@code pi}, and each end is where
 *       {@code M} reaches {@code alpha/2} or {@code 1 - alpha/2}, found between the two exact tails' beta
 *       quantiles, mapped by {@code rho = pi/(1 - pi) B/E_w'}.
 * </ul>
 * The verdict is "up" exactly when {@code M < alpha/2}, which is when the interval's low end is above 1 and
 * {@code prob_increase > 1 - alpha/2}; "down" mirrors it. Why mid-p: the exact tails held to
 * {@code alpha/2} each make a test of small counts far stricter than its level (on Poisson data 0.8% of
 * null windows flagged at alpha 0.05, and 0.6 of the power an oracle that knows the true rate has); the
 * mid-p tails flag about 2% and keep that power (measured by {@code DemoQualityTest}).
 *
 * <p>A pooled prior ({@code phi_prior = 0}: every contact has the population rate) makes the predictive
 * Poisson: the same formulas with gamma functions, {@code U(x) = P(Gamma(x) <= mu)}.
 */
public final class WindowCountTest {
  private static final double JEFFREYS_SHAPE = 0.5;
  private static final double POINT_SHAPE = 1e12;
  private static final double QUANTILE_ACCURACY = 1e-12;
  /** The weight of the next count's tail in the mid-p tail: {@code P(X > k) + P(X = k)/2}. */
  private static final double MID = 0.5;

  private WindowCountTest() {
  }

  /**
   * @param expected the count the baseline predicts for the window
   * @param rateRatio {@code k / expected} (NaN when nothing is expected)
   * @param pValue two-sided
   * @param direction +1 for "up", -1 for "down", 0 when {@code p >= alpha}
   * @param shape {@code r*}, the predictive's shape, in clumps (+Inf when Poisson)
   * @param q the predictive's {@code q} at rate ratio 1
   * @param dispersion {@code phi} as used
   */
  public record Result(double expected, double rateRatio, Interval interval, double pValue, double probIncrease,
      int direction, double shape, double q, double dispersion) {}

  /** {@link #test(int, double, double, double, GammaPrior, double, double, double)} without clumps. */
  public static Result test(int k, double n, double eb, double ew, GammaPrior prior, double dispersion, double alpha) {
    return test(k, n, eb, ew, prior, 1, dispersion, alpha);
  }

  /**
   * @param k events in the window
   * @param n events in the baseline
   * @param eb baseline exposure, > 0
   * @param ew window exposure, > 0
   * @param prior the population prior of the rate, or null for none
   * @param clump {@code s >= 1}, events per clump (session)
   * @param dispersion {@code phi > 0}, variance over mean of a window's count
   * @param alpha two-sided level of the verdict and of the interval
   */
  public static Result test(int k, double n, double eb, double ew, GammaPrior prior, double clump, double dispersion,
      double alpha) {
    if (k < 0 || !(n >= 0) || !(eb > 0) || !(ew > 0) || !Double.isFinite(n + eb + ew)) {
      throw new IllegalArgumentException("need k, n >= 0 and positive finite exposures, got k = " + k + ", n = " + n
          + ", E_b = " + eb + ", E_w = " + ew);
    }
    if (!(dispersion > 0 && Double.isFinite(dispersion)) || !(clump >= 1 && Double.isFinite(clump))) {
      throw new IllegalArgumentException("need a positive finite dispersion and a clump size >= 1, got " + dispersion
          + " and " + clump);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    double phi = dispersion;
    boolean point = isPoint(prior);
    double expected = rate(n, eb, prior, phi) * ew;
    double x = k / clump;
    double step = 1 / clump;
    double mean = expected / clump; // clumps the window should hold
    if (!(mean > 0)) {
      // Nothing can happen: any event is infinitely far above the baseline.
      return new Result(0, k == 0 ? Double.NaN : Double.POSITIVE_INFINITY,
          new Interval(k == 0 ? 0 : Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY), k == 0 ? 1 : 0,
          k == 0 ? 0.5 : 1, k == 0 ? 0 : 1, Double.POSITIVE_INFINITY, 1, phi);
    }
    // Squared coefficients of variation of the window's clump rate: the rate's posterior, and what the
    // clumps vary beyond Poisson within a window; together one gamma of the same mean and variance.
    double rateCv2 = point ? 0 : 1 / ((prior == null ? JEFFREYS_SHAPE : prior.shape()) + n / phi);
    double windowCv2 = Math.max(0, (phi / clump - 1) / mean);
    double cv2 = rateCv2 + windowCv2 + rateCv2 * windowCv2;
    if (!(cv2 > 1 / POINT_SHAPE)) return poisson(k, x, step, expected, mean, phi, alpha);
    double r = 1 / cv2;
    double pi0 = mean / (r + mean);
    DoubleUnaryOperator upper = pi -> x == 0 ? 1 : Beta.regularizedBeta(pi, x, r);
    DoubleUnaryOperator next = pi -> Beta.regularizedBeta(pi, x + step, r);
    double up = tail(upper, next, MID, pi0);
    double scale = r / mean;
    // Each end lies between the ends the two exact tails give, which are beta quantiles.
    double low = x == 0 ? 0 : odds(solve(upper, next, alpha / 2, betaQuantile(alpha / 2, x, r),
        betaQuantile(alpha / 2, x + step, r))) * scale;
    double high = odds(solve(upper, next, 1 - alpha / 2, x == 0 ? 0 : betaQuantile(1 - alpha / 2, x, r),
        betaQuantile(1 - alpha / 2, x + step, r))) * scale;
    return result(k, expected, low, high, up, alpha, r, 1 - pi0, phi);
  }

  /**
   * The posterior mean rate per unit of exposure, {@code (a + n/phi) / (b + E_b/phi)}: what {@code expected}
   * is made of (Jeffreys' {@code a = 1/2, b = 0} without a prior; the prior's mean when it is a point).
   */
  public static double rate(double n, double eb, GammaPrior prior, double dispersion) {
    if (isPoint(prior)) return prior.mean();
    double a = prior == null ? JEFFREYS_SHAPE : prior.shape();
    double b = prior == null ? 0 : prior.rate();
    return (a + n / dispersion) / (b + eb / dispersion);
  }

  private static boolean isPoint(GammaPrior prior) {
    return prior != null && (prior.pooled() || prior.shape() > POINT_SHAPE);
  }

  /** The predictive is Poisson with {@code mean} clumps: the rate is known and clumps vary as Poisson. */
  private static Result poisson(int k, double x, double step, double expected, double mean, double phi, double alpha) {
    // With rate ratio rho the predictive mean is rho m; U rises with it.
    DoubleUnaryOperator upper = m -> x == 0 ? 1 : Gamma.regularizedGammaP(x, m);
    DoubleUnaryOperator next = m -> Gamma.regularizedGammaP(x + step, m);
    double up = tail(upper, next, MID, mean);
    double low = x == 0 ? 0 : solve(upper, next, alpha / 2, gammaQuantile(alpha / 2, x), gammaQuantile(alpha / 2, x + step)) / mean;
    double high = solve(upper, next, 1 - alpha / 2, x == 0 ? 0 : gammaQuantile(1 - alpha / 2, x),
        gammaQuantile(1 - alpha / 2, x + step)) / mean;
    return result(k, expected, low, high, up, alpha, Double.POSITIVE_INFINITY, Math.exp(-mean), phi);
  }

  private static Result result(int k, double expected, double low, double high, double mid, double alpha, double shape,
      double q, double phi) {
    double p = Math.min(1, 2 * Math.min(mid, 1 - mid));
    int direction = mid < alpha / 2 ? 1 : mid > 1 - alpha / 2 ? -1 : 0;
    return new Result(expected, k / expected, new Interval(low, high), p, clamp01(1 - mid), direction, shape, q, phi);
  }

  /** The mid-p upper tail {@code (U(k') + U(k' + 1/phi)) / 2} at one point of the predictive's scale. */
  private static double tail(DoubleUnaryOperator upper, DoubleUnaryOperator next, double w, double at) {
    return (1 - w) * upper.applyAsDouble(at) + w * next.applyAsDouble(at);
  }

  /**
   * Where the mid-p tail, increasing, reaches {@code target}, between {@code from} (where the exact tail
   * {@code U(k')} reaches it, so the mid one is below) and {@code to} (where {@code U(k' + 1/phi)} does):
   * regula falsi with the Illinois step, to a relative width of 1e-9 or 60 steps.
   */
  private static double solve(DoubleUnaryOperator upper, DoubleUnaryOperator next, double target, double from, double to) {
    double w = MID;
    double lo = Math.min(from, to), hi = Math.max(from, to);
    double flo = tail(upper, next, w, lo) - target, fhi = tail(upper, next, w, hi) - target;
    if (!(flo < 0)) return lo;
    if (!(fhi > 0)) return hi;
    int side = 0;
    for (int i = 0; i < 60 && hi - lo > 1e-9 * hi; i++) {
      double at = (lo * fhi - hi * flo) / (fhi - flo);
      if (!(at > lo && at < hi)) at = (lo + hi) / 2;
      double f = tail(upper, next, w, at) - target;
      if (f == 0) return at;
      if (f < 0) {
        lo = at;
        flo = f;
        if (side == -1) fhi /= 2;
        side = -1;
      } else {
        hi = at;
        fhi = f;
        if (side == 1) flo /= 2;
        side = 1;
      }
    }
    return (lo + hi) / 2;
  }

  private static double betaQuantile(double q, double a, double b) {
    return new BetaDistribution(null, a, b, QUANTILE_ACCURACY).inverseCumulativeProbability(q);
  }

  private static double gammaQuantile(double q, double shape) {
    return new GammaDistribution(null, shape, 1, QUANTILE_ACCURACY).inverseCumulativeProbability(q);
  }

  private static double odds(double pi) {
    return pi >= 1 ? Double.POSITIVE_INFINITY : pi / (1 - pi);
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
