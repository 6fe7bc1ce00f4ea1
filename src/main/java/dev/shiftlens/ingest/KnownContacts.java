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
 * inserted again. The missing contacts of concurrent requests are created together, one statement at a
 * time (a group commit, as events have): SDK traffic comes as many small batches, and a statement each
 * would queue them for PostgreSQL's connections. A statement carries what the requests of the previous
 * one's time brought: at most the contacts of {@code SHIFTLENS_MAX_CONCURRENT_INGESTS} batches. Remembered ids are 128-bit hashes in a bounded
 * {@link RecentKeys}. Thread-safe: requests on every event loop share one instance.
 */
final class KnownContacts {
  private final RecentKeys known;
  private final Function<List<String>, Future<Void>> create;
  private final ConcurrentHashMap<String, Future<Void>> creating = new ConcurrentHashMap<>();
  // guarded by this: the ids waiting for the next statement, and the promise that statement completes
  private List<String> queued = new ArrayList<>();
  private Promise<Void> next = Promise.promise();
  private boolean writing;

  /** {@code create} inserts the contacts of these ids, leaving existing ones as they are. */
  KnownContacts(int capacity, Function<List<String>, Future<Void>> create) {
    this.known = new RecentKeys(capacity);
    this.create = create;
  }

  /**
   * Completes once every one of {@code ids} exists: those not known are created by the next statement,
   * or by the one already carrying them. Fails when a statement this depends on fails.
   */
  Future<Void> ensure(Collection<String> ids) {
    // Hashed first, then looked up in a loop of their own: each lookup is a cache miss in a large table,
    // and with nothing else in the loop the processor has several of them under way at once.
    String[] all = ids.toArray(new String[0]);
    long[] keys = new long[2 * all.length];
    for (int i = 0; i < all.length; i++) {
      EventKey k = key(all[i]);
      keys[2 * i] = k.hi();
      keys[2 * i + 1] = k.lo();
    }
    String[] unknown = new String[all.length];
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      if (!known.contains(keys[2 * i], keys[2 * i + 1])) unknown[n++] = all[i];
    }
    if (n == 0) return Future.succeededFuture();
    List<Future<Void>> waits = new ArrayList<>();
    boolean start;
    synchronized (this) {
      Future<Void> mine = next.future();
      boolean added = false;
      for (int i = 0; i < n; i++) {
        Future<Void> other = creating.putIfAbsent(unknown[i], mine);
        if (other == null) {
          queued.add(unknown[i]);
          added = true;
        } else if (other != mine && !waits.contains(other)) {
          waits.add(other);
        }
      }
      if (added) waits.add(mine);
      start = !writing && !queued.isEmpty();
      if (start) writing = true;
    }
    if (start) write();
    if (waits.isEmpty()) return Future.succeededFuture();
    return waits.size() == 1 ? waits.get(0) : Future.all(waits).mapEmpty();
  }

  /** Sends the queued ids in one statement; when it completes, the ids queued meanwhile go in the next. */
  private void write() {
    List<String> batch;
    Promise<Void> done;
    synchronized (this) {
      if (queued.isEmpty()) {
        writing = false;
        return;
      }
      batch = queued;
      queued = new ArrayList<>();
      done = next;
      next = Promise.promise();
    }
    Future<Void> statement;
    try {
      statement = create.apply(batch);
    } catch (RuntimeException e) {
      statement = Future.failedFuture(e);
    }
    statement.onComplete(r -> {
      if (r.succeeded()) add(batch);
      batch.forEach(creating::remove);
      done.handle(r);
      write();
    });
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
