package dev.shiftlens.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real ClickHouse and PostgreSQL that {@code scripts/services.sh up} starts, and fresh database
 * names so that every test class works on databases of its own.
 */
public final class TestStores {
  public static final String CLICKHOUSE_URL = System.getenv().getOrDefault("TEST_CLICKHOUSE_URL", "http://127.0.0.1:8123");
  public static final String PG_SERVER = System.getenv().getOrDefault("TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Vertx VERTX = Vertx.vertx();

  private TestStores() {}

  public static String freshDatabaseName() {
    return "sl_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Runs one statement on ClickHouse over HTTP and returns the text it answers. */
  public static String clickhouse(String sql) {
    return clickhouse(sql, CLICKHOUSE_URL);
  }

  /** Runs one statement on the ClickHouse server at {@code url} (one of a cluster's, say). */
  public static String clickhouse(String sql, String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/"))
          .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException("ClickHouse: " + r.body());
      return r.body().strip();
    } catch (IOException e) {
      throw new IllegalStateException("ClickHouse is not reachable at " + url + "; run scripts/services.sh up", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static long clickhouseLong(String sql) {
    return Long.parseLong(clickhouse(sql));
  }

  public static long clickhouseLong(String sql, String url) {
    return Long.parseLong(clickhouse(sql, url));
  }

  /** Drops both databases of a test; connections of a stopped server may linger, so PostgreSQL's are ended first. */
  public static void drop(String database) {
    clickhouse("DROP DATABASE IF EXISTS " + database);
    postgres("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
    postgres("postgres", "DROP DATABASE IF EXISTS " + database);
  }

  /** Runs one statement on PostgreSQL and returns the first column of each row as text. */
  public static java.util.List<String> postgres(String database, String sql) {
    try {
      return PgConnection.connect(VERTX, PgConnectOptions.fromUri(PG_SERVER + "/" + database))
          .compose(c -> c.query(sql).execute().eventually(c::close))
          .map(rows -> {
            java.util.List<String> out = new java.util.ArrayList<>();
            rows.forEach(row -> out.add(row.size() == 0 || row.getValue(0) == null ? null : String.valueOf(row.getValue(0))));
            return out;
          })
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
    }
  }
}
