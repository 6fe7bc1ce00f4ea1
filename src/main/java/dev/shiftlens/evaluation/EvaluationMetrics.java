package dev.shiftlens.evaluation;

import dev.shiftlens.platform.Metrics;
import dev.shiftlens.platform.SqlFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The figures of the behavior engine: sends evaluated, by status; evaluation batches and their time;
 * and the queue, read from PostgreSQL every few seconds by every server, whether it evaluates or not
 * (the queue is shared): the sends that are due and not evaluated, and how long ago the oldest of them
 * fell due (its window end plus the grace period). Thread-safe.
 */
final class EvaluationMetrics {
  private static final String QUEUE = SqlFiles.postgres("evaluation_queue");

  private final MeterRegistry registry;
  private final Timer batches;
  private final Timer failedBatches;
  private volatile double due;
  private volatile double lagSeconds;

  EvaluationMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.batches = batchTimer("evaluated");
    this.failedBatches = batchTimer("failed");
    for (String status : List.of("evaluated", "insufficient_history")) evaluations(status);
    Gauge.builder("shiftlens.evaluation.due.sends", this, m -> m.due)
        .description("Sends whose window and grace period have passed and that are not evaluated yet")
        .register(registry);
    Gauge.builder("shiftlens.evaluation.lag.seconds", this, m -> m.lagSeconds)
        .description("How long ago the oldest send that is not evaluated yet fell due (window end plus grace); 0 when none is due")
        .register(registry);
  }

  private Timer batchTimer(String outcome) {
    return Timer.builder("shiftlens.evaluation.batch")
        .description("Time to claim, read, compute and store one batch of due sends")
        .tag("outcome", outcome)
        .serviceLevelObjectives(Metrics.TIME_BUCKETS)
        .register(registry);
  }

  private Counter evaluations(String status) {
    return Counter.builder("shiftlens.evaluations")
        .description("Sends evaluated, by the status stored (evaluated or insufficient_history)")
        .tag("status", status)
        .register(registry);
  }

  /** The sends of a batch as stored (claims lost meanwhile are not among them). */
  void evaluated(List<Row> stored) {
    for (Row row : stored) evaluations(row.getString("status")).increment();
  }

  void batch(long nanos, boolean succeeded) {
    (succeeded ? batches : failedBatches).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Reads the queue's state; a failed read leaves the last figures (and is counted as a PostgreSQL error). */
  Future<Void> refresh(Pool pool, int graceMinutes) {
    return pool.preparedQuery(QUEUE).execute(Tuple.of(graceMinutes)).map(rows -> {
      Row row = rows.iterator().next();
      due = row.getLong("due");
      lagSeconds = Math.max(0, row.getDouble("lag_seconds"));
      return null;
    });
  }
}
