package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Creates the two databases when they are missing and applies the numbered migrations of
 * {@code sql/postgres} and {@code sql/clickhouse} in order, once each. Several servers may start at
 * once: a PostgreSQL advisory lock lets one migrate while the others wait, then find nothing to do.
 * With {@code SHIFTLENS_CLICKHOUSE_CLUSTER} set, each ClickHouse statement is applied in its cluster
 * form ({@link ClusterSchema}), on every server of the cluster at once.
 */
public final class Migrations {
  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
  private static final long LOCK_ID = 0x5368_6966_746cL; // "Shiftl"
  private static final Pattern OBJECT = Pattern.compile("(?i)\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:UNIQUE\\s+)?"
      + "(TABLE|INDEX|MATERIALIZED\\s+VIEW|VIEW|FUNCTION|TRIGGER|DATABASE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([\\w.\"]+)"
      + "|\\bALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?([\\w.\"]+)"
      + "|\\bINSERT\\s+INTO\\s+([\\w.]+)\\s+SELECT\\b");
  private static final Pattern BACKFILL = Pattern.compile("(?is)^\\s*INSERT\\s+INTO\\s+([\\w.]+)\\s+SELECT\\b(?:.*?\\bFROM\\s+([\\w.]+))?");

  private final Vertx vertx;
  private final Config config;
  private final ClickHouse clickhouse;

  public Migrations(Vertx vertx, Config config, ClickHouse clickhouse) {
    this.vertx = vertx;
    this.config = config;
    this.clickhouse = clickhouse;
  }

  public Future<Void> run() {
    return createPostgresDatabase()
        .recover(e -> Future.failedFuture(new IllegalStateException(
            "PostgreSQL at SHIFTLENS_PG_URI " + config.postgres().redacted() + ": " + e.getMessage(), e)))
        .compose(v -> clickhouse.onWorker(() -> {
          ClickHouse.executeOn(config.clickhouse(), "default", config.clickhouse().clustered()
              ? clusterSchema().createDatabase()
              : "CREATE DATABASE IF NOT EXISTS " + config.clickhouse().database());
          return (Void) null;
        }).recover(e -> Future.failedFuture(new IllegalStateException(
            "ClickHouse at SHIFTLENS_CLICKHOUSE_URL " + config.clickhouse().address() + ": " + e.getMessage(), e))))
        .compose(v -> connect(vertx, config.postgres().uri()))
        .compose(conn -> conn.query("SET client_min_messages = warning").execute()
            .compose(r -> conn.query("SELECT pg_advisory_lock(" + LOCK_ID + ")").execute())
            .compose(r -> migratePostgres(conn))
            .compose(v -> migrateClickHouse())
            .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_ID + ")").execute()
                .eventually(conn::close)));
  }

  private Future<Void> createPostgresDatabase() {
    String db = config.postgres().database();
    return connect(vertx, config.postgres().maintenanceUri())
        .compose(conn -> conn.preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1").execute(Tuple.of(db))
            .compose(rows -> {
              if (rows.size() > 0) return Future.<Void>succeededFuture();
              say("creating PostgreSQL database " + db);
              return conn.query("CREATE DATABASE \"" + db + "\"").execute().<Void>mapEmpty()
                  // Another server created it first: "already exists", or a unique violation when both raced.
                  .recover(e -> e instanceof PgException pg && ("42P04".equals(pg.getSqlState()) || "23505".equals(pg.getSqlState()))
                      ? Future.succeededFuture()
                      : Future.failedFuture(e));
            })
            .eventually(conn::close));
  }

  private Future<Void> migratePostgres(SqlConnection conn) {
    String where = "PostgreSQL database " + config.postgres().database() + " at " + config.postgres().redacted();
    return conn.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
            + "version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute()
        .compose(r -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          rows.forEach(row -> applied.add(row.getInteger(0)));
          List<String> files = SqlFiles.migrations("postgres");
          List<String> due = files.stream().filter(f -> !applied.contains(version(f))).toList();
          say(where + ": " + (due.isEmpty() ? "up to date (" + files.size() + " migrations)" : due.size() + " of " + files.size() + " migrations to apply"));
          Future<Void> chain = Future.succeededFuture();
          for (String file : due) {
            int version = version(file);
            String sql = SqlFiles.migration("postgres", file);
            chain = chain.compose(v -> {
              long started = System.nanoTime();
              say("PostgreSQL migration " + title(file) + ": applying (" + String.join(", ", creates(sql)) + ")");
              return conn.begin().compose(tx -> conn.query(sql).execute()
                  .compose(x -> conn.preparedQuery("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                      .execute(Tuple.of(version, file)))
                  .compose(x -> tx.commit())
                  .onFailure(e -> tx.rollback()))
                  .onSuccess(x -> say("PostgreSQL migration " + title(file) + ": applied in " + took(started)));
            });
          }
          return chain;
        });
  }

  private Future<Void> migrateClickHouse() {
    String where = "ClickHouse database " + config.clickhouse().database() + " at " + config.clickhouse().address()
        + (config.clickhouse().clustered() ? " (cluster " + config.clickhouse().cluster() + ")" : "");
    ClusterSchema cluster = config.clickhouse().clustered() ? clusterSchema() : null;
    return clickhouse.onWorker(() -> {
      refuseTheOtherLayout(where);
      clickhouse.executeBlocking(cluster != null ? cluster.schemaMigrations()
          : "CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime)"
          + " ENGINE = ReplacingMergeTree ORDER BY version");
      Set<Integer> applied = clickhouse.queryBlocking("SELECT DISTINCT version FROM schema_migrations").stream()
          .map(row -> ((Number) row.getValue("version")).intValue())
          .collect(Collectors.toSet());
      List<String> files = SqlFiles.migrations("clickhouse");
      List<String> due = files.stream().filter(f -> !applied.contains(version(f))).toList();
      say(where + ": " + (due.isEmpty() ? "up to date (" + files.size() + " migrations)" : due.size() + " of " + files.size() + " migrations to apply"));
      for (String file : due) {
        int version = version(file);
        String sql = SqlFiles.migration("clickhouse", file);
        long started = System.nanoTime();
        say("ClickHouse migration " + title(file) + ": applying (" + String.join(", ", creates(sql)) + ")");
        // ClickHouse runs one statement per request; statements in a file are separated by blank-line-free ';'.
        List<String> statements = cluster == null ? statements(sql)
            : statements(sql).stream().flatMap(st -> cluster.statements(st).stream()).toList();
        for (String statement : statements) {
          Matcher backfill = BACKFILL.matcher(statement);
          if (!backfill.find()) {
            clickhouse.executeBlocking(statement);
            continue;
          }
          // A backfill reads a whole table: on a large database it takes minutes, and the operator should know why start-up waits.
          long rows = backfill.group(2) == null ? -1 : sourceRows(backfill.group(2));
          long backfillStarted = System.nanoTime();
          say("ClickHouse migration " + title(file) + ": backfilling " + backfill.group(1)
              + (rows >= 0 ? String.format(java.util.Locale.ROOT, " from the %,d rows of %s", rows, backfill.group(2)) : "")
              + " (INSERT ... SELECT); this reads the whole table and may take a while");
          clickhouse.executeBlocking(statement);
          say("ClickHouse migration " + title(file) + ": backfill of " + backfill.group(1) + " done in " + took(backfillStarted));
        }
        clickhouse.executeBlocking("INSERT INTO schema_migrations (version, name, applied_at) VALUES ("
            + version + ", '" + file + "', now())");
        say("ClickHouse migration " + title(file) + ": applied in " + took(started));
      }
      return null;
    });
  }

  /**
   * A database made for one server has plain tables, one made for a cluster Distributed ones over local
   * tables: neither works as the other (and migrating would add the missing half beside the wrong one),
   * so a start-up with the other setting stops and says why.
   */
  private void refuseTheOtherLayout(String where) throws java.sql.SQLException {
    List<io.vertx.core.json.JsonObject> rows = clickhouse.queryBlocking(
        "SELECT engine FROM system.tables WHERE database = ? AND name = 'events'", config.clickhouse().database());
    if (rows.isEmpty()) return;
    String engine = rows.get(0).getString("engine");
    boolean distributed = "Distributed".equals(engine);
    if (config.clickhouse().clustered() && !distributed) {
      throw new IllegalStateException(where + " was made for one server (its events table is a " + engine
          + "), not for a cluster: unset SHIFTLENS_CLICKHOUSE_CLUSTER, or start on a new database"
          + " (SHIFTLENS_CLICKHOUSE_DATABASE) and copy the data in with INSERT ... SELECT");
    }
    if (!config.clickhouse().clustered() && distributed) {
      throw new IllegalStateException(where + " was made for a cluster (its events table is Distributed):"
          + " set SHIFTLENS_CLICKHOUSE_CLUSTER to the cluster's name");
    }
  }

  private ClusterSchema clusterSchema() {
    return ClusterSchema.of(config.clickhouse().cluster(), config.clickhouse().database());
  }

  private long sourceRows(String table) {
    try {
      return ((Number) clickhouse.queryBlocking("SELECT count() AS n FROM " + table).get(0).getValue("n")).longValue();
    } catch (java.sql.SQLException | RuntimeException e) {
      return -1; // only for the message: the backfill itself says what is wrong
    }
  }

  /**
   * What a migration creates or changes, read from its statements: "table events", "materialized view event_hourly_mv",
   * "index sends_due", "changes table sends", "backfills event_hourly".
   */
  static List<String> creates(String sql) {
    String text = sql.lines().map(l -> l.replaceAll("--.*$", "")).collect(Collectors.joining("\n"));
    List<String> out = new java.util.ArrayList<>();
    Matcher m = OBJECT.matcher(text);
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(m.group(1).toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ") + " " + m.group(2).replace("\"", ""));
      } else if (m.group(3) != null) {
        out.add("changes table " + m.group(3).replace("\"", ""));
      } else {
        out.add("backfills " + m.group(4));
      }
    }
    return out.isEmpty() ? List.of("no new objects") : out;
  }

  /** "002 hourly_counts_and_effects" for 002_hourly_counts_and_effects.sql. */
  private static String title(String file) {
    return file.substring(0, 3) + " " + file.substring(4).replaceFirst("\\.sql$", "");
  }

  private static String took(long startedNanos) {
    long ms = (System.nanoTime() - startedNanos) / 1_000_000;
    return ms < 10_000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /** The statements of a migration file, comments dropped, in order: ClickHouse takes one per request. */
  public static List<String> statements(String sql) {
    String withoutComments = sql.lines()
        .filter(line -> !line.strip().startsWith("--"))
        .collect(Collectors.joining("\n"));
    return java.util.Arrays.stream(withoutComments.split(";"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static int version(String file) {
    return Integer.parseInt(file.substring(0, 3));
  }

  private static void say(String what) {
    LOG.info(what);
  }

  /** A one-off connection for start-up work, outside the shared pool. */
  private static Future<SqlConnection> connect(Vertx vertx, String uri) {
    return PgConnection.connect(vertx, PgConnectOptions.fromUri(uri)).map(c -> (SqlConnection) c);
  }
}
