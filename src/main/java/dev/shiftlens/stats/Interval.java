package dev.shiftlens.stats;

/**
 * A closed interval {@code [low, high]}. Bounds of rates and proportions: {@code low} may be 0,
 * {@code high} may be {@link Double#POSITIVE_INFINITY} when the data cannot bound it (no events in a
 * baseline, say).
 */
public record Interval(double low, double high) {
  public Interval {
    if (Double.isNaN(low) || Double.isNaN(high)) {
      throw new IllegalArgumentException("interval bounds must be numbers, got [" + low + ", " + high + "]");
    }
    if (low > high) {
      throw new IllegalArgumentException("interval low " + low + " is above high " + high);
    }
  }

  /** Whether {@code x} lies in the interval, bounds included. */
  public boolean contains(double x) {
    return low <= x && x <= high;
  }
}
