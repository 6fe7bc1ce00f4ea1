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
import java.util.stream.Collectors;

/**
 * Creates the two databases when they are missing and applies the numbered migrations of
 * {@code sql/postgres} and {@code sql/clickhouse} in order, once each. Several servers may start at
 * once: a PostgreSQL advisory lock lets one migrate while the others wait, then find nothing to do.
 */
public final class Migrations {
  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
  private static final long LOCK_ID = 0x5368_6966_746cL; // "Shiftl"

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
          ClickHouse.executeOn(config.clickhouse(), "default", "CREATE DATABASE IF NOT EXISTS " + config.clickhouse().database());
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
    return conn.query("CREATE TABLE IF NOT EXISTS schema_migrations ("
            + "version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute()
        .compose(r -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          rows.forEach(row -> applied.add(row.getInteger(0)));
          Future<Void> chain = Future.succeededFuture();
          for (String file : SqlFiles.migrations("postgres")) {
            int version = version(file);
            if (applied.contains(version)) continue;
            chain = chain.compose(v -> {
              say("PostgreSQL migration " + file);
              return conn.begin().compose(tx -> conn.query(SqlFiles.migration("postgres", file)).execute()
                  .compose(x -> conn.preparedQuery("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                      .execute(Tuple.of(version, file)))
                  .compose(x -> tx.commit())
                  .onFailure(e -> tx.rollback()));
            });
          }
          return chain;
        });
  }

  private Future<Void> migrateClickHouse() {
    return clickhouse.onWorker(() -> {
      clickhouse.executeBlocking("CREATE TABLE IF NOT EXISTS schema_migrations (version UInt32, name String, applied_at DateTime)"
          + " ENGINE = ReplacingMergeTree ORDER BY version");
      Set<Integer> applied = clickhouse.queryBlocking("SELECT DISTINCT version FROM schema_migrations").stream()
          .map(row -> ((Number) row.getValue("version")).intValue())
          .collect(Collectors.toSet());
      for (String file : SqlFiles.migrations("clickhouse")) {
        int version = version(file);
        if (applied.contains(version)) continue;
        say("ClickHouse migration " + file);
        // ClickHouse runs one statement per request; statements in a file are separated by blank-line-free ';'.
        for (String statement : statements(SqlFiles.migration("clickhouse", file))) clickhouse.executeBlocking(statement);
        clickhouse.executeBlocking("INSERT INTO schema_migrations (version, name, applied_at) VALUES ("
            + version + ", '" + file + "', now())");
      }
      return null;
    });
  }

  static List<String> statements(String sql) {
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
