package dev.shiftlens.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hashes of the stored keys not revoked, as this server last read them, so that a key nobody
 * created is refused without asking PostgreSQL: a flood of random keys then costs hashing only, and
 * cannot take lookups (or connections) from real keys. Keys created or revoked on this server change
 * the index at once; those of other servers arrive with the next periodic {@link #replace}. A change
 * made while a reload runs is applied again on top of what the reload read, which may predate it.
 * Thread-safe: the HTTP event loops read it, the reload and the key API change it.
 */
final class KnownKeys {
  private record Change(String hash, boolean added, long atNanos) {}

  private volatile Set<String> hashes = ConcurrentHashMap.newKeySet();
  private final List<Change> recent = new ArrayList<>();

  boolean contains(String hash) {
    return hashes.contains(hash);
  }

  int size() {
    return hashes.size();
  }

  synchronized void added(String hash) {
    hashes.add(hash);
    recent.add(new Change(hash, true, System.nanoTime()));
  }

  synchronized void removed(String hash) {
    hashes.remove(hash);
    recent.add(new Change(hash, false, System.nanoTime()));
  }

  /** Replaces the index with {@code loaded}, read by a query started at {@code readStartedNanos}. */
  synchronized void replace(Set<String> loaded, long readStartedNanos) {
    Set<String> next = ConcurrentHashMap.newKeySet();
    next.addAll(loaded);
    // Changes made since the query started may be missing from what it read: apply them again.
    recent.removeIf(c -> c.atNanos - readStartedNanos < 0);
    for (Change c : recent) {
      if (c.added) next.add(c.hash);
      else next.remove(c.hash);
    }
    hashes = next;
  }
}
