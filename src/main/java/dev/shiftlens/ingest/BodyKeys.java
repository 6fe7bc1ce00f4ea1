package dev.shiftlens.ingest;

/**
 * The 128-bit keys of the rows one body has carried so far, so that a later copy of a row within the
 * same body is reported as a duplicate instead of being written again. Grows with the body up to
 * {@code limit} keys, then starts afresh: memory stays bounded, and a copy further apart than that is
 * written twice (queries count each key once) but never lost. One instance per request, on its event loop.
 */
final class BodyKeys {
  private final int limit;
  private long[] table = new long[2 * 256];
  private int count;

  BodyKeys(int limit) {
    this.limit = limit;
  }

  /** True when the key is new to this body (and now remembered), false for a later copy. */
  boolean add(long hi, long lo) {
    if (hi == 0 && lo == 0) lo = 1; // (0, 0) marks an empty slot
    int mask = table.length / 2 - 1;
    int slot = (int) (mix(hi ^ lo) & mask);
    while (true) {
      long h = table[2 * slot], l = table[2 * slot + 1];
      if (h == 0 && l == 0) break;
      if (h == hi && l == lo) return false;
      slot = (slot + 1) & mask;
    }
    if (count >= limit) {
      table = new long[2 * 256];
      count = 0;
    } else if (2 * (count + 1) > table.length / 2) {
      grow();
    } else {
      table[2 * slot] = hi;
      table[2 * slot + 1] = lo;
      count++;
      return true;
    }
    insert(hi, lo);
    count++;
    return true;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    for (int i = 0; i < old.length; i += 2) {
      if (old[i] != 0 || old[i + 1] != 0) insert(old[i], old[i + 1]);
    }
  }

  private void insert(long hi, long lo) {
    int mask = table.length / 2 - 1;
    int slot = (int) (mix(hi ^ lo) & mask);
    while (table[2 * slot] != 0 || table[2 * slot + 1] != 0) slot = (slot + 1) & mask;
    table[2 * slot] = hi;
    table[2 * slot + 1] = lo;
  }

  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    return k ^ (k >>> 33);
  }
}
