package dev.shiftlens.stats;

/**
 * Sample-ratio check of a holdout (STATS.md section 6): when a message is configured to hold out a
 * share of its sends, the stored sends should show about that share. A large gap means the
 * assignment or the logging is broken (holdouts not reported, treated sends lost), and then every
 * lift that compares the two arms is suspect, however significant it looks.
 *
 * <p>The check runs on every read of a dashboard, so it must be sequential: a fixed-horizon test
 * (chi-square) read after every send calls a mismatch where there is none far more often than its
 * threshold says (about 4% of histories of 2000 sends polled after each, at a threshold of 0.001).
 * The p-value here is always-valid instead: {@code min(1, 1/BF)} with BF the Beta-binomial mixture
 * Bayes factor of Lindon and Malek (2022, {@link ConfidenceSequences#betaBinomialBayesFactor}) of the
 * holdouts {@code N_B} out of {@code N} sends against the configured share. By Ville's inequality the
 * chance that it ever falls below the threshold on a correct split is at most the threshold, however
 * often it is read.
 */
public final class SampleRatio {
  /** The p-value below which the split is called a mismatch: strict, as the check runs on every read. */
  public static final double THRESHOLD = 0.001;
  /**
   * The mixture over alternative shares: Beta(1, 1), every share equally likely. It costs little
   * against large gaps (a holdout share of 5% instead of 10% is found within about a thousand sends) and
   * needs no tuning per message.
   */
  static final double PRIOR_A = 1;
  static final double PRIOR_B = 1;

  private SampleRatio() {
  }

  /** The configured and the observed holdout share, the test's p-value and whether it is below {@link #THRESHOLD}. */
  public record Check(double expectedShare, double observedShare, double pValue, boolean mismatch) {}

  /**
   * The always-valid check of {@code holdouts} out of {@code sends} against the share {@code p}:
   * {@code p-value = min(1, 1/BF)}, {@code BF = B(a + N_B, b + N_A) / B(a, b) / (p^N_B (1 - p)^N_A)}
   * with {@code N_B} the holdouts and {@code N_A} the other sends. A share of exactly 0 or 1 allows no
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
      double logBf = ConfidenceSequences.betaBinomialLogBayesFactor(PRIOR_A, PRIOR_B, sends - holdouts, holdouts, p);
      pValue = Math.min(1, Math.exp(-logBf));
    }
    return new Check(p, observed, pValue, pValue < THRESHOLD);
  }
}
