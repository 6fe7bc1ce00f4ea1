package dev.shiftlens.stats;

/**
 * Did a contact's event rate change in the response window of a send? {@code k} events in the window
 * with exposure {@code E_w}, {@code n} events in the baseline with exposure {@code E_b}. Exposures
 * are sums of the population's hour-of-week activity profile over the hours in question, not clock
 * hours, so that a window at busy hours is not read as a rise.
 *
 * <p>The test conditions on the total (Przyborowski-Wilenski): under "no change",
 * {@code k | k + n ~ Binomial(k + n, p0)} with {@code p0 = E_w / (E_w + E_b)}, which is uniformly
 * most powerful unbiased and needs no estimate of the rate itself. No events at all
 * ({@link #insufficient()}) is an answer: p-values of 1 and a rate-ratio interval of [0, +Inf].
 *
 * @param observed         {@code k}, events in the window
 * @param windowExposure   {@code E_w} > 0
 * @param baselineCount    {@code n}, events in the baseline
 * @param baselineExposure {@code E_b} > 0
 */
public record RateComparison(int observed, double windowExposure, int baselineCount, double baselineExposure) {
  public RateComparison {
    if (observed < 0 || baselineCount < 0) {
      throw new IllegalArgumentException("counts must not be negative, got " + observed + " and " + baselineCount);
    }
    if (!(windowExposure > 0 && Double.isFinite(windowExposure))
        || !(baselineExposure > 0 && Double.isFinite(baselineExposure))) {
      throw new IllegalArgumentException(
          "exposures must be positive and finite, got " + windowExposure + " and " + baselineExposure);
    }
    if ((long) observed + baselineCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many events: " + observed + " + " + baselineCount);
    }
  }

  /** No event in the window nor in the baseline: nothing to compare. */
  public boolean insufficient() {
    return observed == 0 && baselineCount == 0;
  }

  /** {@code p0 = E_w / (E_w + E_b)}: the share of the events the window should hold if nothing changed. */
  public double p0() {
    return windowExposure / (windowExposure + baselineExposure);
  }

  /** {@code expected = n * E_w / E_b}: the window count the baseline rate predicts. */
  public double expected() {
    return baselineCount * windowExposure / baselineExposure;
  }

  /**
   * {@code (k / E_w) / (n / E_b)}; +Inf when {@code n = 0 < k}, NaN when both counts are 0 (the
   * ratio is then unknown, not 1).
   */
  public double rateRatio() {
    return (observed / windowExposure) / (baselineCount / baselineExposure);
  }

  /** Two-sided exact p-value: {@code BinomialTests.twoSided(k, k + n, p0)} (minimum-likelihood rule). */
  public double pValue() {
    return BinomialTests.twoSided(observed, total(), p0());
  }

  /** Two-sided mid-p: {@code BinomialTests.twoSidedMidP(k, k + n, p0)}. */
  public double pValueMidP() {
    return BinomialTests.twoSidedMidP(observed, total(), p0());
  }

  /** One-sided, alternative "the window rate is larger": {@code P(K >= k) = upperTail(k, k + n, p0)}. */
  public double pValueUpper() {
    return BinomialTests.upperTail(observed, total(), p0());
  }

  /** One-sided mid-p, window rate larger: {@code P(K > k) + P(K = k) / 2}. */
  public double pValueUpperMidP() {
    return BinomialTests.upperTailMidP(observed, total(), p0());
  }

  /**
   * Interval of the rate ratio: the Clopper-Pearson interval {@code [pi_low, pi_high]} of
   * {@code pi = k / (k + n)}, mapped through {@code r = (pi / (1 - pi)) * (E_b / E_w)}, which is
   * increasing in pi, so the coverage carries over. {@code pi_high = 1} (no baseline events) maps
   * to +Inf; no events at all gives [0, +Inf].
   */
  public Interval rateRatioInterval(double confidence) {
    Interval pi = BinomialTests.clopperPearson(observed, total(), confidence);
    double scale = baselineExposure / windowExposure;
    return new Interval(odds(pi.low()) * scale, odds(pi.high()) * scale);
  }

  private int total() {
    return observed + baselineCount;
  }

  static double odds(double pi) {
    return pi >= 1 ? Double.POSITIVE_INFINITY : pi / (1 - pi);
  }
}
