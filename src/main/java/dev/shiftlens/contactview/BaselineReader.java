package dev.shiftlens.contactview;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads contacts' hourly counts for baseline views, many requests to one ClickHouse query. A query for
 * one contact costs ClickHouse mostly its fixed price (analysing the query, opening the table's parts,
 * reading their marks: a few milliseconds of CPU on 18.16), hardly the contact's own rows; so while
 * {@code maxInFlight} queries run, the requests that arrive gather, and the next query reads all of them
 * that share a span (up to {@code maxBatch}). A request that finds no query running goes at once: at a
 * few requests a second nothing waits, and under load the batches grow with the time a query takes,
 * which keeps ClickHouse to a fraction of a core. (A fixed wait for company before each query cost
 * every isolated request that wait; under load, requests gather while a read runs anyway.) What a
 * query read is kept for {@code cacheMillis} (at most {@code cacheEntries} contacts): an agent that asks
 * about the same contact again within that time is answered from memory, at the price of events that
 * arrived meanwhile showing only after it (they can only change {@code last_seen}: the baseline itself
 * ends before the hour of the request).
 *
 * <p>Called from any event loop; thread-safe. Each answer is delivered on the context that asked.
 */
final class BaselineReader {
  /** The query itself: blocking, run on a ClickHouse worker. Every id asked is in the answer. */
  interface Query {
    Map<String, ContactViewQueries.BaselineReads> read(Collection<String> contactIds, long fromMillis, long toMillis)
        throws Exception;
  }

  private record Span(long fromMillis, long toMillis) {}

  private record Cached(Span span, ContactViewQueries.BaselineReads reads, long expiresAtMillis) {}

  private record Waiter(Context context, Promise<ContactViewQueries.BaselineReads> promise) {
    void complete(ContactViewQueries.BaselineReads reads, Throwable failure) {
      Runnable done = () -> {
        if (failure != null) promise.fail(failure);
        else promise.complete(reads);
      };
      if (context == null) done.run();
      else context.runOnContext(v -> done.run());
    }
  }

  private final Query query;
  private final Function<Callable<Map<String, ContactViewQueries.BaselineReads>>, Future<Map<String, ContactViewQueries.BaselineReads>>> worker;
  private final int maxInFlight;
  private final int maxBatch;
  private final long cacheMillis;
  private final int cacheEntries;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  /** Guarded by this. */
  private final Map<Span, Map<String, List<Waiter>>> pending = new LinkedHashMap<>();
  /** Guarded by this. */
  private int inFlight;

  BaselineReader(Query query,
      Function<Callable<Map<String, ContactViewQueries.BaselineReads>>, Future<Map<String, ContactViewQueries.BaselineReads>>> worker,
      int maxInFlight, int maxBatch, long cacheMillis, int cacheEntries) {
    this.cacheMillis = cacheMillis;
    this.cacheEntries = cacheEntries;
    this.query = query;
    this.worker = worker;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /** The contact's hourly counts over the hours that start in {@code [fromMillis, toMillis)}, and its first hour. */
  Future<ContactViewQueries.BaselineReads> read(String contactId, long fromMillis, long toMillis) {
    Span asked = new Span(fromMillis, toMillis);
    Cached hit = cache.get(contactId);
    if (hit != null && hit.span().equals(asked) && hit.expiresAtMillis() > System.currentTimeMillis()) {
      return Future.succeededFuture(hit.reads());
    }
    Promise<ContactViewQueries.BaselineReads> promise = Promise.promise();
    Waiter waiter = new Waiter(Vertx.currentContext(), promise);
    synchronized (this) {
      pending.computeIfAbsent(asked, s -> new LinkedHashMap<>())
          .computeIfAbsent(contactId, id -> new ArrayList<>(1)).add(waiter);
    }
    drain();
    return promise.future();
  }

  private void remember(String contactId, Cached read) {
    if (cacheMillis <= 0) return;
    if (cache.size() >= cacheEntries) {
      long now = System.currentTimeMillis();
      cache.values().removeIf(c -> c.expiresAtMillis() <= now);
      if (cache.size() >= cacheEntries) return;
    }
    cache.put(contactId, read);
  }

  private void drain() {
    while (true) {
      Span span;
      Map<String, List<Waiter>> batch;
      synchronized (this) {
        if (inFlight >= maxInFlight || pending.isEmpty()) return;
        Iterator<Map.Entry<Span, Map<String, List<Waiter>>>> spans = pending.entrySet().iterator();
        Map.Entry<Span, Map<String, List<Waiter>>> first = spans.next();
        span = first.getKey();
        Map<String, List<Waiter>> all = first.getValue();
        if (all.size() <= maxBatch) {
          batch = all;
          spans.remove();
        } else {
          batch = new LinkedHashMap<>();
          Iterator<Map.Entry<String, List<Waiter>>> ids = all.entrySet().iterator();
          while (batch.size() < maxBatch) {
            Map.Entry<String, List<Waiter>> e = ids.next();
            batch.put(e.getKey(), e.getValue());
            ids.remove();
          }
        }
        inFlight++;
      }
      Future<Map<String, ContactViewQueries.BaselineReads>> answer;
      try {
        answer = worker.apply(() -> query.read(batch.keySet(), span.fromMillis(), span.toMillis()));
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(result -> {
        synchronized (this) {
          inFlight--;
        }
        long expires = System.currentTimeMillis() + cacheMillis;
        batch.forEach((id, waiters) -> {
          ContactViewQueries.BaselineReads reads = result.succeeded() ? result.result().get(id) : null;
          if (reads != null) remember(id, new Cached(span, reads, expires));
          Throwable failure = result.failed() ? result.cause()
              : reads == null ? new IllegalStateException("no baseline read for contact " + id) : null;
          waiters.forEach(w -> w.complete(reads, failure));
        });
        drain();
      });
    }
  }
}
