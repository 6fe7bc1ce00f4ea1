package dev.shiftlens.ingest;

import dev.shiftlens.platform.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The figures of ingestion: rows accepted, recognised as duplicates and rejected, per dataset; the
 * rows and the time of each write to a store (an insert of the event writer into ClickHouse, a
 * statement of contacts or sends in PostgreSQL); and the depth of the event writer's queue, read
 * when metrics are scraped. Thread-safe.
 */
public final class IngestMetrics {
  /** Upper bounds of the buckets of rows per write: from single rows to the largest event insert. */
  private static final double[] ROW_BUCKETS = {1, 10, 100, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000};

  /** The figures of one dataset ({@code contacts}, {@code events} or {@code sends}). */
  static final class Dataset {
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter rejected;
    private final DistributionSummary batchRows;
    private final Timer stored;
    private final Timer failed;
    private final Counter decoded;

    private Dataset(MeterRegistry registry, String name, Counter decoded) {
      this.decoded = decoded;
      accepted = rows(registry, name, "accepted");
      duplicates = rows(registry, name, "duplicate");
      rejected = rows(registry, name, "rejected");
      batchRows = DistributionSummary.builder("shiftlens.ingest.batch.rows")
          .description("Rows per write to the store (events: per ClickHouse insert of the group commit)")
          .tag("dataset", name)
          .serviceLevelObjectives(ROW_BUCKETS)
          .register(registry);
      stored = batchTimer(registry, name, "stored");
      failed = batchTimer(registry, name, "failed");
    }

    private static Counter rows(MeterRegistry registry, String dataset, String outcome) {
      return Counter.builder("shiftlens.ingest.rows")
          .description("Rows ingested: accepted (stored), duplicate (already stored) or rejected (invalid)")
          .tags("dataset", dataset, "outcome", outcome)
          .register(registry);
    }

    private static Timer batchTimer(MeterRegistry registry, String dataset, String outcome) {
      return Timer.builder("shiftlens.ingest.batch")
          .description("Time of a write to the store, retries included")
          .tags("dataset", dataset, "outcome", outcome)
          .serviceLevelObjectives(Metrics.TIME_BUCKETS)
          .register(registry);
    }

    void stored(long rows, long duplicateRows) {
      accepted.increment(rows);
      duplicates.increment(duplicateRows);
    }

    /** Bytes that decompressing a body produced (those of plain bodies are not counted). */
    void decoded(int bytes) {
      decoded.increment(bytes);
    }

    void rejected() {
      rejected.increment();
    }

    /** One write of {@code rows} rows that took {@code nanos}. */
    void batch(long rows, long nanos, boolean succeeded) {
      if (succeeded) batchRows.record(rows);
      (succeeded ? stored : failed).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records {@code write}, of {@code rows} rows, started now, once it completes. */
    <T> Future<T> batch(long rows, Future<T> write) {
      long started = System.nanoTime();
      return write.andThen(r -> batch(rows, System.nanoTime() - started, r.succeeded()));
    }
  }

  final Dataset contacts;
  final Dataset events;
  final Dataset sends;
  private final MeterRegistry registry;

  public IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    Counter decoded = Counter.builder("shiftlens.ingest.decoded.bytes")
        .description("Bytes produced by decompressing ingestion bodies (gzip, deflate); stops at the body size limit")
        .register(registry);
    this.contacts = new Dataset(registry, "contacts", decoded);
    this.events = new Dataset(registry, "events", decoded);
    this.sends = new Dataset(registry, "sends", decoded);
  }

  /** The event writer's queue, read at each scrape. */
  void watch(EventBatchWriter writer) {
    gauge("shiftlens.event.queue.rows", "Events waiting for an insert into ClickHouse", writer, EventBatchWriter::queuedRows);
    gauge("shiftlens.event.queue.bytes", "Bytes of encoded events waiting for storage or being inserted", writer,
        EventBatchWriter::heldBytes);
    gauge("shiftlens.event.inserts.in.flight", "Event inserts running in ClickHouse", writer, EventBatchWriter::inFlightInserts);
    gauge("shiftlens.ingest.requests.waiting", "Ingestion requests waiting for room in the event queue", writer,
        EventBatchWriter::waitingRequests);
    gauge("shiftlens.spool.bytes", "Bytes of spooled events not yet in ClickHouse", writer, EventBatchWriter::spoolBytes);
    gauge("shiftlens.spool.max.bytes", "The spool's bound (SHIFTLENS_SPOOL_MAX_BYTES; 0: no spool)", writer,
        EventBatchWriter::spoolMaxBytes);
    gauge("shiftlens.spool.records", "Spooled records (chunks of events) not yet in ClickHouse", writer, EventBatchWriter::spoolRecords);
    gauge("shiftlens.spool.oldest.age.seconds", "Age of the oldest spooled record not yet in ClickHouse (0: none)", writer,
        EventBatchWriter::spoolOldestAgeSeconds);
    gauge("shiftlens.spool.draining", "1 while the spool holds events (being inserted, or waiting for ClickHouse), else 0", writer,
        w -> w.spoolState() == EventBatchWriter.SpoolState.DRAINING || w.spoolState() == EventBatchWriter.SpoolState.WAITING ? 1 : 0);
    gauge("shiftlens.spool.waiting", "1 while the last insert of spooled events failed (ClickHouse is unavailable), else 0", writer,
        w -> w.spoolState() == EventBatchWriter.SpoolState.WAITING ? 1 : 0);
    spoolRows(writer, "spooled", EventBatchWriter::spooledRows);
    spoolRows(writer, "replayed", EventBatchWriter::replayedRows);
    spoolRows(writer, "already_stored", EventBatchWriter::alreadyStoredRows);
  }

  private void spoolRows(EventBatchWriter writer, String outcome, java.util.function.ToDoubleFunction<EventBatchWriter> value) {
    io.micrometer.core.instrument.FunctionCounter.builder("shiftlens.spool.rows", writer, value)
        .description("Event rows: spooled (acknowledged from the spool), replayed (inserted from it), already_stored (left out: ClickHouse held them)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** The ingestion requests in progress (of {@code SHIFTLENS_MAX_CONCURRENT_INGESTS}). */
  void watchRequests(AtomicInteger active) {
    gauge("shiftlens.ingest.requests.active", "Ingestion requests in progress", active, AtomicInteger::get);
  }

  private <T> void gauge(String name, String description, T object, java.util.function.ToDoubleFunction<T> value) {
    Gauge.builder(name, object, value).description(description).register(registry);
  }
}
