package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Segment's {@code @segment/analytics-node} and RudderStack's {@code @rudderstack/rudder-sdk-node},
 * unchanged, run by Node from {@code src/test/node/sdks/send.js} against a whole server. The packages
 * are installed from npm into {@code target/node-sdks} on the first run; without {@code node} and
 * {@code npm}, or when npm cannot install them, the test is skipped (and says why).
 */
class SegmentNodeSdksEndToEndTest {
  private static final Path SOURCE = Path.of("src/test/node/sdks");
  private static final Path WORK = Path.of("target/node-sdks");
  private static TestServer server;
  private static String writeKey;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(run(List.of("node", "--version"), Path.of("."), Map.of(), 30).exit() == 0, "node is not installed");
    Files.createDirectories(WORK);
    for (String file : List.of("package.json", "send.js")) {
      Files.copy(SOURCE.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(WORK.resolve("node_modules/@rudderstack/rudder-sdk-node"))
        || !Files.isDirectory(WORK.resolve("node_modules/@segment/analytics-node"))) {
      Result install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"), WORK, Map.of(), 300);
      Assumptions.assumeTrue(install.exit() == 0, "npm could not install the SDKs: " + install.output());
    }
    server = TestServer.start();
    writeKey = server.createKey("node-sdks", "ingest");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Path dir, Map<String, String> env, int seconds) throws InterruptedException {
    try {
      File log = Files.createTempFile("node-sdks", ".log").toFile();
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log);
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + seconds + " s: " + Files.readString(log.toPath(), StandardCharsets.UTF_8));
      }
      String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
      log.delete();
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    }
  }

  private static long stored(String where) {
    return TestStores.clickhouseLong("SELECT uniqExact(event_key) FROM " + server.database + ".events WHERE " + where);
  }

  private static JsonObject contact(String id) {
    HttpResponse<String> r = server.get("/v1/contacts/" + id);
    assertEquals(200, r.statusCode(), id + ": " + r.body());
    return new JsonObject(r.body());
  }

  @Test
  void identifyAndTrackSentTwiceByEachNodeSdkAreStoredOnce() throws Exception {
    Result sent = run(List.of("node", "send.js", "both"), WORK,
        Map.of("SHIFTLENS_URL", server.url(""), "SHIFTLENS_WRITE_KEY", writeKey), 120);
    assertEquals(0, sent.exit(), sent.output());

    JsonObject seg = contact("node-seg-user");
    assertEquals("NL", seg.getString("country"), seg.encode());
    assertEquals("Europe/Amsterdam", seg.getString("timezone"));
    assertEquals("seg@example.com", seg.getString("email_address"));
    assertEquals("team", seg.getJsonObject("properties").getString("plan"));
    JsonObject rs = contact("node-rs-user");
    assertEquals("BR", rs.getString("country"), rs.encode());
    assertEquals("America/Sao_Paulo", rs.getString("timezone"));

    assertEquals(1, stored("event_instance_id = 'node-seg-track' AND contact_id = 'node-seg-user'"));
    assertEquals(1, stored("event_instance_id = 'node-rs-track' AND contact_id = 'node-rs-user'"));
    assertEquals(1, stored("event_instance_id = 'node-seg-track-anon' AND contact_id = 'node-seg-user'"));
    assertEquals(1, stored("event_instance_id = 'node-rs-track-anon' AND contact_id = 'node-rs-user'"));
    long expected = Instant.now().minusSeconds(2 * 3600).getEpochSecond();
    for (String id : List.of("node-seg-track", "node-rs-track")) {
      long ts = TestStores.clickhouseLong("SELECT any(toUInt32(ts)) FROM " + server.database + ".events WHERE event_instance_id = '" + id + "'");
      assertTrue(Math.abs(ts - expected) <= 120, id + " stored at " + Instant.ofEpochSecond(ts));
    }
    assertEquals("America/Sao_Paulo", TestStores.clickhouse("SELECT any(timezone) FROM " + server.database
        + ".events WHERE event_instance_id = 'node-rs-track'").strip());
    assertEquals(4, new JsonObject(server.get("/v1/status").body()).getLong("events"));
  }
}
