package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
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
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.logging.Logger;
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
 *
 * <p>With several URLs (servers of one cluster), calls go to one of them, the current one, until it
 * cannot be reached: then the next becomes current. A call that had no effect yet (the server refused
 * the connection, or a read that delivered no row) is made again on the next server; an insert whose
 * rows may have been sent fails, and its caller sends the rows again, then to the next server (the
 * event writer through its spool, which leaves out what is stored, or its retry, whose identical blocks
 * replicated tables store once: see README "Running on a cluster").
 */
public final class ClickHouse implements AutoCloseable {
  private static final int PING_TIMEOUT_MILLIS = 5_000;
  private static final int STATEMENTS_PER_THREAD = 64;

  private static final Logger LOG = Logger.getLogger(ClickHouse.class.getName());

  private final List<String> addresses;
  private final List<ClickHouseDataSource> dataSources = new ArrayList<>();
  private final List<ClickHouseDataSource> pingSources = new ArrayList<>();
  private final WorkerExecutor workers;
  private final WorkerExecutor pinger;
  private final String database;
  private final StoreErrors errors;
  /** One connection per URL, made when first needed. */
  private final AtomicReferenceArray<Connection> connections;
  private final AtomicReferenceArray<Connection> pingConnections;
  /**
   * Settings of every read and insert. On a cluster: a subquery over a Distributed table inside a
   * distributed query reads each shard's local table (every table is sharded by contact, so a contact's
   * rows meet on its shard), and an insert into a Distributed table returns once every shard has its rows.
   */
  private final Map<ClickHouseQueryParam, String> reads;
  private final Map<ClickHouseQueryParam, String> writes;
  /** On a cluster, the schema's names of the tables that inserts go to (see {@link ClusterSchema}). */
  private final ClusterSchema cluster;
  private final String clusterName;
  /** The index of the URL that calls go to. */
  private volatile int current;
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
    this.addresses = config.urls().stream().map(u -> config.withUrl(u).address()).toList();
    for (int i = 0; i < addresses.size(); i++) {
      dataSources.add(new ClickHouseDataSource(config.jdbcUrl(i, config.database(), config.timeoutMillis())));
      pingSources.add(new ClickHouseDataSource(config.jdbcUrl(i, config.database(), PING_TIMEOUT_MILLIS)));
    }
    this.connections = new AtomicReferenceArray<>(addresses.size());
    this.reads = config.clustered() ? Map.of(ClickHouseQueryParam.DISTRIBUTED_PRODUCT_MODE, "local") : Map.of();
    this.writes = config.clustered() ? Map.of(ClickHouseQueryParam.INSERT_DISTRIBUTED_SYNC, "1") : Map.of();
    this.cluster = config.clustered() ? ClusterSchema.of(config.cluster(), config.database()) : null;
    this.clusterName = config.cluster();
    this.pingConnections = new AtomicReferenceArray<>(addresses.size());
    this.workers = vertx.createSharedWorkerExecutor("clickhouse", config.workerThreads());
    // Health checks get a thread and a short timeout of their own, so that inserts stuck on a
    // stalled server cannot keep /health from answering.
    this.pinger = vertx.createSharedWorkerExecutor("clickhouse-ping", 1);
  }

  /** Succeeds when ClickHouse (the current server, else the next that answers) answers a trivial query within a few seconds. */
  public Future<Void> ping() {
    return pinger.executeBlocking(() -> {
      try {
        return failover(ALWAYS, () -> {
          int at = current;
          Connection c = pingConnections.get(at);
          if (c == null) pingConnections.set(at, c = pingSources.get(at).getConnection()); // one thread: no race
          try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            return null;
          }
        });
      } catch (SQLException | RuntimeException e) {
        errors.clickhouse("ping");
        throw e;
      }
    }, false);
  }

  /** Calls without effects may be made again on the next server whatever failed. */
  private static final Predicate<Exception> ALWAYS = e -> true;
  /** Calls with effects only when their server refused the connection: nothing was sent. */
  private static final Predicate<Exception> IF_REFUSED = e -> cause(e, ConnectException.class);
  private static final Predicate<Exception> NEVER = e -> false;

  @FunctionalInterface
  private interface Call<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code call} on the current server. When that server cannot be reached (an I/O failure, not an
   * error that ClickHouse answered), the next URL becomes current, and the call is made again there when
   * {@code again} allows it for the failure, at most once per URL.
   */
  private <T> T failover(Predicate<Exception> again, Call<T> call) throws SQLException {
    int attempts = 1;
    while (true) {
      int at = current;
      try {
        return call.run();
      } catch (SQLException | RuntimeException e) {
        if (addresses.size() == 1 || !cause(e, IOException.class)) throw e;
        moveOn(at, e);
        if (!again.test(e) || attempts++ >= addresses.size()) throw e;
      }
    }
  }

  private synchronized void moveOn(int from, Exception why) {
    if (current != from) return; // another thread moved on already
    current = (from + 1) % addresses.size();
    LOG.warning("ClickHouse at " + addresses.get(from) + " cannot be reached (" + why.getMessage()
        + "); using " + addresses.get(current));
  }

  private static boolean cause(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (kind.isInstance(t)) return true;
    }
    return false;
  }

  /** The server that calls go to now, for messages and tests. */
  public String currentAddress() {
    return addresses.get(current);
  }

  public String database() {
    return database;
  }

  /**
   * Whether the tables are replicated tables of a cluster, which store a block they stored before only
   * once (so that an insert sent again as the identical block is stored once).
   */
  public boolean replicated() {
    return cluster != null;
  }

  /**
   * The database-qualified table that inserts into {@code table} go to: the table itself on one server;
   * on a cluster, its input table when materialized views read it (see {@link ClusterSchema}).
   */
  public String insertTable(String table) {
    return database + "." + (cluster == null ? table : cluster.insertTable(table));
  }

  /**
   * What a read of every copy of {@code table}'s rows names in its FROM: on one server, the table; on a
   * cluster, {@code remote()} over the local table of every replica of every shard (from
   * {@code system.clusters}), so that rows that only a replica holds (one that took an insert and
   * stopped before its partner fetched it) are seen, and a read fails, to be made again later, while any
   * replica cannot be reached. Such a read's {@code IN} subqueries over data of this call (an external
   * table) must be {@code GLOBAL IN}, which ships that data to the replicas. Blocking.
   */
  public String everyReplica(String table) throws SQLException {
    if (cluster == null) return database + "." + table;
    StringBuilder replicas = new StringBuilder();
    for (JsonObject r : queryBlocking("SELECT host_address, port FROM system.clusters WHERE cluster = ? ORDER BY shard_num, replica_num",
        clusterName)) {
      if (replicas.length() > 0) replicas.append(',');
      replicas.append(r.getString("host_address")).append(':').append(r.getValue("port"));
    }
    if (replicas.length() == 0) throw new SQLException("cluster " + clusterName + " is not in system.clusters");
    return "remote('" + replicas + "', " + database + ", " + ClusterSchema.localTable(table) + ")";
  }

  /** Runs blocking work on the ClickHouse pool, unordered so that calls run in parallel. */
  public <T> Future<T> onWorker(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  public List<JsonObject> queryBlocking(String sql, Object... params) throws SQLException {
    return failover(ALWAYS, () -> queryOnce(sql, params));
  }

  private List<JsonObject> queryOnce(String sql, Object... params) throws SQLException {
    try {
      PreparedStatement st = prepared(sql, params);
      try (ResultSet rs = ((ClickHousePreparedStatement) st).executeQuery(reads)) {
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
    Counted counted = new Counted(rows);
    failover(e -> counted.delivered == 0, () -> {
      queryOnce(maxThreads, sql, table, counted, params);
      return null;
    });
  }

  /** Counts the rows handed on: a read that delivered some cannot be made again without delivering them twice. */
  private static final class Counted implements RowConsumer {
    private final RowConsumer rows;
    long delivered;

    Counted(RowConsumer rows) {
      this.rows = rows;
    }

    @Override
    public void accept(ResultSet rs) throws SQLException {
      delivered++;
      rows.accept(rs);
    }
  }

  private void queryOnce(int maxThreads, String sql, ExternalTable table, RowConsumer rows, Object... params)
      throws SQLException {
    try {
      PreparedStatement st = prepared(sql, params);
      ClickHouseExternalData data = new ClickHouseExternalData(table.name(), new ByteArrayInputStream(table.tsv()));
      data.setStructure(table.structure());
      Map<ClickHouseQueryParam, String> settings = new java.util.EnumMap<>(ClickHouseQueryParam.class);
      settings.putAll(reads);
      if (maxThreads > 0) settings.put(ClickHouseQueryParam.MAX_THREADS, Integer.toString(maxThreads));
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
    Counted counted = new Counted(rows);
    failover(e -> counted.delivered == 0, () -> {
      try (ResultSet rs = ((ClickHousePreparedStatement) prepared(sql, params)).executeQuery(reads)) {
        while (rs.next()) counted.accept(rs);
      } catch (SQLException | RuntimeException e) {
        failed(sql);
        throw e;
      }
      return null;
    });
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
    return failover(ALWAYS, () -> {
      try (ResultSet rs = ((ClickHousePreparedStatement) prepared(sql, params)).executeQuery(reads)) {
        return rs.next() ? rs.getLong(1) : 0L;
      } catch (SQLException | RuntimeException e) {
        failed(sql);
        throw e;
      }
    });
  }

  /** Runs a statement (DDL, or an insert from a select): made again on the next server only if refused. */
  public void executeBlocking(String sql) throws SQLException {
    failover(IF_REFUSED, () -> {
      try (Statement st = connection().createStatement()) {
        st.execute(sql);
      } catch (SQLException | RuntimeException e) {
        errors.clickhouse("execute");
        throw e;
      }
      return null;
    });
  }

  /**
   * Streams rows already encoded as RowBinary into {@code table (columns)} in one insert. The stream is
   * read once: when the server cannot be reached the next becomes current, and the caller sends again.
   */
  public void insertRowBinaryBlocking(String table, String columns, InputStream rows) throws SQLException {
    failover(NEVER, () -> {
      try (ClickHouseStatement st = (ClickHouseStatement) connection().createStatement()) {
        writer(st).send("INSERT INTO " + table + " (" + columns + ")", rows, ClickHouseFormat.RowBinary);
      } catch (SQLException | RuntimeException e) {
        errors.clickhouse(insertOperation(table));
        throw e;
      }
      return null;
    });
  }

  /** Inserts TabSeparated rows (fields escaped with {@link #tsv}) into {@code table (columns)} in one insert. */
  public void insertTsvBlocking(String table, String columns, byte[] rows) throws SQLException {
    failover(IF_REFUSED, () -> {
      try (ClickHouseStatement st = (ClickHouseStatement) connection().createStatement()) {
        writer(st).send("INSERT INTO " + table + " (" + columns + ")", new ByteArrayInputStream(rows), ClickHouseFormat.TabSeparated);
      } catch (SQLException | RuntimeException e) {
        errors.clickhouse(insertOperation(table));
        throw e;
      }
      return null;
    });
  }

  /**
   * The thread's prepared statement of {@code sql}, with {@code params} bound. The driver parses a
   * statement's text when it is prepared, and for a short query that costs more of this process's CPU
   * than the round trip itself (half of it for a per-contact read); so each thread keeps its recent
   * statements and binds new values to them. A statement that failed is forgotten.
   */
  private PreparedStatement prepared(String sql, Object... params) throws SQLException {
    Map<String, PreparedStatement> mine = statements.get();
    String key = current + ":" + sql; // a statement belongs to the connection of one URL
    PreparedStatement st = mine.get(key);
    if (st == null) {
      st = connection().prepareStatement(sql);
      mine.put(key, st);
    } else {
      st.clearParameters();
    }
    for (int i = 0; i < params.length; i++) st.setObject(i + 1, params[i]);
    return st;
  }

  private ru.yandex.clickhouse.Writer writer(ClickHouseStatement st) {
    ru.yandex.clickhouse.Writer w = st.write();
    writes.forEach(w::addDbParam);
    return w;
  }

  /** Counts the failure and forgets the statement (its connection may be the broken part). */
  private void failed(String sql) {
    errors.clickhouse(SqlFiles.nameOf(sql, "query"));
    statements.get().entrySet().removeIf(entry -> {
      String key = entry.getKey();
      if (!key.substring(key.indexOf(':') + 1).equals(sql)) return false;
      closeQuietly(entry.getValue());
      return true;
    });
  }

  /** {@code insert_events} for {@code db.events} (and for {@code db.events_input} on a cluster). */
  private static String insertOperation(String table) {
    String name = table.substring(table.lastIndexOf('.') + 1);
    return "insert_" + (name.endsWith(ClusterSchema.INPUT) ? name.substring(0, name.length() - ClusterSchema.INPUT.length()) : name);
  }

  private static void closeQuietly(Statement st) {
    if (st == null) return;
    try {
      st.close();
    } catch (SQLException ignored) {
      // an HTTP-based statement holds nothing that could be lost
    }
  }

  /**
   * The current URL's connection. The driver speaks HTTP, so one connection object serves every thread
   * and survives server restarts.
   */
  private Connection connection() throws SQLException {
    int at = current;
    Connection c = connections.get(at);
    if (c == null) {
      synchronized (this) {
        if (connections.get(at) == null) connections.set(at, dataSources.get(at).getConnection());
        c = connections.get(at);
      }
    }
    return c;
  }

  /** For start-up work in another database (creating ours): on the first URL that can be reached. */
  public static void executeOn(Config.ClickHouse config, String db, String sql) throws SQLException {
    List<String> urls = config.urls();
    for (int i = 0; ; i++) {
      try (Connection c = new ClickHouseDataSource(config.jdbcUrl(i, db, config.timeoutMillis())).getConnection();
          Statement st = c.createStatement()) {
        st.execute(sql);
        return;
      } catch (SQLException e) {
        if (i + 1 >= urls.size() || !cause(e, IOException.class)) throw e;
      }
    }
  }

  @Override
  public void close() {
    workers.close();
    pinger.close();
    List<Connection> all = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      all.add(connections.get(i));
      all.add(pingConnections.get(i));
    }
    for (Connection c : all) {
      if (c == null) continue;
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing an HTTP-based connection has nothing to lose
      }
    }
  }
}
