package dev.shiftlens.baseline;

import java.util.Arrays;
import java.util.List;

/**
 * How much more a contact's counts vary than Poisson counts, at the time scale of a response window.
 * Real events come in sessions (an app open, three views, a purchase, within minutes), and a person
 * has busy and quiet days; a test that takes counts for Poisson reads that noise as change. Pure; any
 * thread.
 *
 * <h2>Estimate</h2>
 * The contact's baseline hours, response windows of earlier sends left out, are cut into blocks of
 * {@code L} hours counted back from the baseline's end ({@code L} the window's length, at most
 * {@link #MAX_BLOCK_HOURS}). With {@code c_j} the count and {@code e_j} the exposure of block {@code j}
 * (the population profile summed over its hours that count), {@code n = sum c_j},
 * {@code rate = n / sum e_j}, Pearson's statistic is {@code X^2 = sum c_j^2 / (rate e_j) - n} on
 * {@code blocks - 1} degrees of freedom, and {@code X^2 / (blocks - 1)} estimates the dispersion
 * {@code phi = Var / Mean} of a block's count (quasi-Poisson). Blocks with less than half their hours
 * counting are left out, as their counts are too small to say anything.
 *
 * <h2>Pooling</h2>
 * One contact's estimate is noisy, and carries little information when the contact has few events (with
 * {@code n} events it cannot exceed about {@code n}). It is shrunk toward the population's pooled
 * estimate for the event name and block length, {@code phi_pop = sum X^2 / sum (blocks - 1)} over
 * contacts with at least {@link #MIN_POOL_EVENTS} events:
 * {@code phi = (w phi_own + nu phi_pop) / (w + nu)} with {@code w = min(blocks - 1, n - 1)} and
 * {@code nu = }{@link #PRIOR_WEIGHT} (empirical Bayes with a scaled inverse chi-square prior of
 * {@code nu} degrees of freedom around {@code phi_pop}). The pooled estimate is never below 1, a contact's
 * never below {@link #FLOOR}.
 */
public final class Dispersion {
  /** Block lengths the population is pooled for; a window uses the longest not above its own length. */
  static final int[] BLOCK_HOURS = {1, 2, 3, 4, 6, 8, 12, 24};
  static final int MAX_BLOCK_HOURS = 24;
  /** Contacts with fewer events say too little about their dispersion to enter the pooled estimate. */
  static final long MIN_POOL_EVENTS = 10;
  /** Degrees of freedom of the prior around the pooled estimate. */
  static final double PRIOR_WEIGHT = 20;
  /**
   * The least dispersion a contact gets. A floor of 1 would bias every estimate up (the mean of
   * {@code max(1, noise around 1)} is above 1) and cost Poisson data a tenth of the test's power; a
   * contact's estimate slightly below 1 is noise around 1, and is kept.
   */
  static final double FLOOR = 0.8;

  private Dispersion() {
  }

  /** Pearson's statistic of one contact and name, its degrees of freedom and the events it was computed from. */
  public record Pearson(double statistic, int degrees, long events) {
    public static final Pearson NONE = new Pearson(0, 0, 0);

    /** {@code X^2 / df}, or NaN without degrees of freedom or events. */
    public double estimate() {
      return degrees > 0 && events > 0 ? statistic / degrees : Double.NaN;
    }
  }

  /** The block length, in hours, whose pooled estimate serves a window of {@code windowHours}. */
  public static int blockHours(double windowHours) {
    int wanted = (int) Math.max(1, Math.min(MAX_BLOCK_HOURS, Math.round(windowHours)));
    int best = BLOCK_HOURS[0];
    for (int h : BLOCK_HOURS) if (h <= wanted) best = h;
    return best;
  }

  /** The index of a block length in {@link #BLOCK_HOURS}. */
  static int index(int blockHours) {
    int i = Arrays.binarySearch(BLOCK_HOURS, blockHours);
    if (i < 0) throw new IllegalArgumentException("not a pooled block length: " + blockHours);
    return i;
  }

  /**
   * Pearson's statistic over blocks of {@code blockHours} counted back from the end of the arrays.
   *
   * @param counts events per hour
   * @param exposure exposure per hour (0 for hours that do not count)
   * @param counted whether each hour counts (outside earlier response windows)
   */
  public static Pearson pearson(int[] counts, double[] exposure, boolean[] counted, int blockHours) {
    int hours = counts.length;
    int blocks = hours / blockHours;
    double[] c = new double[blocks];
    double[] e = new double[blocks];
    int used = 0;
    long n = 0;
    double sumE = 0;
    for (int j = 0; j < blocks; j++) {
      int end = hours - j * blockHours;
      int inside = 0;
      double cj = 0, ej = 0;
      for (int h = end - blockHours; h < end; h++) {
        if (!counted[h]) continue;
        inside++;
        cj += counts[h];
        ej += exposure[h];
      }
      if (2 * inside < blockHours || !(ej > 0)) continue;
      c[used] = cj;
      e[used++] = ej;
      n += (long) cj;
      sumE += ej;
    }
    if (used < 2 || n == 0) return new Pearson(0, Math.max(0, used - 1), n);
    double rate = n / sumE;
    double x2 = -n;
    for (int j = 0; j < used; j++) x2 += c[j] * c[j] / (rate * e[j]);
    return new Pearson(Math.max(0, x2), used - 1, n);
  }

  /**
   * One contact's events per clump (session) of one name: the size {@code s} at which clumps started as
   * a Poisson process, {@code mu_h / s} an hour, explain the hours with any event,
   * {@code sum_h (1 - exp(-mu_h / s)) = active hours}, where {@code mu_h = rate e_h} is the hour's expected
   * count. 1 for Poisson events (however busy the hours), about the mean session size when events
   * come in sessions shorter than an hour. Solved by Newton's method on {@code 1/s}; at least 1.
   *
   * @return {@code {clump size, active hours, events}}
   */
  public static double[] clumpSize(int[] counts, double[] exposure, boolean[] counted) {
    long n = 0;
    int active = 0;
    double e = 0;
    for (int h = 0; h < counts.length; h++) {
      if (!counted[h]) continue;
      n += counts[h];
      if (counts[h] > 0) active++;
      e += exposure[h];
    }
    if (n == 0 || active == 0 || !(e > 0)) return new double[] {1, active, n};
    double rate = n / e;
    // f(v) = sum (1 - exp(-mu_h v)) - active, increasing and concave in v = 1/s; f(1) >= 0 unless clumped.
    double v = Math.min(1, (double) active / n);
    for (int i = 0; i < 20; i++) {
      double f = -active, df = 0;
      for (int h = 0; h < counts.length; h++) {
        if (!counted[h] || !(exposure[h] > 0)) continue;
        double mu = rate * exposure[h];
        double x = Math.exp(-mu * v);
        f += 1 - x;
        df += mu * x;
      }
      if (!(df > 0)) break;
      double next = Math.max(1e-6, Math.min(1, v - f / df));
      if (Math.abs(next - v) < 1e-9 * v) {
        v = next;
        break;
      }
      v = next;
    }
    return new double[] {Math.max(1, 1 / v), active, n};
  }

  /**
   * Below this pooled clump size the population's events are taken as single ones: an estimate of
   * about 1 is Poisson data read with noise, and clumps of 1.01 would only blur the lattice of counts
   * that the mid-p tails rely on (a tenth of the power on Poisson data).
   */
  static final double MIN_POOLED_CLUMP = 1.05;

  /** A clump size shrunk toward the pooled one by the number of active hours it rests on; 1 when the population does not clump. */
  public static double shrunkClump(double[] own, double pooled) {
    if (pooled < MIN_POOLED_CLUMP) return 1;
    double w = Math.max(0, own[1] - 1);
    if (!(w > 0)) return Math.max(1, pooled);
    return Math.max(1, (w * own[0] + PRIOR_WEIGHT * pooled) / (w + PRIOR_WEIGHT));
  }

  /** The pooled clump size: the mean of contacts' own, weighted by their active hours, over contacts with enough events. */
  public static double pooledClump(List<double[]> contacts) {
    double sum = 0, weight = 0;
    for (double[] c : contacts) {
      if (c[2] < MIN_POOL_EVENTS) continue;
      sum += c[0] * c[1];
      weight += c[1];
    }
    return weight > 0 ? Math.max(1, sum / weight) : 1;
  }

  /** The pooled estimate over contacts with enough events; 1 (Poisson) when there are none. */
  public static double pooled(List<Pearson> contacts) {
    double x2 = 0, df = 0;
    for (Pearson p : contacts) {
      if (p.events() < MIN_POOL_EVENTS || p.degrees() < 1) continue;
      x2 += p.statistic();
      df += p.degrees();
    }
    return df > 0 ? Math.max(1, x2 / df) : 1;
  }

  /** The contact's own estimate shrunk toward the pooled one, never below 1. */
  public static double shrunk(Pearson own, double pooled) {
    double w = Math.max(0, Math.min(own.degrees(), own.events() - 1));
    double estimate = own.estimate();
    if (!(w > 0) || Double.isNaN(estimate)) return Math.max(1, pooled);
    return Math.max(FLOOR, (w * estimate + PRIOR_WEIGHT * pooled) / (w + PRIOR_WEIGHT));
  }
}
