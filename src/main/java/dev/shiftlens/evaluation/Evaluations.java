package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** The behavior engine's shared parts, built once per process: the store, the queries, the population model. */
public final class Evaluations {
  /** How often the evaluation queue's gauges are read from PostgreSQL. */
  public static final long QUEUE_REFRESH_MILLIS = 5_000;
  private final Config.Evaluation config;
  private final BatchEvaluator batches;
  private final PopulationCache population;
  private final Vertx vertx;
  private final Pool pool;
  private final EvaluationMetrics metrics;
  private long queueTimer = -1;
  private boolean readingQueue;

  /** @param rewards the reward of each event name in the {@code "*"} row, read once per batch */
  public Evaluations(Vertx vertx, Pool pool, ClickHouse clickhouse, Config.Evaluation config,
      Supplier<Future<ToDoubleFunction<String>>> rewards, MeterRegistry registry) {
    this.config = config;
    this.vertx = vertx;
    this.pool = pool;
    this.metrics = new EvaluationMetrics(registry);
    EvaluationStore store = new EvaluationStore(pool);
    EvaluationQueries queries = new EvaluationQueries(clickhouse);
    this.population = new PopulationCache(clickhouse, queries, store, config.profileContacts(),
        config.profileRefreshMinutes() * 60_000L);
    this.batches = new BatchEvaluator(vertx, clickhouse, store, queries, population, rewards, config, metrics);
  }

  /**
   * Starts reading the queue's state for the metrics every {@link #QUEUE_REFRESH_MILLIS}; once the
   * schema is in place. One read at a time: a slow database is not asked again before it answers.
   */
  public synchronized void watchQueue() {
    if (queueTimer >= 0) return;
    queueTimer = vertx.setPeriodic(0, QUEUE_REFRESH_MILLIS, id -> {
      synchronized (this) {
        if (readingQueue) return;
        readingQueue = true;
      }
      metrics.refresh(pool, config.graceMinutes()).onComplete(r -> {
        synchronized (this) {
          readingQueue = false;
        }
      });
    });
  }

  public synchronized void stopWatchingQueue() {
    if (queueTimer >= 0) vertx.cancelTimer(queueTimer);
    queueTimer = -1;
  }

  /**
   * The population model the engine measures sends against (cached, refitted in the background), so
   * that views of a contact's baseline show the same profile and priors.
   */
  public Future<PopulationModel> population() {
    return population.current();
  }

  Config.Evaluation config() {
    return config;
  }

  BatchEvaluator batches() {
    return batches;
  }
}
