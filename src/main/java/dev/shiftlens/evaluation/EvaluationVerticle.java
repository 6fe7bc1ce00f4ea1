package dev.shiftlens.evaluation;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The evaluation scheduler: a few loops, each claiming and evaluating one batch of due sends at a
 * time; a loop that found a full batch goes on at once, one that found less waits for the poll
 * interval. Any number of instances (in this process or others) share the queue in PostgreSQL. On
 * stop, batches in progress finish first. Runs on its own event loop; the work it starts runs on
 * worker threads.
 */
public final class EvaluationVerticle extends VerticleBase {
  /** Event-bus address where each evaluated send is published, as {@code GET /v1/sends/{id}} shows it. */
  public static final String EVALUATED_ADDRESS = "shifts.evaluated";
  private static final Logger LOG = Logger.getLogger(EvaluationVerticle.class.getName());

  private final Evaluations evaluations;
  private boolean stopping;
  private int running;
  private Promise<Void> drained;

  public EvaluationVerticle(Evaluations evaluations) {
    this.evaluations = evaluations;
  }

  @Override
  public Future<?> start() {
    for (int i = 0; i < evaluations.config().concurrentBatches(); i++) {
      // Staggered, so that the loops do not claim in lockstep.
      vertx.setTimer(1 + i * 50L, t -> loop());
    }
    return Future.succeededFuture();
  }

  private void loop() {
    if (stopping) return;
    running++;
    evaluations.batches().runOnce().onComplete(result -> {
      running--;
      long delay;
      if (result.failed()) {
        LOG.log(Level.WARNING, "evaluation batch failed; its sends will be claimed again shortly", result.cause());
        delay = Math.max(evaluations.config().intervalMillis(), 5_000);
      } else {
        delay = result.result() >= evaluations.config().batchSize() ? 0 : evaluations.config().intervalMillis();
      }
      if (stopping) {
        if (running == 0 && drained != null) drained.tryComplete();
        return;
      }
      if (delay == 0) {
        context.runOnContext(v -> loop());
      } else {
        vertx.setTimer(delay, t -> loop());
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (running == 0) return Future.succeededFuture();
    drained = Promise.promise();
    return drained.future();
  }
}
