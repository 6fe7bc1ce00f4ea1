package dev.shiftlens.ingest;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.Config;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit of events into ClickHouse. Requests on any event loop hand over encoded chunks; the
 * writer joins the chunks of many requests into one large insert (the rows that arrived while the
 * previous insert ran, up to a row count, or what arrived within the linger time), runs
 * it on the ClickHouse worker pool, and completes each chunk's future only once its rows are stored,
 * on the context of the request that handed it over. Memory is bounded: {@link #awaitRoom} holds
 * requests back while too many bytes wait, and fails them (503) when room does not come in time.
 * A failed insert is retried for a while, then its requests get 503; nothing is ever acknowledged
 * before it is stored.
 */
public final class EventBatchWriter {
  private static final Logger LOG = Logger.getLogger(EventBatchWriter.class.getName());

  private record Pending(EventChunk chunk, Context context, Promise<Void> promise, long since) {}

  private record Waiter(Context context, Promise<Void> promise, long deadline) {}

  private final Vertx vertx;
  private final ClickHouse clickhouse;
  private final Config.Ingest config;
  private final RecentKeys recent;
  private final String table;
  private final IngestMetrics.Dataset metrics;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long queuedRows;
  private long heldBytes; // queued plus in flight
  private int inFlight;
  private boolean closed;
  private final long timer;

  private final AtomicLong storedRows = new AtomicLong();
  private final AtomicLong inserts = new AtomicLong();
  private volatile String lastError;
  private volatile long lastErrorAt;

  public EventBatchWriter(Vertx vertx, ClickHouse clickhouse, Config.Ingest config, IngestMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics.events;
    metrics.watch(this);
    this.clickhouse = clickhouse;
    this.config = config;
    this.recent = new RecentKeys(config.recentKeys());
    this.table = clickhouse.insertTable("events");
    this.timer = vertx.setPeriodic(Math.max(1, config.lingerMillis() / 2 + 1), id -> tick());
  }

  RecentKeys recentKeys() {
    return recent;
  }

  /** Stores the chunk's rows; the future completes, on the caller's context, once they are durable. */
  Future<Void> submit(EventChunk chunk) {
    Context context = Vertx.currentContext();
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      if (closed) return Future.failedFuture(ApiException.unavailable("the server is shutting down", 1));
      queue.add(new Pending(chunk, context, promise, System.nanoTime()));
      queuedRows += chunk.rows();
      heldBytes += chunk.byteSize();
    }
    flushIfDue(false);
    return promise.future();
  }

  /** Completes when the writer holds fewer bytes than its bound; fails with 503 after the saturation timeout. */
  Future<Void> awaitRoom() {
    synchronized (this) {
      if (heldBytes < config.maxPendingBytes()) return Future.succeededFuture();
      Promise<Void> p = Promise.promise();
      waiters.add(new Waiter(Vertx.currentContext(), p, System.nanoTime() + config.saturationTimeoutMillis() * 1_000_000L));
      return p.future();
    }
  }

  public synchronized long queuedRows() {
    return queuedRows;
  }

  /** Bytes of encoded events that wait for storage or are being inserted. */
  public synchronized long heldBytes() {
    return heldBytes;
  }

  synchronized int inFlightInserts() {
    return inFlight;
  }

  /** Requests waiting for room ({@link #awaitRoom}). */
  synchronized int waitingRequests() {
    return waiters.size();
  }

  public long storedRows() {
    return storedRows.get();
  }

  public long inserts() {
    return inserts.get();
  }

  /** The last insert error within the past minute, or null. */
  public String recentError() {
    return System.currentTimeMillis() - lastErrorAt < 60_000 ? lastError : null;
  }

  private void tick() {
    flushIfDue(false);
    expireWaiters();
  }

  private void flushIfDue(boolean force) {
    while (true) {
      List<Pending> batch;
      synchronized (this) {
        if (queue.isEmpty() || inFlight >= config.maxInFlightInserts()) return;
        long age = (System.nanoTime() - queue.peek().since()) / 1_000_000;
        // Group commit: with nothing in flight a batch goes at once; while an insert runs, rows gather
        // until a full batch or the linger time, so that load makes batches larger, not more numerous.
        if (!force && inFlight > 0 && queuedRows < config.batchRows() && age < config.lingerMillis()) return;
        batch = new ArrayList<>();
        long rows = 0;
        while (!queue.isEmpty() && (rows == 0 || rows + queue.peek().chunk().rows() <= config.batchRows())) {
          Pending p = queue.poll();
          rows += p.chunk().rows();
          batch.add(p);
        }
        queuedRows -= rows;
        inFlight++;
      }
      insert(batch);
    }
  }

  private void insert(List<Pending> batch) {
    long started = System.nanoTime();
    clickhouse.onWorker(() -> {
      insertWithRetry(batch, started);
      return null;
    }).onComplete(result -> {
      long bytes = 0, rows = 0;
      for (Pending p : batch) {
        bytes += p.chunk().byteSize();
        rows += p.chunk().rows();
      }
      metrics.batch(rows, System.nanoTime() - started, result.succeeded());
      if (result.succeeded()) {
        storedRows.addAndGet(rows);
        if (LOG.isLoggable(Level.FINE)) {
          LOG.fine("inserted " + rows + " events from " + batch.size() + " chunks in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        inserts.incrementAndGet();
      }
      synchronized (this) {
        inFlight--;
        heldBytes -= bytes;
      }
      for (Pending p : batch) {
        if (result.succeeded()) complete(p.context(), p.promise(), null);
        else complete(p.context(), p.promise(), ApiException.unavailable("events could not be stored: ClickHouse is unavailable", 5));
      }
      releaseWaiters();
      flushIfDue(false);
    });
  }

  /** Runs on a ClickHouse worker: the same rows again until they are in, or the retry budget is spent. */
  private void insertWithRetry(List<Pending> batch, long started) throws Exception {
    long backoff = 100;
    while (true) {
      try {
        clickhouse.insertRowBinaryBlocking(table, EventChunk.COLUMNS, stream(batch));
        // Only now are these keys "stored"; remembering them here keeps the work off the event loops.
        for (Pending p : batch) {
          EventChunk c = p.chunk();
          for (int i = 0; i < c.rows(); i++) recent.add(c.keyHi(i), c.keyLo(i));
        }
        return;
      } catch (Exception e) {
        lastError = e.getMessage();
        lastErrorAt = System.currentTimeMillis();
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        if (elapsed + backoff > config.storeRetryMillis()) {
          LOG.log(Level.WARNING, "giving up on an insert of " + batch.size() + " chunks after " + elapsed + " ms: " + e.getMessage());
          throw e;
        }
        LOG.warning("event insert failed, retrying in " + backoff + " ms: " + e.getMessage());
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  private static InputStream stream(List<Pending> batch) {
    List<InputStream> parts = new ArrayList<>(batch.size());
    for (Pending p : batch) parts.add(new ByteArrayInputStream(p.chunk().bytes(), 0, p.chunk().byteSize()));
    return new SequenceInputStream(Collections.enumeration(parts));
  }

  private void releaseWaiters() {
    List<Waiter> ready = new ArrayList<>();
    synchronized (this) {
      while (!waiters.isEmpty() && heldBytes < config.maxPendingBytes()) ready.add(waiters.poll());
    }
    for (Waiter w : ready) complete(w.context(), w.promise(), null);
  }

  private void expireWaiters() {
    List<Waiter> expired = new ArrayList<>();
    long now = System.nanoTime();
    synchronized (this) {
      waiters.removeIf(w -> {
        if (now - w.deadline() < 0) return false;
        expired.add(w);
        return true;
      });
    }
    for (Waiter w : expired) {
      complete(w.context(), w.promise(), ApiException.unavailable("ingestion is saturated; retry later", 2));
    }
    releaseWaiters();
  }

  private static void complete(Context context, Promise<Void> promise, Throwable failure) {
    Runnable r = () -> {
      if (failure == null) promise.tryComplete();
      else promise.tryFail(failure);
    };
    if (context == null) r.run();
    else context.runOnContext(v -> r.run());
  }

  /** Flushes everything that is queued and waits for inserts in flight; new chunks are refused. */
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
    }
    vertx.cancelTimer(timer);
    Promise<Void> done = Promise.promise();
    drain(done, System.currentTimeMillis() + 60_000);
    return done.future();
  }

  private void drain(Promise<Void> done, long deadline) {
    flushIfDue(true);
    boolean idle;
    synchronized (this) {
      idle = queue.isEmpty() && inFlight == 0;
    }
    if (idle || System.currentTimeMillis() > deadline) {
      done.complete();
    } else {
      vertx.setTimer(10, id -> drain(done, deadline));
    }
  }
}
