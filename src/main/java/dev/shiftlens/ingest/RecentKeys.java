package dev.shiftlens.ingest;

/**
 * The keys of events stored recently, so that a client's retry is recognised and reported as
 * duplicates without being written again. Two generations of open-addressing tables bound the memory
 * ({@code 2 x 2 x capacity} longs); when the young one fills it becomes the old one.
 *
 * <p>Only keys of durably stored events are added, so "seen" always means "stored". Reads take no
 * lock: a read that races a write may miss a key, and the event is then simply written again (queries
 * count distinct keys). Writes come from the batch writer's completion and are serialised.
 */
final class RecentKeys {
  private final int capacity;
  private volatile long[] young;
  private volatile long[] old;
  private int youngCount;

  RecentKeys(int capacity) {
    this.capacity = capacity;
    this.young = capacity == 0 ? new long[0] : table(capacity);
    this.old = new long[0];
  }

  boolean contains(long hi, long lo) {
    if (capacity == 0) return false;
    if (hi == 0 && lo == 0) lo = 1;
    return find(young, hi, lo) || find(old, hi, lo);
  }

  synchronized void add(long hi, long lo) {
    if (capacity == 0) return;
    if (hi == 0 && lo == 0) lo = 1;
    if (find(young, hi, lo)) return;
    if (youngCount >= capacity) {
      old = young;
      young = table(capacity);
      youngCount = 0;
    }
    long[] t = young;
    int mask = (t.length / 2) - 1;
    int slot = (int) (mix(hi ^ lo) & mask);
    while (t[2 * slot] != 0 || t[2 * slot + 1] != 0) slot = (slot + 1) & mask;
    t[2 * slot + 1] = lo; // lo before hi: a racing reader never sees a complete key that is wrong
    t[2 * slot] = hi;
    youngCount++;
  }

  private static boolean find(long[] t, long hi, long lo) {
    if (t.length == 0) return false;
    int mask = (t.length / 2) - 1;
    int slot = (int) (mix(hi ^ lo) & mask);
    while (true) {
      long h = t[2 * slot], l = t[2 * slot + 1];
      if (h == 0 && l == 0) return false;
      if (h == hi && l == lo) return true;
      slot = (slot + 1) & mask;
    }
  }

  /** Twice the capacity in slots (load at most one half), a power of two. */
  private static long[] table(int capacity) {
    int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
    return new long[2 * slots];
  }

  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    return k ^ (k >>> 33);
  }
}
