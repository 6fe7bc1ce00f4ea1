package dev.shiftlens.status;

import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Counts distinct events (each event once, however often it was sent) without reading every key
 * on every call. The count is split at a watermark on {@code ingested_at}: the settled part before
 * it is counted exactly once in a while and kept; the recent part after it is counted exactly on
 * each call, minus the recent events that had been stored before the watermark too. The watermark
 * trails the clock by more than any row can wait between being stamped and being stored, so no
 * row lands in the settled part after it was counted.
 *
 * <p>Runs its queries on the ClickHouse worker pool; safe to call from any event loop.
 */
final class EventCounter {
  private static final String BEFORE = SqlFiles.clickhouse("events_distinct_before");
  private static final String SINCE = SqlFiles.clickhouse("events_distinct_since");
  private static final long RESETTLE_SECONDS = 300;

  private record Settled(long watermark, long distinct, long countedAt) {}

  private final ClickHouse clickhouse;
  private final long lagSeconds;
  private Settled settled;
  private Future<Settled> settling;

  /** {@code lagSeconds}: how far the watermark trails the clock. */
  EventCounter(ClickHouse clickhouse, long lagSeconds) {
    this.clickhouse = clickhouse;
    this.lagSeconds = lagSeconds;
  }

  Future<Long> count() {
    return settled().compose(s -> clickhouse.onWorker(() -> {
      List<JsonObject> rows = clickhouse.queryBlocking(SINCE, s.watermark(), s.watermark(), s.watermark(), s.watermark());
      JsonObject r = rows.get(0);
      return s.distinct() + number(r, "recent") - number(r, "seen_before");
    }));
  }

  /** The settled part, recounted when it is older than a few minutes; one recount at a time. */
  private synchronized Future<Settled> settled() {
    long now = System.currentTimeMillis() / 1000;
    if (settled != null && now - settled.countedAt() < RESETTLE_SECONDS) return Future.succeededFuture(settled);
    if (settling == null) {
      long watermark = now - lagSeconds;
      settling = clickhouse.onWorker(() -> new Settled(watermark, clickhouse.queryLongBlocking(BEFORE, watermark), now))
          .andThen(result -> {
            synchronized (this) {
              if (result.succeeded()) settled = result.result();
              settling = null;
            }
          });
    }
    // While a recount runs, the previous settled part is still exact for its own watermark.
    return settled != null ? Future.succeededFuture(settled) : settling;
  }

  private static long number(JsonObject row, String column) {
    Object v = row.getValue(column);
    return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v));
  }
}
