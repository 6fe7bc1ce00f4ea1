package dev.shiftlens.evaluation;

import dev.shiftlens.baseline.ContactHistory;
import dev.shiftlens.platform.ClickHouse;
import dev.shiftlens.platform.SqlFiles;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine reads from ClickHouse: hourly counts per contact (never raw events), first hours
 * seen, and per-send window counts. Blocking JDBC: call on a worker thread.
 */
final class EvaluationQueries {
  private static final String HOURLY = SqlFiles.clickhouse("evaluation_hourly");
  private static final String FIRST_SEEN = SqlFiles.clickhouse("evaluation_first_seen");
  private static final String WINDOWS = SqlFiles.clickhouse("evaluation_windows");
  private static final String LATEST_HOUR = SqlFiles.clickhouse("population_latest_hour");
  private static final String ACTIVE = SqlFiles.clickhouse("population_active_contacts");
  private static final String SAMPLE = SqlFiles.clickhouse("population_sample");
  private static final String SAMPLE_FIRST_SEEN = SqlFiles.clickhouse("population_first_seen");
  private static final String BATCH_STRUCTURE = "send_id String, contact_id String, start_ms UInt64, end_ms UInt64";

  private final ClickHouse clickhouse;

  EvaluationQueries(ClickHouse clickhouse) {
    this.clickhouse = clickhouse;
  }

  /** Builders of the contacts' histories over {@code [fromMillis, toMillis)}, with their first hours seen. */
  Map<String, ContactHistory.Builder> histories(List<ClaimedSend> batch, long fromMillis, long toMillis) throws SQLException {
    ClickHouse.ExternalTable table = batchTable(batch);
    Map<String, ContactHistory.Builder> out = new HashMap<>();
    clickhouse.queryBlocking(FIRST_SEEN, table, rs -> out.computeIfAbsent(rs.getString(1), ContactHistory::builder)
        .firstSeen(rs.getLong(2) * 1000L));
    if (out.isEmpty()) return out;
    clickhouse.queryBlocking(HOURLY, table, rs -> addSeries(out, rs), Math.floorDiv(fromMillis, 1000), Math.floorDiv(toMillis + 999, 1000));
    return out;
  }

  /** Builders of these contacts' histories over {@code [fromMillis, toMillis)}, with their first hours seen; contacts never seen are absent. */
  Map<String, ContactHistory.Builder> historiesOf(Collection<String> contactIds, long fromMillis, long toMillis) throws SQLException {
    StringBuilder tsv = new StringBuilder(contactIds.size() * 32);
    for (String id : contactIds) tsv.append("\t").append(ClickHouse.tsv(id)).append("\t0\t0\n");
    ClickHouse.ExternalTable table = new ClickHouse.ExternalTable("batch", BATCH_STRUCTURE, tsv.toString().getBytes(StandardCharsets.UTF_8));
    Map<String, ContactHistory.Builder> out = new HashMap<>();
    clickhouse.queryBlocking(FIRST_SEEN, table, rs -> out.computeIfAbsent(rs.getString(1), ContactHistory::builder)
        .firstSeen(rs.getLong(2) * 1000L));
    if (out.isEmpty()) return out;
    clickhouse.queryBlocking(HOURLY, table, rs -> addSeries(out, rs), Math.floorDiv(fromMillis, 1000), Math.floorDiv(toMillis + 999, 1000));
    return out;
  }

  /** Per send id, its window's distinct events by event name. */
  Map<String, Map<String, Integer>> windows(List<ClaimedSend> batch) throws SQLException {
    long from = Long.MAX_VALUE, to = Long.MIN_VALUE;
    for (ClaimedSend s : batch) {
      from = Math.min(from, s.sentAt().getEpochSecond());
      to = Math.max(to, s.windowEnd().getEpochSecond() + 1);
    }
    Map<String, Map<String, Integer>> out = new HashMap<>();
    clickhouse.queryBlocking(WINDOWS, batchTable(batch), rs -> out.computeIfAbsent(rs.getString(1), id -> new HashMap<>())
        .put(rs.getString(2), rs.getInt(3)), from, to);
    return out;
  }

  /** Start of the hour after the latest hour with events, epoch ms, or -1 when there are none. */
  long dataEndMillis() throws SQLException {
    long latest = clickhouse.queryLongBlocking(LATEST_HOUR);
    return latest <= 0 ? -1 : (latest + 3600) * 1000L;
  }

  long activeContacts(long fromMillis, long toMillis) throws SQLException {
    return clickhouse.queryLongBlocking(ACTIVE, fromMillis / 1000, toMillis / 1000);
  }

  /** Builders of the histories over {@code [fromMillis, toMillis)} of the contacts whose hash falls under {@code threshold} of 10000. */
  Map<String, ContactHistory.Builder> sample(long fromMillis, long toMillis, int threshold) throws SQLException {
    Map<String, ContactHistory.Builder> out = new HashMap<>();
    clickhouse.queryBlocking(SAMPLE, rs -> addSeries(out, rs), fromMillis / 1000, toMillis / 1000, threshold);
    clickhouse.queryBlocking(SAMPLE_FIRST_SEEN, rs -> {
      ContactHistory.Builder b = out.get(rs.getString(1));
      if (b != null) b.firstSeen(rs.getLong(2) * 1000L);
    }, toMillis / 1000, threshold);
    return out;
  }

  /** A row of evaluation_hourly or population_sample: one contact's hours and counts of one event name. */
  private static void addSeries(Map<String, ContactHistory.Builder> out, java.sql.ResultSet rs) throws SQLException {
    ContactHistory.Builder b = out.computeIfAbsent(rs.getString(1), ContactHistory::builder);
    b.addAll(rs.getString(2), rs.getString(3), rs.getString(4));
    String zone = rs.getString(6);
    if (zone != null && !zone.isEmpty()) b.zone(zone, rs.getLong(5) * 1000L);
  }


  private static ClickHouse.ExternalTable batchTable(Collection<ClaimedSend> batch) {
    StringBuilder tsv = new StringBuilder(batch.size() * 64);
    for (ClaimedSend s : batch) {
      tsv.append(ClickHouse.tsv(s.sendId())).append('\t').append(ClickHouse.tsv(s.contactId())).append('\t')
          .append(s.sentAt().toEpochMilli()).append('\t').append(s.windowEnd().toEpochMilli()).append('\n');
    }
    return new ClickHouse.ExternalTable("batch", BATCH_STRUCTURE, tsv.toString().getBytes(StandardCharsets.UTF_8));
  }

  static Set<String> contactIds(Collection<ClaimedSend> batch) {
    Set<String> ids = new LinkedHashSet<>();
    batch.forEach(s -> ids.add(s.contactId()));
    return ids;
  }
}
