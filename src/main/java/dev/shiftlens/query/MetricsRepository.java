package dev.shiftlens.query;

import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.SqlFiles;
import dev.shiftlens.stats.AggregateLift;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums over the stored effects in ClickHouse, per group and arm. The query runs on the ClickHouse
 * worker pool; the future completes there, so callers hop back to their own context through it.
 */
final class MetricsRepository {
  private static final String SENDS = SqlFiles.clickhouse("metrics_sends");

  /**
   * One arm (holdout or not) of one group.
   *
   * @param sends sends with a stored result (evaluated or insufficient history)
   * @param evaluated the evaluated ones among them
   * @param sums sufficient statistics of the requested event name over the evaluated sends
   * @param ups evaluated sends whose verdict for the event name is up
   */
  record Arm(String key, boolean holdout, long sends, long evaluated, AggregateLift.Sums sums, long ups, long downs) {}

  private final ClickHouse clickhouse;

  MetricsRepository(ClickHouse clickhouse) {
    this.clickhouse = clickhouse;
  }

  Future<List<Arm>> arms(MetricsQuery q) {
    String g = q.groupBy();
    String e = q.eventName();
    return clickhouse.onWorker(() -> {
      List<Arm> arms = new ArrayList<>();
      clickhouse.queryBlocking(SENDS, rs -> {
        long evaluated = rs.getLong("evaluated");
        arms.add(new Arm(rs.getString("key"), rs.getInt("holdout") == 1, rs.getLong("sends"), evaluated,
            new AggregateLift.Sums(evaluated, rs.getDouble("sum_o"), rs.getDouble("sum_e"), rs.getDouble("sum_oo"),
                rs.getDouble("sum_oe"), rs.getDouble("sum_ee")),
            rs.getLong("ups"), rs.getLong("downs")));
      }, g, g, g, g, q.labelKey(), e, e, e, e, e, q.fromSeconds(), q.toSeconds(),
          q.messageId(), q.messageId(), q.channel(), q.channel());
      return arms;
    });
  }
}
