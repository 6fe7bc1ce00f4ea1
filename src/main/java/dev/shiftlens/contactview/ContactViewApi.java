package dev.shiftlens.contactview;

import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.evaluation.Evaluations;
import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.QueryParams;
import dev.shiftlens.platform.Replies;
import dev.shiftlens.send.SendApi;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * {@code GET /v1/contacts/{contact_id}/baseline}, {@code .../shifts} and {@code .../preferences}.
 * Handlers run on the request's event loop; ClickHouse is read on its worker pool. Per request the
 * work is bounded by the one contact's data: its hourly counts (event_hourly is ordered by contact),
 * its sends (indexed by contact); the population model and the population's lifts are cached.
 */
public final class ContactViewApi {
  private static final long HOUR_MS = 3_600_000L;
  /** A contact's preferences are read from its latest this many evaluated sends. */
  private static final int PREFERENCE_SENDS = 1000;
  private static final long POPULATION_LIFTS_REFRESH_MS = 10 * 60_000L;
  /** Baseline reads running at once; the requests that arrive meanwhile share the next query. */
  private static final int BASELINE_QUERIES_IN_FLIGHT = 1;
  private static final int BASELINE_BATCH = 500;
  /** A contact's hourly counts are read again after a minute at the latest. */
  private static final long BASELINE_CACHE_MS = 60_000;
  private static final int BASELINE_CACHE_CONTACTS = 50_000;
  private static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
  private static final long LATEST = Instant.parse("9999-01-01T00:00:00Z").toEpochMilli();

  private final ContactViewStore store;
  private final ContactViewQueries queries;
  private final Evaluations evaluations;
  private final SendApi sends;
  private final PopulationLifts lifts;
  private final BaselineReader baselines;
  private final int baselineDays;
  private final Supplier<RandomGenerator> random;

  /** @param baselineDays the engine's baseline length ({@code SHIFTLENS_BASELINE_DAYS}) */
  public ContactViewApi(Vertx vertx, Pool pool, ClickHouse clickhouse, Evaluations evaluations, SendApi sends,
      int baselineDays) {
    this(vertx, pool, clickhouse, evaluations, sends, baselineDays, ThreadLocalRandom::current);
  }

  ContactViewApi(Vertx vertx, Pool pool, ClickHouse clickhouse, Evaluations evaluations, SendApi sends, int baselineDays,
      Supplier<RandomGenerator> random) {
    this.store = new ContactViewStore(pool);
    this.queries = new ContactViewQueries(clickhouse);
    this.evaluations = evaluations;
    this.sends = sends;
    this.baselineDays = baselineDays;
    this.random = random;
    this.baselines = new BaselineReader(queries::baseline, clickhouse::onWorker, BASELINE_QUERIES_IN_FLIGHT, BASELINE_BATCH,
        BASELINE_CACHE_MS, BASELINE_CACHE_CONTACTS);
    this.lifts = new PopulationLifts(queries::populationLifts, clickhouse::onWorker, POPULATION_LIFTS_REFRESH_MS);
  }

  /**
   * {@code ?as_of=} (default now): the moment whose baseline is shown; {@code ?window_hours=} (default 24): the
   * response window whose time scale the contact's dispersion is read at. Unknown contact (no row, no event): 404.
   */
  public void baseline(RoutingContext ctx) {
    String id = ctx.pathParam("contact_id");
    long asOf;
    double windowHours;
    try {
      asOf = asOf(ctx.request().getParam("as_of"));
      windowHours = windowHours(ctx.request().getParam("window_hours"));
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    long to = Math.floorDiv(asOf, HOUR_MS) * HOUR_MS;
    long from = to - baselineDays * 24L * HOUR_MS;
    Future<ContactViewStore.BaselineRows> rows = store.baseline(id, from, asOf);
    // Hourly rows start on the hour: the hours that start before as_of are those that start before the end
    // of its hour, and requests within one hour share a span, so that they can share a query.
    Future<ContactViewQueries.BaselineReads> reads = baselines.read(id, from, Math.floorDiv(asOf + HOUR_MS - 1, HOUR_MS) * HOUR_MS);
    Future<PopulationModel> model = evaluations.population();
    Future.all(rows, reads, model).onComplete(all -> {
      if (unavailable(ctx, all)) return;
      ContactViewStore.Contact row = rows.result().contact();
      if (row == null && reads.result().firstSeenMillis() < 0) {
        ctx.fail(ApiException.notFound("no contact with contact_id '" + id + "'"));
        return;
      }
      ContactHistory history = reads.result().history().build(row == null ? null : row.timezone());
      Replies.json(ctx, BaselineView.of(id, history, asOf, rows.result().windows(), model.result(), baselineDays,
          windowHours));
    });
  }

  /** The contact's sends, newest first, paged as {@code GET /v1/sends}; 404 when the contact has no row and no send. */
  public void shifts(RoutingContext ctx) {
    String id = ctx.pathParam("contact_id");
    Future<JsonObject> page;
    try {
      page = sends.contactPage(id, ctx.queryParams());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    boolean first = ctx.request().getParam("cursor") == null;
    page.compose(p -> first && p.getJsonArray("items").isEmpty()
            ? store.known(id).map(known -> known ? p : null) : Future.succeededFuture(p))
        .onComplete(result -> {
          if (unavailable(ctx, result)) return;
          if (result.result() == null) ctx.fail(ApiException.notFound("no contact with contact_id '" + id + "'"));
          else Replies.json(ctx, result.result());
        });
  }

  /** Posterior lifts per dimension and value with a Thompson-sampled recommendation; 404 when the contact has no row and no send. */
  public void preferences(RoutingContext ctx) {
    String id = ctx.pathParam("contact_id");
    Future<ContactViewStore.PreferenceRows> rows = store.preferences(id, PREFERENCE_SENDS);
    Future<PopulationLifts.Table> population = lifts.current();
    Future.all(rows, population)
        .compose(all -> rows.result().contact() == null && rows.result().sends().isEmpty() ? store.known(id) : Future.succeededFuture(true))
        .onComplete(known -> {
          if (unavailable(ctx, known)) return;
          if (!known.result()) {
            ctx.fail(ApiException.notFound("no contact with contact_id '" + id + "'"));
            return;
          }
          Replies.json(ctx, PreferenceView.of(id, rows.result().contact(), rows.result().sends(), population.result(), random.get()));
        });
  }

  /** Fails the request with a 503 when a store read failed; true when it did. */
  private static boolean unavailable(RoutingContext ctx, AsyncResult<?> result) {
    if (result.succeeded()) return false;
    ctx.fail(ApiException.storeUnavailable(result.cause()));
    return true;
  }

  private static double windowHours(String value) {
    if (value == null || value.isEmpty()) return 24;
    double hours;
    try {
      hours = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw ApiException.badField("window_hours", "must be a number of hours in (0, 168], got '" + value + "'");
    }
    if (!(hours > 0 && hours <= 168)) throw ApiException.badField("window_hours", "must be in (0, 168], got " + value);
    return hours;
  }

  static long asOf(String value) {
    if (value == null || value.isEmpty()) return System.currentTimeMillis();
    long millis = QueryParams.timeMillis("as_of", value);
    if (millis < EARLIEST || millis >= LATEST) throw ApiException.badField("as_of", "must be a time from the year 2000 on");
    return millis;
  }
}
