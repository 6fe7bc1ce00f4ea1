package dev.shiftlens.support;

import dev.shiftlens.demo.DemoCommand;
import dev.shiftlens.platform.Config;
import dev.shiftlens.platform.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/** A whole Shiftlens server in this JVM, on fresh databases and a free port, spoken to over HTTP. */
public final class TestServer implements AutoCloseable {
  public static final String KEY = "test-key-0123456789";

  public final String database;
  public final int port;
  private final Server server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private TestServer(String database, int port, Server server) {
    this.database = database;
    this.port = port;
    this.server = server;
  }

  /**
   * The variables of a server that evaluates sends as soon as their windows close (no grace), looking
   * every 100 ms, with {@code more} (name, value, name, value...) added or overriding.
   */
  public static Map<String, String> evaluating(String... more) {
    if (more.length % 2 != 0) throw new IllegalArgumentException("names and values come in pairs");
    Map<String, String> vars = new HashMap<>(Map.of(
        "SHIFTLENS_EVALUATION_ENABLED", "true",
        "SHIFTLENS_EVALUATION_GRACE_MINUTES", "0",
        "SHIFTLENS_EVALUATION_INTERVAL_MS", "100"));
    for (int i = 0; i < more.length; i += 2) vars.put(more[i], more[i + 1]);
    return Map.copyOf(vars);
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts on fresh databases; {@code env} overrides or adds SHIFTLENS_* variables. */
  public static TestServer start(Map<String, String> env) {
    String database = env.getOrDefault("SHIFTLENS_CLICKHOUSE_DATABASE", TestStores.freshDatabaseName());
    return startOn(database, env);
  }

  public static TestServer startOn(String database, Map<String, String> env) {
    int port = freePort();
    Map<String, String> vars = new HashMap<>();
    vars.put("SHIFTLENS_HTTP_PORT", String.valueOf(port));
    vars.put("SHIFTLENS_HTTP_HOST", "127.0.0.1");
    vars.put("SHIFTLENS_API_KEY", KEY);
    vars.put("SHIFTLENS_CLICKHOUSE_URL", TestStores.CLICKHOUSE_URL);
    vars.put("SHIFTLENS_CLICKHOUSE_DATABASE", database);
    vars.put("SHIFTLENS_PG_URI", TestStores.PG_SERVER + "/" + database);
    vars.put("SHIFTLENS_HTTP_INSTANCES", "2");
    // Sends stay pending unless a test is about their evaluation and turns it on.
    vars.put("SHIFTLENS_EVALUATION_ENABLED", "false");
    vars.put("SHIFTLENS_SPOOL_DIR", "target/test-spool/" + database + "-" + port);
    vars.putAll(env);
    try {
      Server server = Server.start(Config.from(vars)).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      return new TestServer(database, port, server);
    } catch (Exception e) {
      throw new IllegalStateException("the server did not start: " + e.getMessage(), e);
    }
  }

  public io.vertx.core.Vertx vertx() {
    return server.vertx();
  }

  /** The routes the server's HTTP API answers. */
  public java.util.List<io.vertx.ext.web.Route> routes() {
    return server.routes();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Creates an API key named {@code name} with {@code scopes} (with the test key) and returns it. */
  public String createKey(String name, String... scopes) {
    io.vertx.core.json.JsonObject body = new io.vertx.core.json.JsonObject().put("name", name)
        .put("scopes", new io.vertx.core.json.JsonArray(java.util.List.of(scopes)));
    HttpResponse<String> created = post("/v1/admin/keys", "application/json", body.encode());
    if (created.statusCode() != 201) throw new IllegalStateException("key not created: " + created.statusCode() + " " + created.body());
    return new io.vertx.core.json.JsonObject(created.body()).getString("key");
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + KEY).GET());
  }

  public HttpResponse<String> post(String path, String contentType, String body) {
    return post(path, contentType, body.getBytes(StandardCharsets.UTF_8), false);
  }

  public HttpResponse<String> post(String path, String contentType, byte[] body, boolean gzip) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
        .header("Authorization", "Bearer " + KEY)
        .header("Content-Type", contentType)
        .timeout(Duration.ofMinutes(2));
    if (gzip) b.header("Content-Encoding", "gzip");
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(gzip ? gzip(body) : body)));
  }

  /**
   * Polls {@code /v1/status} (with the test key) until {@code sends} sends are evaluated or
   * {@code timeout} has passed, and returns the last status read; the caller asserts on it.
   */
  public io.vertx.core.json.JsonObject awaitEvaluated(long sends, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    io.vertx.core.json.JsonObject status;
    do {
      Thread.sleep(200);
      status = new io.vertx.core.json.JsonObject(get("/v1/status").body());
    } while (status.getLong("evaluated_sends") < sends && System.nanoTime() < deadline);
    return status;
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /**
   * Loads the demo dataset ({@code seed}, {@code contacts} contacts, anchored at {@code anchor}) through this
   * server's API with the {@code demo} command, as a user would, its ground truth written to
   * {@code target/demo/<truthFile>}. Fails unless the command exits 0; returns what it printed.
   */
  public String loadDemo(long seed, int contacts, Instant anchor, String truthFile) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int status = DemoCommand.run(new String[] {"--url", url(""), "--key", KEY, "--seed", Long.toString(seed),
        "--contacts", Integer.toString(contacts), "--anchor", anchor.toString(), "--truth", "target/demo/" + truthFile},
        Map.of(), new PrintStream(printed, true, StandardCharsets.UTF_8));
    String output = printed.toString(StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertEquals(0, status, output);
    return output;
  }

  /** Stops the server; the databases stay until {@link #close()}. */
  public void stop() {
    try {
      server.stop().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
    TestStores.drop(database);
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
