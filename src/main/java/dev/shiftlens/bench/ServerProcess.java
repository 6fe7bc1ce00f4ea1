package dev.shiftlens.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Shiftlens server run as a child process of the benchmark ({@code java -jar JAR serve}), with
 * its output appended to a log file. {@link #close()} stops it with SIGTERM, as an operator would,
 * and kills it when it has not exited 60 s later.
 */
final class ServerProcess implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;
  private final long logStart;
  private final URI base;

  private ServerProcess(Process process, Path log, long logStart, URI base) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
    this.base = base;
  }

  /**
   * Starts the server with {@code env} added to this process's environment and waits until
   * {@code GET /health} answers 200.
   */
  static ServerProcess start(Path jar, List<String> jvmOptions, Map<String, String> env, int port,
      Path log, Duration timeout) throws IOException, InterruptedException {
    URI base = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    if (health(http, base) != -1) {
      throw new IOException("something already answers on port " + port + "; stop it first");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "serve"));
    Files.createDirectories(log.toAbsolutePath().getParent());
    Files.writeString(log, "== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    builder.environment().put("SHIFTLENS_HTTP_PORT", Integer.toString(port));
    long logStart = Files.size(log);
    ServerProcess server = new ServerProcess(builder.start(), log, logStart, base);
    try {
      server.awaitHealth(http, timeout);
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitHealth(HttpClient http, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (health(http, base) != 200) {
      if (!process.isAlive()) {
        throw new IOException("the server exited with status " + process.exitValue()
            + " while starting; the end of " + log + ":\n" + tail(30));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("GET /health did not answer 200 within " + timeout.toSeconds()
            + " s; the end of " + log + ":\n" + tail(30));
      }
      Thread.sleep(250);
    }
  }

  /** The status of {@code GET /health}, or -1 when nothing answers. */
  private static int health(HttpClient http, URI base) throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(base.resolve("/health"))
          .timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  long pid() {
    return process.pid();
  }

  URI base() {
    return base;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The last {@code lines} lines of the server's log. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Lines of this server's log (not earlier servers') with a java.util.logging WARNING or SEVERE. */
  List<String> warnings() {
    try {
      byte[] all = Files.readAllBytes(log);
      String mine = new String(all, (int) Math.min(logStart, all.length),
          (int) Math.max(0, all.length - logStart), StandardCharsets.UTF_8);
      return mine.lines().filter(l -> l.contains(" WARNING ") || l.contains(" SEVERE ")).toList();
    } catch (IOException e) {
      return List.of("(cannot read " + log + ": " + e + ")");
    }
  }

  /** SIGTERM, then SIGKILL when the server has not exited within a minute; returns its exit status. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      System.err.println("the server (pid " + pid() + ") did not stop within "
          + STOP_TIMEOUT.toSeconds() + " s of SIGTERM; killing it");
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
