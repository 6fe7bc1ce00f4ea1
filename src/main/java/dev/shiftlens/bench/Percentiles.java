package dev.shiftlens.bench;

import java.util.Arrays;

/**
 * Percentiles of a sample by the nearest-rank method: the p-th percentile of n sorted values is the
 * value of rank {@code ceil(p / 100 * n)} (1-based), so it is always one of the values measured and
 * the 100th is the largest.
 */
final class Percentiles {
  private final long[] sorted;

  Percentiles(long[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    sorted = values.clone();
    Arrays.sort(sorted);
  }

  /** The nearest-rank percentile, for p in (0, 100]. */
  long at(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  long min() {
    return sorted[0];
  }

  long max() {
    return sorted[sorted.length - 1];
  }

  int count() {
    return sorted.length;
  }
}
