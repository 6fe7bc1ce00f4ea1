package dev.shiftlens.stats;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;

/**
 * Always-valid inference for numbers that dashboards poll. A fixed-horizon interval read at every
 * refresh is wrong far more often than its nominal level; these boundaries and Bayes factors hold at
 * every look at once, so a result may be read as often as anyone likes. The always-valid p-value
 * of a mixture test is the running minimum over looks of {@code min(1, 1 / BF)}: keep it monotone.
 */
public final class ConfidenceSequences {
  private ConfidenceSequences() {
  }

  /**
   * Tuning of the normal mixture (Howard et al. 2021) so that the boundary is tightest at intrinsic
   * time {@code V_opt}: {@code rho = V_opt / (2 ln(1/alpha) + ln(1 + 2 ln(1/alpha)))}.
   */
  public static double normalMixtureRho(double vOpt, double alpha) {
    if (!(vOpt > 0 && Double.isFinite(vOpt))) {
      throw new IllegalArgumentException("V_opt must be positive and finite, got " + vOpt);
    }
    checkAlpha(alpha);
    double l = 2 * Math.log(1 / alpha);
    return vOpt / (l + Math.log1p(l));
  }

  /**
   * Two-sided normal-mixture boundary: with {@code S_t} the sum of centred observations and {@code V}
   * its variance, {@code |S_t| <= sqrt((V + rho) (ln(1 + V/rho) + 2 ln(1/alpha)))} holds for all t
   * with probability at least {@code 1 - alpha}.
   */
  public static double normalMixtureBound(double v, double rho, double alpha) {
    if (!(v >= 0 && Double.isFinite(v)) || !(rho > 0 && Double.isFinite(rho))) {
      throw new IllegalArgumentException("need V >= 0 and rho > 0, got V = " + v + ", rho = " + rho);
    }
    checkAlpha(alpha);
    return Math.sqrt((v + rho) * (Math.log1p(v / rho) + 2 * Math.log(1 / alpha)));
  }

  /**
   * Treated against holdout event counts (Lindon and Malek 2022). Given the total, the treated count
   * is {@code N_B ~ Binomial(N_A + N_B, rho0)} under "no effect", {@code rho0} the treated share of
   * exposure. Against a Beta(a, b) mixture of alternatives,
   * {@code BF = B(a + N_B, b + N_A) / B(a, b) / (rho0^N_B (1 - rho0)^N_A)}. Reject when
   * {@code BF >= 1/alpha}. Infinite when the factor overflows a double.
   */
  public static double betaBinomialBayesFactor(double a, double b, long nA, long nB, double rho0) {
    return Math.exp(betaBinomialLogBayesFactor(a, b, nA, nB, rho0));
  }

  /**
   * The logarithm of {@link #betaBinomialBayesFactor}:
   * {@code ln B(a + N_B, b + N_A) - ln B(a, b) - N_B ln rho0 - N_A ln(1 - rho0)}, finite for any count.
   */
  public static double betaBinomialLogBayesFactor(double a, double b, long nA, long nB, double rho0) {
    checkShape(a, b);
    if (nA < 0 || nB < 0) {
      throw new IllegalArgumentException("counts must not be negative, got " + nA + " and " + nB);
    }
    if (!(rho0 > 0 && rho0 < 1)) {
      throw new IllegalArgumentException("rho0 must be in (0, 1), got " + rho0);
    }
    return Beta.logBeta(a + nB, b + nA) - Beta.logBeta(a, b) - nB * Math.log(rho0) - nA * Math.log1p(-rho0);
  }

  /**
   * One event stream against a known rate {@code lambda0}: {@code N} events in exposure {@code E}, the
   * alternative rates mixed by Gamma(a, b) (shape, rate):
   * {@code BF = b^a Gamma(a + N) / (Gamma(a) (b + E)^(a + N)) * exp(lambda0 E) * lambda0^(-N)}.
   * Infinite when the factor overflows a double.
   */
  public static double gammaPoissonBayesFactor(double a, double b, double lambda0, long n, double e) {
    return Math.exp(gammaPoissonLogBayesFactor(a, b, lambda0, n, e));
  }

  /**
   * The logarithm of {@link #gammaPoissonBayesFactor}:
   * {@code a ln b + ln Gamma(a + N) - ln Gamma(a) - (a + N) ln(b + E) + lambda0 E - N ln lambda0}.
   */
  public static double gammaPoissonLogBayesFactor(double a, double b, double lambda0, long n, double e) {
    checkShape(a, b);
    if (!(lambda0 > 0 && Double.isFinite(lambda0)) || n < 0 || !(e >= 0 && Double.isFinite(e))) {
      throw new IllegalArgumentException("need lambda0 > 0, N >= 0, E >= 0, got " + lambda0 + ", " + n + ", " + e);
    }
    return a * Math.log(b) + Gamma.logGamma(a + n) - Gamma.logGamma(a) - (a + n) * Math.log(b + e)
        + lambda0 * e - n * Math.log(lambda0);
  }

  private static void checkAlpha(double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
  }

  private static void checkShape(double a, double b) {
    if (!(a > 0 && Double.isFinite(a)) || !(b > 0 && Double.isFinite(b))) {
      throw new IllegalArgumentException("mixture parameters must be positive and finite, got " + a + ", " + b);
    }
  }
}
