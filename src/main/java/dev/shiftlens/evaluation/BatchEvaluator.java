package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.Config;
import dev.shiftlens.send.SendRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Evaluates one batch of due sends: claims them in PostgreSQL, reads the contacts' hourly counts and
 * the windows' counts from ClickHouse in one query each, computes the effects on a worker thread,
 * mirrors them to ClickHouse, stores them in PostgreSQL and publishes each evaluated send on the
 * event bus. Runs its steps as futures; called from the scheduler's event loop.
 */
final class BatchEvaluator {
  private static final Logger LOG = Logger.getLogger(BatchEvaluator.class.getName());
  private static final long HOUR_MS = 3_600_000L;
  /** A failed batch's sends are claimed again after this long (not only when their lease ends). */
  private static final int RETRY_SECONDS = 10;
  private static final String EFFECT_COLUMNS = "send_id, contact_id, message_id, channel, labels, holdout, sent_at, "
      + "send_hour, send_weekday, window_hours, status, overlapping, evaluated_at, event_name, reported, observed, expected, "
      + "p_value, prob_increase, verdict, version";

  private final Vertx vertx;
  private final ClickHouse clickhouse;
  private final EvaluationStore store;
  private final EvaluationQueries queries;
  private final PopulationCache population;
  private final Supplier<Future<ToDoubleFunction<String>>> rewards;
  private final Config.Evaluation config;
  private final EvaluationMetrics metrics;

  BatchEvaluator(Vertx vertx, ClickHouse clickhouse, EvaluationStore store, EvaluationQueries queries,
      PopulationCache population, Supplier<Future<ToDoubleFunction<String>>> rewards, Config.Evaluation config,
      EvaluationMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.clickhouse = clickhouse;
    this.store = store;
    this.queries = queries;
    this.population = population;
    this.rewards = rewards;
    this.config = config;
  }

  /** Claims and evaluates one batch; the future holds how many sends were claimed (0: none due). */
  Future<Integer> runOnce() {
    UUID token = UUID.randomUUID();
    long started = System.nanoTime();
    return store.claim(config.graceMinutes(), config.batchSize(), config.leaseSeconds(), token).compose(batch -> {
      if (batch.isEmpty()) return Future.succeededFuture(0);
      return evaluate(batch, token).map(batch.size())
          .andThen(r -> metrics.batch(System.nanoTime() - started, r.succeeded()))
          .recover(e -> store.release(token, RETRY_SECONDS).transform(released -> Future.failedFuture(e)));
    });
  }

  private Future<Void> evaluate(List<ClaimedSend> batch, UUID token) {
    var contacts = EvaluationQueries.contactIds(batch);
    long firstSent = Long.MAX_VALUE, lastSent = Long.MIN_VALUE, lastEnd = Long.MIN_VALUE;
    for (ClaimedSend s : batch) {
      firstSent = Math.min(firstSent, s.sentAt().toEpochMilli());
      lastSent = Math.max(lastSent, s.sentAt().toEpochMilli());
      lastEnd = Math.max(lastEnd, s.windowEnd().toEpochMilli());
    }
    long baselineFrom = Math.floorDiv(firstSent, HOUR_MS) * HOUR_MS - config.baselineDays() * 24L * HOUR_MS;
    long historyTo = Math.floorDiv(lastSent, HOUR_MS) * HOUR_MS;
    // Up to the last window's end: a later send inside a window marks both as overlapping.
    Future<Map<String, List<SendEvaluator.Send>>> sends = store.contactSends(contacts, baselineFrom, lastEnd);
    Future<Map<String, String>> zones = store.contactZones(contacts);
    Future<Reads> reads = clickhouse.onWorker(() -> {
      long t0 = System.nanoTime();
      var histories = withOneRetry(() -> queries.histories(batch, baselineFrom, historyTo));
      long t1 = System.nanoTime();
      var windows = withOneRetry(() -> queries.windows(batch));
      LOG.fine(() -> String.format("read %d histories in %d ms, windows in %d ms", histories.size(),
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000));
      return new Reads(histories, windows);
    });
    Future<PopulationModel> model = population.current();
    Future<ToDoubleFunction<String>> weights = rewards.get();
    long[] at = {System.nanoTime(), 0, 0, 0};
    return Future.all(sends, zones, reads, model, weights)
        .compose(all -> {
          at[1] = System.nanoTime();
          return vertx.executeBlocking(() -> compute(batch, reads.result(), sends.result(), zones.result(),
              model.result(), weights.result()), false);
        })
        .compose(computed -> clickhouse.onWorker(() -> {
          at[2] = System.nanoTime();
          byte[] rows = computed.mirror(Instant.now());
          // Idempotent too: the rows replace themselves (same key, same version).
          withOneRetry(() -> {
            clickhouse.insertTsvBlocking("send_effects", EFFECT_COLUMNS, rows);
            return null;
          });
          return computed;
        }))
        .compose(computed -> {
          at[3] = System.nanoTime();
          return store.finish(computed.outcomes(), token, computed.evaluatedAt);
        })
        .map(rows -> {
          metrics.evaluated(rows);
          for (Row row : rows) vertx.eventBus().publish(EvaluationVerticle.EVALUATED_ADDRESS, SendRepository.toJson(row));
          if (LOG.isLoggable(Level.FINE)) {
            long end = System.nanoTime();
            LOG.fine(String.format("evaluated %d sends in %d ms: reads %d, compute %d, mirror %d, store %d", batch.size(),
                (end - at[0]) / 1_000_000, (at[1] - at[0]) / 1_000_000, (at[2] - at[1]) / 1_000_000,
                (at[3] - at[2]) / 1_000_000, (end - at[3]) / 1_000_000));
          }
          return null;
        });
  }

  /** For idempotent calls: one that fails (a dropped connection, a server restarting) is tried once more. */
  private static <T> T withOneRetry(java.util.concurrent.Callable<T> call) throws Exception {
    try {
      return call.call();
    } catch (java.sql.SQLException first) {
      LOG.log(Level.FINE, "ClickHouse call failed, trying once more", first);
      Thread.sleep(200);
      return call.call();
    }
  }

  private record Reads(Map<String, ContactHistory.Builder> histories, Map<String, Map<String, Integer>> windows) {}

  /** The batch's results; {@code evaluated_at} is the moment they are first written (to ClickHouse). */
  private static final class Computed {
    private final List<ClaimedSend> batch;
    private final List<SendEvaluator.Result> results;
    private final List<EvaluationStore.Outcome> outcomes;
    private final Map<String, String> zones;
    private Instant evaluatedAt;

    Computed(List<ClaimedSend> batch, List<SendEvaluator.Result> results, List<EvaluationStore.Outcome> outcomes,
        Map<String, String> zones) {
      this.batch = batch;
      this.results = results;
      this.outcomes = outcomes;
      this.zones = zones;
    }

    List<EvaluationStore.Outcome> outcomes() {
      return outcomes;
    }

    /** The rows of send_effects, stamped {@code at}, which becomes the batch's evaluated_at. */
    byte[] mirror(Instant at) {
      evaluatedAt = at;
      StringBuilder out = new StringBuilder(batch.size() * 400);
      for (int i = 0; i < batch.size(); i++) {
        BatchEvaluator.mirror(out, batch.get(i), results.get(i), zones.get(batch.get(i).contactId()), at);
      }
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  private Computed compute(List<ClaimedSend> batch, Reads reads, Map<String, List<SendEvaluator.Send>> contactSends,
      Map<String, String> zones, PopulationModel model, ToDoubleFunction<String> weights) {
    SendEvaluator evaluator = new SendEvaluator(
        new SendEvaluator.Settings(config.alpha(), config.baselineDays(), config.minBaselineDays()), model, weights);
    Map<String, ContactHistory> histories = new java.util.HashMap<>();
    reads.histories().forEach((id, b) -> histories.put(id, b.build(zones.get(id))));
    List<EvaluationStore.Outcome> outcomes = new ArrayList<>(batch.size());
    List<SendEvaluator.Result> results = new ArrayList<>(batch.size());
    for (ClaimedSend s : batch) {
      SendEvaluator.Result r = evaluator.evaluate(s.toSend(), histories.get(s.contactId()),
          reads.windows().getOrDefault(s.sendId(), Map.of()), contactSends.getOrDefault(s.contactId(), List.of()));
      JsonArray effects = new JsonArray();
      r.effects().forEach(e -> effects.add(e.toJson()));
      JsonObject baseline = null;
      if (r.baseline() != null) {
        baseline = new JsonObject()
            .put("from", Instant.ofEpochMilli(r.baseline().fromMillis()).toString())
            .put("to", Instant.ofEpochMilli(r.baseline().toMillis()).toString())
            .put("days", round(r.baseline().days()))
            .put("events", r.baseline().total())
            .put("exposure_hours", round(r.baseline().exposure()))
            .put("window_exposure_hours", round(r.windowExposure()))
            .put("timezone", r.zone());
      }
      outcomes.add(new EvaluationStore.Outcome(s.sendId(), r.status(), effects.encode(),
          baseline == null ? null : baseline.encode(), r.overlapsSendId()));
      results.add(r);
    }
    return new Computed(batch, results, outcomes, zones);
  }

  private static void mirror(StringBuilder out, ClaimedSend s, SendEvaluator.Result r, String contactZone, Instant evaluatedAt) {
    ZoneId zone = r.zone() != null ? ZoneId.of(r.zone()) : ContactHistory.zoneOf(null, contactZone);
    var local = s.sentAt().atZone(zone);
    String head = String.join("\t", ClickHouse.tsv(s.sendId()), ClickHouse.tsv(s.contactId()), ClickHouse.tsv(s.messageId()),
        ClickHouse.tsv(s.channel()), ClickHouse.tsv(s.labels().encode()), s.holdout() ? "1" : "0",
        Long.toString(s.sentAt().getEpochSecond()), Integer.toString(local.getHour()),
        Integer.toString(local.getDayOfWeek().getValue()), Double.toString(s.windowHours()), r.status(),
        r.overlapping() ? "1" : "0", Long.toString(evaluatedAt.getEpochSecond()));
    String version = Long.toString(evaluatedAt.toEpochMilli());
    if (r.effects().isEmpty()) {
      out.append(head).append("\t\t1\t0\t0\tnan\tnan\tnone\t").append(version).append('\n');
    }
    for (Effect e : r.effects()) row(out, head, e, true, version);
    for (Effect e : r.unreported()) row(out, head, e, false, version);
  }

  private static void row(StringBuilder out, String head, Effect e, boolean reported, String version) {
    out.append(head).append('\t').append(ClickHouse.tsv(e.eventName())).append('\t').append(reported ? '1' : '0').append('\t')
        .append(num(e.observed())).append('\t').append(num(e.expected())).append('\t').append(num(e.pValue())).append('\t')
        .append(num(e.probIncrease())).append('\t').append(e.verdict()).append('\t').append(version).append('\n');
  }

  private static double round(double x) {
    return Math.round(x * 1e6) / 1e6;
  }


  /** A Float64 as TabSeparated text. */
  private static String num(double x) {
    if (Double.isNaN(x)) return "nan";
    if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
    return Double.toString(x);
  }
}
