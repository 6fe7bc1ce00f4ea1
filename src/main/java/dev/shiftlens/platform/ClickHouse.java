package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import ru.yandex.clickhouse.ClickHouseDataSource;
import ru.yandex.clickhouse.ClickHouseExternalData;
import ru.yandex.clickhouse.ClickHousePreparedStatement;
import ru.yandex.clickhouse.ClickHouseStatement;
import ru.yandex.clickhouse.domain.ClickHouseFormat;
import ru.yandex.clickhouse.settings.ClickHouseQueryParam;

/**
 * Every call to ClickHouse goes through this class, so that the JDBC driver can be replaced in one
 * place. JDBC blocks: the {@code *Blocking} methods must run on a worker thread, and the others
 * run them on the dedicated {@code clickhouse} worker pool and return futures.
 */
public final class ClickHouse implements AutoCloseable {
  private static final int PING_TIMEOUT_MILLIS = 5_000;
  private static final int STATEMENTS_PER_THREAD = 64;

  private final ClickHouseDataSource dataSource;
  private final ClickHouseDataSource pingSource;
  private final WorkerExecutor workers;
  private final WorkerExecutor pinger;
  private final String database;
  private final StoreErrors errors;
  private volatile Connection connection;
  private volatile Connection pingConnection;
  /** Per thread, its most recently used prepared statements by SQL text (see {@link #prepared}). */
  private final ThreadLocal<Map<String, PreparedStatement>> statements = ThreadLocal.withInitial(() ->
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
          if (size() <= STATEMENTS_PER_THREAD) return false;
          closeQuietly(eldest.getValue());
          return true;
        }
      });

  public ClickHouse(Vertx vertx, Config.ClickHouse config, StoreErrors errors) {
    this.database = config.database();
    this.errors = errors;
    this.dataSource = new ClickHouseDataSource(config.jdbcUrl(config.database()));
    this.pingSource = new ClickHouseDataSource(config.jdbcUrl(config.database(), PING_TIMEOUT_MILLIS));
    this.workers = vertx.createSharedWorkerExecutor("clickhouse", config.workerThreads());
    // Health checks get a thread and a short timeout of their own, so that inserts stuck on a
    // stalled server cannot keep /health from answering.
    this.pinger = vertx.createSharedWorkerExecutor("clickhouse-ping", 1);
  }

  /** Succeeds when ClickHouse answers a trivial query within a few seconds. */
  public Future<Void> ping() {
    return pinger.executeBlocking(() -> {
      try {
        if (pingConnection == null) pingConnection = pingSource.getConnection(); // one thread: no race
        try (Statement st = pingConnection.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
          return null;
        }
      } catch (SQLException | RuntimeException e) {
        errors.clickhouse("ping");
        throw e;
      }
    }, false);
  }

  public String database() {
    return database;
  }

  /** Runs blocking work on the ClickHouse pool, unordered so that calls run in parallel. */
  public <T> Future<T> onWorker(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  public List<JsonObject> queryBlocking(String sql, Object... params) throws SQLException {
    try {
      PreparedStatement st = prepared(sql, params);
      try (ResultSet rs = st.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        List<JsonObject> rows = new ArrayList<>();
        while (rs.next()) {
          JsonObject row = new JsonObject();
          for (int c = 1; c <= meta.getColumnCount(); c++) row.put(meta.getColumnLabel(c), rs.getObject(c));
          rows.add(row);
        }
        return rows;
      }
    } catch (SQLException | RuntimeException e) {
      failed(sql);
      throw e;
    }
  }

  /** Reads a result row by row; {@code rs} is positioned on the row. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(ResultSet rs) throws SQLException;
  }

  /**
   * A temporary table sent with a query (ClickHouse "external data"): lets a query join or filter by
   * a batch of values without putting them in the SQL. {@code tsv} is TabSeparated, see {@link #tsv}.
   */
  public record ExternalTable(String name, String structure, byte[] tsv) {}

  /** Runs a query that reads {@code table}, handing each result row to {@code rows}. */
  public void queryBlocking(String sql, ExternalTable table, RowConsumer rows, Object... params) throws SQLException {
    queryBlocking(0, sql, table, rows, params);
  }

  /**
   * As above, on at most {@code maxThreads} ClickHouse threads (0: the server's default). One thread suits
   * small, frequent reads: spreading a read of a few granules over every core costs more than it saves.
   */
  public void queryBlocking(int maxThreads, String sql, ExternalTable table, RowConsumer rows, Object... params)
      throws SQLException {
    try {
      PreparedStatement st = prepared(sql, params);
      ClickHouseExternalData data = new ClickHouseExternalData(table.name(), new ByteArrayInputStream(table.tsv()));
      data.setStructure(table.structure());
      Map<ClickHouseQueryParam, String> settings =
          maxThreads > 0 ? Map.of(ClickHouseQueryParam.MAX_THREADS, Integer.toString(maxThreads)) : Map.of();
      try (ResultSet rs = ((ClickHousePreparedStatement) st).executeQuery(settings, List.of(data))) {
        while (rs.next()) rows.accept(rs);
      }
    } catch (SQLException | RuntimeException e) {
      failed(sql);
      throw e;
    }
  }

  /** Runs a query, handing each result row to {@code rows}. */
  public void queryBlocking(String sql, RowConsumer rows, Object... params) throws SQLException {
    try (ResultSet rs = prepared(sql, params).executeQuery()) {
      while (rs.next()) rows.accept(rs);
    } catch (SQLException | RuntimeException e) {
      failed(sql);
      throw e;
    }
  }

  /** Escapes a value for a TabSeparated field. */
  public static String tsv(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\0' -> out.append("\\0");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  public long queryLongBlocking(String sql, Object... params) throws SQLException {
    try (ResultSet rs = prepared(sql, params).executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    } catch (SQLException | RuntimeException e) {
      failed(sql);
      throw e;
    }
  }

  public void executeBlocking(String sql) throws SQLException {
    try (Statement st = connection().createStatement()) {
      st.execute(sql);
    } catch (SQLException | RuntimeException e) {
      errors.clickhouse("execute");
      throw e;
    }
  }

  /** Streams rows already encoded as RowBinary into {@code table (columns)} in one insert. */
  public void insertRowBinaryBlocking(String table, String columns, InputStream rows) throws SQLException {
    try (ClickHouseStatement st = (ClickHouseStatement) connection().createStatement()) {
      st.write().send("INSERT INTO " + table + " (" + columns + ")", rows, ClickHouseFormat.RowBinary);
    } catch (SQLException | RuntimeException e) {
      errors.clickhouse(insertOperation(table));
      throw e;
    }
  }

  /** Inserts TabSeparated rows (fields escaped with {@link #tsv}) into {@code table (columns)} in one insert. */
  public void insertTsvBlocking(String table, String columns, byte[] rows) throws SQLException {
    try (ClickHouseStatement st = (ClickHouseStatement) connection().createStatement()) {
      st.write().send("INSERT INTO " + table + " (" + columns + ")", new ByteArrayInputStream(rows), ClickHouseFormat.TabSeparated);
    } catch (SQLException | RuntimeException e) {
      errors.clickhouse(insertOperation(table));
      throw e;
    }
  }

  /**
   * The thread's prepared statement of {@code sql}, with {@code params} bound. The driver parses a
   * statement's text when it is prepared, and for a short query that costs more of this process's CPU
   * than the round trip itself (half of it for a per-contact read); so each thread keeps its recent
   * statements and binds new values to them. A statement that failed is forgotten.
   */
  private PreparedStatement prepared(String sql, Object... params) throws SQLException {
    Map<String, PreparedStatement> mine = statements.get();
    PreparedStatement st = mine.get(sql);
    if (st == null) {
      st = connection().prepareStatement(sql);
      mine.put(sql, st);
    } else {
      st.clearParameters();
    }
    for (int i = 0; i < params.length; i++) st.setObject(i + 1, params[i]);
    return st;
  }

  /** Counts the failure and forgets the statement (its connection may be the broken part). */
  private void failed(String sql) {
    errors.clickhouse(SqlFiles.nameOf(sql, "query"));
    closeQuietly(statements.get().remove(sql));
  }

  /** {@code insert_events} for {@code db.events}. */
  private static String insertOperation(String table) {
    return "insert_" + table.substring(table.lastIndexOf('.') + 1);
  }

  private static void closeQuietly(Statement st) {
    if (st == null) return;
    try {
      st.close();
    } catch (SQLException ignored) {
      // an HTTP-based statement holds nothing that could be lost
    }
  }

  /** The driver speaks HTTP, so one connection object serves every thread and survives server restarts. */
  private Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null) {
      synchronized (this) {
        if (connection == null) connection = dataSource.getConnection();
        c = connection;
      }
    }
    return c;
  }

  /** For start-up work in another database (creating ours). */
  public static void executeOn(Config.ClickHouse config, String db, String sql) throws SQLException {
    try (Connection c = new ClickHouseDataSource(config.jdbcUrl(db)).getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() {
    workers.close();
    pinger.close();
    for (Connection c : new Connection[] {connection, pingConnection}) {
      if (c == null) continue;
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing an HTTP-based connection has nothing to lose
      }
    }
  }
}
