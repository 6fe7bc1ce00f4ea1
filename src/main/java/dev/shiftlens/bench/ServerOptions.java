package dev.shiftlens.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of the benchmarks that start servers of their own, and how they start them: the jar,
 * the port, the key, the server's heap and other JVM options, the stores and the server log. Each
 * benchmark gives its own port, heap and log; the databases' name stays with the benchmark, since each
 * treats {@code --database} its own way.
 */
final class ServerOptions {
  static final String USAGE = "[--port N] [--key KEY] [--jar PATH] [--server-heap SIZE] [--server-java-opts 'OPTS']"
      + " [--clickhouse-url URL] [--pg-server URI] [--log FILE]";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  String jar = "target/shiftlens.jar";
  int port;
  String key = "bench-key";
  String heap;
  List<String> javaOptions = List.of();
  String clickhouseUrl = "http://127.0.0.1:8123";
  String pgServer = "postgresql://postgres@127.0.0.1:5432";
  Path log;

  ServerOptions(int port, String heap, Path log) {
    this.port = port;
    this.heap = heap;
    this.log = log;
  }

  /** Takes the option if it is one of these; false when it is not. */
  boolean set(String option, String value) {
    switch (option) {
      case "--port" -> port = BenchReport.positive(option, value);
      case "--key" -> key = value;
      case "--jar" -> jar = value;
      case "--server-heap" -> heap = value;
      case "--server-java-opts" -> javaOptions = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
      case "--clickhouse-url" -> clickhouseUrl = BenchReport.stripSlash(value);
      case "--pg-server" -> pgServer = BenchReport.stripSlash(value);
      case "--log" -> log = Path.of(value);
      default -> {
        return false;
      }
    }
    return true;
  }

  /** A database name the stores take as it is. */
  static void checkDatabase(String database) {
    if (!database.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("--database must be a plain lower-case identifier");
  }

  /** A server on {@code database} in both stores, evaluating sends at once (no grace) or not at all. */
  ServerProcess start(String database, boolean evaluation) throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("SHIFTLENS_API_KEY", key);
    env.put("SHIFTLENS_CLICKHOUSE_URL", clickhouseUrl);
    env.put("SHIFTLENS_CLICKHOUSE_DATABASE", database);
    env.put("SHIFTLENS_PG_URI", pgServer + "/" + database);
    env.put("SHIFTLENS_EVALUATION_ENABLED", Boolean.toString(evaluation));
    if (evaluation) env.put("SHIFTLENS_EVALUATION_GRACE_MINUTES", "0");
    List<String> jvm = new ArrayList<>();
    jvm.add("-Xmx" + heap);
    jvm.addAll(javaOptions);
    return ServerProcess.start(Path.of(jar), jvm, env, port, log, START_TIMEOUT);
  }
}
