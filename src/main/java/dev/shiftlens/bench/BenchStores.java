package dev.shiftlens.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The benchmark's own access to ClickHouse (over HTTP) and PostgreSQL (one connection per
 * statement, through the Vert.x client, waited for on the calling thread): what it reads behind
 * the server's back and the databases it drops.
 */
final class BenchStores implements AutoCloseable {
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final Vertx vertx = Vertx.vertx();
  private final String clickhouseUrl;
  private final String pgServer;

  /** {@code pgServer}: a PostgreSQL URI without a database, e.g. postgresql://postgres@127.0.0.1:5432. */
  BenchStores(String clickhouseUrl, String pgServer) {
    this.clickhouseUrl = clickhouseUrl;
    this.pgServer = pgServer;
  }

  String pgUri(String database) {
    return pgServer + "/" + database;
  }

  /** Runs one statement on ClickHouse and returns its answer. */
  String clickhouse(String sql) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(clickhouseUrl + "/"))
        .timeout(Duration.ofMinutes(5))
        .POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("ClickHouse refused '" + sql + "': HTTP " + response.statusCode() + ": "
          + Loader.abbreviate(response.body()));
    }
    return response.body().strip();
  }

  /** Runs one statement on a PostgreSQL database and returns its rows. */
  List<Row> postgres(String database, String sql, Object... params)
      throws IOException, InterruptedException {
    try {
      return PgConnection.connect(vertx, PgConnectOptions.fromUri(pgUri(database)))
          // Without parameters, a simple query, as psql sends DROP DATABASE.
          .compose(c -> (params.length == 0 ? c.query(sql).execute()
              : c.preparedQuery(sql).execute(Tuple.from(params))).eventually(c::close))
          .map(rows -> {
            List<Row> out = new ArrayList<>();
            rows.forEach(out::add);
            return out;
          })
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IOException("PostgreSQL (" + database + "): " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("PostgreSQL (" + database + ") did not answer within 5 minutes: " + sql);
    }
  }

  /**
   * Drops the ClickHouse and the PostgreSQL database of that name. The servers that used them are
   * stopped by then, but PostgreSQL may still hold their connections for a moment, so those are
   * ended first.
   */
  void drop(String database) throws IOException, InterruptedException {
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name: " + database);
    }
    clickhouse("DROP DATABASE IF EXISTS " + database);
    // Checked first rather than IF EXISTS, whose notice the client would log as a warning.
    if (postgres("postgres", "SELECT 1 FROM pg_database WHERE datname = $1", database).isEmpty()) {
      return;
    }
    postgres("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
        database);
    postgres("postgres", "DROP DATABASE " + database);
  }

  @Override
  public void close() {
    vertx.close();
  }
}
