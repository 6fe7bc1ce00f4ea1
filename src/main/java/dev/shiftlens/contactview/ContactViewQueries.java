package dev.shiftlens.contactview;

import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.SqlFiles;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the views read from ClickHouse. Blocking JDBC: call on the ClickHouse workers. */
final class ContactViewQueries {
  private static final String BASELINE = SqlFiles.clickhouse("contactview_baseline");
  private static final String POPULATION_LIFTS = SqlFiles.clickhouse("contactview_population_lifts");

  /**
   * One contact's hourly counts over a span.
   *
   * @param history hourly counts over the span; its first hour seen is over all time
   * @param firstSeenMillis start of the first hour with any event of the contact, or -1 when it has none
   */
  record BaselineReads(ContactHistory.Builder history, long firstSeenMillis) {}

  /**
   * All-events counts of the population's evaluated, delivered sends of one channel, local slot and labels:
   * the sums of each send's "*" observed and expected counts in event units (divided by the send's reward
   * per expected event), a send without one counted with 0 and 0.
   */
  record LiftRow(String channel, int weekday, int block, String labels, long sends, double observed, double expected) {}

  private final ClickHouse clickhouse;

  ContactViewQueries(ClickHouse clickhouse) {
    this.clickhouse = clickhouse;
  }

  /**
   * Hourly counts of several contacts over the hours that start in {@code [fromMillis, toMillis)}, and each
   * one's first hour, in one query: the contacts travel as an external table. Every id asked is in the map.
   */
  Map<String, BaselineReads> baseline(Collection<String> contactIds, long fromMillis, long toMillis) throws SQLException {
    Map<String, ContactHistory.Builder> histories = new HashMap<>();
    Map<String, Long> first = new HashMap<>();
    StringBuilder tsv = new StringBuilder(contactIds.size() * 24);
    for (String id : contactIds) {
      histories.put(id, ContactHistory.builder(id));
      tsv.append(ClickHouse.tsv(id)).append('\n');
    }
    ClickHouse.ExternalTable batch =
        new ClickHouse.ExternalTable("batch", "contact_id String", tsv.toString().getBytes(StandardCharsets.UTF_8));
    clickhouse.queryBlocking(1, BASELINE, batch, rs -> {
      String id = rs.getString(2);
      ContactHistory.Builder history = histories.get(id);
      if (history == null) return;
      long hourMillis = rs.getLong(4) * 1000L;
      if (rs.getString(1).equals("h")) {
        history.add(rs.getString(3), hourMillis, rs.getInt(5), rs.getString(6));
      } else if (hourMillis > 0) {
        first.put(id, hourMillis);
      }
    }, Math.floorDiv(fromMillis, 1000), Math.floorDiv(toMillis + 999, 1000));
    Map<String, BaselineReads> out = new HashMap<>(histories.size() * 2);
    histories.forEach((id, history) -> {
      long firstSeen = first.getOrDefault(id, -1L);
      if (firstSeen >= 0) history.firstSeen(firstSeen);
      out.put(id, new BaselineReads(history, firstSeen));
    });
    return out;
  }

  List<LiftRow> populationLifts() throws SQLException {
    List<LiftRow> rows = new ArrayList<>();
    clickhouse.queryBlocking(POPULATION_LIFTS, rs -> rows.add(new LiftRow(rs.getString(1), rs.getInt(2), rs.getInt(3),
        rs.getString(4), rs.getLong(5), rs.getDouble(6), rs.getDouble(7))));
    return rows;
  }

}
