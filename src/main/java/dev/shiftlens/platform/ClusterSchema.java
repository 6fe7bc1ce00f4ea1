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
 * sharded by {@code cityHash64(contact_id)}: every query and insert names {@code t} as before, and a
 * contact's rows of every table live on one shard. A materialized view reads the local table it watches
 * and writes the local table it feeds, so each server derives its own shard's rows (a replica that
 * fetches a part from another does not run the view again: the target is replicated too). Backfills
 * ({@code INSERT INTO t SELECT ... FROM s}) run as written, through the Distributed tables. A statement
 * with no cluster form fails the migration rather than creating something unsharded. Pure: no I/O.
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

  private final String cluster;
  private final String database;
  private final Set<String> tables;

  /** {@code tables}: the names of the tables the migrations create (each becomes local plus Distributed). */
  ClusterSchema(String cluster, String database, Set<String> tables) {
    this.cluster = cluster;
    this.database = database;
    this.tables = tables;
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
      return List.of(
          "CREATE TABLE IF NOT EXISTS " + database + "." + local + " ON CLUSTER " + cluster + " (" + columns + ") ENGINE = Replicated"
              + engine + "('" + zooKeeperPath("{shard}", local) + "', '{replica}'" + args + ")" + table.group(5),
          "CREATE TABLE IF NOT EXISTS " + database + "." + name + " ON CLUSTER " + cluster + " AS " + database + "." + local
              + " ENGINE = Distributed(" + cluster + ", " + database + ", " + local + ", " + SHARDING_KEY + ")");
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

  /** A view's query with the migrated tables it reads replaced by their local tables. */
  private String locals(String select) {
    Matcher m = FROM.matcher(select);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = tables.contains(m.group(2)) ? m.group(1) + " " + database + "." + m.group(2) + "_local" : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String zooKeeperPath(String shard, String table) {
    return "/clickhouse/" + cluster + "/tables/" + shard + "/" + database + "/" + table;
  }
}
