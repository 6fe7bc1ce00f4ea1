package dev.shiftlens.query;

import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.SqlFiles;
import dev.shiftlens.stats.AggregateLift;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Sums over the stored effects in ClickHouse, per group, arm and UTC day of evaluation, clustered by
 * contact (see {@code sql/clickhouse/queries/metrics_sends.sql}). The query runs on the ClickHouse
 * worker pool; the future completes there, so callers hop back to their own context through it.
 */
final class MetricsRepository {
  private static final String SENDS = SqlFiles.clickhouse("metrics_sends");

  /**
   * What one day of evaluations adds to one arm (holdout or not) of one group.
   *
   * @param day the UTC day of {@code evaluated_at}, in days since 1970-01-01
   * @param sends sends with a stored result (evaluated or insufficient history)
   * @param evaluated the evaluated ones among them
   * @param overlapping sends whose window overlaps another delivered send's window of the same contact
   * @param counted evaluated sends that do not overlap: the ones behind the sums, shares and verdicts
   * @param ups counted sends whose verdict for the event name is up
   * @param added what the day adds to the arm's sums over contacts: new contacts ({@code n}) and the
   *     change of {@code sum O_c}, {@code sum E_c}, {@code sum O_c^2}, {@code sum O_c E_c}, {@code sum E_c^2},
   *     with {@code O_c}, {@code E_c} a contact's sums over its counted sends so far
   */
  record ArmDay(String key, boolean holdout, long day, long sends, long evaluated, long overlapping, long counted,
      long ups, long downs, AggregateLift.Sums added) {}

  private final ClickHouse clickhouse;

  MetricsRepository(ClickHouse clickhouse) {
    this.clickhouse = clickhouse;
  }

  Future<List<ArmDay>> days(MetricsQuery q) {
    String g = q.groupBy();
    String e = q.eventName();
    return clickhouse.onWorker(() -> {
      List<ArmDay> rows = new ArrayList<>();
      clickhouse.queryBlocking(SENDS, rs -> rows.add(new ArmDay(rs.getString("key"), rs.getInt("holdout") == 1,
          rs.getLong("day"), rs.getLong("sends"), rs.getLong("evaluated"), rs.getLong("overlapping"), rs.getLong("counted"),
          rs.getLong("ups"), rs.getLong("downs"),
          new AggregateLift.Sums(rs.getLong("add_n"), rs.getDouble("add_o"), rs.getDouble("add_e"), rs.getDouble("add_oo"),
              rs.getDouble("add_oe"), rs.getDouble("add_ee")))),
          g, g, g, g, q.labelKey(), e, e, e, e, e, q.fromSeconds(), q.toSeconds(),
          q.messageId(), q.messageId(), q.channel(), q.channel());
      return rows;
    });
  }
}
