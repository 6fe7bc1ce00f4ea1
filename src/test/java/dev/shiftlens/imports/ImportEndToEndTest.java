package dev.shiftlens.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.support.CuttableProxy;
import dev.shiftlens.support.TestEvents;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import} against a whole server: files with good rows, bad rows and duplicates, in small chunks so that rows
 * cross chunk boundaries; what is stored, the summary, the rejected file's line numbers, and a second run of the same
 * import that stores nothing twice.
 */
class ImportEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String T = TestEvents.RECENT;
  private static TestServer server;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** The outcome of one run of the command. */
  record Run(int status, String out, String err) {}

  @Test
  void eventsFromCsvAreStoredOnceAndRejectedRowsAreNamedByTheirLine() throws Exception {
    Path file = write("events.csv", String.join("\n",
        "contact_id,timestamp,event_name,event_instance_id,metadata",            // line 1: header
        "c1," + T + ",app_open,e1,",                                              // 2
        "c1," + T + ",purchase,e2,\"{\"\"amount\"\": 3,",                          // 3: a quoted cell over two lines
        "\"\"note\"\": \"\"two\"\"}\"",                                           // 4
        "c2,not-a-time,app_open,e3,",                                             // 5: rejected
        "",                                                                        // 6: blank, not a row
        "c2," + T + ",app_open,e4,",                                              // 7
        "c1," + T + ",app_open,e1,",                                              // 8: duplicate of line 2
        ",\t" + T + ",app_open,e5,",                                              // 9: rejected (no contact_id)
        "c3," + T + ",view_item,e6,") + "\n");                                    // 10
    Run first = importFile("events", file, "--chunk-rows", "2");
    assertEquals(1, first.status(), first.err());
    assertTrue(first.out().contains("7 rows read") && first.out().contains("4 accepted, 1 duplicates, 2 rejected"), first.out());
    List<JsonNode> rejected = rejected(file);
    assertEquals(List.of(5L, 9L), rejected.stream().map(r -> r.path("line").asLong()).toList(), rejected.toString());
    assertEquals("timestamp", rejected.get(0).path("field").asText());
    assertEquals("contact_id", rejected.get(1).path("field").asText());
    assertEquals("c2,not-a-time,app_open,e3,", rejected.get(0).path("input").asText());
    assertFalse(rejected.get(0).path("error").asText().isBlank());
    assertEquals(4, TestStores.clickhouseLong("SELECT count() FROM " + server.database + ".events WHERE event_instance_id LIKE 'e_'"));
    assertEquals("{\"amount\":3,\"note\":\"two\"}", // the cell over two lines arrived whole (the server stores it compact)
        TestStores.clickhouse("SELECT metadata FROM " + server.database + ".events WHERE event_instance_id = 'e2'"));

    Run second = importFile("events", file, "--chunk-rows", "3");
    assertEquals(1, second.status(), second.err());
    assertTrue(second.out().contains("0 accepted, 5 duplicates, 2 rejected"), second.out());
    assertEquals(4, TestStores.clickhouseLong("SELECT count() FROM " + server.database + ".events WHERE event_instance_id LIKE 'e_'"), "nothing stored twice");
    assertEquals(List.of(5L, 9L), rejected(file).stream().map(r -> r.path("line").asLong()).toList());
  }

  @Test
  void contactsFromGzippedNdjsonUpsertOnceAndAnImportWithoutRejectionsExitsZero() throws Exception {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      rows.append(i == 11 ? "{\"contact_id\":\"k11\"}" : "{\"contact_id\":\"k" + i + "\",\"country\":\"DE\",\"plan\":\"p" + i % 3 + "\"}").append('\n');
    }
    rows.append("{\"contact_id\": \"k26\", \"country\": \"FR\"\n"); // line 26: broken JSON
    Path file = dir.resolve("contacts.ndjson.gz");
    Files.write(file, TestServer.gzip(rows.toString().getBytes(StandardCharsets.UTF_8)));
    Run first = importFile("contacts", file, "--chunk-rows", "10");
    assertEquals(1, first.status(), first.err());
    assertTrue(first.out().contains("26 rows read") && first.out().contains("24 accepted, 0 duplicates, 2 rejected"), first.out());
    List<JsonNode> rejected = rejected(file);
    assertEquals(List.of(12L, 26L), rejected.stream().map(r -> r.path("line").asLong()).toList(), rejected.toString());
    assertEquals("country", rejected.get(0).path("field").asText());
    assertEquals(List.of("24"), TestStores.postgres(server.database, "SELECT count(*) FROM contacts WHERE contact_id LIKE 'k%'"));

    Run second = importFile("contacts", file, "--chunk-rows", "7");
    assertTrue(second.out().contains("0 accepted, 24 duplicates, 2 rejected"), second.out());

    Path good = dir.resolve("contacts-good.jsonl");
    Files.writeString(good, "{\"contact_id\":\"k1\",\"country\":\"DE\",\"plan\":\"gold\"}\n");
    Run fixed = importFile("contacts", good);
    assertEquals(0, fixed.status(), fixed.err());
    assertFalse(Files.exists(dir.resolve("contacts-good.jsonl.rejected.ndjson")));
    assertEquals(List.of("gold"), TestStores.postgres(server.database, "SELECT properties->>'plan' FROM contacts WHERE contact_id = 'k1'"));
  }

  @Test
  void sendsAreIdempotentBySendIdAcrossRuns() throws Exception {
    Path file = write("sends.csv", String.join("\n",
        "send_id,contact_id,message_id,channel,sent_at,labels",
        "s1,c1,m1,push," + T + ",\"{\"\"copy\"\":\"\"a\"\"}\"",
        "s2,c2,m1,email," + T + ",",
        "s3,c3,m1,," + T + ",",
        "s1,c1,m1,push," + T + ",",
        ",c4,m2,sms," + T + ",") + "\n");
    Path rejectedFile = dir.resolve("sends-rejected.ndjson");
    Run first = importFile("sends", file, "--chunk-rows", "2", "--rejected", rejectedFile.toString());
    assertEquals(1, first.status(), first.err());
    assertTrue(first.out().contains("3 accepted, 1 duplicates, 1 rejected"), first.out());
    assertEquals(4L, rejected(rejectedFile).get(0).path("line").asLong());
    assertEquals("channel", rejected(rejectedFile).get(0).path("field").asText());
    Run second = importFile("sends", file, "--chunk-rows", "4", "--rejected", rejectedFile.toString());
    assertTrue(second.out().contains("0 accepted, 4 duplicates, 1 rejected"), second.out());
    assertEquals(List.of("3"), TestStores.postgres(server.database, "SELECT count(*) FROM sends"));
  }

  @Test
  void aChunkIsSentAgainWhileTheServerCannotBeReached() throws Exception {
    Path file = dir.resolve("late.ndjson");
    Files.writeString(file, TestEvents.ndjson("late", 50, 5));
    try (CuttableProxy proxy = new CuttableProxy("127.0.0.1", server.port)) {
      proxy.cut();
      CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> runCommand(List.of("events", file.toString(),
          "--url", "http://127.0.0.1:" + proxy.port(), "--chunk-rows", "20", "--first-retry-ms", "200")));
      Thread.sleep(1000);
      proxy.restore();
      Run r = run.get();
      assertEquals(0, r.status(), r.err());
      assertTrue(r.err().contains("retrying"), r.err());
      assertTrue(r.out().contains("50 accepted, 0 duplicates, 0 rejected"), r.out());
    }
    assertEquals(50, TestStores.clickhouseLong("SELECT count() FROM " + server.database + ".events WHERE event_instance_id LIKE 'late%'"));
  }

  @Test
  void aRefusalStopsTheImportWithItsOwnExitStatus() throws Exception {
    Path file = write("refused.ndjson", TestEvents.ndjson("refused", 3, 1));
    Run r = runCommand(List.of("events", file.toString(), "--url", server.url(""), "--key", "wrong-key", "--progress", "none"));
    assertEquals(3, r.status());
    assertTrue(r.err().contains("HTTP 401") && r.err().contains("--key"), r.err());
    Path csv = write("header-only.csv", "contact_id,timestamp,event_name,event_instance_id,metadata\n");
    Run empty = importFile("events", csv);
    assertEquals(0, empty.status(), empty.err());
    assertTrue(empty.out().contains("0 rows read"), empty.out());
    Run unknown = runCommand(List.of("events", write("x.txt", "").toString()));
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("--format"), unknown.err());
  }

  @Test
  void progressIsAPlainLineWhenStandardErrorIsNotATerminalAndABarOtherwise() throws Exception {
    Path file = write("progress.ndjson", TestEvents.ndjson("progress", 30, 3));
    Run lines = runCommand(List.of("events", file.toString(), "--url", server.url(""), "--key", TestServer.KEY, "--progress", "lines"));
    assertTrue(lines.err().lines().anyMatch(l -> l.startsWith("import: events 100% ") && l.contains("rows 30,")), lines.err());
    assertFalse(lines.err().contains("\r"), lines.err());
    Run bar = runCommand(List.of("events", file.toString(), "--url", server.url(""), "--key", TestServer.KEY, "--progress", "bar"));
    assertTrue(bar.err().contains("\r\033[K[########################] 100% "), bar.err());
    ProgressMeter meter = new ProgressMeter(System.err, ProgressMeter.Mode.LINES, "events", 2_000_000, 10_000);
    assertEquals(" 25% 488.3 KiB of 1.9 MiB, rows 1,000 of ~4,000, 500 rows/s, ETA 0:06", meter.line(500_000, 1000, 2.0));
  }

  private static Run importFile(String kind, Path file, String... options) {
    List<String> args = new ArrayList<>(List.of(kind, file.toString(), "--url", server.url(""), "--progress", "lines"));
    args.addAll(List.of(options));
    return runCommand(args);
  }

  private static Run runCommand(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = ImportCommand.run(args.toArray(String[]::new), Map.of("SHIFTLENS_API_KEY", TestServer.KEY),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static List<JsonNode> rejected(Path input) throws IOException {
    Path file = input.getFileName().toString().endsWith(".rejected.ndjson") || input.getFileName().toString().startsWith("sends-rejected")
        ? input : input.resolveSibling(input.getFileName() + ".rejected.ndjson");
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) out.add(JSON.readTree(line));
    return out;
  }
}
