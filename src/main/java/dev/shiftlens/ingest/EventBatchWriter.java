package dev.shiftlens.ingest;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.Config;
import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * Nothing is ever acknowledged before it is stored in ClickHouse or synced to the local spool.
 *
 * <p><b>The spool</b> ({@link EventSpool}, when {@code SHIFTLENS_SPOOL_MAX_BYTES} is not 0). While
 * ClickHouse takes inserts, the path above is the only one: a request is answered once ClickHouse has
 * its rows, so a read right after sees them, and the spool costs nothing. When an insert fails, it is
 * not retried: its chunks (already RowBinary) are appended to the spool, flagged as possibly stored
 * (the failure may have come after ClickHouse committed them), and from then on every chunk goes to the
 * spool too, after those queued before it: nothing overtakes them (only an insert already running
 * when another failed may still complete), so the spool holds the events in the order they were
 * handed over. Appends are grouped and synced with one {@code fsync}, on the spool's
 * own thread; only then are their requests answered 200, and their keys remembered as stored so that a
 * client's retry is recognised. A chunk that does not fit in the spool's bound is answered 503 with
 * Retry-After, as every chunk was before the spool existed.
 *
 * <p>A drainer, one at a time on the ClickHouse pool, inserts the spool's records in order, a batch of
 * up to {@code batchRows} rows each: it records the attempt in the spool (synced) before the insert,
 * stamps the rows' {@code ingested_at} with the time of the insert (the event count relies on rows being
 * stored within moments of their stamp), and, for records that may already be in ClickHouse (flagged
 * ones, and those of an attempt that a crash or a failure interrupted), first asks ClickHouse which of
 * their keys it holds and leaves those rows out: so a replay stores each row once. While ClickHouse is
 * down it tries again with a growing pause (up to 5 s). When the spool is empty (decided under this
 * writer's lock, with no append pending) the writer returns to the direct path. At start a spool left
 * by a crash is read back, its keys remembered, and drained once the schema is checked.
 *
 * <p>Why this shape: spooling every event (a write-ahead log in front of ClickHouse) would answer
 * requests before their rows can be read and add an {@code fsync} and a second copy to the healthy
 * path, which is the one that must keep pace with ClickHouse's own insert ({@code SHIFTLENS_SPOOL_ALWAYS}
 * does exactly that, to measure it). Not retrying a failed insert while the spool has room keeps
 * requests from waiting out a retry budget that SDKs do not have. Looking keys up costs a read of the
 * records' contacts, so only records that may be stored are looked up; ClickHouse 18.16 has no insert
 * deduplication on MergeTree to lean on. Rows are spooled as RowBinary, as they would have been
 * inserted, so nothing is encoded twice.
 *
 * <p>Threads: {@link #submit} and {@link #awaitRoom} on any event loop; inserts and the drainer on the
 * {@code clickhouse} worker pool; appends to the spool on its own single thread ({@code shiftlens-spool});
 * the state between them under this object's lock.
 */
public final class EventBatchWriter {
  private static final Logger LOG = Logger.getLogger(EventBatchWriter.class.getName());

  /**
   * A chunk handed over and not yet answered. {@code block}: for the chunks of a direct insert that failed
   * and go to the spool together, a number of that insert's own (0 for others), so that they are spooled
   * as the block they were sent as.
   */
  private record Pending(EventChunk chunk, Context context, Promise<Void> promise, long since, boolean uncertain, long block) {
    Pending possiblyStored(long block) {
      return new Pending(chunk, context, promise, since, true, block);
    }
  }

  /** What the spool is doing, as {@code /v1/status} says it. */
  public enum SpoolState {
    /** No spool configured. */
    DISABLED,
    /** Nothing spooled: events go straight to ClickHouse. */
    EMPTY,
    /** Records are being inserted into ClickHouse. */
    DRAINING,
    /** The last insert of spooled records failed: waiting for ClickHouse. */
    WAITING
  }

  private enum Drained { MORE, EMPTY, WAIT }

  private static final String STORED_KEYS = SqlFiles.clickhouse("events_stored_keys");
  private static final long SPOOL_SEGMENT_BYTES = 64L << 20;
  /** Retry-After of an answer refused because the spool is full. */
  public static final int SPOOL_RETRY_AFTER_SECONDS = 10;
  private static final long SPOOL_ROOM_FOR_A_BODY = 4L << 20;

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

  private final EventSpool spool; // null: no spool
  private final WorkerExecutor spoolThread;
  private final long spoolMaxBytes;
  // Under this object's lock: whether chunks go to the spool, those waiting to be appended, and the drainer.
  private boolean spooling;
  private final ArrayDeque<Pending> toSpool = new ArrayDeque<>();
  private long spoolReserved;
  private boolean appending;
  private long failedBlocks;
  private boolean draining;
  private volatile boolean drainFailing;
  private int drainFailures;
  private final AtomicLong spooledRows = new AtomicLong();
  private final AtomicLong replayedRows = new AtomicLong();
  private final AtomicLong alreadyStoredRows = new AtomicLong();

  private final AtomicLong storedRows = new AtomicLong();
  private final AtomicLong inserts = new AtomicLong();
  private volatile String lastError;
  private volatile long lastErrorAt;

  /**
   * Opens the spool of {@code config} (when it has one), reading back what a previous run left in it;
   * fails, naming {@code SHIFTLENS_SPOOL_DIR}, when its directory cannot be used.
   */
  public EventBatchWriter(Vertx vertx, ClickHouse clickhouse, Config.Ingest config, IngestMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics.events;
    this.clickhouse = clickhouse;
    this.config = config;
    this.recent = new RecentKeys(config.recentKeys());
    this.table = clickhouse.insertTable("events");
    this.spoolMaxBytes = config.spoolMaxBytes();
    if (spoolMaxBytes > 0) {
      Path dir = Path.of(config.spoolDir());
      try {
        this.spool = EventSpool.open(dir, Math.min(SPOOL_SEGMENT_BYTES, Math.max(1 << 20, spoolMaxBytes / 8)), recent::add);
      } catch (IOException e) {
        throw new IllegalStateException("SHIFTLENS_SPOOL_DIR: " + e.getMessage(), e);
      }
      this.spoolThread = vertx.createSharedWorkerExecutor("shiftlens-spool", 1);
      if (config.spoolAlways()) {
        synchronized (this) {
          spooling = true; // for good: every event goes through the spool
        }
      } else if (!spool.isEmpty()) {
        LOG.info("the spool holds " + spool.records() + " records (" + spool.rows() + " events) from an earlier run; "
            + "they are inserted before new events");
        synchronized (this) {
          spooling = true; // drained once the schema is known to be there: see startDraining()
        }
      }
    } else {
      this.spool = null;
      this.spoolThread = null;
    }
    metrics.watch(this);
    this.timer = vertx.setPeriodic(Math.max(1, config.lingerMillis() / 2 + 1), id -> tick());
  }

  /** Starts inserting what the spool holds from an earlier run; called once the events table surely exists. */
  public void startDraining() {
    synchronized (this) {
      if (spooling) startDrainerLocked();
    }
  }

  RecentKeys recentKeys() {
    return recent;
  }

  /** Stores the chunk's rows; the future completes, on the caller's context, once they are durable. */
  Future<Void> submit(EventChunk chunk) {
    Context context = Vertx.currentContext();
    Promise<Void> promise = Promise.promise();
    Pending p = new Pending(chunk, context, promise, System.nanoTime(), false, 0);
    synchronized (this) {
      if (closed) return Future.failedFuture(ApiException.unavailable("the server is shutting down", 1));
      if (spooling) {
        if (!admitToSpoolLocked(p)) return Future.failedFuture(spoolFull());
        heldBytes += chunk.byteSize();
      } else {
        queue.add(p);
        queuedRows += chunk.rows();
        heldBytes += chunk.byteSize();
      }
    }
    if (spool != null) appendIfDue();
    flushIfDue(false);
    return promise.future();
  }

  private static ApiException spoolFull() {
    return ApiException.unavailable("events could not be stored: ClickHouse is unavailable and the local spool is full",
        SPOOL_RETRY_AFTER_SECONDS);
  }

  /** Queues the chunk for the spool when it fits in the spool's bound; false when it does not. */
  private boolean admitToSpoolLocked(Pending p) {
    long size = EventSpool.recordBytes(p.chunk());
    if (spool.bytes() + spoolReserved + size > spoolMaxBytes) return false;
    toSpool.add(p);
    spoolReserved += size;
    return true;
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

  /** Rows acknowledged from the spool (synced to disk, not yet in ClickHouse then), since start. */
  public long spooledRows() {
    return spooledRows.get();
  }

  /** Rows inserted from the spool into ClickHouse, since start. */
  public long replayedRows() {
    return replayedRows.get();
  }

  /** Spooled rows left out of an insert because ClickHouse held them already, since start. */
  public long alreadyStoredRows() {
    return alreadyStoredRows.get();
  }

  public boolean spoolEnabled() {
    return spool != null;
  }

  /** Bytes of spooled records not yet in ClickHouse. */
  public long spoolBytes() {
    return spool == null ? 0 : spool.bytes();
  }

  public long spoolMaxBytes() {
    return spoolMaxBytes;
  }

  /**
   * Whether the spool has room for a body's events: for the largest chunk a request hands over at once
   * (or a quarter of a smaller spool), held records and those being appended counted. False without a spool.
   */
  public synchronized boolean spoolTakesABody() {
    if (spool == null) return false;
    long room = spoolMaxBytes - spool.bytes() - spoolReserved;
    return room >= Math.min(SPOOL_ROOM_FOR_A_BODY, spoolMaxBytes / 4);
  }

  public int spoolRecords() {
    return spool == null ? 0 : spool.records();
  }

  public long spoolRows() {
    return spool == null ? 0 : spool.rows();
  }

  /** Seconds since the oldest record not yet in ClickHouse was spooled; 0 when there is none. */
  public double spoolOldestAgeSeconds() {
    long oldest = spool == null ? 0 : spool.oldestMillis();
    return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
  }

  public synchronized SpoolState spoolState() {
    if (spool == null) return SpoolState.DISABLED;
    if (!spooling || (spool.isEmpty() && toSpool.isEmpty() && !appending)) return SpoolState.EMPTY;
    return drainFailing ? SpoolState.WAITING : SpoolState.DRAINING;
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
        if (queue.isEmpty() || spooling || inFlight >= config.maxInFlightInserts()) return;
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
      if (result.failed() && spool != null) {
        spoolAfterFailure(batch);
        return;
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

  /**
   * An insert failed: its chunks go to the spool (possibly stored: the failure may have come after the
   * commit), then the chunks queued behind them, and the writer spools until the drainer empties it.
   */
  private void spoolAfterFailure(List<Pending> batch) {
    List<Pending> refused = new ArrayList<>();
    synchronized (this) {
      inFlight--;
      if (!spooling) LOG.warning("ClickHouse did not take an insert (" + lastError + "); events go to the local spool until it does");
      spooling = true;
      // The batch is spooled as the block it was sent as when it fits whole; else its chunks that fit are
      // spooled on their own, and looked up key by key before they are sent again.
      long size = 0;
      for (Pending p : batch) size += EventSpool.recordBytes(p.chunk());
      long block = spool.bytes() + spoolReserved + size <= spoolMaxBytes ? ++failedBlocks : 0;
      for (Pending p : batch) {
        if (!admitToSpoolLocked(p.possiblyStored(block))) refused.add(p);
      }
      while (!queue.isEmpty()) {
        Pending p = queue.poll();
        queuedRows -= p.chunk().rows();
        if (!admitToSpoolLocked(p)) refused.add(p);
      }
      for (Pending p : refused) heldBytes -= p.chunk().byteSize();
      startDrainerLocked();
    }
    for (Pending p : refused) complete(p.context(), p.promise(), spoolFull());
    appendIfDue();
    releaseWaiters();
  }

  /** Appends what waits for the spool, in one group synced once; one append at a time, on the spool thread. */
  private void appendIfDue() {
    List<Pending> group;
    synchronized (this) {
      if (appending || toSpool.isEmpty()) return;
      appending = true;
      group = new ArrayList<>(toSpool);
      toSpool.clear();
    }
    spoolThread.executeBlocking(() -> {
      int done = 0;
      try {
        // Consecutive chunks of the same kind go in one call; one fsync for the whole group at most each.
        int from = 0;
        while (from < group.size()) {
          int to = from;
          boolean uncertain = group.get(from).uncertain();
          long block = group.get(from).block();
          List<EventChunk> run = new ArrayList<>();
          while (to < group.size() && group.get(to).uncertain() == uncertain && group.get(to).block() == block) {
            run.add(group.get(to++).chunk());
          }
          if (block != 0) spool.appendBlock(run);
          else spool.append(run, uncertain);
          for (int i = from; i < to; i++) remember(group.get(i).chunk());
          done = to;
          from = to;
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.SEVERE, "events could not be written to the local spool: " + e, e);
      }
      return done;
    }, true).onComplete(result -> {
      int done = result.succeeded() ? result.result() : 0;
      long bytes = 0, reserved = 0;
      for (Pending p : group) {
        bytes += p.chunk().byteSize();
        reserved += EventSpool.recordBytes(p.chunk());
      }
      synchronized (this) {
        appending = false;
        spoolReserved -= reserved;
        heldBytes -= bytes;
      }
      for (int i = 0; i < group.size(); i++) {
        Pending p = group.get(i);
        if (i < done) {
          spooledRows.addAndGet(p.chunk().rows());
          complete(p.context(), p.promise(), null);
        } else {
          complete(p.context(), p.promise(), ApiException.unavailable("events could not be stored: ClickHouse is unavailable"
              + " and the local spool could not be written", SPOOL_RETRY_AFTER_SECONDS));
        }
      }
      releaseWaiters();
      appendIfDue();
    });
  }

  private void startDrainerLocked() {
    if (draining) return;
    draining = true;
    drainFailures = 0;
    vertx.runOnContext(v -> drainStep());
  }

  /** One drain attempt on the ClickHouse pool, then the next: at once after progress, later after a failure. */
  private void drainStep() {
    synchronized (this) {
      // At shutdown the drainer goes on while it makes progress (until close's deadline), and stops
      // when the spool is empty or ClickHouse is down: the rest is inserted at the next start.
      if (closed && (drainFailing || spool.isEmpty())) {
        draining = false;
        return;
      }
    }
    clickhouse.onWorker(this::drainOnce).onComplete(result -> {
      long pause;
      synchronized (this) {
        if (result.succeeded()) {
          drainFailing = false;
          drainFailures = 0;
          if (result.result() == Drained.EMPTY) {
            draining = false;
            return;
          }
          pause = result.result() == Drained.MORE ? 0 : config.spoolAlways() ? 5 : 20;
        } else {
          drainFailing = true;
          drainFailures++;
          pause = Math.min(5_000, 250L << Math.min(5, drainFailures - 1));
        }
      }
      if (result.failed()) {
        lastError = result.cause().getMessage();
        lastErrorAt = System.currentTimeMillis();
        if (drainFailures == 1 || drainFailures % 20 == 0) {
          LOG.warning("spooled events could not be inserted yet (" + spool.records() + " records waiting): " + result.cause().getMessage());
        }
      }
      if (pause == 0) drainStep();
      else vertx.setTimer(pause, id -> drainStep());
    });
  }

  /** Runs on a ClickHouse worker: inserts the spool's next records, leaving out rows that ClickHouse holds already. */
  private Drained drainOnce() throws Exception {
    boolean replicated = clickhouse.replicated();
    List<EventSpool.Record> records = replicated ? spool.nextBlock(config.batchRows()) : spool.next(config.batchRows());
    if (records.isEmpty()) {
      synchronized (this) {
        // Empty, and nothing on its way in: new chunks may go straight to ClickHouse again.
        if (!config.spoolAlways() && toSpool.isEmpty() && !appending && spool.isEmpty()) {
          spooling = false;
          LOG.info("the local spool is empty; events go straight to ClickHouse again");
          return Drained.EMPTY;
        }
      }
      return Drained.WAIT;
    }
    EventSpool.Entry head = records.get(0).entry();
    if (replicated && head.blockStart()) return sendAgain(records, 0);
    if (replicated && !head.flaggedUncertain() && spool.uncertain(head) && spool.attemptStamp() != 0) {
      return sendAgain(records, spool.attemptStamp());
    }
    Set<String> stored = storedKeys(records);
    long started = System.nanoTime();
    long stamp = System.currentTimeMillis() / 1000;
    List<InputStream> parts = new ArrayList<>();
    long kept = 0, left = 0;
    for (EventSpool.Record r : records) {
      r.stamp(stamp);
      int n = r.stampAt().length;
      if (stored.isEmpty()) {
        parts.add(new ByteArrayInputStream(r.rows()));
        kept += n;
        continue;
      }
      for (int i = 0; i < n; i++) {
        if (stored.contains(hexKey(r.keyHi(i), r.keyLo(i)))) {
          left++;
        } else {
          parts.add(new ByteArrayInputStream(r.rows(), r.rowStart(i), r.rowEnd(i) - r.rowStart(i)));
          kept++;
        }
      }
    }
    spool.attempt(records.get(records.size() - 1).entry(), stamp);
    if (kept > 0) insertSpooled(parts, kept, started);
    return drained(records, kept, left);
  }

  /**
   * Runs on a ClickHouse worker, on replicated tables: sends records that may be stored already again as
   * the identical block they were sent as (a failed direct insert's, unstamped; or an attempt's, with its
   * {@code stamp}), unless ClickHouse holds all their rows. Leaving out rows, as one server needs, would
   * make a new block: a server killed while it fed the input table's views may have written some tables
   * of its shard and not the others, and a new block would store those rows again in the ones it wrote.
   * The identical block is skipped by every table that stored it and stored by the others.
   */
  private Drained sendAgain(List<EventSpool.Record> records, long stamp) throws Exception {
    Set<String> stored = storedKeys(records);
    long started = System.nanoTime();
    long rows = 0, held = 0;
    List<InputStream> parts = new ArrayList<>();
    for (EventSpool.Record r : records) {
      if (stamp != 0) r.stamp(stamp);
      parts.add(new ByteArrayInputStream(r.rows()));
      for (int i = 0; i < r.stampAt().length; i++) {
        rows++;
        if (stored.contains(hexKey(r.keyHi(i), r.keyLo(i)))) held++;
      }
    }
    if (held == rows) return drained(records, 0, held);
    spool.attempt(records.get(records.size() - 1).entry(), stamp);
    insertSpooled(parts, rows - held, started);
    return drained(records, rows - held, held);
  }

  private void insertSpooled(List<InputStream> parts, long rows, long started) throws Exception {
    try {
      clickhouse.insertRowBinaryBlocking(table, EventChunk.COLUMNS, new SequenceInputStream(Collections.enumeration(parts)));
    } catch (Exception e) {
      metrics.batch(rows, System.nanoTime() - started, false);
      throw e;
    }
    metrics.batch(rows, System.nanoTime() - started, true);
    inserts.incrementAndGet();
  }

  private Drained drained(List<EventSpool.Record> records, long kept, long left) throws IOException {
    spool.drained(records);
    storedRows.addAndGet(kept);
    replayedRows.addAndGet(kept);
    alreadyStoredRows.addAndGet(left);
    if (left > 0) LOG.info("left out " + left + " spooled events that ClickHouse held already");
    releaseWaiters();
    return Drained.MORE;
  }

  /** The keys (as {@link #hexKey}) that ClickHouse holds among the rows of the records that may be stored already. */
  private Set<String> storedKeys(List<EventSpool.Record> records) throws SQLException {
    StringBuilder tsv = new StringBuilder();
    for (EventSpool.Record r : records) {
      if (!spool.uncertain(r.entry())) continue;
      for (int i = 0; i < r.stampAt().length; i++) {
        tsv.append(ClickHouse.tsv(r.contactId(i))).append('\t').append(hexKey(r.keyHi(i), r.keyLo(i))).append('\n');
      }
    }
    if (tsv.isEmpty()) return Set.of();
    Set<String> stored = new HashSet<>();
    clickhouse.queryBlocking(STORED_KEYS.replace("{events}", clickhouse.everyReplica("events")), new ClickHouse.ExternalTable("spooled", "contact_id String, event_key String",
        tsv.toString().getBytes(StandardCharsets.UTF_8)), rs -> stored.add(rs.getString(1).toUpperCase(Locale.ROOT)));
    return stored;
  }

  /** The key as ClickHouse's {@code hex(event_key)} writes it: its 16 bytes (two little-endian halves), upper case. */
  static String hexKey(long hi, long lo) {
    byte[] key = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(hi).putLong(lo).array();
    return HexFormat.of().withUpperCase().formatHex(key);
  }

  /** Remembers the chunk's keys as stored, so that a client's retry of them is recognised. */
  private void remember(EventChunk c) {
    for (int i = 0; i < c.rows(); i++) recent.add(c.keyHi(i), c.keyLo(i));
  }

  /** Runs on a ClickHouse worker: the same rows again until they are in, or the retry budget is spent. */
  private void insertWithRetry(List<Pending> batch, long started) throws Exception {
    long backoff = 100;
    while (true) {
      try {
        clickhouse.insertRowBinaryBlocking(table, EventChunk.COLUMNS, stream(batch));
        // Only now are these keys "stored"; remembering them here keeps the work off the event loops.
        for (Pending p : batch) remember(p.chunk());
        return;
      } catch (Exception e) {
        lastError = e.getMessage();
        lastErrorAt = System.currentTimeMillis();
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        // With a spool, a failed insert is not retried: its chunks are spooled and the requests answered.
        if (spool != null || elapsed + backoff > config.storeRetryMillis()) {
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

  /** What the spool still holds is inserted at the next start. */
  private void closeSpool() {
    if (spool == null) return;
    try {
      spool.close();
    } catch (IOException e) {
      LOG.warning("closing the spool: " + e);
    }
    spoolThread.close();
  }

  private void drain(Promise<Void> done, long deadline) {
    flushIfDue(true);
    boolean idle;
    synchronized (this) {
      idle = queue.isEmpty() && inFlight == 0 && toSpool.isEmpty() && !appending && !draining;
    }
    if (idle || System.currentTimeMillis() > deadline) {
      boolean drainerStopped;
      synchronized (this) {
        drainerStopped = !draining;
      }
      // A drainer still inserting at the deadline keeps the spool; the process exits and the lock with it.
      if (drainerStopped) closeSpool();
      done.complete();
    } else {
      vertx.setTimer(10, id -> drain(done, deadline));
    }
  }
}
