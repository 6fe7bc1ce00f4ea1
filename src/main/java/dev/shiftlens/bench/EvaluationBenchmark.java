package dev.shiftlens.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shiftlens.demo.DemoDataset;
import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoLoader;
import dev.shiftlens.demo.DemoSpec;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Evaluation benchmark: how fast a Shiftlens server evaluates sends whose windows have closed, in
 * bulk (a backlog of about 130,000 sends over about 10 million events) and one by one as their
 * windows close (the delay from window end to evaluation).
 *
 * <pre>
 * java -cp target/shiftlens.jar dev.shiftlens.bench.EvaluationBenchmark --contacts 65000
 * </pre>
 *
 * Usually run through {@code bench/evaluate.sh}. It starts the servers itself, as child processes
 * on fresh databases, so nothing may answer on its port. Phases: generate the demo dataset; load it
 * into a server with evaluation off; start a server with evaluation on and grace 0 and wait until
 * the backlog is evaluated; post new sends whose windows close over the next minute and time
 * their evaluation. Exits 1 when a check fails, 2 on bad arguments.
 */
public final class EvaluationBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long before the first live window closes the live sends are posted. */
  private static final Duration LIVE_LEAD = Duration.ofSeconds(10);
  private static final String LIVE_MESSAGE = "bench_live";
  /**
   * The backfill is watched in PostgreSQL, not through {@code GET /v1/status}: the status also
   * counts events in ClickHouse, which takes seconds while ClickHouse is busy evaluating, and would
   * keep ClickHouse busier still. {@code sends_due} is a partial index on the pending sends, so
   * this count stays cheap. Each poll takes a little CPU from the server on a small machine, so
   * the backfill (minutes) is polled less often than the live phase (delays of about a second).
   */
  private static final String PENDING = "SELECT count(*) FROM sends WHERE status = 'pending'";
  private static final Duration BACKFILL_POLL = Duration.ofSeconds(1);
  private static final Duration LIVE_POLL = Duration.ofMillis(200);

  private long seed = 20261128L;
  private int contacts = 65_000;
  private int days = 35;
  private int liveSends = 2_000;
  private int liveSpreadSeconds = 60;
  private int timeoutMinutes = 20;
  /** Longer than the claim lease (5 minutes by default), so that even a dead claim is waited for. */
  private int stallMinutes = 7;
  private boolean keep;
  private boolean loadOnly;
  private String database = "shiftlens_evalbench_" + Instant.now().getEpochSecond();
  private final ServerOptions options = new ServerOptions(18081, "2g", Path.of("target/evalbench-server.log"));
  private long clickhousePid = -1; // the ClickHouse server of options.clickhouseUrl, found by its port

  private final HttpClient http = Loader.newHttpClient();
  private final BenchReport report = new BenchReport("evaluation benchmark", 34);
  private volatile ServerProcess server;

  private EvaluationBenchmark() {}

  public static void main(String[] args) throws Exception {
    EvaluationBenchmark bench = new EvaluationBenchmark();
    BenchArgs.main("evaluation benchmark", "EvaluationBenchmark [--contacts N] [--days N] [--seed N]"
        + " [--live-sends N] [--live-spread-seconds N] [--timeout-minutes N] [--stall-minutes N]"
        + " [--database NAME] [--load-only] [--keep] " + ServerOptions.USAGE, () -> bench.parse(args), bench::run);
  }

  private void parse(String[] args) {
    BenchArgs.parse(args, Set.of("--keep", "--load-only"), flag -> {
      if (flag.equals("--keep")) keep = true;
      else loadOnly = true;
    }, (option, value) -> {
      switch (option) {
        case "--contacts" -> contacts = BenchReport.positive(option, value);
        case "--days" -> days = BenchReport.positive(option, value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--live-sends" -> liveSends = BenchReport.positive(option, value);
        case "--live-spread-seconds" -> liveSpreadSeconds = BenchReport.positive(option, value);
        case "--timeout-minutes" -> timeoutMinutes = BenchReport.positive(option, value);
        case "--stall-minutes" -> stallMinutes = BenchReport.positive(option, value);
        case "--database" -> database = value;
        default -> {
          if (!options.set(option, value)) throw new IllegalArgumentException("unknown option " + option);
        }
      }
    });
    ServerOptions.checkDatabase(database);
    if (liveSends > contacts) {
      throw new IllegalArgumentException("--live-sends must not exceed --contacts (one each)");
    }
    // Checked here rather than by the first server, which would fail only after generation.
    new DemoSpec(seed, contacts, days, Instant.now().truncatedTo(ChronoUnit.HOURS));
  }

  private boolean run() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnExit, "stop-server"));
    Files.deleteIfExists(options.log); // the log of this run's servers only
    DemoDataset data = generate();
    try (BenchStores stores = new BenchStores(options.clickhouseUrl, options.pgServer)) {
      try {
        stores.drop(database);
        report.log("databases: ClickHouse and PostgreSQL %s (server log: %s)", database, options.log);
        if (load(data)) {
          if (!loadOnly) {
            evaluate(data, stores);
          }
        }
      } catch (IOException | DemoLoader.LoadException e) {
        report.fail(e.getMessage() != null ? e.getMessage() : e.toString());
      } finally {
        stopServer();
        if (keep) {
          report.log("kept the databases %s (--keep)", database);
        } else {
          try {
            long t0 = System.nanoTime();
            report.log("dropping the databases %s", database);
            stores.drop(database);
            report.log("dropped the databases %s in %.1f s", database, seconds(t0));
          } catch (IOException e) {
            report.log("could not drop the databases %s: %s", database, e.getMessage());
          }
        }
      }
    }
    return report.print();
  }

  private DemoDataset generate() {
    long t0 = System.nanoTime();
    DemoSpec spec = new DemoSpec(seed, contacts, days, Instant.now().truncatedTo(ChronoUnit.HOURS));
    DemoDataset data = DemoGenerator.generate(spec);
    double seconds = seconds(t0);
    Runtime rt = Runtime.getRuntime();
    System.gc();
    report.log("generated %d contacts, %d events, %d sends (seed %d, %d days to %s) in %.1f s;"
        + " %d MiB of heap held", contacts, data.eventCount(), data.sends().size(), seed, days,
        spec.anchor(), seconds, (rt.totalMemory() - rt.freeMemory()) >> 20);
    report.row("contacts", Integer.toString(contacts));
    report.row("events", Long.toString(data.eventCount()));
    report.row("sends", Integer.toString(data.sends().size()));
    report.row("generation s", format(seconds));
    return data;
  }

  // Phase "load": the dataset through the HTTP API into a server that does not evaluate.
  private boolean load(DemoDataset data)
      throws IOException, InterruptedException, DemoLoader.LoadException {
    server = startServer(false);
    report.log("load: server up (pid %d); loading through %s", server.pid(), server.base());
    PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    DemoLoader.Tally contactTally;
    DemoLoader.Tally eventTally;
    DemoLoader.Tally sendTally;
    double contactSeconds;
    double eventSeconds;
    double sendSeconds;
    double cpuBefore;
    double cpuAfter;
    try (DemoLoader loader = new DemoLoader(server.base(), options.key, progress);
        RssSampler memory = new RssSampler(server.pid()).start()) {
      long t0 = System.nanoTime();
      contactTally = loader.loadContacts(data);
      contactSeconds = seconds(t0);
      cpuBefore = ProcessCpu.seconds(server.pid());
      t0 = System.nanoTime();
      eventTally = loader.loadEvents(data);
      eventSeconds = seconds(t0);
      cpuAfter = ProcessCpu.seconds(server.pid());
      t0 = System.nanoTime();
      sendTally = loader.loadSends(data);
      sendSeconds = seconds(t0);
      memory.close();
      report.row("load server peak RSS (MiB)", (memory.peakRssKb() >> 10) + "   (-Xmx" + options.heap + ")");
    }
    for (DemoLoader.Tally t : List.of(contactTally, eventTally, sendTally)) {
      if (t.rejected() > 0) {
        report.fail("load: " + t.rejected() + " rows rejected, first: " + t.firstRejections());
        return false;
      }
    }
    report.log("load: contacts %d in %.1f s, events %d in %.1f s, sends %d in %.1f s", contactTally.rows(),
        contactSeconds, eventTally.rows(), eventSeconds, sendTally.rows(), sendSeconds);
    report.row("load contacts s", format(contactSeconds));
    report.row("load events s", format(eventSeconds));
    report.row("load events/s", Long.toString(Math.round(eventTally.rows() / eventSeconds)));
    if (cpuBefore >= 0 && cpuAfter >= 0) {
      report.row("load server CPU s/1M events", format((cpuAfter - cpuBefore) * 1e6 / eventTally.rows()));
    }
    report.row("load sends s", format(sendSeconds));
    report.row("load sends/s", Long.toString(Math.round(sendTally.rows() / sendSeconds)));

    JsonNode status = status();
    long sends = data.sends().size();
    if (status.path("events").asLong() != data.eventCount()
        || status.path("sends").asLong() != sends
        || status.path("contacts").asLong() != contacts
        || status.path("pending_evaluations").asLong(sends) != sends) {
      report.fail("load: /v1/status does not show the dataset (" + contacts + " contacts, "
          + data.eventCount() + " events, " + sends + " sends, all pending): " + status);
      return false;
    }
    int exit = stopServer();
    report.log("load: server stopped (exit status %d)", exit);
    return true;
  }

  // Phases "backfill" and "live", on one server with evaluation on and no grace period.
  private void evaluate(DemoDataset data, BenchStores stores)
      throws IOException, InterruptedException {
    server = startServer(true);
    long pid = server.pid();
    report.log("backfill: server up (pid %d), evaluation on, grace 0", pid);
    double cpu0 = ProcessCpu.seconds(pid);
    clickhousePid = ProcessCpu.clickhouse(options.clickhouseUrl);
    double chCpu0 = ProcessCpu.seconds(clickhousePid);
    long wall0 = System.nanoTime();
    try (RssSampler memory = new RssSampler(pid).start()) {
      if (!backfill(data.sends().size(), stores, wall0, cpu0, chCpu0)) {
        return;
      }
      live(stores);
      memory.close();
      report.row("server peak RSS (MiB)", (memory.peakRssKb() >> 10) + "   (-Xmx" + options.heap
          + ", backfill and live)");
      report.row("server VmHWM (MiB)", (memory.hwmKb() >> 10) + "   (since start)");
    } finally {
      // A failed batch is retried later, which shows in the figures.
      List<String> warnings = server == null ? List.of() : server.warnings();
      report.row("server log warnings", warnings.size() + (warnings.isEmpty() ? ""
          : "   (first: " + Loader.abbreviate(warnings.get(0)) + ")"));
    }
  }

  private boolean backfill(long sends, BenchStores stores, long wall0, double cpu0, double chCpu0)
      throws IOException, InterruptedException {
    long deadline = wall0 + Duration.ofMinutes(timeoutMinutes).toNanos();
    long stall = Duration.ofMinutes(stallMinutes).toNanos();
    long lastEvaluated = -1;
    long lastProgress = wall0;
    long lastLog = wall0;
    while (true) {
      if (!server.alive()) {
        report.fail("backfill: the server exited; the end of its log:\n" + server.tail(30));
        return false;
      }
      long pending = stores.postgres(database, PENDING).get(0).getLong(0);
      long evaluated = sends - pending;
      long now = System.nanoTime();
      if (pending == 0) {
        break;
      }
      if (evaluated != lastEvaluated) {
        lastEvaluated = evaluated;
        lastProgress = now;
      }
      if (now - lastLog >= 10e9) {
        lastLog = now;
        report.log("backfill: %d evaluated, %d pending after %.0f s", evaluated, pending,
            (now - wall0) / 1e9);
      }
      if (now > deadline || now - lastProgress > stall) {
        String why = now > deadline ? "did not finish within " + timeoutMinutes + " minutes"
            : "no send was evaluated for " + stallMinutes + " min";
        report.fail("backfill " + why + ": " + evaluated + " evaluated, " + pending + " pending of "
            + sends + "; by status " + byStatus(stores) + "; the end of the server log:\n"
            + server.tail(20));
        return false;
      }
      Thread.sleep(BACKFILL_POLL.toMillis());
    }
    double seen = seconds(wall0);
    double cpu = ProcessCpu.seconds(server.pid()) - cpu0;
    double chCpu = ProcessCpu.seconds(clickhousePid) - chCpu0;
    JsonNode status = status();
    if (status.path("pending_evaluations").asLong(-1) != 0
        || status.path("evaluated_sends").asLong(-1) != sends) {
      report.fail("backfill: PostgreSQL has no pending send left, but /v1/status says " + status);
    }

    // Every send in the databases is one of the dataset's at this point.
    long evaluated = 0;
    long insufficient = 0;
    Map<String, Long> others = new LinkedHashMap<>();
    OffsetDateTime first = null;
    OffsetDateTime last = null;
    for (Row r : stores.postgres(database, "SELECT status, count(*), min(evaluated_at),"
        + " max(evaluated_at), count(evaluated_at) FROM sends GROUP BY status ORDER BY status")) {
      String state = r.getString(0);
      long n = r.getLong(1);
      switch (state) {
        case "evaluated" -> evaluated = n;
        case "insufficient_history" -> insufficient = n;
        default -> others.put(state, n);
      }
      if (r.getLong(4) != n && !state.equals("pending")) {
        report.fail("backfill: " + (n - r.getLong(4)) + " sends of status " + state
            + " have no evaluated_at");
      }
      OffsetDateTime min = r.getOffsetDateTime(2);
      OffsetDateTime max = r.getOffsetDateTime(3);
      if (min != null && (first == null || min.isBefore(first))) first = min;
      if (max != null && (last == null || max.isAfter(last))) last = max;
    }
    long done = evaluated + insufficient + others.values().stream().mapToLong(Long::longValue).sum();
    if (done != sends || !others.isEmpty()) {
      report.fail("backfill: " + sends + " sends loaded; evaluated " + evaluated
          + ", insufficient_history " + insufficient + ", other statuses " + others);
    }
    // The wall clock ends at the poll that saw the last result stored, whatever evaluated_at says.
    double span = first == null ? 0 : Duration.between(first, last).toNanos() / 1e9;
    double wall = seen;
    OffsetDateTime p99 = stores.postgres(database, "SELECT percentile_disc(0.99) WITHIN GROUP"
        + " (ORDER BY evaluated_at) FROM sends").get(0).getOffsetDateTime(0);
    double span99 = first == null ? 0 : Duration.between(first, p99).toNanos() / 1e9;
    report.log("backfill: %d sends; first to last evaluated_at %.1f s, to 99%% %.1f s; pending 0 seen"
        + " %.1f s after /health 200", done, span, span99, seen);
    report.row("backfill sends evaluated", done + "   (evaluated " + evaluated + ", insufficient_history "
        + insufficient + (others.isEmpty() ? "" : ", other " + others) + ")");
    report.row("backfill s, evaluated_at span", format(span));
    report.row("backfill sends/s, evaluated_at", span > 0 ? Long.toString(Math.round(done / span)) : "n/a");
    report.row("backfill s, 99% of sends", format(span99) + "   (first evaluated_at to the 99th percentile)");
    report.row("backfill s, wall clock", format(wall) + "   (from /health 200 to pending 0 seen)");
    report.row("backfill sends/s, wall clock", Long.toString(Math.round(done / wall)));
    if (cpu0 >= 0) {
      report.row("server CPU s/1000 sends", String.format(Locale.ROOT, "%.3f", cpu * 1000 / done));
    }
    if (chCpu0 >= 0) {
      report.row("CH CPU s/1000 sends", String.format(Locale.ROOT, "%.3f", chCpu * 1000 / done));
    }
    return true;
  }

  // Phase "live": sends whose windows close one after another over the next minute.
  private void live(BenchStores stores) throws IOException, InterruptedException {
    Instant firstClose = Instant.now().plus(LIVE_LEAD).truncatedTo(ChronoUnit.MILLIS);
    String prefix = "live-" + seed + "-" + firstClose.getEpochSecond() + "-";
    StringBuilder body = new StringBuilder();
    int stride = contacts / liveSends;
    for (int i = 0; i < liveSends; i++) {
      long offsetMillis = (long) i * liveSpreadSeconds * 1000 / liveSends;
      Instant sentAt = firstClose.minus(Duration.ofHours(1)).plusMillis(offsetMillis);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("send_id", prefix + i);
      row.put("contact_id", String.format("c%05d", i * stride + 1)); // as DemoGenerator names them
      row.put("message_id", LIVE_MESSAGE);
      row.put("channel", "push");
      row.put("sent_at", sentAt.toString());
      row.put("window_hours", 1);
      body.append(JSON.writeValueAsString(row)).append('\n');
    }
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.base().resolve("/v1/sends"))
        .timeout(Duration.ofMinutes(1))
        .header("Authorization", "Bearer " + options.key)
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    Instant posted = Instant.now();
    JsonNode answer = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    if (answer == null || answer.path("accepted").asLong() != liveSends) {
      report.fail("live: POST /v1/sends of " + liveSends + " sends: HTTP " + response.statusCode() + " "
          + Loader.abbreviate(response.body()));
      return;
    }
    report.log("live: %d sends posted, %.1f s before the first window closes; windows close until %s",
        liveSends, Duration.between(posted, firstClose).toMillis() / 1e3,
        firstClose.plusSeconds(liveSpreadSeconds));
    if (posted.isAfter(firstClose)) {
      report.fail("live: the sends were posted after the first window closed, which counts in the delays");
    }

    Instant deadline = firstClose.plusSeconds(liveSpreadSeconds).plus(Duration.ofMinutes(5));
    // Pending sends only, through the partial index sends_due: cheap enough to poll often.
    String pendingLive = "SELECT send_id FROM sends WHERE status = 'pending' AND send_id LIKE $1";
    Map<String, Instant> seen = new HashMap<>();
    Set<String> pending = new HashSet<>();
    for (int i = 0; i < liveSends; i++) {
      pending.add(prefix + i);
    }
    long done = 0;
    while (done < liveSends) {
      if (!server.alive()) {
        report.fail("live: the server exited; the end of its log:\n" + server.tail(30));
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        report.fail("live: " + done + " of " + liveSends + " sends evaluated 5 minutes after the last"
            + " window closed; by status " + byStatus(stores));
        return;
      }
      Thread.sleep(LIVE_POLL.toMillis());
      Set<String> still = new HashSet<>();
      for (Row r : stores.postgres(database, pendingLive, prefix + "%")) {
        still.add(r.getString(0));
      }
      Instant now = Instant.now();
      for (String id : pending) {
        if (!still.contains(id)) {
          seen.put(id, now);
        }
      }
      pending = still;
      done = liveSends - pending.size();
    }

    List<Row> rows = stores.postgres(database, "SELECT send_id, status, window_end, evaluated_at"
        + " FROM sends WHERE send_id LIKE $1", prefix + "%");
    long[] delays = new long[rows.size()];
    long[] stored = new long[rows.size()];
    Map<String, Long> statuses = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      statuses.merge(r.getString(1), 1L, Long::sum);
      Instant windowEnd = r.getOffsetDateTime(2).toInstant();
      delays[i] = Duration.between(windowEnd, r.getOffsetDateTime(3).toInstant()).toNanos() / 1000;
      stored[i] = Duration.between(windowEnd, seen.get(r.getString(0))).toNanos() / 1000;
    }
    Percentiles p = new Percentiles(delays);
    Percentiles q = new Percentiles(stored);
    report.log("live: %d sends evaluated; window end to evaluated_at p50 %s ms, p95 %s ms, max %s ms",
        p.count(), millis(p.at(50)), millis(p.at(95)), millis(p.max()));
    report.row("live sends", p.count() + "   " + statuses);
    report.row("live delay p50 (ms)", millis(p.at(50)));
    report.row("live delay p95 (ms)", millis(p.at(95)));
    report.row("live delay max (ms)", millis(p.max()));
    // When a reader sees the result, which need not be evaluated_at (the server's own stamp).
    report.log("live: window end to the result seen stored (polled every %d ms) p50 %s ms, p95 %s ms,"
        + " max %s ms", LIVE_POLL.toMillis(), millis(q.at(50)), millis(q.at(95)), millis(q.max()));
    report.row("live stored p50/p95/max (ms)", millis(q.at(50)) + " / " + millis(q.at(95)) + " / "
        + millis(q.max()) + "   (window end to status seen, poll " + LIVE_POLL.toMillis() + " ms)");
    if (p.min() < 0) {
      report.fail("live: a send was evaluated " + millis(-p.min()) + " ms before its window closed");
    }
  }

  private ServerProcess startServer(boolean evaluation) throws IOException, InterruptedException {
    return options.start(database, evaluation);
  }


  private int stopServer() throws InterruptedException {
    ServerProcess running = server;
    server = null;
    return running == null ? 0 : running.stop();
  }

  /** When the benchmark is interrupted, its server must not outlive it. */
  private void stopOnExit() {
    ServerProcess running = server;
    if (running != null && running.alive()) {
      try {
        running.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.err.println("evaluation benchmark: interrupted; the databases " + database
          + " are left behind");
    }
  }

  private JsonNode status() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.base().resolve("/v1/status"))
        .timeout(Duration.ofMinutes(1))
        .header("Authorization", "Bearer " + options.key)
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /v1/status: HTTP " + response.statusCode() + " "
          + Loader.abbreviate(response.body()));
    }
    return JSON.readTree(response.body());
  }

  private String byStatus(BenchStores stores) {
    try {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Row r : stores.postgres(database,
          "SELECT status, count(*) FROM sends GROUP BY status ORDER BY status")) {
        counts.put(r.getString(0), r.getLong(1));
      }
      return counts.toString();
    } catch (IOException | InterruptedException e) {
      return "(unknown: " + e.getMessage() + ")";
    }
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private static String format(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
