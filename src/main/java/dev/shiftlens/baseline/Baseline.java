package dev.shiftlens.baseline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A contact's normal behavior before a moment: its event counts over the baseline period and the
 * period's exposure. The period is the {@code days} whole hours before the hour of the moment, with the
 * response windows of earlier sends left out (rounded out to whole hours), because a message may have
 * changed behavior in them.
 *
 * <p>For a contact first seen less than {@code days} before, the period starts
 * {@link #FIRST_HOURS_LEFT_OUT} hours after the start of the hour of its first event. Starting at the first
 * event would always count it (and its session): a contact first seen a week before with one event a
 * month would read four times its rate. Whatever happened before the first event, the hours after a
 * moment chosen without looking at them are a fair sample of the contact's rate; two hours, not one,
 * because the first event's session may run into the next hour.
 *
 * @param days length of the period that counts, in days
 * @param exposure sum of the profile's weights over the period that counts, in hours
 * @param counts events per event name in the period that counts (names with none are absent)
 */
public record Baseline(long fromMillis, long toMillis, double days, double exposure, Map<String, Long> counts) {
  /** Hours from the start of the hour of a contact's first event that never count. */
  public static final int FIRST_HOURS_LEFT_OUT = 2;
  private static final long HOUR_MS = 3_600_000L;
  private static final double DAY_MS = 86_400_000.0;

  /** A stretch of time, epoch milliseconds, end exclusive. */
  public record Span(long fromMillis, long toMillis) {}

  public long count(String eventName) {
    return counts.getOrDefault(eventName, 0L);
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  public static Baseline of(ContactHistory history, long momentMillis, List<Span> leftOut,
      HourOfWeekProfile profile, int days) {
    long to = Math.floorDiv(momentMillis, HOUR_MS) * HOUR_MS;
    return between(history, Math.max(to - days * 24L * HOUR_MS, firstCounted(history)), to, leftOut, profile);
  }

  /** The baseline of the whole hours {@code [from, to)}, the spans left out as in {@link #of}. */
  public static Baseline between(ContactHistory history, long from, long to, List<Span> leftOut, HourOfWeekProfile profile) {
    if (from >= to) return new Baseline(to, to, 0, 0, Map.of());

    List<Span> cut = merged(leftOut, from, to);
    long length = to - from;
    double exposure = profile.exposure(history.zone(), from, to);
    for (Span s : cut) {
      length -= s.toMillis() - s.fromMillis();
      exposure -= profile.exposure(history.zone(), s.fromMillis(), s.toMillis());
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    history.series().forEach((name, series) -> {
      long n = series.count(from, to);
      for (Span s : cut) n -= series.count(s.fromMillis(), s.toMillis());
      if (n > 0) counts.put(name, n);
    });
    return new Baseline(from, to, length / DAY_MS, Math.max(0, exposure), counts);
  }

  /** The first hour of a contact's history that may count: {@link #FIRST_HOURS_LEFT_OUT} after its first. */
  public static long firstCounted(ContactHistory history) {
    long first = history.firstSeenMillis();
    return first == Long.MAX_VALUE ? Long.MAX_VALUE : first + FIRST_HOURS_LEFT_OUT * HOUR_MS;
  }

  /** The spans rounded out to whole hours, clipped to {@code [from, to)}, overlapping ones joined. */
  static List<Span> merged(List<Span> spans, long from, long to) {
    List<Span> clipped = new ArrayList<>();
    for (Span s : spans) {
      long a = Math.max(from, Math.floorDiv(s.fromMillis(), HOUR_MS) * HOUR_MS);
      long b = Math.min(to, Math.floorDiv(s.toMillis() + HOUR_MS - 1, HOUR_MS) * HOUR_MS);
      if (a < b) clipped.add(new Span(a, b));
    }
    clipped.sort(Comparator.comparingLong(Span::fromMillis));
    List<Span> out = new ArrayList<>();
    for (Span s : clipped) {
      Span last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && s.fromMillis() <= last.toMillis()) {
        out.set(out.size() - 1, new Span(last.fromMillis(), Math.max(last.toMillis(), s.toMillis())));
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
