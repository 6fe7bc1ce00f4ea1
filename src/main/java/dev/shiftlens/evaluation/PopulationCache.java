package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.platform.ClickHouse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The current {@link PopulationModel}, fitted from a sample of contacts over the four weeks before
 * the latest events, and fitted again once it is older than the refresh period. Callers on the
 * event loop get a future; the fit runs on the ClickHouse workers. One instance per process.
 */
final class PopulationCache {
  private static final Logger LOG = Logger.getLogger(PopulationCache.class.getName());
  /** Whole weeks, so that every hour of the week is equally represented. */
  private static final long SPAN_MS = Duration.ofDays(28).toMillis();
  private static final int SAMPLE_BUCKETS = 10_000;

  private final ClickHouse clickhouse;
  private final EvaluationQueries queries;
  private final EvaluationStore store;
  private final int sampleContacts;
  private final long refreshMillis;
  private PopulationModel model;
  private long fittedAt;
  private Future<PopulationModel> fitting;

  PopulationCache(ClickHouse clickhouse, EvaluationQueries queries, EvaluationStore store, int sampleContacts, long refreshMillis) {
    this.clickhouse = clickhouse;
    this.queries = queries;
    this.store = store;
    this.sampleContacts = sampleContacts;
    this.refreshMillis = refreshMillis;
  }

  /** The model, fitting it first when there is none yet or it is due (synchronized: called from several contexts). */
  synchronized Future<PopulationModel> current() {
    long now = System.currentTimeMillis();
    if (model != null && now - fittedAt < refreshMillis) return Future.succeededFuture(model);
    if (fitting == null) {
      Promise<PopulationModel> promise = Promise.promise();
      fitting = promise.future();
      fit().onComplete(result -> {
        synchronized (this) {
          fitting = null;
          if (result.succeeded()) {
            model = result.result();
            fittedAt = System.currentTimeMillis();
          }
        }
        promise.handle(result);
      });
    }
    // While a refit runs, the old model serves.
    return model != null ? Future.succeededFuture(model) : fitting;
  }


  /**
   * The sample is the contacts sent to in the span, the population the engine evaluates, lapsed ones
   * included (a prior fitted on active contacts alone expects too much of those); before any send, the
   * contacts active in the span. Their delivered sends' windows are left out of the fit.
   */
  private Future<PopulationModel> fit() {
    long started = System.nanoTime();
    return clickhouse.onWorker(() -> queries.dataEndMillis()).compose(to -> {
      if (to < 0) return Future.succeededFuture((Sample) null);
      long from = to - SPAN_MS;
      return store.sentContacts(from, to, sampleContacts).compose(sent -> clickhouse.onWorker(() -> {
        if (!sent.isEmpty()) return new Sample(from, to, queries.historiesOf(sent, from, to));
        long active = queries.activeContacts(from, to);
        int threshold = active <= sampleContacts ? SAMPLE_BUCKETS
            : (int) Math.max(1, Math.ceil((double) SAMPLE_BUCKETS * sampleContacts / active));
        return new Sample(from, to, queries.sample(from, to, threshold));
      }));
    }).compose(sample -> {
      if (sample == null) return Future.succeededFuture(PopulationModel.empty());
      var ids = sample.builders().keySet();
      return Future.all(store.contactZones(ids), store.contactSends(ids, sample.from(), sample.to())).compose(both -> {
        Map<String, String> zones = both.resultAt(0);
        Map<String, List<SendEvaluator.Send>> sends = both.resultAt(1);
        return clickhouse.onWorker(() -> {
          List<ContactHistory> histories = new ArrayList<>(sample.builders().size());
          sample.builders().forEach((id, b) -> histories.add(b.build(zones.get(id))));
          Map<String, List<Baseline.Span>> windows = new HashMap<>();
          sends.forEach((id, list) -> list.forEach(s -> {
            if (!s.holdout()) windows.computeIfAbsent(id, k -> new ArrayList<>()).add(new Baseline.Span(s.sentAtMillis(), s.windowEndMillis()));
          }));
          PopulationModel fitted = PopulationModel.fit(histories, windows, sample.from(), sample.to());
          fitted.zones(); // built here, on a worker, not by the first request that needs it
          LOG.info(String.format("population model fitted on %d contacts, %d events, %d event names in %d ms",
              fitted.contacts(), fitted.events(), fitted.priors().size(), (System.nanoTime() - started) / 1_000_000));
          return fitted;
        });
      });
    });
  }

  private record Sample(long from, long to, Map<String, ContactHistory.Builder> builders) {}
}
