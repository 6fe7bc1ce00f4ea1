package dev.shiftlens.stats;

import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * Population prior of a contact's event rate, for contacts whose own baseline is too thin to trust:
 * {@code lambda ~ Gamma(a, b)} (shape a, rate b), with counts {@code y ~ Poisson(lambda * e)}. It is
 * kept as its mean {@code m = a / b} and the variance of the true rates {@code phi = a / b^2}, the two
 * quantities the method of moments estimates (Marshall 1991); then {@code a = m^2 / phi},
 * {@code b = m / phi}. The posterior rate of a contact with {@code y} events in exposure {@code e} is
 * {@code Gamma(a + y, b + e)}.
 *
 * <p>{@code phi = 0} means the rates do not vary beyond Poisson noise: full pooling, every contact
 * gets the population rate {@code m}. When the shape is so large that the gamma is numerically a
 * point (above 1e12), the pooled formulas are used with the posterior mean in place of {@code m}; they
 * differ from the exact ones by about {@code 1 / shape}.
 *
 * @param mean {@code m}, population events per unit of exposure, >= 0
 * @param phi  variance of the contacts' true rates, >= 0 (and 0 when {@code m = 0})
 */
public record GammaPrior(double mean, double phi) {
  /** The prior when nothing has been seen: rate 0, fully pooled. */
  public static final GammaPrior NONE = new GammaPrior(0, 0);
  private static final double POINT_SHAPE = 1e12;
  private static final double QUANTILE_ACCURACY = Double.MIN_NORMAL;

  public GammaPrior {
    if (!(mean >= 0 && Double.isFinite(mean)) || !(phi >= 0 && Double.isFinite(phi))) {
      throw new IllegalArgumentException("mean and phi must be finite and >= 0, got " + mean + " and " + phi);
    }
    if (mean == 0 && phi > 0) {
      throw new IllegalArgumentException("a zero mean rate leaves no room for spread, got phi = " + phi);
    }
  }

  /**
   * Method-of-moments fit over contacts with counts {@code y_i} and exposures {@code e_i}, rates
   * {@code r_i = y_i / e_i}: {@code m = sum(y) / sum(e)},
   * {@code phi = max(0, sum(e_i (r_i - m)^2) / sum(e) - m / mean(e))}. The second term removes the
   * Poisson noise from the exposure-weighted spread of the observed rates. Contacts with
   * {@code e_i <= 0} carry no information and are skipped; with none left the prior is {@link #NONE}.
   */
  public static GammaPrior fit(double[] y, double[] e) {
    if (y.length != e.length) {
      throw new IllegalArgumentException("counts and exposures differ in length: " + y.length + " and " + e.length);
    }
    long contacts = 0;
    double sumY = 0;
    double sumE = 0;
    for (int i = 0; i < y.length; i++) {
      checkData(y[i], e[i]);
      if (e[i] > 0) {
        contacts++;
        sumY += y[i];
        sumE += e[i];
      }
    }
    if (contacts == 0) {
      return NONE;
    }
    double m = sumY / sumE;
    // Two passes: the spread around m is summed directly, free of the cancellation in fromSums.
    double spread = 0;
    for (int i = 0; i < y.length; i++) {
      if (e[i] > 0) {
        double d = y[i] / e[i] - m;
        spread += e[i] * d * d;
      }
    }
    return moments(contacts, m, sumE, spread);
  }

  /**
   * The same fit from sufficient statistics over the contacts with positive exposure, as a database
   * returns them: their number, {@code sum(y)}, {@code sum(e)} and {@code sum(y^2 / e)}, using
   * {@code sum(e_i (r_i - m)^2) = sum(y^2/e) - 2 m sum(y) + m^2 sum(e)}. No contacts gives {@link #NONE}.
   */
  public static GammaPrior fromSums(long contacts, double sumY, double sumE, double sumY2OverE) {
    if (contacts < 0 || !(sumY >= 0) || !(sumE >= 0) || !(sumY2OverE >= 0)
        || !Double.isFinite(sumY) || !Double.isFinite(sumE) || !Double.isFinite(sumY2OverE)) {
      throw new IllegalArgumentException("sums must be finite and >= 0, got contacts = " + contacts + ", sum(y) = "
          + sumY + ", sum(e) = " + sumE + ", sum(y^2/e) = " + sumY2OverE);
    }
    if (contacts == 0 || sumE == 0) {
      return NONE;
    }
    double m = sumY / sumE;
    double spread = Math.max(0, sumY2OverE - 2 * m * sumY + m * m * sumE);
    return moments(contacts, m, sumE, spread);
  }

  private static GammaPrior moments(long contacts, double m, double sumE, double spread) {
    double meanE = sumE / contacts;
    double phi = Math.max(0, spread / sumE - m / meanE);
    return new GammaPrior(m, m == 0 ? 0 : phi);
  }

  /**
   * This prior with at least the spread that makes its rate {@code b = m / phi} at most {@code maxRate}:
   * the prior then weighs no more than {@code maxRate} of exposure against a contact's own, so that a
   * contact far from the population (a heavy buyer of a rare item) is read by its own rate, however
   * little spread the method of moments found among contacts that mostly have no event at all.
   */
  public GammaPrior withRateAtMost(double maxRate) {
    if (!(maxRate > 0)) {
      throw new IllegalArgumentException("the largest rate must be positive, got " + maxRate);
    }
    return mean == 0 ? this : new GammaPrior(mean, Math.max(phi, mean / maxRate));
  }

  /** {@code phi == 0}: full pooling, the posterior rate of every contact is the population rate m. */
  public boolean pooled() {
    return phi == 0;
  }

  /** {@code a = m^2 / phi}; +Inf when pooled. */
  public double shape() {
    return pooled() ? Double.POSITIVE_INFINITY : mean * mean / phi;
  }

  /** {@code b = m / phi}; +Inf when pooled. */
  public double rate() {
    return pooled() ? Double.POSITIVE_INFINITY : mean / phi;
  }

  /**
   * Posterior mean rate {@code (a + y) / (b + e)}: the contact's own rate {@code y / e} pulled towards
   * m, the more so the less exposure it has. m when pooled.
   */
  public double posteriorMean(double y, double e) {
    checkContact(y, e);
    if (pooled()) {
      return mean;
    }
    return (shape() + y) / (rate() + e);
  }

  /**
   * "prob_increase" of a window with {@code k} events in exposure {@code ew}, for a contact with
   * {@code y} baseline events in exposure {@code e}. If the rate did not change, the window count has
   * the posterior predictive {@code X ~ NB(a + y, q)} with {@code q = (b + e) / (b + e + ew)}:
   * {@code P(X = x) = Gamma(a + y + x) / (Gamma(a + y) x!) q^(a + y) (1 - q)^x}; when pooled,
   * {@code X ~ Poisson(m * ew)}. The result is the mid-p lower distribution function
   * {@code P(X < k) + P(X = k) / 2}, computed as {@code I_q(a + y, k) + P(X = k) / 2}.
   *
   * <p>Why this reads as the probability that the window rate is above the baseline rate: with
   * {@code lambda} the baseline rate and {@code mu} the window rate, the Poisson-gamma identity gives
   * {@code P(X < k) = P(mu > lambda)} for {@code mu ~ Gamma(k, ew)} (the posterior of the window rate
   * under the prior 1/mu) and {@code P(X <= k) = P(mu > lambda)} for {@code mu ~ Gamma(k + 1, ew)}
   * (under a flat prior). The mid-p is the mean of the two. It is not {@code 1 - p-value}: it is
   * near 0.5 when k sits in the middle of its predictive, near 1 when k is far above it, and it
   * rises with k.
   */
  public double probIncrease(int k, double y, double e, double ew) {
    checkWindow(k, ew);
    checkContact(y, e);
    if (pointLike()) {
      double lambda = posteriorMean(y, e) * ew;
      if (lambda == 0) {
        return k == 0 ? 0.5 : 1;
      }
      double below = k == 0 ? 0 : Gamma.regularizedGammaQ(k, lambda);
      double at = new PoissonDistribution(null, lambda, PoissonDistribution.DEFAULT_EPSILON,
          PoissonDistribution.DEFAULT_MAX_ITERATIONS).probability(k);
      return clamp01(below + at / 2);
    }
    double r = shape() + y;
    double bPost = rate() + e;
    double q = bPost / (bPost + ew);
    double logQ = -Math.log1p(ew / bPost);
    double logOneMinusQ = Math.log(ew / (bPost + ew));
    double below = k == 0 ? 0 : Beta.regularizedBeta(q, r, k);
    // Gamma(r + k) / (Gamma(r) k!) = 1 / (k B(k, r)), in logs to stay finite for large counts.
    double logAt = r * logQ + (k == 0 ? 0 : k * logOneMinusQ - Math.log(k) - Beta.logBeta(k, r));
    return clamp01(below + Math.exp(logAt) / 2);
  }

  /**
   * Interval of the rate ratio {@code rho} in {@code k ~ Poisson(rho * lambda * ew)} when the
   * baseline rate has the posterior {@code lambda ~ Gamma(a + y, b + e)}. Given the rate,
   * {@code k / (k + Y)} behaves as a proportion with {@code a + y} "baseline events", so the
   * Clopper-Pearson interval of pi for {@code k} successes in {@code k + a + y} trials is mapped through
   * {@code rho = (pi / (1 - pi)) * ((b + e) / ew)}. When pooled the baseline rate is known, m, and the
   * exact Poisson interval of k is scaled: {@code low = GammaInv(alpha/2; k) / (m ew)} (0 when k = 0),
   * {@code high = GammaInv(1 - alpha/2; k + 1) / (m ew)}. With {@code m = 0} any event is an infinite
   * ratio: [+Inf, +Inf], and no event gives [0, +Inf].
   */
  public Interval rateRatioInterval(int k, double y, double e, double ew, double confidence) {
    checkWindow(k, ew);
    checkContact(y, e);
    BinomialTests.checkConfidence(confidence);
    double alpha = 1 - confidence;
    if (pointLike()) {
      double expected = posteriorMean(y, e) * ew;
      if (expected == 0) {
        return new Interval(k == 0 ? 0 : Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
      }
      double low = k == 0 ? 0 : gammaQuantile(alpha / 2, k) / expected;
      double high = gammaQuantile(1 - alpha / 2, k + 1) / expected;
      return new Interval(low, high);
    }
    double baseline = shape() + y;
    Interval pi = BinomialTests.clopperPearson(k, k + baseline, confidence);
    double scale = (rate() + e) / ew;
    return new Interval(RateComparison.odds(pi.low()) * scale, RateComparison.odds(pi.high()) * scale);
  }

  private boolean pointLike() {
    return pooled() || shape() > POINT_SHAPE;
  }

  private static double gammaQuantile(double q, double shape) {
    return new GammaDistribution(null, shape, 1, QUANTILE_ACCURACY).inverseCumulativeProbability(q);
  }

  private static double clamp01(double x) {
    return Math.max(0, Math.min(1, x));
  }

  private static void checkData(double y, double e) {
    if (!(y >= 0 && Double.isFinite(y)) || Double.isNaN(e) || Double.isInfinite(e)) {
      throw new IllegalArgumentException("need a finite count >= 0 and a finite exposure, got y = " + y + ", e = " + e);
    }
  }

  private static void checkContact(double y, double e) {
    if (!(y >= 0 && Double.isFinite(y)) || !(e >= 0 && Double.isFinite(e))) {
      throw new IllegalArgumentException("need a finite count and exposure >= 0, got y = " + y + ", e = " + e);
    }
  }

  private static void checkWindow(int k, double ew) {
    if (k < 0 || !(ew > 0 && Double.isFinite(ew))) {
      throw new IllegalArgumentException("need k >= 0 and a positive window exposure, got k = " + k + ", ew = " + ew);
    }
  }
}
