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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Shiftlens server in a JVM of its own ({@code dev.shiftlens.Main serve} on this test's class path), so
 * that a test can kill it with SIGKILL as a crash would. Output goes to a log file.
 */
public final class ServerJvm implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public final int port;
  private final Process process;
  private final Path log;

  private ServerJvm(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a server with {@code env} (SHIFTLENS_* variables; the port, host and test key are set here) and
   * waits until it listens, or until it exits (then {@link #exited} says with what).
   */
  public static ServerJvm start(Map<String, String> env, Path log) {
    int port = TestServer.freePort();
    Map<String, String> vars = new HashMap<>(env);
    vars.put("SHIFTLENS_HTTP_PORT", String.valueOf(port));
    vars.put("SHIFTLENS_HTTP_HOST", "127.0.0.1");
    vars.put("SHIFTLENS_API_KEY", TestServer.KEY);
    vars.putIfAbsent("SHIFTLENS_HTTP_INSTANCES", "2");
    vars.putIfAbsent("SHIFTLENS_EVALUATION_ENABLED", "false");
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder builder = new ProcessBuilder(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
          "-cp", System.getProperty("java.class.path"), "dev.shiftlens.Main", "serve"))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(vars);
      ServerJvm server = new ServerJvm(port, builder.start(), log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (server.process.isAlive() && !server.listens()) {
        if (System.nanoTime() > deadline) {
          server.kill();
          throw new IllegalStateException("the server did not listen within 120 s: " + server.tail());
        }
        Thread.sleep(100);
      }
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private boolean listens() {
    try {
      HTTP.send(HttpRequest.newBuilder(URI.create(url("/health"))).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the process has exited (it failed to start, or was killed). */
  public boolean exited() {
    return !process.isAlive();
  }

  public int exitValue() {
    return process.exitValue();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, as an operator stops it; waits up to a minute. */
  public void stop() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String tail() {
    try {
      String all = Files.readString(log, StandardCharsets.UTF_8);
      return all.substring(Math.max(0, all.length() - 4000));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) stop();
  }
}
