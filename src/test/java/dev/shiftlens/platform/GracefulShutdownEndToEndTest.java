package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** SIGTERM in the middle of a load: every body that was answered 200 is stored whole. */
class GracefulShutdownEndToEndTest {
  private static final String RECENT = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
  private static final int ROWS = 5000;

  @Test
  void sigtermDuringALoadLosesNoRowThatWasAnswered200() throws Exception {
    String database = TestStores.freshDatabaseName();
    int port = TestServer.freePort();
    ProcessBuilder pb = new ProcessBuilder(
        new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), "dev.shiftlens.Main", "serve");
    Map<String, String> env = pb.environment();
    env.put("SHIFTLENS_HTTP_PORT", String.valueOf(port));
    env.put("SHIFTLENS_HTTP_HOST", "127.0.0.1");
    env.put("SHIFTLENS_API_KEY", TestServer.KEY);
    env.put("SHIFTLENS_CLICKHOUSE_URL", TestStores.CLICKHOUSE_URL);
    env.put("SHIFTLENS_CLICKHOUSE_DATABASE", database);
    env.put("SHIFTLENS_PG_URI", TestStores.PG_SERVER + "/" + database);
    env.put("SHIFTLENS_SPOOL_DIR", "target/test-spool/" + database);
    pb.redirectErrorStream(true).redirectOutput(new File("target/graceful-shutdown-server.log"));
    Process process = pb.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    try {
      waitForHealth(http, port);
      Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        int client = c;
        Thread t = new Thread(() -> {
          for (int b = 0; !stop.get(); b++) {
            String prefix = "sig-" + client + "x" + b;
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                  .header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", "application/x-ndjson")
                  .POST(HttpRequest.BodyPublishers.ofString(body(prefix))).build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) acknowledged.put(prefix, true);
            } catch (Exception e) {
              return; // the server is gone
            }
          }
        });
        t.start();
        clients.add(t);
      }
      Thread.sleep(2500);
      int before = acknowledged.size();
      process.destroy(); // SIGTERM
      assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the server did not exit after SIGTERM");
      stop.set(true);
      for (Thread t : clients) t.join(30_000);
      assertTrue(before > 0, "no body was acknowledged before SIGTERM");

      Map<String, Long> stored = new HashMap<>();
      String rows = TestStores.clickhouse("SELECT splitByChar('-', event_instance_id)[2] AS body, uniqExact(event_key) FROM "
          + database + ".events GROUP BY body FORMAT TabSeparated");
      for (String line : rows.split("\n")) {
        if (line.isBlank()) continue;
        String[] kv = line.split("\t");
        stored.put("sig-" + kv[0], Long.parseLong(kv[1]));
      }
      for (String prefix : acknowledged.keySet()) {
        assertEquals(ROWS, stored.getOrDefault(prefix, 0L), "body " + prefix + " was answered 200 but not stored whole");
      }
    } finally {
      process.destroyForcibly();
      TestStores.drop(database);
    }
  }

  private static String body(String prefix) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      sb.append("{\"contact_id\":\"g").append(i % 300).append("\",\"timestamp\":\"").append(RECENT)
          .append("\",\"event_name\":\"x\",\"event_instance_id\":\"").append(prefix).append('-').append(i).append("\"}\n");
    }
    return sb.toString();
  }

  private static void waitForHealth(HttpClient http, int port) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (Exception e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the server did not come up; see target/graceful-shutdown-server.log");
  }
}
