package dev.shiftlens.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.bench.Events.Body;
import dev.shiftlens.platform.Migrations;
import dev.shiftlens.platform.SqlFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingestion benchmark: how many events per second {@code POST /v1/events} stores, against how many
 * rows per second ClickHouse itself inserts from the same rows as JSONEachRow, into the server's own
 * schema (the events table and its materialized views) and into the events table alone.
 *
 * <pre>
 * java -cp target/shiftlens.jar dev.shiftlens.bench.IngestBenchmark --url http://127.0.0.1:18080 \
 *     --key bench-key --events 1000000 --clients 4 --server-pid PID
 * </pre>
 *
 * Usually run through {@code bench/ingest.sh}, which starts a fresh server. Exits 1 when a check
 * fails (a rejected row, an unexpected status, a count that is not the number of events sent).
 */
public final class IngestBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WARM_UP_REQUESTS = 40;

  private String url = "http://127.0.0.1:18080";
  private String key = "bench-key";
  private int events = 1_000_000;
  private int serverWarmUp = 500_000;
  private int clients = 4;
  private int batch = 10_000;
  private long seed = 20261102L;
  private long serverPid = -1;
  private final long clickhousePid = ProcessCpu.find("clickhouse-server");
  private String clickhouseUrl = "http://127.0.0.1:8123";
  private String database = "shiftlens_bench";
  private boolean skipServer;
  private boolean skipClickhouse;
  private boolean segment;

  private final BenchReport report = new BenchReport("ingest benchmark", 26);

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    IngestBenchmark bench = new IngestBenchmark();
    BenchArgs.main("ingest benchmark", "IngestBenchmark [--url URL] [--key KEY] [--events N] [--clients N]"
        + " [--batch N] [--seed N] [--server-pid PID] [--clickhouse-url URL] [--database NAME]"
        + " [--skip-server] [--skip-clickhouse] [--segment]", () -> bench.parse(args), bench::run);
  }

  private void parse(String[] args) {
    BenchArgs.parse(args, Set.of("--skip-server", "--skip-clickhouse", "--segment"), flag -> {
      if (flag.equals("--skip-server")) skipServer = true;
      else if (flag.equals("--segment")) segment = true;
      else skipClickhouse = true;
    }, (option, value) -> {
      switch (option) {
        case "--url" -> url = BenchReport.stripSlash(value);
        case "--key" -> key = value;
        case "--events" -> events = BenchReport.positive(option, value);
        case "--server-warmup" -> serverWarmUp = Integer.parseInt(value.replace("_", ""));
        case "--clients" -> clients = BenchReport.positive(option, value);
        case "--batch" -> batch = BenchReport.positive(option, value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--server-pid" -> serverPid = Long.parseLong(value);
        case "--clickhouse-url" -> clickhouseUrl = BenchReport.stripSlash(value);
        case "--database" -> database = value;
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    });
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("--database must be a plain identifier");
    }
  }

  private boolean run() throws Exception {
    long t0 = System.nanoTime();
    Events data = Events.generate(events, seed, Events.anchorFromNow());
    report.log("generated %d events (%d contacts at most, %d days before %s) in %.1f s", events,
        Events.CONTACTS, Events.DAYS, Instant.ofEpochSecond(data.anchorEpochSecond),
        (System.nanoTime() - t0) / 1e9);
    HttpClient http = Loader.newHttpClient();
    Loader loader = new Loader(http, clients);
    report.row("events", Integer.toString(events));

    Loader.Result server = null;
    if (!skipServer) {
      try {
        server = serverPhase(data, http, loader);
      } catch (IOException e) {
        report.fail("server: " + e);
      }
    }
    if (segment && server != null && server.failure() == null) {
      try {
        Loader.Result batch = segmentPhase(http, loader);
        if (batch.failure() == null) {
          report.row("segment / NDJSON ratio", String.format(Locale.ROOT, "%.2f", batch.rowsPerSecond() / server.rowsPerSecond()));
        }
      } catch (IOException e) {
        report.fail("segment: " + e);
      }
    }
    if (!skipClickhouse) {
      for (Ceiling ceiling : Ceiling.values()) {
        try {
          Loader.Result result = clickhousePhase(ceiling, data, http, loader);
          if (server != null && server.failure() == null && result.failure() == null) {
            report.row(ceiling.ratioRow,
                String.format(Locale.ROOT, "%.2f", server.rowsPerSecond() / result.rowsPerSecond()));
          }
        } catch (IOException e) {
          report.fail(ceiling.phase + ": " + e);
        }
      }
    }

    return report.print();
  }

  /**
   * Phase S (with --segment): the same events, under other instance ids so that none is a duplicate of
   * phase A's, as Segment track messages to {@code POST /v1/batch} in batches of at most 450 KB (the
   * Segment API's limit is 500 KB), with the key as HTTP Basic user name, as the Segment SDKs send it.
   * Each message also creates its contact when missing, which the NDJSON phase's rows do not.
   */
  private Loader.Result segmentPhase(HttpClient http, Loader loader) throws Exception {
    Events same = Events.generate(events, seed, Events.anchorFromNow(), "s-");
    List<Body> bodies = same.segmentBatches(450_000);
    report.log("segment: %d batches, %d MiB; sending with %d clients to %s/v1/batch", bodies.size(), bytes(bodies) >> 20,
        clients, url);
    URI uri = URI.create(url + "/v1/batch");
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((key + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Loader.Target target = new Loader.Target() {
      @Override
      public HttpRequest request(Body body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
            .header("Authorization", basic).POST(Loader.bodyOf(body.bytes())).build();
      }

      @Override
      public String check(Body body, String response) {
        try {
          JsonNode answer = JSON.readTree(response);
          long ok = answer.path("accepted").asLong(-1) + answer.path("duplicates").asLong(0);
          if (!answer.path("success").asBoolean(false) || answer.path("rejected").size() > 0 || ok != body.rows()) {
            return "expected " + body.rows() + " messages accepted, got " + Loader.abbreviate(response);
          }
          return null;
        } catch (IOException e) {
          return "unreadable response: " + Loader.abbreviate(response);
        }
      }
    };
    System.gc();
    double[] cpu = cpuNow();
    Loader.Result result = loader.run(bodies, target);
    cpuRows("segment", cpu);
    report("segment", "segment events/s", result, "events");
    return result;
  }

  // Phase A: POST /v1/events as NDJSON.
  private Loader.Result serverPhase(Events data, HttpClient http, Loader loader) throws Exception {
    List<Body> bodies = data.ndjson(batch);
    report.log("server: %d NDJSON bodies, %d MiB; sending with %d clients to %s/v1/events",
        bodies.size(), bytes(bodies) >> 20, clients, url);
    URI uri = URI.create(url + "/v1/events");
    AtomicLong accepted = new AtomicLong();
    AtomicLong duplicates = new AtomicLong();
    Loader.Target target = new Loader.Target() {
      @Override
      public HttpRequest request(Body body) {
        return HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(2))
            .header("Content-Type", "application/x-ndjson")
            .header("Authorization", "Bearer " + key)
            .POST(Loader.bodyOf(body.bytes()))
            .build();
      }

      @Override
      public String check(Body body, String response) {
        try {
          JsonNode answer = JSON.readTree(response);
          long ok = answer.path("accepted").asLong(-1);
          long dup = answer.path("duplicates").asLong(0);
          JsonNode rejected = answer.path("rejected");
          accepted.addAndGet(Math.max(ok, 0));
          duplicates.addAndGet(dup);
          if (rejected.size() > 0) {
            return rejected.size() + " rows rejected, first: " + rejected.get(0);
          }
          if (ok < 0 || ok + dup != body.rows()) {
            return "expected " + body.rows() + " rows accepted, got " + Loader.abbreviate(response);
          }
          return null;
        } catch (IOException e) {
          return "unreadable response: " + Loader.abbreviate(response);
        }
      }
    };

    loader.warmUp(bodies, WARM_UP_REQUESTS);
    if (serverWarmUp > 0) {
      // A server in service has compiled its hot paths; so does this one before the clock starts.
      List<Body> warm = Events.generate(serverWarmUp, seed + 1, data.anchorEpochSecond, "w-").ndjson(batch);
      Loader.Result warmed = loader.run(warm, target);
      if (warmed.failure() != null) throw new IOException("server warm-up failed: " + warmed.failure());
      report.log("server: warmed up with %d other events (not timed)", serverWarmUp);
      accepted.set(0);
      duplicates.set(0);
    }
    System.gc();
    Loader.Result result;
    RssSampler memory = serverPid > 0 ? new RssSampler(serverPid).start() : null;
    double[] cpu = cpuNow();
    try {
      result = loader.run(bodies, target);
      cpuRows("server", cpu);
    } finally {
      if (memory != null) {
        memory.close();
      }
    }
    report("server", "server events/s", result, "events");
    report.log("server: accepted %d, duplicates %d", accepted.get(), duplicates.get());
    if (memory != null && memory.peakRssKb() > 0) {
      String heap = maxHeap(serverPid);
      report.row("server peak RSS (MiB)", (memory.peakRssKb() >> 10)
          + (heap == null ? "" : "   (heap " + heap + ")"));
      report.row("server VmHWM (MiB)", (memory.hwmKb() >> 10) + "   (since start, "
          + memory.samples() + " samples)");
    }
    if (result.failure() == null) {
      double drained = awaitEmptySpool(http);
      if (drained > 0) {
        // Events answered from the spool (SHIFTLENS_SPOOL_ALWAYS) are stored once it has drained.
        report.row("server events/s, stored", String.format(Locale.ROOT, "%d   (the spool drained %.2f s after the last answer)",
            Math.round(events / (result.seconds() + drained)), drained));
      }
      checkStatus(http);
    }
    return result;
  }

  /** Waits until the server's spool holds nothing; returns the seconds waited (0 when it held nothing). */
  private double awaitEmptySpool(HttpClient http) throws Exception {
    long started = System.nanoTime();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/status"))
        .timeout(Duration.ofMinutes(1))
        .header("Authorization", "Bearer " + key)
        .GET()
        .build();
    for (int polls = 0; ; polls++) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String state = response.statusCode() == 200
          ? JSON.readTree(response.body()).path("ingest").path("spool").path("state").asText("disabled") : "unknown";
      if (state.equals("empty") || state.equals("disabled")) {
        return polls == 0 ? 0 : (System.nanoTime() - started) / 1e9;
      }
      if (System.nanoTime() - started > Duration.ofMinutes(10).toNanos()) {
        report.fail("the server's spool did not drain within 10 minutes (state " + state + ")");
        return (System.nanoTime() - started) / 1e9;
      }
      Thread.sleep(20);
    }
  }

  private void checkStatus(HttpClient http) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/v1/status"))
        .timeout(Duration.ofMinutes(1))
        .header("Authorization", "Bearer " + key)
        .GET()
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      report.fail("GET /v1/status: HTTP " + response.statusCode() + ": "
          + Loader.abbreviate(response.body()));
      return;
    }
    long counted = JSON.readTree(response.body()).path("events").asLong(-1);
    long sent = (long) events + serverWarmUp;
    report.row("server /v1/status events", counted + "   (" + events + " measured + " + serverWarmUp + " warm-up)");
    if (counted != sent) {
      report.fail("GET /v1/status says " + counted + " events, " + sent + " were sent");
    }
  }

  /**
   * What ClickHouse inserts into on its own. {@link #SCHEMA} is the ceiling the ratio is about: the
   * server's whole ClickHouse schema (its migrations applied to a scratch database), so that every insert
   * into {@code events} also feeds the materialized views the server's inserts feed. {@link #BARE} is
   * the events table alone, without the views: the difference between the two is what the views cost.
   */
  private enum Ceiling {
    SCHEMA("clickhouse", "phase B", "clickhouse JSONEachRow/s", "ratio server/clickhouse"),
    BARE("bare table", "phase C", "bare table JSONEachRow/s", "ratio server/bare table");

    final String phase;
    final String cpuLabel;
    final String rateRow;
    final String ratioRow;

    Ceiling(String phase, String cpuLabel, String rateRow, String ratioRow) {
      this.phase = phase;
      this.cpuLabel = cpuLabel;
      this.rateRow = rateRow;
      this.ratioRow = ratioRow;
    }
  }

  // Phases B and C: the same rows, with the columns the server stores, as JSONEachRow: into the server's
  // own schema (events and its views) in a scratch database, then into a copy of the events table alone.
  private Loader.Result clickhousePhase(Ceiling ceiling, Events data, HttpClient http, Loader loader)
      throws Exception {
    if (!clickhouse(http, "EXISTS TABLE " + database + ".events").strip().equals("1")) {
      throw new IOException("table " + database + ".events does not exist: start the server on this database first");
    }
    String scratch = database + "_ceiling";
    String table;
    if (ceiling == Ceiling.SCHEMA) {
      clickhouse(http, "DROP DATABASE IF EXISTS " + scratch);
      clickhouse(http, "CREATE DATABASE " + scratch);
      for (String file : SqlFiles.migrations("clickhouse")) {
        for (String statement : Migrations.statements(SqlFiles.migration("clickhouse", file))) {
          clickhouse(http, scratch, statement);
        }
      }
      table = scratch + ".events";
    } else {
      table = database + ".ch_bare";
      clickhouse(http, "DROP TABLE IF EXISTS " + table);
      clickhouse(http, "CREATE TABLE " + table + " AS " + database + ".events");
    }
    List<Body> bodies = data.jsonEachRow(batch);
    report.log("%s: %d JSONEachRow bodies, %d MiB into %s; sending with %d clients to %s",
        ceiling.phase, bodies.size(), bytes(bodies) >> 20, table, clients, clickhouseUrl);
    URI uri = URI.create(clickhouseUrl + "/?query="
        + ("INSERT INTO " + table + " FORMAT JSONEachRow").replace(" ", "%20"));
    Loader.Target target = new Loader.Target() {
      @Override
      public HttpRequest request(Body body) {
        return HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(2))
            .POST(Loader.bodyOf(body.bytes()))
            .build();
      }

      @Override
      public String check(Body body, String response) {
        return null; // ClickHouse answers 200 only when the whole block is inserted
      }
    };

    loader.warmUp(bodies, WARM_UP_REQUESTS);
    System.gc();
    double[] cpu = cpuNow();
    Loader.Result result = loader.run(bodies, target);
    cpuRows(ceiling.cpuLabel, cpu);
    report(ceiling.phase, ceiling.rateRow, result, "rows");
    if (result.failure() == null) {
      long counted = Long.parseLong(clickhouse(http, "SELECT count() FROM " + table).strip());
      report.row(ceiling.phase + " count()", Long.toString(counted));
      if (counted != events) {
        report.fail("ClickHouse counts " + counted + " rows in " + table + ", " + events + " were sent");
      }
    }
    if (ceiling == Ceiling.SCHEMA) clickhouse(http, "DROP DATABASE IF EXISTS " + scratch);
    return result;
  }

  private String clickhouse(HttpClient http, String sql) throws Exception {
    return clickhouse(http, "default", sql);
  }

  /** One statement, with {@code currentDatabase} for its unqualified names. */
  private String clickhouse(HttpClient http, String currentDatabase, String sql) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(clickhouseUrl + "/?database=" + currentDatabase))
        .timeout(Duration.ofMinutes(5))
        .POST(HttpRequest.BodyPublishers.ofString(sql))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("ClickHouse at " + clickhouseUrl + " did not answer: " + e, e);
    }
    if (response.statusCode() != 200) {
      throw new IOException("ClickHouse refused '" + sql + "': HTTP " + response.statusCode()
          + ": " + Loader.abbreviate(response.body()));
    }
    return response.body();
  }

  /** Logs how a load went and adds its rate and duration to the summary. */
  /** CPU seconds so far of the server and of ClickHouse. */
  private double[] cpuNow() {
    return new double[] {ProcessCpu.seconds(serverPid), ProcessCpu.seconds(clickhousePid)};
  }

  /** CPU seconds the server and ClickHouse used during a phase, per million rows. */
  private void cpuRows(String phase, double[] before) {
    double[] after = cpuNow();
    double perMillion = 1e6 / events;
    if (before[0] >= 0 && after[0] >= 0 && phase.equals("server")) {
      report.row("server CPU s/1M", String.format(Locale.ROOT, "%.2f", (after[0] - before[0]) * perMillion));
    }
    if (before[1] >= 0 && after[1] >= 0) {
      report.row("CH CPU s/1M, " + (phase.equals("server") ? "phase A" : phase),
          String.format(Locale.ROOT, "%.2f", (after[1] - before[1]) * perMillion));
    }
  }

  private void report(String phase, String rateName, Loader.Result result, String what) {
    if (result.failure() != null) {
      report.fail(phase + ": " + result.failure());
      report.row(rateName, "failed");
      return;
    }
    report.log("%s: %d %s in %d requests, %.2f s, %d retries after 503; the client itself used"
        + " %.2f s of CPU", phase, result.rows(), what, result.requests(), result.seconds(),
        result.retries(), result.clientCpuNanos() / 1e9);
    report.row(rateName, Long.toString(Math.round(result.rowsPerSecond())));
    report.row(phase + " seconds", String.format(Locale.ROOT, "%.2f", result.seconds()));
  }

  /** The -Xmx option on the server's command line, if it has one. */
  private static String maxHeap(long pid) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      for (String arg : new String(cmdline, StandardCharsets.UTF_8).split("\0")) {
        if (arg.startsWith("-Xmx")) {
          return arg;
        }
      }
    } catch (IOException e) {
      // the process is gone or not ours to read
    }
    return null;
  }

  private static long bytes(List<Body> bodies) {
    long total = 0;
    for (Body body : bodies) {
      total += body.bytes().length;
    }
    return total;
  }
}
