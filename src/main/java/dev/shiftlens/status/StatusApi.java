package dev.shiftlens.status;

import dev.shiftlens.ingest.EventBatchWriter;
import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.Problems;
import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.logging.Logger;

/** {@code GET /v1/status} (counts) and {@code GET /health} (are the stores reachable). */
public final class StatusApi {
  private static final Logger LOG = Logger.getLogger(StatusApi.class.getName());
  private static final String COUNTS = SqlFiles.postgres("status_counts");

  private final Pool pool;
  private final ClickHouse clickhouse;
  private final EventBatchWriter writer;
  private final EventCounter events;

  /** {@code settleSeconds}: the longest a stamped event row can wait before it is stored, with margin. */
  public StatusApi(Pool pool, ClickHouse clickhouse, EventBatchWriter writer, long settleSeconds) {
    this.pool = pool;
    this.clickhouse = clickhouse;
    this.writer = writer;
    this.events = new EventCounter(clickhouse, settleSeconds);
  }

  /** Starts the first count of settled events in the background, so that the first status call is quick. */
  public void warmUp() {
    events.count();
  }

  public void status(RoutingContext ctx) {
    Future<Row> counts = pool.query(COUNTS).execute().map(rows -> rows.iterator().next());
    Future<Long> events = this.events.count();
    Future.join(counts, events)
        .onSuccess(all -> {
          Row c = counts.result();
          ctx.json(new JsonObject()
              .put("contacts", c.getLong("contacts"))
              .put("events", events.result())
              .put("sends", c.getLong("sends"))
              .put("pending_evaluations", c.getLong("pending_evaluations"))
              .put("evaluated_sends", c.getLong("evaluated_sends"))
              .put("ingest", ingest()));
        })
        .onFailure(e -> ctx.fail(unavailable(counts, events)));
  }

  /** Which store failed a status read: the counts of contacts and sends are PostgreSQL's, that of events ClickHouse's. */
  private ApiException unavailable(Future<?> postgres, Future<?> clickhouse) {
    String detail = postgres.failed() && clickhouse.failed() ? "PostgreSQL and ClickHouse are unavailable"
        : postgres.failed() ? "PostgreSQL is unavailable" : "ClickHouse is unavailable";
    Throwable cause = postgres.failed() ? postgres.cause() : clickhouse.cause();
    if (cause instanceof ApiException api) return api;
    LOG.warning("status: " + detail + ": " + cause);
    return new ApiException(503, "Service Unavailable", detail + "; retry shortly", new JsonObject()
        .put("retry_after", 5)
        .put("store", postgres.failed() && clickhouse.failed() ? "both" : postgres.failed() ? "postgres" : "clickhouse")
        .put("postgres", postgres.failed() ? "down" : "up")
        .put("clickhouse", clickhouse.failed() ? "down" : "up")
        .put("ingest", ingest()));
  }

  /** A store's state for /health: "down", its reason in the server log only (it may name hosts and databases). */
  private static String down(String store, Throwable e) {
    LOG.warning("health: " + store + " is down: " + e);
    return "down";
  }

  /** "up" when ClickHouse answers a ping, else "down" (the reason in the log). */
  private Future<String> clickhouseState() {
    return clickhouse.ping().map("up").otherwise(e -> down("ClickHouse", e));
  }

  public void health(RoutingContext ctx) {
    Future<String> pg = pool.query("SELECT 1").execute().map("up").otherwise(e -> down("PostgreSQL", e));
    Future<String> ch = clickhouseState();
    Future.join(pg, ch).onComplete(all -> {
      boolean ok = "up".equals(pg.result()) && "up".equals(ch.result());
      JsonObject state = new JsonObject()
          .put("postgres", pg.result())
          .put("clickhouse", ch.result())
          .put("ingest", ingest());
      if (ok) {
        ctx.json(state.put("status", "ok"));
      } else {
        // An error like any other: problem+json, with the state of each store as extra members.
        Problems.write(ctx.response(), new ApiException(503, "Service Unavailable", "a store is unreachable",
            state.put("status", "unavailable").put("retry_after", 5)), ctx.request().path());
      }
    });
  }

  /**
   * {@code GET /health/ingest}: can this server acknowledge events now? Yes while ClickHouse answers,
   * and while it does not, as long as the local spool has room for a body's worth of events. A load
   * balancer in front of ingestion routes on this rather than on {@code /health}, which is 503 whenever
   * a store is down: taking every server out of rotation during a ClickHouse outage would refuse the
   * events their spools are there to keep. PostgreSQL is not asked: events need it only for keys the
   * server has not seen yet.
   */
  public void ingestHealth(RoutingContext ctx) {
    clickhouseState().onComplete(ch -> {
      boolean clickhouseUp = "up".equals(ch.result());
      JsonObject state = new JsonObject().put("clickhouse", ch.result()).put("spool", spool(writer));
      if (clickhouseUp) {
        ctx.json(state.put("status", "ok"));
      } else if (writer.spoolTakesABody()) {
        ctx.json(state.put("status", "spooling"));
      } else {
        Problems.write(ctx.response(), new ApiException(503, "Service Unavailable",
            writer.spoolEnabled() ? "ClickHouse is unreachable and the local spool is full"
                : "ClickHouse is unreachable and this server has no spool",
            state.put("status", "unavailable").put("store", "clickhouse").put("retry_after", EventBatchWriter.SPOOL_RETRY_AFTER_SECONDS)), ctx.request().path());
      }
    });
  }

  private JsonObject ingest() {
    return new JsonObject()
        .put("queued_event_rows", writer.queuedRows())
        .put("held_event_bytes", writer.heldBytes())
        .put("stored_event_rows", writer.storedRows())
        .put("event_inserts", writer.inserts())
        .put("last_store_error", writer.recentError())
        .put("spool", spool(writer));
  }

  /** The local spool of events that ClickHouse could not take yet. */
  static JsonObject spool(EventBatchWriter writer) {
    return new JsonObject()
        .put("state", writer.spoolState().name().toLowerCase(java.util.Locale.ROOT))
        .put("bytes", writer.spoolBytes())
        .put("max_bytes", writer.spoolMaxBytes())
        .put("records", writer.spoolRecords())
        .put("event_rows", writer.spoolRows())
        .put("oldest_record_age_seconds", Math.round(writer.spoolOldestAgeSeconds() * 10) / 10.0)
        .put("spooled_event_rows", writer.spooledRows())
        .put("replayed_event_rows", writer.replayedRows())
        .put("already_stored_event_rows", writer.alreadyStoredRows());
  }
}
