package dev.shiftlens.platform;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the store said about key hashes, remembered for a short time so that authentication does not
 * cost a database round trip per request. Known keys are few (people create them), so they are not
 * bounded; unknown keys are whatever clients send, so at most {@code maxUnknown} of them are kept:
 * when that many are remembered, the expired ones are dropped, and if none has expired a new unknown
 * key is not remembered. Thread-safe: the HTTP event loops share one cache.
 */
final class KeyCache {
  private record Entry(Set<Scope> scopes, long expiresAtNanos) {}

  private final long ttlNanos;
  private final int maxUnknown;
  private final Map<String, Entry> known = new ConcurrentHashMap<>();
  private final Map<String, Long> unknown = new ConcurrentHashMap<>();

  KeyCache(long ttlNanos, int maxUnknown) {
    this.ttlNanos = ttlNanos;
    this.maxUnknown = maxUnknown;
  }

  /** The scopes remembered for {@code hash} (empty: remembered as unknown), or null when the store must be asked. */
  Set<Scope> get(String hash, long nowNanos) {
    Entry e = known.get(hash);
    if (e != null) {
      if (nowNanos - e.expiresAtNanos < 0) return e.scopes;
      known.remove(hash, e);
    }
    Long until = unknown.get(hash);
    if (until != null) {
      if (nowNanos - until < 0) return Set.of();
      unknown.remove(hash, until);
    }
    return null;
  }

  void put(String hash, Set<Scope> scopes, long nowNanos) {
    if (ttlNanos <= 0) return;
    long until = nowNanos + ttlNanos;
    if (!scopes.isEmpty()) {
      unknown.remove(hash);
      known.put(hash, new Entry(Set.copyOf(scopes), until));
      return;
    }
    known.remove(hash);
    if (unknown.size() >= maxUnknown) {
      unknown.values().removeIf(t -> nowNanos - t >= 0);
      if (unknown.size() >= maxUnknown) return;
    }
    unknown.put(hash, until);
  }

  /** Forgets a key, so that the next request with it asks the store (after a revocation). */
  void invalidate(String hash) {
    known.remove(hash);
    unknown.remove(hash);
  }

  int unknownSize() {
    return unknown.size();
  }
}
