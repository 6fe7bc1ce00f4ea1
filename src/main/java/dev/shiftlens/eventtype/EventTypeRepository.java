package dev.shiftlens.eventtype;

import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event types in PostgreSQL. Non-blocking: queries run through the reactive client and complete on
 * the caller's event loop. Shared by every event loop, hence the atomic and volatile cache fields.
 *
 * <p>{@link #snapshot()} is called once per evaluation batch; it reuses a snapshot for a short
 * while ({@link #DEFAULT_CACHE}) so that many batches in a row cost one query. A put through this
 * repository is seen by the next snapshot at once; one made through another server, within the
 * cache time.
 */
public final class EventTypeRepository {
  public static final Duration DEFAULT_CACHE = Duration.ofSeconds(2);
  private static final String LIST = SqlFiles.postgres("event_type_list");
  private static final String PUT = SqlFiles.postgres("event_type_put");

  private final Pool pool;
  private final long cacheNanos;
  /** Counts the puts made here: a snapshot whose query started before the latest put is not kept. */
  private final AtomicLong writes = new AtomicLong();
  private volatile Cached cached;

  private record Cached(EventTypes types, long queriedAtNanos, long writes) {}

  public EventTypeRepository(Pool pool) {
    this(pool, DEFAULT_CACHE);
  }

  public EventTypeRepository(Pool pool, Duration cache) {
    this.pool = pool;
    this.cacheNanos = cache.toNanos();
  }

  /** Every configured event type, as one immutable snapshot. */
  public Future<EventTypes> snapshot() {
    Cached c = cached;
    long now = System.nanoTime();
    long seen = writes.get();
    if (c != null && c.writes == seen && now - c.queriedAtNanos < cacheNanos) return Future.succeededFuture(c.types);
    return pool.preparedQuery(LIST).execute().map(rows -> {
      List<EventType> types = new ArrayList<>(rows.size());
      rows.forEach(row -> types.add(new EventType(row.getString("event_name"), row.getString("category"), row.getDouble("reward"))));
      EventTypes snapshot = EventTypes.of(types);
      if (writes.get() == seen) cached = new Cached(snapshot, now, seen);
      return snapshot;
    });
  }

  /** Stores the type (replacing the name's previous one) and returns it as {@code GET /v1/event-types} lists it. */
  public Future<JsonObject> put(EventType type) {
    return pool.preparedQuery(PUT).execute(Tuple.of(type.eventName(), type.category(), type.reward()))
        .map(rows -> {
          writes.incrementAndGet();
          return toJson(rows.iterator().next());
        });
  }

  /** Every configured event type as the API shows it, sorted by name. */
  public Future<List<JsonObject>> list() {
    return pool.preparedQuery(LIST).execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>(rows.size());
      rows.forEach(row -> out.add(toJson(row)));
      return out;
    });
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("event_name", row.getString("event_name"))
        .put("category", row.getString("category"))
        .put("reward", row.getDouble("reward"))
        .put("updated_at", row.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
