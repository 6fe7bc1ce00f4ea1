package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** The behavior engine's shared parts, built once per process: the store, the queries, the population model. */
public final class Evaluations {
  private final Config.Evaluation config;
  private final BatchEvaluator batches;
  private final PopulationCache population;

  /** @param rewards the reward of each event name in the {@code "*"} row, read once per batch */
  public Evaluations(Vertx vertx, Pool pool, ClickHouse clickhouse, Config.Evaluation config,
      Supplier<Future<ToDoubleFunction<String>>> rewards) {
    this.config = config;
    EvaluationStore store = new EvaluationStore(pool);
    EvaluationQueries queries = new EvaluationQueries(clickhouse);
    this.population = new PopulationCache(clickhouse, queries, store, config.profileContacts(),
        config.profileRefreshMinutes() * 60_000L);
    this.batches = new BatchEvaluator(vertx, clickhouse, store, queries, population, rewards, config);
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
