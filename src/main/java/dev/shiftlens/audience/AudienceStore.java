package dev.shiftlens.audience;

import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reads of an audience query: contact ids by property filters from PostgreSQL (reactive, on the
 * caller's event loop), and by behavior and shift filters from ClickHouse (on its worker pool).
 */
final class AudienceStore {
  private static final String BEHAVIOR = SqlFiles.clickhouse("audience_behavior");
  private static final String BEHAVIOR_ANY = SqlFiles.clickhouse("audience_behavior_any");
  private static final String EXISTS = SqlFiles.clickhouse("audience_behavior_exists");
  private static final String EXISTS_ANY = SqlFiles.clickhouse("audience_behavior_any_exists");
  private static final String SHIFT = SqlFiles.clickhouse("audience_shift");
  /** The event name that stands for every event, in behavior and shift filters alike. */
  static final String ALL_EVENTS = "*";

  private final Pool pool;
  private final ClickHouse clickhouse;

  AudienceStore(Pool pool, ClickHouse clickhouse) {
    this.pool = pool;
    this.clickhouse = clickhouse;
  }

  /** The ids of the contacts that pass every property filter, in code point order. */
  Future<List<String>> contacts(List<PropertyFilter> filters) {
    PropertySql.Query query = PropertySql.of(filters);
    return pool.preparedQuery(query.sql()).execute(Tuple.from(query.params())).map(rows -> {
      List<String> ids = new ArrayList<>(rows.size());
      for (Row row : rows) ids.add(row.getString(0));
      return ids;
    });
  }

  /**
   * The ids of the contacts with from {@code min} to {@code max} distinct events named {@code eventName}
   * since {@code sinceEpochSecond}; contacts without any such event are never among them.
   */
  Future<Set<String>> withEventCount(String eventName, long sinceEpochSecond, long min, long max) {
    return clickhouse.onWorker(() -> {
      Set<String> ids = new HashSet<>();
      boolean any = ALL_EVENTS.equals(eventName);
      if (min <= 1 && max == Long.MAX_VALUE) {
        // "At least once" (or, complemented, "never"): one event is enough, which is cheaper than a count.
        if (any) clickhouse.queryBlocking(EXISTS_ANY, rs -> ids.add(rs.getString(1)), sinceEpochSecond);
        else clickhouse.queryBlocking(EXISTS, rs -> ids.add(rs.getString(1)), eventName, sinceEpochSecond);
      } else if (any) {
        clickhouse.queryBlocking(BEHAVIOR_ANY, rs -> ids.add(rs.getString(1)), sinceEpochSecond, min, max);
      } else {
        clickhouse.queryBlocking(BEHAVIOR, rs -> ids.add(rs.getString(1)), eventName, sinceEpochSecond, min, max);
      }
      return ids;
    });
  }

  /** The ids of the contacts with a send since {@code sinceEpochSecond} whose effect had the verdict. */
  Future<Set<String>> shifted(String eventName, String verdict, long sinceEpochSecond) {
    return clickhouse.onWorker(() -> {
      Set<String> ids = new HashSet<>();
      clickhouse.queryBlocking(SHIFT, rs -> ids.add(rs.getString(1)), eventName, verdict, sinceEpochSecond);
      return ids;
    });
  }
}
