package dev.shiftlens.platform;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster form of the ClickHouse migrations, which are written for one server. Each table
 * {@code t} becomes a replicated local table {@code t_local} on every server of the cluster (its
 * engine's {@code Replicated} variant, one ZooKeeper path per shard, one replica name per server from
 * the {@code {shard}} and {@code {replica}} macros) and a {@code Distributed} table {@code t} over them,
 * sharded by {@code cityHash64(contact_id)}: every query names {@code t} as before, and a contact's rows
 * of every table live on one shard. Backfills ({@code INSERT INTO t SELECT ... FROM s}) run as written,
 * through the Distributed tables. A statement with no cluster form fails the migration rather than
 * creating something unsharded. Pure: no I/O.
 *
 * <p>A table that materialized views read ({@code events}) is written through an input table instead:
 * {@code t_input_local} ({@code Null} engine) on every server, {@code t_input} (Distributed) over them,
 * and views from {@code t_input_local} to {@code t_local} and to each derived local table. A replicated
 * table stores a block it has stored before only once (the block's checksum is kept in ZooKeeper), and
 * when it skips such a block ClickHouse 18.16 does not feed the views that watch it: a server killed
 * after storing the block and before feeding its views would leave the views short for good once the
 * insert is sent again. Fed from a {@code Null} table, every view writes on every attempt, and each
 * replicated target skips on its own the block it already has. So an insert sent again after any
 * failure is stored once in every table. ClickHouse feeds a table's views in the order of their names,
 * and {@code t_input_mv} (to {@code t_local}) comes after the views of the migrations ({@code
 * event_hourly_mv}, {@code events_by_name_mv}; a test keeps it so): an event found in {@code t} has been
 * written to the derived tables before, so a block whose events {@code t} holds is whole everywhere.
 * Each replicated table keeps the checksums of its last {@link #DEDUPLICATION_WINDOW_BLOCKS} blocks. Each server derives its own shard's rows (a replica that
 * fetches a part from another does not run the views again: the targets are replicated too).
 */
final class ClusterSchema {
  private static final Pattern TABLE = Pattern.compile(
      "(?is)^CREATE\\s+TABLE\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)\\s*\\((.*)\\)\\s*ENGINE\\s*=\\s*(\\w*MergeTree)(?:\\s*\\(([^)]*)\\))?(.*)$");
  private static final Pattern VIEW = Pattern.compile(
      "(?is)^CREATE\\s+MATERIALIZED\\s+VIEW\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)\\s+TO\\s+(\\w+)\\s+AS\\s+(SELECT\\b.*)$");
  private static final Pattern FROM = Pattern.compile("(?i)\\b(FROM|JOIN)\\s+(\\w+)\\b");
  private static final Pattern BACKFILL = Pattern.compile("(?is)^INSERT\\s+INTO\\s+\\w+\\s+SELECT\\b.*");
  private static final Pattern ALTER = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+(\\w+)\\s+(.*)$");
  private static final Pattern COLUMN_CHANGE = Pattern.compile("(?is)^(ADD|DROP|MODIFY)\\s+COLUMN\\b.*");
  static final String SHARDING_KEY = "cityHash64(contact_id)";
  /**
   * How many recent blocks' checksums each replicated table keeps (ClickHouse's default is 100): an insert
   * sent again is skipped only while its block is among them, and the ingest spool may send a block again
   * after other servers have inserted many (each insert is a block per table and shard).
   */
  static final int DEDUPLICATION_WINDOW_BLOCKS = 10_000;
  /** The suffix of the table that inserts into a table read by materialized views go to. */
  static final String INPUT = "_input";

  private final String cluster;
  private final String database;
  private final Set<String> tables;
  private final Set<String> sources;

  /**
   * {@code tables}: the names of the tables the migrations create (each becomes local plus Distributed);
   * {@code sources}: those of them that materialized views read (each also gets an input table).
   */
  ClusterSchema(String cluster, String database, Set<String> tables, Set<String> sources) {
    this.cluster = cluster;
    this.database = database;
    this.tables = tables;
    this.sources = sources;
  }

  /** The cluster form of the shipped migrations. */
  static ClusterSchema of(String cluster, String database) {
    List<String> texts = SqlFiles.migrations("clickhouse").stream().map(f -> SqlFiles.migration("clickhouse", f)).toList();
    Set<String> tables = tablesOf(texts);
    return new ClusterSchema(cluster, database, tables, viewSourcesOf(texts, tables));
  }

  /** The tables of {@code tables} that the materialized views of migration texts read. */
  static Set<String> viewSourcesOf(List<String> migrationTexts, Set<String> tables) {
    Set<String> out = new java.util.TreeSet<>();
    for (String sql : migrationTexts) {
      for (String statement : Migrations.statements(sql)) {
        Matcher view = VIEW.matcher(statement.strip());
        if (!view.matches()) continue;
        Matcher from = FROM.matcher(view.group(3));
        while (from.find()) if (tables.contains(from.group(2))) out.add(from.group(2));
      }
    }
    return out;
  }

  /** The table on each server that holds that server's replica of {@code table}'s rows. */
  static String localTable(String table) {
    return table + "_local";
  }

  /** The table that inserts into {@code table} go to: its input table when views read it. */
  String insertTable(String table) {
    return sources.contains(table) ? table + INPUT : table;
  }

  /** The names of the tables that migration texts create. */
  static Set<String> tablesOf(List<String> migrationTexts) {
    Set<String> out = new java.util.TreeSet<>();
    for (String sql : migrationTexts) {
      for (String statement : Migrations.statements(sql)) {
        Matcher m = TABLE.matcher(statement);
        if (m.matches()) out.add(m.group(1));
      }
    }
    return out;
  }

  String createDatabase() {
    return "CREATE DATABASE IF NOT EXISTS " + database + " ON CLUSTER " + cluster;
  }

  /** The migrations' own bookkeeping: one replicated table that every server of the cluster has whole. */
  String schemaMigrations() {
    return "CREATE TABLE IF NOT EXISTS " + database + ".schema_migrations ON CLUSTER " + cluster
        + " (version UInt32, name String, applied_at DateTime) ENGINE = ReplicatedReplacingMergeTree('"
        + zooKeeperPath("all", "schema_migrations") + "', '{shard}-{replica}') ORDER BY version";
  }

  /** The statements that stand for one statement of a migration on the cluster, in order. */
  List<String> statements(String statement) {
    String s = statement.strip();
    Matcher table = TABLE.matcher(s);
    if (table.matches()) {
      String name = table.group(1), columns = table.group(2), engine = table.group(3);
      String args = table.group(4) == null || table.group(4).isBlank() ? "" : ", " + table.group(4).strip();
      if (!Pattern.compile("(?m)^\\s*contact_id\\s").matcher(columns).find()) {
        throw new IllegalStateException("table " + name + " has no contact_id column to shard by on cluster " + cluster);
      }
      String local = name + "_local";
      List<String> out = new java.util.ArrayList<>(List.of(
          "CREATE TABLE IF NOT EXISTS " + database + "." + local + " ON CLUSTER " + cluster + " (" + columns + ") ENGINE = Replicated"
              + engine + "('" + zooKeeperPath("{shard}", local) + "', '{replica}'" + args + ")" + withDeduplicationWindow(table.group(5)),
          distributed(name, local, local)));
      if (sources.contains(name)) {
        String input = name + INPUT;
        out.add("CREATE TABLE IF NOT EXISTS " + database + "." + input + "_local ON CLUSTER " + cluster + " AS " + database + "." + local
            + " ENGINE = Null");
        out.add(distributed(input, input + "_local", local));
        out.add("CREATE MATERIALIZED VIEW IF NOT EXISTS " + database + "." + input + "_mv ON CLUSTER " + cluster + " TO " + database + "."
            + local + " AS SELECT * FROM " + database + "." + input + "_local");
      }
      return out;
    }
    Matcher view = VIEW.matcher(s);
    if (view.matches()) {
      String target = view.group(2);
      if (!tables.contains(target)) throw new IllegalStateException("materialized view " + view.group(1) + " feeds " + target + ", not a migrated table");
      return List.of("CREATE MATERIALIZED VIEW IF NOT EXISTS " + database + "." + view.group(1) + " ON CLUSTER " + cluster
          + " TO " + database + "." + target + "_local AS " + locals(view.group(3)));
    }
    if (BACKFILL.matcher(s).matches()) return List.of(s);
    Matcher alter = ALTER.matcher(s);
    if (alter.matches() && tables.contains(alter.group(1))) {
      String name = alter.group(1), change = alter.group(2);
      String local = "ALTER TABLE " + database + "." + name + "_local ON CLUSTER " + cluster + " " + change;
      return COLUMN_CHANGE.matcher(change).matches()
          ? List.of(local, "ALTER TABLE " + database + "." + name + " ON CLUSTER " + cluster + " " + change)
          : List.of(local);
    }
    throw new IllegalStateException("no cluster form for this migration statement: "
        + s.substring(0, Math.min(80, s.length())).replaceAll("\\s+", " ").toLowerCase(Locale.ROOT) + "...");
  }

  /** A table's clauses after its engine, with the deduplication window added to its settings. */
  private static String withDeduplicationWindow(String clauses) {
    String setting = "replicated_deduplication_window = " + DEDUPLICATION_WINDOW_BLOCKS;
    String body = clauses.stripTrailing();
    if (body.endsWith(";")) body = body.substring(0, body.length() - 1).stripTrailing();
    return Pattern.compile("(?is)\\bSETTINGS\\b").matcher(body).find() ? body + ", " + setting : body + " SETTINGS " + setting;
  }

  private String distributed(String name, String over, String like) {
    return "CREATE TABLE IF NOT EXISTS " + database + "." + name + " ON CLUSTER " + cluster + " AS " + database + "." + like
        + " ENGINE = Distributed(" + cluster + ", " + database + ", " + over + ", " + SHARDING_KEY + ")";
  }

  /** A view's query with the migrated tables it reads replaced by their local input tables. */
  private String locals(String select) {
    Matcher m = FROM.matcher(select);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = tables.contains(m.group(2)) ? m.group(1) + " " + database + "." + insertTable(m.group(2)) + "_local" : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String zooKeeperPath(String shard, String table) {
    return "/clickhouse/" + cluster + "/tables/" + shard + "/" + database + "/" + table;
  }
}
