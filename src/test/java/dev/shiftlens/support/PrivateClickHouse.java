package dev.shiftlens.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code clickhouse-server} process of a test's own, on free ports and a data directory of its own, so that
 * the test can kill it and start it again (on the same data) without touching the shared server that
 * {@code scripts/services.sh} starts. Its configuration is the smallest 18.16 accepts; the users are the
 * system's ({@code /etc/clickhouse-server/users.xml}: {@code default} without a password).
 */
public final class PrivateClickHouse implements AutoCloseable {
  private static final String BINARY = findBinary();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dir;
  private final int httpPort;
  private final int tcpPort;
  private final int interserverPort;
  private Process process;

  private PrivateClickHouse(Path dir) {
    this.dir = dir;
    this.httpPort = freePort();
    this.tcpPort = freePort();
    this.interserverPort = freePort();
  }

  /** Writes a configuration under a new temporary directory and starts the server; returns once it answers. */
  public static PrivateClickHouse start() {
    try {
      PrivateClickHouse ch = new PrivateClickHouse(Files.createTempDirectory("shiftlens-private-ch-"));
      ch.configure();
      ch.startAgain();
      return ch;
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare a private ClickHouse: " + e.getMessage(), e);
    }
  }

  /** Whether {@code clickhouse-server} is installed here. */
  public static boolean available() {
    return BINARY != null;
  }

  private static String findBinary() {
    for (String p : new String[] {"/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/local/bin/clickhouse-server"}) {
      if (Files.isExecutable(Path.of(p))) return p;
    }
    return null;
  }

  /** A port nothing listens on now, outside the ranges the cluster test uses (8124-8130, 9001-9020, 2181). */
  private static int freePort() {
    while (true) {
      int p = TestServer.freePort();
      if (!(p >= 8124 && p <= 8130) && !(p >= 9001 && p <= 9020) && p != 2181) return p;
    }
  }

  private void configure() throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("tmp"));
    Files.createDirectories(dir.resolve("log"));
    Files.copy(Path.of("/etc/clickhouse-server/users.xml"), dir.resolve("users.xml"));
    String config = """
        <?xml version="1.0"?>
        <yandex>
          <logger>
            <level>warning</level>
            <log>%1$s/log/clickhouse-server.log</log>
            <errorlog>%1$s/log/clickhouse-server.err.log</errorlog>
            <size>100M</size>
            <count>1</count>
          </logger>
          <http_port>%2$d</http_port>
          <tcp_port>%3$d</tcp_port>
          <interserver_http_port>%4$d</interserver_http_port>
          <listen_host>127.0.0.1</listen_host>
          <max_connections>256</max_connections>
          <keep_alive_timeout>3</keep_alive_timeout>
          <max_concurrent_queries>64</max_concurrent_queries>
          <uncompressed_cache_size>134217728</uncompressed_cache_size>
          <mark_cache_size>134217728</mark_cache_size>
          <path>%1$s/data/</path>
          <tmp_path>%1$s/tmp/</tmp_path>
          <user_files_path>%1$s/user_files/</user_files_path>
          <format_schema_path>%1$s/format_schemas/</format_schema_path>
          <users_config>%1$s/users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <mlock_executable>false</mlock_executable>
          <max_session_timeout>3600</max_session_timeout>
          <default_session_timeout>60</default_session_timeout>
        </yandex>
        """.formatted(dir.toAbsolutePath(), httpPort, tcpPort, interserverPort);
    Files.writeString(dir.resolve("config.xml"), config, StandardCharsets.UTF_8);
  }

  /** Starts the server (again, on the same data and ports) and waits until it answers queries. */
  public void startAgain() {
    if (process != null && process.isAlive()) throw new IllegalStateException("the private ClickHouse is running");
    if (BINARY == null) throw new IllegalStateException("clickhouse-server is not installed");
    try {
      process = new ProcessBuilder(BINARY, "--config-file=" + dir.resolve("config.xml").toAbsolutePath())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/stdout.log").toFile()))
          .start();
      Process started = process;
      // Never left behind by a test JVM that ends without closing it.
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "private-clickhouse-kill"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!answers()) {
        if (!process.isAlive()) throw new IllegalStateException("the private ClickHouse exited: " + tail());
        if (System.nanoTime() > deadline) throw new IllegalStateException("the private ClickHouse did not answer within 60 s: " + tail());
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + BINARY + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the server (SIGKILL, as a crash or an OOM kill would) and waits until it is gone. */
  public void kill() {
    if (process == null) return;
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Runs one statement over HTTP and returns what it answers. */
  public String query(String sql) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/")).timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException("private ClickHouse: " + r.body());
      return r.body().strip();
    } catch (IOException e) {
      throw new IllegalStateException("private ClickHouse: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean answers() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/?query=SELECT%201")).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String tail() {
    try {
      String log = Files.readString(dir.resolve("log/stdout.log")) + Files.readString(dir.resolve("log/clickhouse-server.err.log"));
      return log.substring(Math.max(0, log.length() - 2000));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills the server and deletes its data. */
  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
