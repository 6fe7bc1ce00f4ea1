package dev.shiftlens.stats;

/**
 * A reward-weighted total over event names (the "*" row of a send):
 * {@code S = sum_j a_j Y_j} with {@code a_j = w_j phi_j}, where {@code w_j} is the reward of name j
 * (any sign), {@code phi_j} its dispersion scale and {@code Y_j ~ NB(r_j, q_j)} independent, the
 * posterior predictive of the window count of name j in effective units (count / phi_j). The value
 * observed is {@code s = sum_j w_j k_j}. Each component is kept as its shape {@code r} and mean
 * {@code mu = r (1 - q) / q}; with {@code c = mu / r = (1 - q) / q} its cumulant generating function is
 * {@code K_j(u) = -r ln(1 - c (e^u - 1))} for {@code u < ln(1 + 1/c)}, and {@code r = +Inf} is the
 * Poisson limit {@code K_j(u) = mu (e^u - 1)}. Then {@code K(t) = sum_j K_j(a_j t)},
 * {@code K'(t) = sum_j a_j mu_j e^u / D_j}, {@code K''(t) = sum_j a_j^2 mu_j (1 + c_j) e^u / D_j^2} with
 * {@code u = a_j t}, {@code D_j = 1 - c_j (e^u - 1)}; {@code E[S] = sum a_j mu_j},
 * {@code Var S = sum a_j^2 mu_j (1 + c_j)}.
 *
 * <p>Tails by the Lugannani-Rice saddlepoint approximation: with {@code K'(t) = x},
 * {@code w = sign(t) sqrt(2 (t x - K(t)))}, {@code P(S >= x) ~ 1 - Phi(w) + phi(w) (1/v - 1/w)} where
 * {@code v = t sqrt(K''(t))}. A normal approximation is off by orders of magnitude in the tails of
 * skewed counts; this is within a few percent down to 1e-4 and beyond. {@code t x - K(t)} is summed
 * per component as {@code u K_j'(u) - K_j(u)}, with {@code log1p}/{@code expm1}, so that it keeps its
 * digits near the mean; within {@code |w| < 1e-3} of it the formula's limit
 * {@code 1 - Phi(z) - phi(z) lambda3 / 6} ({@code z} the standardized value,
 * {@code lambda3 = kappa3 / kappa2^1.5}) is used instead of the cancelling difference.
 *
 * <p>Lattices. When every {@code |a_j|} is an integer multiple of a step {@code delta} (found among
 * {@code min |a| / m} for {@code m = 1..4}: unit rewards, halves, thirds, quarters), S lives on
 * {@code delta Z} and the tail uses Daniels' second continuity correction: solve at
 * {@code x - delta/2} and take {@code v = (2/delta) sinh(t delta / 2) sqrt(K''(t))}. For a single
 * component with {@code a = 1} this is within a few percent of the exact negative-binomial tail.
 * Other weights are treated as continuous: their atoms are many and small once counts are
 * moderate, and no correction is applied. Where S is one-signed the edge of the support is exact:
 * {@code P(S = 0) = prod q_j^r_j}, the only value between 0 and the smallest {@code |a_j|}.
 *
 * <p>The mid tail {@code P(S > s) + P(S = s)/2} of an observed value is, on a lattice, the mean of the
 * approximations of {@code P(S >= s)} and {@code P(S >= s + delta)}; otherwise the continuous tail at
 * s. The observed value is not snapped to the lattice (with {@code phi != 1} it is off it): between
 * lattice points this interpolates smoothly, which keeps the test and its interval continuous.
 *
 * <p>Test of a row ({@link #test}): {@code U = mid upper tail at s}, {@code p = min(1, 2 min(U, 1 - U))},
 * {@code probIncrease = 1 - U}, and the interval of {@code rho}, a common multiplier of every mean
 * (shapes kept), is the set of rho whose test does not reject: {@code alpha/2 <= U(rho) <= 1 - alpha/2}.
 * Its ends are searched outward from {@code rho = 1} on {@code ln rho}, so the interval excludes 1
 * exactly when {@code p < alpha}, on the side the data point to; see {@link Result}.
 *
 * <p>Cost: a tail is one safeguarded Newton solve (a few iterations of one {@code expm1} per component);
 * a whole row, interval included, is a few dozen solves and a handful of small arrays.
 */
public final class WeightedCounts {
  /** Farthest the interval search goes from rho = 1, either way; beyond, the end is 0 or +Inf. */
  private static final double MAX_LOG_RHO = Math.log(1e9);
  private static final double LOG_RHO_TOLERANCE = 1e-8;
  private static final int MAX_ITERATIONS = 200;
  /** Below this |w| the saddlepoint formula cancels; its limit at the mean is used. */
  private static final double NEAR_MEAN = 1e-3;
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
  private static final int MAX_DENOMINATOR = 4;
  private static final double MAX_MULTIPLE = 1e4;

  private WeightedCounts() {
  }

  /**
   * One event name's part of the total.
   *
   * @param weight the reward {@code w}, any finite sign
   * @param phi    dispersion scale {@code phi > 0} (>= 1 in practice): the count is {@code phi Y}
   * @param shape  {@code r > 0}, {@code +Inf} for a Poisson count
   * @param mean   {@code E[Y] = r (1 - q) / q >= 0}; 0 means Y = 0 surely
   */
  public record Component(double weight, double phi, double shape, double mean) {
    public Component {
      if (!Double.isFinite(weight) || !(phi > 0 && Double.isFinite(phi)) || !(shape > 0)
          || !(mean >= 0 && Double.isFinite(mean))) {
        throw new IllegalArgumentException("need a finite weight, finite phi > 0, shape > 0 and a finite mean >= 0, got w = "
            + weight + ", phi = " + phi + ", shape = " + shape + ", mean = " + mean);
      }
    }

    /** {@code Y ~ NB(shape, q)}, {@code q} in (0, 1]; {@code q = 1} is Y = 0 surely. */
    public static Component negativeBinomial(double weight, double phi, double shape, double q) {
      if (!(q > 0 && q <= 1)) {
        throw new IllegalArgumentException("q must be in (0, 1], got " + q);
      }
      return new Component(weight, phi, shape, shape * (1 - q) / q);
    }

    /** {@code Y ~ Poisson(mean)}: the limit of infinite shape. */
    public static Component poisson(double weight, double phi, double mean) {
      return new Component(weight, phi, Double.POSITIVE_INFINITY, mean);
    }
  }

  /**
   * The test of one row. {@code U} below is the mid upper tail at the observed value.
   *
   * @param expected     {@code E[S]} at rho = 1
   * @param pValue       {@code min(1, 2 min(U, 1 - U))}
   * @param probIncrease {@code 1 - U}, the mid lower distribution function at the observed value
   * @param low          lower end of the rho interval; NaN when {@code expected <= 0}
   * @param high         upper end, may be +Inf; NaN when {@code expected <= 0}
   *     <p>By construction, with the same computed U: {@code U < alpha/2} <=> {@code p < alpha} upward
   *     <=> {@code low > 1} <=> {@code probIncrease > 1 - alpha/2} (up to the rounding of {@code 1 - U});
   *     {@code 1 - U < alpha/2} <=> {@code p < alpha} downward <=> {@code high < 1} <=>
   *     {@code probIncrease < alpha/2}; otherwise the interval contains 1. "Upward" is read from U, not
   *     from {@code s > expected}: the two differ only where the predictive is so skewed that a value
   *     below the mean is in its top {@code alpha/2}.
   */
  public record Result(double expected, double pValue, double probIncrease, double low, double high) {
    /** False when the expected total is not positive: no ratio to report. */
    public boolean hasInterval() {
      return !Double.isNaN(low);
    }
  }

  /** {@code E[S] = sum w_j phi_j mu_j}. */
  public static double mean(Component... components) {
    double m = 0;
    for (Component c : components) {
      m += c.weight * c.phi * c.mean;
    }
    return m;
  }

  /** {@code Var S = sum (w_j phi_j)^2 mu_j (1 + mu_j / r_j)}. */
  public static double variance(Component... components) {
    double v = 0;
    for (Component c : components) {
      double a = c.weight * c.phi;
      v += a * a * c.mean * (1 + c.mean / c.shape);
    }
    return v;
  }

  /** {@code P(S >= s)}. */
  public static double upperTail(double s, Component... components) {
    checkValue(s);
    return new Terms(components).atLeast(1, 1, s);
  }

  /** {@code P(S <= s)}, the upper tail of {@code -S} at {@code -s}. */
  public static double lowerTail(double s, Component... components) {
    checkValue(s);
    return new Terms(components).atLeast(-1, 1, -s);
  }

  /** {@code P(S > s) + P(S = s) / 2}, as described in the class comment. */
  public static double midUpperTail(double s, Component... components) {
    checkValue(s);
    return new Terms(components).midUpper(1, s);
  }

  /** The lattice step of S, 0 when it is treated as continuous (package-private for tests). */
  static double latticeStep(Component... components) {
    return new Terms(components).step;
  }

  /**
   * The test of a row with observed total {@code observed = sum w_j k_j} at two-sided level
   * {@code alpha}: p-value, probability of increase and, when {@code E[S] > 0}, the interval of rho
   * (see the class comment).
   */
  public static Result test(Component[] components, double observed, double alpha) {
    checkValue(observed);
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    Terms terms = new Terms(components);
    double expected = mean(components);
    double u = terms.midUpper(1, observed);
    double probIncrease = 1 - u;
    double pValue = Math.min(1, 2 * Math.min(u, probIncrease));
    if (!(expected > 0)) {
      return new Result(expected, pValue, probIncrease, Double.NaN, Double.NaN);
    }
    double lowTarget = alpha / 2;
    double highTarget = 1 - alpha / 2;
    double low;
    double high;
    if (2 * u < alpha) {
      // Rejected upward: both ends lie above 1; the low end first, the high end beyond it.
      low = terms.crossing(observed, lowTarget, 0, u, +1, true);
      high = low == Double.POSITIVE_INFINITY ? low
          : terms.crossing(observed, highTarget, Math.log(low), terms.midUpper(low, observed), +1, false);
    } else if (2 * probIncrease < alpha) {
      high = terms.crossing(observed, highTarget, 0, u, -1, false);
      low = high == 0 ? 0 : terms.crossing(observed, lowTarget, Math.log(high), terms.midUpper(high, observed), -1, true);
    } else {
      low = terms.crossing(observed, lowTarget, 0, u, -1, true);
      high = terms.crossing(observed, highTarget, 0, u, +1, false);
    }
    return new Result(expected, pValue, probIncrease, low, high);
  }

  private static void checkValue(double s) {
    if (!Double.isFinite(s)) {
      throw new IllegalArgumentException("the value must be finite, got " + s);
    }
  }

  /** The non-degenerate components, flattened once per call, and what is known about S's support. */
  private static final class Terms {
    final int n;
    /** {@code a_j = w_j phi_j}. */
    final double[] a;
    final double[] mu;
    /** {@code 1 / r_j}, 0 for Poisson. */
    final double[] invShape;
    final double step;
    final boolean hasPositive;
    final boolean hasNegative;
    final double minPositive;
    final double minNegative;
    final double maxAbs;
    final double sumMean;
    final double sumVariance;
    /**
     * The last two solutions of {@code K'(t) = x} (sign +1): the interval search asks for the same x
     * at nearby rho again and again, and Newton from there needs two or three steps.
     */
    private double warmX0 = Double.NaN;
    private double warmT0;
    private double warmX1 = Double.NaN;
    private double warmT1;

    Terms(Component[] components) {
      int count = 0;
      for (Component c : components) {
        if (c.weight != 0 && c.mean > 0) {
          count++;
        }
      }
      n = count;
      a = new double[n];
      mu = new double[n];
      invShape = new double[n];
      boolean pos = false;
      boolean neg = false;
      double minPos = Double.POSITIVE_INFINITY;
      double minNeg = Double.POSITIVE_INFINITY;
      double max = 0;
      int i = 0;
      for (Component c : components) {
        if (c.weight == 0 || c.mean == 0) {
          continue; // S gets nothing from it: Y = 0 surely, or it is not rewarded
        }
        a[i] = c.weight * c.phi;
        mu[i] = c.mean;
        invShape[i] = 1 / c.shape;
        double abs = Math.abs(a[i]);
        if (a[i] > 0) {
          pos = true;
          minPos = Math.min(minPos, abs);
        } else {
          neg = true;
          minNeg = Math.min(minNeg, abs);
        }
        max = Math.max(max, abs);
        i++;
      }
      hasPositive = pos;
      hasNegative = neg;
      minPositive = minPos;
      minNegative = minNeg;
      maxAbs = max;
      step = lattice();
      double m = 0;
      double v = 0;
      for (int j = 0; j < n; j++) {
        m += a[j] * mu[j];
        v += a[j] * a[j] * mu[j] * (1 + mu[j] * invShape[j]);
      }
      sumMean = m;
      sumVariance = v;
    }

    /** The largest {@code min|a| / m}, m = 1..4, of which every |a| is a multiple; 0 if none. */
    private double lattice() {
      if (n == 0) {
        return 0;
      }
      double min = Math.min(minPositive, minNegative);
      for (int m = 1; m <= MAX_DENOMINATOR; m++) {
        double delta = min / m;
        boolean all = true;
        for (int j = 0; j < n && all; j++) {
          double k = Math.abs(a[j]) / delta;
          all = k <= MAX_MULTIPLE && Math.abs(k - Math.rint(k)) <= 1e-9 * k;
        }
        if (all) {
          return delta;
        }
      }
      return 0;
    }

    /** Mid upper tail at s with every mean multiplied by rho. */
    double midUpper(double rho, double s) {
      if (n == 0) {
        return s < 0 ? 1 : s == 0 ? 0.5 : 0; // S = 0 surely
      }
      if (step > 0) {
        return 0.5 * (atLeast(1, rho, s) + atLeast(1, rho, s + step));
      }
      boolean oneSigned = !hasNegative || !hasPositive;
      if (oneSigned && s == 0) {
        // The atom at 0 of a one-signed total, exactly.
        double p0 = zeroProbability(rho);
        return hasPositive ? 1 - p0 / 2 : p0 / 2;
      }
      return atLeast(1, rho, s);
    }

    /** {@code P(sign S >= x)} with the means multiplied by rho. */
    double atLeast(double sign, double rho, double x) {
      if (n == 0) {
        return x <= 0 ? 1 : 0;
      }
      boolean up = sign > 0 ? hasPositive : hasNegative;
      boolean down = sign > 0 ? hasNegative : hasPositive;
      if (!down) {
        // sign S >= 0, and nothing lies strictly between 0 and the smallest |a|.
        if (x <= 0) {
          return 1;
        }
        if (x <= (sign > 0 ? minPositive : minNegative)) {
          return 1 - zeroProbability(rho);
        }
      }
      if (!up) {
        if (x > 0) {
          return 0;
        }
        if (x > -(sign > 0 ? minNegative : minPositive)) {
          return zeroProbability(rho);
        }
      }
      return saddlepoint(sign, rho, step > 0 ? x - step / 2 : x);
    }

    /** {@code P(S = 0) = prod q_j^r_j = exp(-sum r_j ln(1 + c_j))}, for a one-signed total. */
    double zeroProbability(double rho) {
      double log = 0;
      for (int j = 0; j < n; j++) {
        double m = rho * mu[j];
        log -= invShape[j] == 0 ? m : Math.log1p(m * invShape[j]) / invShape[j];
      }
      return Math.exp(log);
    }

    /** Lugannani-Rice upper tail of {@code sign S} at x (already continuity-corrected when on a lattice). */
    private double saddlepoint(double sign, double rho, double x) {
      double mean = 0;
      double var = 0;
      double k3 = 0;
      double tLow = Double.NEGATIVE_INFINITY;
      double tHigh = Double.POSITIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        double b = sign * a[j];
        double m = rho * mu[j];
        double c = m * invShape[j];
        mean += b * m;
        var += b * b * m * (1 + c);
        k3 += b * b * b * m * (1 + c) * (1 + 2 * c);
        if (c > 0) {
          // K_j is finite for b t < ln(1 + 1/c).
          double edge = Math.log1p(1 / c) / b;
          if (b > 0) {
            tHigh = Math.min(tHigh, edge);
          } else {
            tLow = Math.max(tLow, edge);
          }
        }
      }
      double sd = Math.sqrt(var);
      double z = (x - mean) / sd;
      double t = solve(sign, rho, x, mean, var, sd, tLow, tHigh);
      // t x - K(t) and K''(t), per component.
      double gap = 0;
      double k2 = 0;
      for (int j = 0; j < n; j++) {
        double b = sign * a[j];
        double m = rho * mu[j];
        double c = m * invShape[j];
        double u = b * t;
        double em1 = Math.expm1(u);
        double d = 1 - c * em1;
        double kp = m * (1 + em1) / d;
        k2 += b * b * kp * (1 + c) / d;
        gap += u * kp + (c == 0 ? -m * em1 : Math.log1p(-c * em1) / invShape[j]);
      }
      double w = Math.signum(t) * Math.sqrt(2 * Math.max(0, gap));
      double tail;
      if (Math.abs(w) < NEAR_MEAN || t == 0) {
        tail = upperNormal(z) - INV_SQRT_2PI * Math.exp(-z * z / 2) * k3 / (var * sd) / 6;
      } else {
        double v = step > 0 ? 2 * Math.sinh(t * step / 2) / step * Math.sqrt(k2) : t * Math.sqrt(k2);
        tail = upperNormal(w) + INV_SQRT_2PI * Math.exp(-w * w / 2) * (1 / v - 1 / w);
      }
      return Math.max(0, Math.min(1, tail));
    }

    /** Safeguarded Newton for {@code K'(t) = x} inside (tLow, tHigh); K' is increasing there. */
    private double solve(double sign, double rho, double x, double mean, double var, double sd, double tLow, double tHigh) {
      double lo;
      double hi;
      if (x > mean) {
        lo = 0;
        hi = tHigh;
      } else {
        lo = tLow;
        hi = 0;
      }
      double t = (x - mean) / var;
      if (sign > 0 && (x == warmX0 || x == warmX1)) {
        double warm = x == warmX0 ? warmT0 : warmT1;
        if (warm > lo && warm < hi) {
          t = warm;
        }
      }
      if (!(t > lo && t < hi)) {
        t = inside(lo, hi, 0);
      }
      t = newton(sign, rho, x, t, lo, hi, 1e-12 * (sd + Math.abs(x)));
      if (sign > 0) {
        if (x == warmX0) {
          warmT0 = t;
        } else if (x == warmX1) {
          warmT1 = t;
        } else {
          warmX1 = warmX0;
          warmT1 = warmT0;
          warmX0 = x;
          warmT0 = t;
        }
      }
      return t;
    }

    private double newton(double sign, double rho, double x, double t, double lo, double hi, double tolerance) {
      for (int i = 0; i < MAX_ITERATIONS; i++) {
        double k1 = 0;
        double k2 = 0;
        boolean beyond = false;
        for (int j = 0; j < n; j++) {
          double b = sign * a[j];
          double m = rho * mu[j];
          double c = m * invShape[j];
          double em1 = Math.expm1(b * t);
          double d = 1 - c * em1;
          if (!(d > 0)) {
            beyond = true; // rounding put t on or past a pole: K' is +Inf or -Inf there
            break;
          }
          double kp = m * (1 + em1) / d;
          k1 += b * kp;
          k2 += b * b * kp * (1 + c) / d;
        }
        double f = beyond ? (t > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY) : k1 - x;
        if (Math.abs(f) <= tolerance) {
          return t;
        }
        if (f > 0) {
          hi = t;
        } else {
          lo = t;
        }
        double next = beyond ? Double.NaN : t - f / k2;
        if (!(next > lo && next < hi)) {
          next = inside(lo, hi, t);
        }
        if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t)) * 4) {
          return next;
        }
        t = next;
      }
      return t;
    }

    /** A point strictly inside (lo, hi): the midpoint, or a growing step away from t on an open side. */
    private double inside(double lo, double hi, double t) {
      double unit = 1 / maxAbs;
      if (hi == Double.POSITIVE_INFINITY) {
        return Math.max(lo, t) + Math.max(unit, Math.abs(Math.max(lo, t)));
      }
      if (lo == Double.NEGATIVE_INFINITY) {
        return Math.min(hi, t) - Math.max(unit, Math.abs(Math.min(hi, t)));
      }
      return 0.5 * (lo + hi);
    }

    /**
     * The end of the rho interval where {@code U(rho) = target}, searched from {@code ln rho = x0}
     * (with {@code U = u0} there) in direction {@code dir}: steps doubling until U crosses the target,
     * then the Illinois variant of regula falsi on {@code ln rho}. Returns the bracket end on the
     * side the test accepts ({@code U >= target} for the low end, {@code U <= target} for the high
     * one); 0 or +Inf when no crossing is found within 1e9 of rho = 1.
     */
    double crossing(double s, double target, double x0, double u0, int dir, boolean lowEnd) {
      double xPrev = x0;
      double fPrev = u0 - target;
      // First step about the interval's half-width on ln rho, z sd / mean; then secant steps, at
      // least doubling and at most eightfold, until U crosses the target.
      double h = Math.min(2, Math.max(0.02, 2 * Math.sqrt(sumVariance) / Math.abs(sumMean)));
      double x1;
      double f1;
      while (true) {
        x1 = xPrev + dir * h;
        if (Math.abs(x1) > MAX_LOG_RHO) {
          x1 = dir * MAX_LOG_RHO;
        }
        f1 = midUpper(Math.exp(x1), s) - target;
        if ((f1 > 0) != (fPrev > 0) || f1 == 0) {
          break;
        }
        if (Math.abs(x1) >= MAX_LOG_RHO) {
          return dir > 0 ? Double.POSITIVE_INFINITY : 0;
        }
        double secant = f1 != fPrev ? -f1 * (x1 - xPrev) / (f1 - fPrev) : Double.NaN;
        double next = dir * secant;
        h = next > 2 * h ? Math.min(next * 1.2, 8 * h) : 2 * h;
        xPrev = x1;
        fPrev = f1;
      }
      // Bracket [xa, xb]: xa accepted, xb rejected.
      double xa;
      double fa;
      double xb;
      double fb;
      boolean prevAccepted = lowEnd ? fPrev >= 0 : fPrev <= 0;
      if (prevAccepted) {
        xa = xPrev;
        fa = fPrev;
        xb = x1;
        fb = f1;
      } else {
        xa = x1;
        fa = f1;
        xb = xPrev;
        fb = fPrev;
      }
      int side = 0;
      double missAccepted = Math.abs(fa); // fa itself may be halved below
      for (int i = 0; i < MAX_ITERATIONS && Math.abs(xa - xb) > LOG_RHO_TOLERANCE
          && missAccepted > 1e-9 * target; i++) {
        double xm = fa == fb ? 0.5 * (xa + xb) : xa - fa * (xb - xa) / (fb - fa);
        if (!(xm > Math.min(xa, xb) && xm < Math.max(xa, xb))) {
          xm = 0.5 * (xa + xb);
        }
        double fm = midUpper(Math.exp(xm), s) - target;
        boolean accepted = lowEnd ? fm >= 0 : fm <= 0;
        if (accepted) {
          xa = xm;
          fa = fm;
          missAccepted = Math.abs(fm);
          if (side == 1) {
            fb /= 2; // Illinois: the end that stayed put twice has its value halved
          }
          side = 1;
        } else {
          xb = xm;
          fb = fm;
          if (side == -1) {
            fa /= 2;
          }
          side = -1;
        }
      }
      return Math.exp(xa);
    }
  }

  /**
   * {@code 1 - Phi(z)} by Hart's (1968) rational approximation in West's (2005) form: one exponential,
   * relative error below 1e-8 over the whole range (against Commons Math's erfc, which costs ten times
   * as much and is called a few dozen times a row).
   */
  static double upperNormal(double z) {
    double small = normalTail(Math.abs(z));
    return z >= 0 ? small : 1 - small;
  }

  /** {@code Phi(-x)} for {@code x >= 0}. */
  private static double normalTail(double x) {
    if (x > 37) {
      return 0;
    }
    double e = Math.exp(-x * x / 2);
    if (x < 7.07106781186547) {
      double num = 3.52624965998911E-02 * x + 0.700383064443688;
      num = num * x + 6.37396220353165;
      num = num * x + 33.912866078383;
      num = num * x + 112.079291497871;
      num = num * x + 221.213596169931;
      num = num * x + 220.206867912376;
      double den = 8.83883476483184E-02 * x + 1.75566716318264;
      den = den * x + 16.064177579207;
      den = den * x + 86.7807322029461;
      den = den * x + 296.564248779674;
      den = den * x + 637.333633378831;
      den = den * x + 793.826512519948;
      den = den * x + 440.413735824752;
      return e * num / den;
    }
    // Continued fraction of the Mills ratio.
    double b = x + 0.65;
    b = x + 4 / b;
    b = x + 3 / b;
    b = x + 2 / b;
    b = x + 1 / b;
    return e / b / 2.506628274631;
  }
}
