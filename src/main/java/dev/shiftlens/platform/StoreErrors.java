package dev.shiftlens.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Counts the calls to ClickHouse and PostgreSQL that failed ({@code shiftlens_clickhouse_errors_total},
 * {@code shiftlens_postgres_errors_total}), by operation: the name of the query in {@code sql/}
 * ({@code send_insert}, {@code evaluation_claim}...), {@code insert_<table>} for ClickHouse inserts,
 * {@code transaction}, {@code connection}, {@code ping}, or {@code other}. A call that is retried
 * counts once per failed attempt. Thread-safe.
 */
public final class StoreErrors {
  /** Failures seen on the PostgreSQL pool, so that an answer can say which store failed (a connection error names none). */
  private static final Map<Throwable, Boolean> POSTGRES_FAILURES = Collections.synchronizedMap(new WeakHashMap<>());

  private final MeterRegistry registry;

  /**
   * Which store a failure came from, {@code postgres} or {@code clickhouse}, or null when it cannot be told:
   * failures of the PostgreSQL pool are remembered as they happen; ClickHouse is reached through JDBC only.
   */
  public static String storeOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (POSTGRES_FAILURES.containsKey(t)) return "postgres";
      String name = t.getClass().getName();
      if (name.startsWith("io.vertx.pgclient.") || name.startsWith("io.vertx.sqlclient.")) return "postgres";
      if (name.startsWith("ru.yandex.clickhouse.") || t instanceof java.sql.SQLException) return "clickhouse";
    }
    return null;
  }

  public StoreErrors(MeterRegistry registry) {
    this.registry = registry;
    // Present from the start, so that a dashboard's rate over them reads 0 rather than nothing.
    counter("shiftlens.clickhouse.errors", "other", "Failed ClickHouse calls");
    counter("shiftlens.postgres.errors", "other", "Failed PostgreSQL calls");
  }

  public void clickhouse(String operation) {
    counter("shiftlens.clickhouse.errors", operation, "Failed ClickHouse calls").increment();
  }

  public void postgres(String operation) {
    counter("shiftlens.postgres.errors", operation, "Failed PostgreSQL calls").increment();
  }

  private Counter counter(String name, String operation, String description) {
    return Counter.builder(name).description(description).tag("operation", operation).register(registry);
  }

  /**
   * The pool, with its failures counted: a query whose future fails counts under the query's name, a
   * failed transaction under {@code transaction} (the queries inside it run on its own connection).
   * A dynamic proxy over the client's interfaces, so that the repositories keep a plain {@link Pool}
   * and nothing is counted at each call site.
   */
  Pool watch(Pool pool) {
    return watching(Pool.class, pool, null);
  }

  @SuppressWarnings("unchecked")
  private <T> T watching(Class<T> type, T target, String operation) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      String op = operation != null ? operation : switch (method.getName()) {
        case "query", "preparedQuery" -> SqlFiles.nameOf((String) args[0], "other");
        case "withTransaction" -> "transaction";
        case "withConnection", "getConnection" -> "connection";
        default -> null;
      };
      if (op == null || result == null) return result;
      if (result instanceof Future<?> future) {
        future.onFailure(e -> {
          POSTGRES_FAILURES.put(e, Boolean.TRUE);
          postgres(op);
        });
        return result;
      }
      // query(sql) and preparedQuery(sql) give a query to execute later; mapping() and collecting() another.
      Class<?> returned = method.getReturnType();
      if (returned == Query.class || returned == PreparedQuery.class) return watching((Class<Object>) returned, result, op);
      return result;
    });
  }
}
