package dev.shiftlens.baseline;

import java.time.ZoneId;
import java.util.List;

/**
 * A contact's stretch of whole UTC hours as arrays: each hour's exposure (the population profile in
 * the contact's zone) and whether it counts (it lies outside every response window left out). What
 * dispersion estimates and fits outside response windows are computed on. Immutable once built; any
 * thread.
 */
public final class HourGrid {
  private static final long HOUR_MS = 3_600_000L;

  private final long fromMillis;
  private final double[] exposure;
  private final boolean[] counted;

  private HourGrid(long fromMillis, double[] exposure, boolean[] counted) {
    this.fromMillis = fromMillis;
    this.exposure = exposure;
    this.counted = counted;
  }

  /**
   * The hours of {@code [fromMillis, toMillis)} (whole hours), those of {@code leftOut} (rounded out to
   * whole hours) not counting.
   */
  public static HourGrid of(ZoneId zone, long fromMillis, long toMillis, List<Baseline.Span> leftOut,
      HourOfWeekProfile profile) {
    int hours = (int) Math.max(0, (toMillis - fromMillis) / HOUR_MS);
    double[] exposure = profile.hourlyExposures(zone, fromMillis, hours);
    boolean[] counted = new boolean[hours];
    java.util.Arrays.fill(counted, true);
    for (Baseline.Span s : Baseline.merged(leftOut, fromMillis, toMillis)) {
      int a = (int) ((s.fromMillis() - fromMillis) / HOUR_MS);
      int b = (int) ((s.toMillis() - fromMillis) / HOUR_MS);
      for (int h = a; h < b; h++) {
        counted[h] = false;
        exposure[h] = 0;
      }
    }
    return new HourGrid(fromMillis, exposure, counted);
  }

  public int hours() {
    return counted.length;
  }

  public long fromMillis() {
    return fromMillis;
  }

  /** The series' counts per hour of the grid (all hours, counting or not). */
  public int[] counts(ContactHistory.Series series) {
    int[] out = new int[counted.length];
    long first = Math.floorDiv(fromMillis, HOUR_MS);
    long[] hours = series.hours();
    int[] c = series.counts();
    int i = java.util.Arrays.binarySearch(hours, first);
    for (i = i >= 0 ? i : -i - 1; i < hours.length && hours[i] < first + out.length; i++) {
      out[(int) (hours[i] - first)] = c[i];
    }
    return out;
  }

  /** Events of the series in the hours that count. */
  public long countedEvents(int[] counts) {
    long n = 0;
    for (int h = 0; h < counts.length; h++) if (counted[h]) n += counts[h];
    return n;
  }

  /** The exposure of the hours that count. */
  public double countedExposure() {
    double e = 0;
    for (double x : exposure) e += x;
    return e;
  }

  /** {@link Dispersion#clumpSize} of the series' hourly counts over the hours that count. */
  public double[] clumpSize(int[] counts) {
    return Dispersion.clumpSize(counts, exposure, counted);
  }

  public Dispersion.Pearson pearson(int[] counts, int blockHours) {
    return Dispersion.pearson(counts, exposure, counted, blockHours);
  }

  boolean counted(int hour) {
    return counted[hour];
  }
}
