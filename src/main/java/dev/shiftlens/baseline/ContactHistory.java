package dev.shiftlens.baseline;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One contact's hourly event counts as read from the store, per event name: the sufficient
 * statistics its baselines are made of. Built with {@link Builder} from rows in any order.
 *
 * @param zone the zone the contact's hours are read in: its latest event timezone, else its own
 *     timezone, else UTC
 * @param zoneKnown whether the zone came from the data (an event's or the contact's); when not, the
 *     engine infers one from the contact's hours ({@link ZoneInference})
 * @param firstSeenMillis start of the first hour with any event of the contact
 */
public record ContactHistory(String contactId, ZoneId zone, boolean zoneKnown, long firstSeenMillis,
    Map<String, Series> series) {
  private static final long HOUR_MS = 3_600_000L;

  /** Counts of one event name by UTC hour, hours ascending (epoch hours, i.e. epoch ms / 3,600,000). */
  public record Series(long[] hours, int[] counts) {
    /** Sum of the counts of the hours that start in {@code [fromMillis, toMillis)}. */
    public long count(long fromMillis, long toMillis) {
      int i = lowerBound(Math.floorDiv(fromMillis + HOUR_MS - 1, HOUR_MS));
      long end = Math.floorDiv(toMillis + HOUR_MS - 1, HOUR_MS);
      long sum = 0;
      for (; i < hours.length && hours[i] < end; i++) sum += counts[i];
      return sum;
    }

    private int lowerBound(long hour) {
      int at = Arrays.binarySearch(hours, hour);
      return at >= 0 ? at : -at - 1;
    }
  }

  /** The same history read in another zone, which is then known. */
  public ContactHistory inZone(ZoneId other) {
    return new ContactHistory(contactId, other, true, firstSeenMillis, series);
  }

  public Set<String> eventNames() {
    return series.keySet();
  }

  public static Builder builder(String contactId) {
    return new Builder(contactId);
  }

  /** Collects rows of one contact; not thread-safe. */
  public static final class Builder {
    private final String contactId;
    private final Map<String, long[][]> rows = new LinkedHashMap<>(); // name -> {hours, counts} growing
    private final Map<String, Integer> sizes = new LinkedHashMap<>();
    private long first = Long.MAX_VALUE;
    private long latestZoneHour = Long.MIN_VALUE;
    private String latestZone;

    private Builder(String contactId) {
      this.contactId = contactId;
    }

    /** One row: events of {@code eventName} in the UTC hour starting at {@code hourMillis}, with their zone ("" for none). */
    public Builder add(String eventName, long hourMillis, int count, String eventZone) {
      add(eventName, hourMillis, count);
      if (eventZone != null && !eventZone.isEmpty()) zone(eventZone, hourMillis);
      return this;
    }

    /**
     * Several hours of {@code eventName} at once, as the stores return them: hours (epoch seconds) and
     * counts as two comma-separated lists of equal length.
     */
    public Builder addAll(String eventName, String hourSeconds, String counts) {
      int h = 0, c = 0;
      while (h < hourSeconds.length()) {
        int hEnd = endOfItem(hourSeconds, h), cEnd = endOfItem(counts, c);
        add(eventName, Long.parseLong(hourSeconds, h, hEnd, 10) * 1000L, Integer.parseInt(counts, c, cEnd, 10));
        h = hEnd + 1;
        c = cEnd + 1;
      }
      return this;
    }

    private static int endOfItem(String list, int from) {
      int comma = list.indexOf(',', from);
      return comma < 0 ? list.length() : comma;
    }

    /** Events of {@code eventName} in the UTC hour starting at {@code hourMillis}. */
    public Builder add(String eventName, long hourMillis, int count) {
      long hour = Math.floorDiv(hourMillis, HOUR_MS);
      long[][] arrays = rows.computeIfAbsent(eventName, n -> new long[][] {new long[8], new long[8]});
      int size = sizes.getOrDefault(eventName, 0);
      if (size == arrays[0].length) {
        arrays[0] = Arrays.copyOf(arrays[0], size * 2);
        arrays[1] = Arrays.copyOf(arrays[1], size * 2);
      }
      arrays[0][size] = hour;
      arrays[1][size] = count;
      sizes.put(eventName, size + 1);
      first = Math.min(first, hour * HOUR_MS);
      return this;
    }

    /** An event timezone seen in the hour starting at {@code hourMillis}; the latest one is the contact's zone. */
    public Builder zone(String eventZone, long hourMillis) {
      long hour = Math.floorDiv(hourMillis, HOUR_MS);
      if (hour > latestZoneHour || (hour == latestZoneHour && eventZone.compareTo(latestZone) > 0)) {
        latestZoneHour = hour;
        latestZone = eventZone;
      }
      return this;
    }

    /** Sets the first hour seen when it lies before every row added (rows may cover only part of the history). */
    public Builder firstSeen(long millis) {
      first = Math.min(first, Math.floorDiv(millis, HOUR_MS) * HOUR_MS);
      return this;
    }

    /** @param contactZone the contact's own timezone, or null */
    public ContactHistory build(String contactZone) {
      Map<String, Series> series = new LinkedHashMap<>();
      rows.forEach((name, arrays) -> {
        int size = sizes.get(name);
        long[] hours = Arrays.copyOf(arrays[0], size);
        long[] counts = Arrays.copyOf(arrays[1], size);
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(hours[a], hours[b]));
        long[] h = new long[size];
        int[] c = new int[size];
        int n = 0;
        for (int i : order) {
          if (n > 0 && h[n - 1] == hours[i]) {
            c[n - 1] += (int) counts[i]; // the same hour from two parts of the store
          } else {
            h[n] = hours[i];
            c[n++] = (int) counts[i];
          }
        }
        series.put(name, new Series(Arrays.copyOf(h, n), Arrays.copyOf(c, n)));
      });
      boolean known = known(latestZone) || known(contactZone);
      return new ContactHistory(contactId, zoneOf(latestZone, contactZone), known, first == Long.MAX_VALUE ? Long.MAX_VALUE : first,
          Map.copyOf(series));
    }
  }

  private static boolean known(String zone) {
    if (zone == null || zone.isEmpty()) return false;
    try {
      ZoneId.of(zone);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The event's zone, else the contact's, else UTC; a zone name Java does not know counts as none. */
  public static ZoneId zoneOf(String eventZone, String contactZone) {
    for (String z : new String[] {eventZone, contactZone}) {
      if (z == null || z.isEmpty()) continue;
      try {
        return ZoneId.of(z);
      } catch (RuntimeException e) {
        // validated at ingestion; a zone dropped from a later tz database falls through
      }
    }
    return ZoneId.of("UTC");
  }
}
