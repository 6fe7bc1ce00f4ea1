package dev.shiftlens.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The contacts this server has made sure exist, and those it is creating right now. Segment events need
 * their contact to exist: a contact already made sure of needs no statement (contacts are never deleted,
 * so "exists" stays true), and one that a concurrent request is creating is waited for instead of being
 * inserted again, so that concurrent batches of the same contacts neither repeat the work nor wait on each
 * other's row locks in PostgreSQL. Remembered ids are 128-bit hashes in a bounded {@link RecentKeys}.
 * Thread-safe: requests on every event loop share one instance.
 */
final class KnownContacts {
  private final RecentKeys known;
  private final ConcurrentHashMap<String, Future<Void>> creating = new ConcurrentHashMap<>();

  KnownContacts(int capacity) {
    known = new RecentKeys(capacity);
  }

  /**
   * Completes once every one of {@code ids} exists: those not known are created by {@code create} (given
   * the ids this call creates), or by the concurrent call that is creating them. Fails when a creation
   * this depends on fails.
   */
  Future<Void> ensure(Collection<String> ids, Function<List<String>, Future<Void>> create) {
    List<String> mine = new ArrayList<>();
    List<Future<Void>> waits = new ArrayList<>();
    Promise<Void> created = Promise.promise();
    // Looked up in a loop of their own, so that the cache misses of the lookups overlap.
    String[] unknown = new String[ids.size()];
    int n = 0;
    for (String id : ids) {
      EventKey k = key(id);
      if (!known.contains(k.hi(), k.lo())) unknown[n++] = id;
    }
    for (int i = 0; i < n; i++) {
      String id = unknown[i];
      Future<Void> other = creating.putIfAbsent(id, created.future());
      if (other == null) mine.add(id);
      else if (other != created.future()) waits.add(other);
    }
    if (mine.isEmpty()) {
      created.complete();
    } else {
      Future<Void> write;
      try {
        write = create.apply(mine);
      } catch (RuntimeException e) {
        write = Future.failedFuture(e);
      }
      write.onComplete(r -> {
        if (r.succeeded()) {
          for (String id : mine) {
            EventKey k = key(id);
            known.add(k.hi(), k.lo());
          }
        }
        for (String id : mine) creating.remove(id);
        created.handle(r);
      });
    }
    if (waits.isEmpty()) return created.future();
    waits.add(created.future());
    return Future.all(waits).mapEmpty();
  }

  /** Remembers ids that exist now (written by an upsert). */
  void add(Collection<String> ids) {
    for (String id : ids) {
      EventKey k = key(id);
      known.add(k.hi(), k.lo());
    }
  }

  private static EventKey key(String id) {
    return EventKey.hash(id.getBytes(StandardCharsets.UTF_8));
  }
}
