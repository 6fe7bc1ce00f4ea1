package dev.shiftlens.stats;

import java.util.Arrays;

/**
 * False-discovery-rate control across the groups of one response (Benjamini and Hochberg 1995).
 * Declaring discoveries where {@code q <= Q} keeps the expected share of false ones at most Q, which
 * is far less strict than controlling the chance of any false one when many groups are looked at.
 */
public final class BenjaminiHochberg {
  private BenjaminiHochberg() {
  }

  /**
   * Step-up adjusted p-values, in input order. With the m non-NaN p-values sorted,
   * {@code p_(1) <= ... <= p_(m)}: {@code q_(i) = min over j >= i of min(1, p_(j) * m / j)}. The
   * running minimum from the largest down keeps q in the order of p. NaN entries (groups without a
   * test) stay NaN and do not count in m. O(m log m).
   */
  public static double[] qValues(double[] p) {
    double[] q = new double[p.length];
    Arrays.fill(q, Double.NaN);
    int m = 0;
    for (double v : p) {
      if (Double.isNaN(v)) {
        continue;
      }
      if (v < 0 || v > 1) {
        throw new IllegalArgumentException("p-values must be in [0, 1], got " + v);
      }
      m++;
    }
    if (m == 0) {
      return q;
    }
    Integer[] order = new Integer[m];
    int j = 0;
    for (int i = 0; i < p.length; i++) {
      if (!Double.isNaN(p[i])) {
        order[j++] = i;
      }
    }
    Arrays.sort(order, (x, y) -> Double.compare(p[x], p[y]));
    double running = 1;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      running = Math.min(running, p[i] * m / rank);
      q[i] = running;
    }
    return q;
  }
}
