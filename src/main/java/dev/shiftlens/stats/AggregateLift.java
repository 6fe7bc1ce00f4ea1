package dev.shiftlens.stats;

/**
 * The lift of a group of sends, {@code sum O / sum E} (observed over expected counts of their response
 * windows), with an always-valid interval and p-value, computed from the group's sufficient statistics.
 *
 * <p><b>Units.</b> The sequence needs independent units. Sends of one contact are not (the same person,
 * overlapping baselines, bursts that span windows), so {@code GET /v1/metrics/sends} feeds one unit per
 * contact: {@code O} and {@code E} below are a contact's sums over its sends in the group, and {@code n}
 * counts contacts. With 20 bursty sends per contact, sends as units made the polled interval wrong in
 * 27% of null histories, contacts as units in 0.6% ({@code AggregateLiftClusteredPollingTest}). "Send"
 * below reads "unit" in that case.
 *
 * <h2>The sequence</h2>
 * For a candidate lift {@code lambda}, each send contributes the residual {@code X_i = O_i - lambda E_i};
 * under "the lift is lambda" the residuals have mean zero, whatever the contact's own rate. Their sum
 * and their variance are, from the group's sums,
 * <pre>
 *   S(lambda) = sum O - lambda sum E
 *   V(lambda) = sum (O_i - lambda E_i)^2 + lambda sum E
 *             = sum O^2 - 2 lambda (sum OE - sum E / 2) + lambda^2 sum E^2
 * </pre>
 * The first part of {@code V} is the variance estimated from the data, not from a model: over-dispersed
 * counts (contacts whose activity comes in bursts) and the noise of {@code E} itself (an estimate from a
 * few weeks of baseline) both make the residuals larger, and so widen the interval, instead of being
 * assumed away. The second part is the Poisson variance that counts with mean {@code lambda E} have
 * whatever their dispersion. Why both: the squared residuals alone ({@code [S]}) give the asymptotic
 * sequence, which on right-skewed counts is too narrow on the low side for a long while (the bursts that
 * would widen it have not happened yet; 6.6% of polled null histories wrong in the polling test);
 * {@code [S] + <S>} (Bercu and Touati 2008, valid for any martingale) with {@code <S>} estimated as
 * {@code [S]} is safe but wide (power against a 20% lift over 3000 sends fell from 89% to 32%). Adding
 * the Poisson part of {@code <S>}, which is known without estimation, keeps the polled error below 5%
 * there at a small cost in power (85%).
 *
 * <p>The interval is the set of lifts that the two-sided normal-mixture boundary (Howard et al. 2021,
 * STATS.md section 3) does not reject:
 * <pre>
 *   S(lambda)^2 <= (V + rho) (ln(1 + V/rho) + 2 ln(1/alpha)),   rho = (V/n) rho_n
 * </pre>
 * with {@code rho_n} = {@link ConfidenceSequences#normalMixtureRho} of {@link #PLANNED_SENDS} sends.
 * This is the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas
 * ("Time-uniform central limit theory and asymptotic confidence sequences", 2024): the mixture is
 * tuned in sends and scaled by the estimated per-send variance {@code V/n}, which makes the bound
 * free of the counts' units (an event name seen twice a month and the reward-weighted {@code "*"}
 * get the same shape). Then {@code V/rho = n/rho_n} and the condition is a quadratic inequality in
 * {@code lambda}, {@code S^2 <= c^2 V} with {@code c^2 = (1 + rho_n/n)(ln(1 + n/rho_n) + 2 ln(1/alpha))},
 * solved in closed form (a Fieller-type interval). By Cauchy-Schwarz {@code S^2 <= n V}, so a handful
 * of sends cannot reject anything: small groups get wide intervals instead of false certainty.
 *
 * <p>Why always-valid: the boundary holds at every number of sends at once with probability at least
 * {@code 1 - alpha} (asymptotically in the per-send variance, which the self-normalisation estimates
 * as it goes), so a dashboard may read the interval after every send without inflating its error rate.
 * A fixed-horizon interval ({@code lift +- 1.96 sqrt(V)/sum E}) read that often excludes the truth in
 * far more than 5% of histories; the polling test in this project measures both.
 *
 * <p>The planned horizon {@link #PLANNED_SENDS} ({@code V_opt} in sends) is where the boundary is
 * tightest: a message of a campaign typically reaches a thousand or a few thousand contacts before a
 * decision, and the boundary is within about 10% of its optimum from a quarter to four times the plan.
 *
 * <p>The always-valid p-value of "the lift is {@code lambda0}" is {@code 1/BF}, the smallest alpha whose
 * boundary rejects it: {@code min(1, sqrt(1 + n/rho_n) exp(-S^2 / (2 V (1 + rho_n/n))))}, with S and V
 * taken at {@code lambda0}. It agrees with the interval: {@code p < alpha} exactly when the interval at
 * {@code alpha} leaves out {@code lambda0}. The tuning {@code rho_n} is fixed (at alpha 0.05) so that
 * intervals at other levels and p-values come from one and the same mixture.
 */
public final class AggregateLift {
  /** The planned number of sends at which the boundary is tightest ({@code V_opt}, in sends). */
  public static final double PLANNED_SENDS = 1000;
  /** The level the mixture is tuned for. */
  public static final double TUNING_ALPHA = 0.05;
  private static final double RHO_SENDS = ConfidenceSequences.normalMixtureRho(PLANNED_SENDS, TUNING_ALPHA);

  private AggregateLift() {
  }

  /**
   * Sufficient statistics of a group of sends: their number and the sums of {@code O}, {@code E},
   * {@code O^2}, {@code O E} and {@code E^2}. What the database returns instead of rows.
   */
  public record Sums(long n, double observed, double expected, double observedSquares, double products,
      double expectedSquares) {
    public static final Sums EMPTY = new Sums(0, 0, 0, 0, 0, 0);

    public Sums {
      if (n < 0) {
        throw new IllegalArgumentException("the number of sends must not be negative, got " + n);
      }
    }

    /** These sums with one more send. */
    public Sums plus(double o, double e) {
      return new Sums(n + 1, observed + o, expected + e, observedSquares + o * o, products + o * e, expectedSquares + e * e);
    }

    public Sums plus(Sums other) {
      return new Sums(n + other.n, observed + other.observed, expected + other.expected,
          observedSquares + other.observedSquares, products + other.products, expectedSquares + other.expectedSquares);
    }

    /** {@code V(lambda) = sum (O_i - lambda E_i)^2 + lambda sum E}, never below 0 (rounding). */
    double variance(double lambda) {
      return Math.max(0, observedSquares - 2 * lambda * products + lambda * lambda * expectedSquares) + lambda * expected;
    }
  }

  /**
   * A lift and its always-valid interval and p-value (of "the lift is 1"). {@code lift} is NaN when
   * nothing was expected; then {@code interval} is null and {@code pValue} NaN. The interval's high end
   * may be infinite when the data cannot bound it yet.
   */
  public record Estimate(double lift, Interval interval, double pValue) {
    static final Estimate NONE = new Estimate(Double.NaN, null, Double.NaN);

    public boolean defined() {
      return !Double.isNaN(lift);
    }
  }

  /** {@code c^2 = (1 + rho_n/n)(ln(1 + n/rho_n) + 2 ln(1/alpha))}: the boundary in units of {@code V}. */
  static double boundarySquared(long n, double alpha) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    return (1 + RHO_SENDS / n) * (Math.log1p(n / RHO_SENDS) + 2 * Math.log(1 / alpha));
  }

  /** The lift of the group, its always-valid {@code 1 - alpha} interval, and the p-value of "lift is 1". */
  public static Estimate of(Sums s, double alpha) {
    if (s.n() == 0 || !(s.expected() > 0)) {
      return Estimate.NONE;
    }
    return new Estimate(s.observed() / s.expected(), interval(s, alpha), pValue(s, 1));
  }

  /**
   * The lifts the boundary does not reject: {@code A l^2 + B l + C <= 0} with {@code A = (sum E)^2 - c^2 sum E^2},
   * {@code B = 2 (c^2 (sum OE - sum E / 2) - sum O sum E)}, {@code C = (sum O)^2 - c^2 sum O^2}. The point estimate always
   * satisfies it (there {@code S = 0}). When {@code A > 0} the set is the segment between the roots;
   * otherwise it is unbounded above, and only a root below the estimate bounds it from below.
   */
  static Interval interval(Sums s, double alpha) {
    double c2 = boundarySquared(s.n(), alpha);
    double lift = s.observed() / s.expected();
    double a = s.expected() * s.expected() - c2 * s.expectedSquares();
    double b = 2 * (c2 * (s.products() - s.expected() / 2) - s.observed() * s.expected());
    double c = s.observed() * s.observed() - c2 * s.observedSquares();
    double disc = Math.max(0, b * b - 4 * a * c);
    if (a > 0) {
      double q = -0.5 * (b + Math.copySign(Math.sqrt(disc), b)); // the stable form of the two roots
      double r1 = q / a;
      double r2 = q == 0 ? r1 : c / q;
      double low = Math.min(r1, r2);
      double high = Math.max(r1, r2);
      return new Interval(Math.max(0, Math.min(low, lift)), Math.max(high, lift));
    }
    if (a < 0 && disc > 0) {
      double r1 = (-b + Math.sqrt(disc)) / (2 * a);
      double r2 = (-b - Math.sqrt(disc)) / (2 * a);
      double upperRoot = Math.max(r1, r2);
      if (lift >= upperRoot) {
        return new Interval(Math.max(0, upperRoot), Double.POSITIVE_INFINITY);
      }
    }
    return new Interval(0, Double.POSITIVE_INFINITY);
  }

  /**
   * Always-valid p-value of "the lift is {@code lambda0}":
   * {@code min(1, sqrt(1 + n/rho_n) exp(-S^2 / (2 V (1 + rho_n/n))))} at {@code lambda0}. {@code V} is 0
   * only when nothing was observed or expected: then nothing can be rejected (p = 1) unless
   * {@code S != 0} (p = 0).
   */
  public static double pValue(Sums s, double lambda0) {
    if (s.n() == 0) {
      return 1;
    }
    double sum = s.observed() - lambda0 * s.expected();
    double v = s.variance(lambda0);
    if (v == 0) {
      return sum == 0 ? 1 : 0;
    }
    double logP = 0.5 * Math.log1p(s.n() / RHO_SENDS) - sum * sum / (2 * v * (1 + RHO_SENDS / s.n()));
    return Math.min(1, Math.exp(logP));
  }

  /**
   * The always-valid p-value of "the lift is 1" over a history read at several looks: the running
   * minimum of {@link #pValue} over the looks (STATS.md section 3; each look's {@code 1/BF} is valid at
   * every time at once, so their minimum is too). {@code looks} are the cumulative sums at each look in
   * time order; looks where the lift is not defined yet (nothing expected) are skipped. NaN when the
   * lift is not defined at the last look.
   */
  public static double runningPValue(java.util.List<Sums> looks) {
    if (looks.isEmpty() || !of(looks.get(looks.size() - 1), TUNING_ALPHA).defined()) {
      return Double.NaN;
    }
    double min = 1;
    for (Sums s : looks) {
      if (s.n() > 0 && s.expected() > 0) {
        min = Math.min(min, pValue(s, 1));
      }
    }
    return min;
  }

  /**
   * The running minimum over looks of the p-value of "the ratio of the lifts is 1" ({@link #ratio}),
   * the two arms' cumulative sums taken at the same looks (equal lengths). Looks where the ratio is not
   * defined are skipped; NaN when it is not defined at the last look.
   */
  public static double runningRatioPValue(java.util.List<Sums> treatedLooks, java.util.List<Sums> holdoutLooks) {
    if (treatedLooks.size() != holdoutLooks.size()) {
      throw new IllegalArgumentException("both arms need the same looks, got " + treatedLooks.size() + " and "
          + holdoutLooks.size());
    }
    int last = treatedLooks.size() - 1;
    if (last < 0 || !ratio(treatedLooks.get(last), holdoutLooks.get(last), TUNING_ALPHA).defined()) {
      return Double.NaN;
    }
    double min = 1;
    for (int i = 0; i <= last; i++) {
      Sums t = treatedLooks.get(i);
      Sums h = holdoutLooks.get(i);
      if (ratioDefined(t, h)) {
        min = Math.min(min, ratioPValue(t, h));
      }
    }
    return min;
  }

  /**
   * The ratio of two groups' lifts, {@code lift_T / lift_H} (treated sends over holdout sends), with an
   * always-valid interval by a union bound: each lift's sequence at {@code alpha/2} holds at every look
   * with probability {@code 1 - alpha/2}, so both hold together with probability at least {@code 1 - alpha},
   * and then the ratio lies in {@code [low_T / high_H, high_T / low_H]}. Valid without any assumption
   * on how the two groups grow relative to each other, which a combined variance on the log scale would
   * need; the price is a somewhat wider interval. The p-value of "the ratio is 1" is the smallest alpha
   * at which the two half-level intervals are disjoint (found by bisection; they shrink as alpha grows).
   * Undefined (NaN, null) when either lift is, or the holdout lift is 0.
   */
  public static Estimate ratio(Sums treated, Sums holdout, double alpha) {
    if (!ratioDefined(treated, holdout)) {
      return Estimate.NONE;
    }
    double ratio = (treated.observed() / treated.expected()) / (holdout.observed() / holdout.expected());
    Interval t = interval(treated, alpha / 2);
    Interval h = interval(holdout, alpha / 2);
    double low = h.high() == Double.POSITIVE_INFINITY ? 0 : t.low() / h.high();
    double high = h.low() == 0 ? Double.POSITIVE_INFINITY : t.high() / h.low();
    return new Estimate(ratio, new Interval(Math.min(low, ratio), Math.max(high, ratio)), ratioPValue(treated, holdout));
  }

  private static boolean ratioDefined(Sums treated, Sums holdout) {
    return treated.n() > 0 && holdout.n() > 0 && treated.expected() > 0 && holdout.expected() > 0 && holdout.observed() > 0;
  }

  private static double ratioPValue(Sums treated, Sums holdout) {
    if (!disjoint(treated, holdout, 1 - 1e-12)) {
      return 1;
    }
    double lo = Math.log(1e-300); // disjoint at alpha = 1e-300? then p is as small as a double says
    if (disjoint(treated, holdout, 1e-300)) {
      return 0;
    }
    double hi = Math.log(1 - 1e-12);
    for (int i = 0; i < 100; i++) {
      double mid = 0.5 * (lo + hi);
      if (disjoint(treated, holdout, Math.exp(mid))) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return Math.exp(hi);
  }

  private static boolean disjoint(Sums treated, Sums holdout, double alpha) {
    Interval t = interval(treated, alpha / 2);
    Interval h = interval(holdout, alpha / 2);
    return t.high() < h.low() || h.high() < t.low();
  }
}
