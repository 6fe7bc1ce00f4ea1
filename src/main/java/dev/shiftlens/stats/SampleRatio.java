package dev.shiftlens.stats;

import org.apache.commons.math3.special.Gamma;

/**
 * Sample-ratio check of a holdout (STATS.md section 6): when a message is configured to hold out a
 * share of its sends, the stored sends should show about that share. A large gap means the
 * assignment or the logging is broken (holdouts not reported, treated sends lost), and then every
 * lift that compares the two arms is suspect, however significant it looks.
 */
public final class SampleRatio {
  /** The p-value below which the split is called a mismatch: strict, as the check runs on every read. */
  public static final double THRESHOLD = 0.001;

  private SampleRatio() {
  }

  /** The configured and the observed holdout share, the test's p-value and whether it is below {@link #THRESHOLD}. */
  public record Check(double expectedShare, double observedShare, double pValue, boolean mismatch) {}

  /**
   * Pearson's chi-square test with one degree of freedom of {@code holdouts} out of {@code sends}
   * against the share {@code p}: {@code X^2 = (h - n p)^2 / (n p) + (t - n (1 - p))^2 / (n (1 - p))},
   * with {@code t = n - h}, and {@code p-value = P(chi2_1 > X^2) = Q(1/2, X^2/2)}. A share of exactly 0 or 1 allows no
   * send of the other arm: any such send is a mismatch (p = 0). No sends: p = 1, observed share NaN.
   */
  public static Check test(long holdouts, long sends, double p) {
    if (sends < 0 || holdouts < 0 || holdouts > sends) {
      throw new IllegalArgumentException("need 0 <= holdouts <= sends, got " + holdouts + " of " + sends);
    }
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("the expected share must be in [0, 1], got " + p);
    }
    if (sends == 0) {
      return new Check(p, Double.NaN, 1, false);
    }
    double observed = (double) holdouts / sends;
    double pValue;
    if (p == 0) {
      pValue = holdouts == 0 ? 1 : 0;
    } else if (p == 1) {
      pValue = holdouts == sends ? 1 : 0;
    } else {
      double n = sends;
      double treated = sends - holdouts;
      double chi2 = Math.pow(holdouts - n * p, 2) / (n * p) + Math.pow(treated - n * (1 - p), 2) / (n * (1 - p));
      pValue = Gamma.regularizedGammaQ(0.5, chi2 / 2); // the chi-square(1) upper tail, precise when tiny
    }
    return new Check(p, observed, pValue, pValue < THRESHOLD);
  }
}
