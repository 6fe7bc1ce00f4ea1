package dev.shiftlens.bench;

import dev.shiftlens.demo.DemoContact;
import dev.shiftlens.demo.DemoDataset;
import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoLoader;
import dev.shiftlens.demo.DemoSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency benchmark of the per-contact views ({@code /v1/contacts/{id}/baseline}, {@code /shifts},
 * {@code /preferences}) under an open-loop load: requests go out at a fixed rate whatever the
 * answers do, to random contacts and random views, and each latency is measured from the moment
 * the request was due, not from when it was sent, so that a stalled server cannot hide its stall
 * by holding back the client (coordinated omission).
 *
 * <pre>
 * java -cp target/shiftlens.jar dev.shiftlens.bench.ContactViewsBenchmark --contacts 20000
 * java -cp target/shiftlens.jar dev.shiftlens.bench.ContactViewsBenchmark --database shiftlens_evalbench_1764370000
 * </pre>
 *
 * Usually run through {@code bench/contacts.sh}. Without {@code --database} it generates the demo
 * dataset, loads it into a server on fresh databases with evaluation on and waits until every send
 * is evaluated, then measures; it drops the databases at the end unless {@code --keep}. With
 * {@code --database NAME} it measures against databases another benchmark loaded (e.g.
 * {@code bench/evaluate.sh --keep}) and leaves them as they are. Exits 1 when a check fails (p99 at or
 * above {@code --p99-ms} overall or for a view, or any answer other than 200), 2 on bad arguments.
 */
public final class ContactViewsBenchmark {
  private static final List<String> ALL_VIEWS = List.of("baseline", "shifts", "preferences");
  private static final String PENDING = "SELECT count(*) FROM sends WHERE status = 'pending'";

  private long seed = 20261128L;
  private int contacts = 20_000;
  private int days = 35;
  private int rate = 500;
  private int seconds = 60;
  private int warmupSeconds = 15;
  private int connections = 64;
  private double p99Limit = 50;
  private int timeoutMinutes = 20;
  private boolean keep;
  private String existing;
  private String database = "shiftlens_viewbench_" + Instant.now().getEpochSecond();
  private final ServerOptions options = new ServerOptions(18187, "2g", Path.of("target/viewbench-server.log"));

  private List<String> views = ALL_VIEWS;
  private final BenchReport report = new BenchReport("contact views benchmark", 34);
  private volatile ServerProcess server;

  private ContactViewsBenchmark() {}

  public static void main(String[] args) throws Exception {
    ContactViewsBenchmark bench = new ContactViewsBenchmark();
    BenchArgs.main("contact views benchmark", "ContactViewsBenchmark [--database NAME | --contacts N --days N --seed N --keep]"
        + " [--views baseline,shifts,preferences] [--rate N] [--seconds N] [--warmup-seconds N] [--connections N] [--p99-ms X]"
        + " [--timeout-minutes N] " + ServerOptions.USAGE, () -> bench.parse(args), bench::run);
  }

  private void parse(String[] args) {
    BenchArgs.parse(args, Set.of("--keep"), flag -> keep = true, (option, value) -> {
      switch (option) {
        case "--database" -> existing = value;
        case "--views" -> {
          views = List.of(value.split(","));
          if (views.isEmpty() || !ALL_VIEWS.containsAll(views)) throw new IllegalArgumentException("--views takes some of " + ALL_VIEWS);
        }
        case "--contacts" -> contacts = BenchReport.positive(option, value);
        case "--days" -> days = BenchReport.positive(option, value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--rate" -> rate = BenchReport.positive(option, value);
        case "--seconds" -> seconds = BenchReport.positive(option, value);
        case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(value);
        case "--connections" -> connections = BenchReport.positive(option, value);
        case "--p99-ms" -> p99Limit = Double.parseDouble(value);
        case "--timeout-minutes" -> timeoutMinutes = BenchReport.positive(option, value);
        default -> {
          if (!options.set(option, value)) throw new IllegalArgumentException("unknown option " + option);
        }
      }
    });
    if (existing != null) database = existing;
    ServerOptions.checkDatabase(database);
    if (warmupSeconds < 0) throw new IllegalArgumentException("--warmup-seconds must not be negative");
  }

  private boolean run() throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopOnExit, "stop-server"));
    Files.deleteIfExists(options.log);
    try (BenchStores stores = new BenchStores(options.clickhouseUrl, options.pgServer)) {
      try {
        List<String> ids;
        if (existing != null) {
          ids = new ArrayList<>();
          for (Row r : stores.postgres(database, "SELECT contact_id FROM contacts")) ids.add(r.getString(0));
          report.log("databases: %s as loaded before, %d contacts (server log: %s)", database, ids.size(), options.log);
          if (ids.isEmpty()) {
            report.fail("the database " + database + " has no contacts");
            return report.print();
          }
          server = startServer(false);
        } else {
          stores.drop(database);
          report.log("databases: fresh %s (server log: %s)", database, options.log);
          ids = load(stores);
          if (ids == null) return report.print();
        }
        report.row("database", database + (existing != null ? "   (existing)" : "   (loaded by this run)"));
        report.row("contacts", Integer.toString(ids.size()));
        report.row("sends", Long.toString(stores.postgres(database, "SELECT count(*) FROM sends").get(0).getLong(0)));
        if (!server.alive()) {
          // Another process on the port may have answered /health in its stead.
          report.fail("the server exited; the end of its log:\n" + server.tail(10));
          return report.print();
        }
        measure(ids);
        List<String> warnings = server.warnings();
        report.row("server log warnings", warnings.size() + (warnings.isEmpty() ? "" : "   (first: " + Loader.abbreviate(warnings.get(0)) + ")"));
      } catch (IOException | DemoLoader.LoadException e) {
        report.fail(e.getMessage() != null ? e.getMessage() : e.toString());
      } finally {
        stopServer();
        if (existing == null && !keep) {
          try {
            report.log("dropping the databases %s", database);
            stores.drop(database);
          } catch (IOException e) {
            report.log("could not drop the databases %s: %s", database, e.getMessage());
          }
        } else if (existing == null) {
          report.log("kept the databases %s (--keep)", database);
        }
      }
    }
    return report.print();
  }

  /** Generates and loads the demo dataset, waits until its sends are evaluated; returns the contact ids, or null on failure. */
  private List<String> load(BenchStores stores) throws IOException, InterruptedException, DemoLoader.LoadException {
    long t0 = System.nanoTime();
    DemoDataset data = DemoGenerator.generate(new DemoSpec(seed, contacts, days, Instant.now().truncatedTo(ChronoUnit.HOURS)));
    report.log("generated %d contacts, %d events, %d sends in %.1f s", contacts, data.eventCount(), data.sends().size(), seconds(t0));
    server = startServer(true);
    PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    try (DemoLoader loader = new DemoLoader(server.base(), options.key, progress)) {
      t0 = System.nanoTime();
      for (DemoLoader.Tally t : List.of(loader.loadContacts(data), loader.loadEvents(data), loader.loadSends(data))) {
        if (t.rejected() > 0) {
          report.fail("load: " + t.rejected() + " rows rejected, first: " + t.firstRejections());
          return null;
        }
      }
      report.log("loaded in %.1f s; waiting for the sends to be evaluated", seconds(t0));
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(timeoutMinutes).toNanos();
    long pending;
    while ((pending = stores.postgres(database, PENDING).get(0).getLong(0)) > 0) {
      if (System.nanoTime() > deadline || !server.alive()) {
        report.fail("evaluation: " + pending + " sends still pending; the end of the server log:\n" + server.tail(20));
        return null;
      }
      Thread.sleep(1000);
    }
    report.log("every send evaluated %.1f s after the load", seconds(t0));
    return data.contacts().stream().map(DemoContact::contactId).toList();
  }

  /** The warm-up, then the measured run; fills the report. */
  private void measure(List<String> ids) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(options.port)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    try {
      if (warmupSeconds > 0) {
        report.log("warm-up: %d s at %d requests/s", warmupSeconds, rate);
        load(http, ids, warmupSeconds, new SplittableRandom(seed ^ 1));
      }
      report.log("measuring: %d s at %d requests/s over %d connections at most", seconds, rate, connections);
      long clickhousePid = ProcessCpu.clickhouse(options.clickhouseUrl);
      double cpu0 = ProcessCpu.seconds(server.pid());
      double chCpu0 = ProcessCpu.seconds(clickhousePid);
      Run run = load(http, ids, seconds, new SplittableRandom(seed));
      double cpu = ProcessCpu.seconds(server.pid()) - cpu0;
      double chCpu = ProcessCpu.seconds(clickhousePid) - chCpu0;
      report.row("rate asked (requests/s)", Integer.toString(rate));
      report.row("rate achieved (requests/s)", String.format(Locale.ROOT, "%.1f   (sent %d in %.1f s; lag of the sender max %.1f ms)",
          run.sent / run.sendSeconds, run.sent, run.sendSeconds, run.maxLagMicros / 1000.0));
      if (cpu0 >= 0) {
        report.row("server CPU (cores)", String.format(Locale.ROOT, "%.2f   (%.2f ms a request)", cpu / run.sendSeconds, cpu * 1000 / run.sent));
      }
      if (chCpu0 >= 0) {
        report.row("ClickHouse CPU (cores)", String.format(Locale.ROOT, "%.2f   (all its queries, ours and others')",
            chCpu / run.sendSeconds));
      }
      report.row("machine load average", String.format(Locale.ROOT, "%.1f   (1 minute, at the end; %d cores)",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors()));
      // One snapshot: answers that come in late must not change the figures while they are printed.
      Map<String, long[]> measured = new HashMap<>();
      run.latencies.forEach((view, samples) -> measured.put(view, samples.values()));
      long[] all = new long[measured.values().stream().mapToInt(v -> v.length).sum()];
      int at = 0;
      for (String view : views) {
        long[] v = measured.get(view);
        System.arraycopy(v, 0, all, at, v.length);
        at += v.length;
        line(view, v);
      }
      line("all", all);
      if (run.errors.get() > 0) report.fail(run.errors.get() + " answers other than 200, first: " + run.firstError.get());
    } finally {
      http.close();
      vertx.close();
    }
  }

  private void line(String name, long[] micros) {
    if (micros.length == 0) {
      report.fail(name + ": no answer measured");
      return;
    }
    Percentiles p = new Percentiles(micros);
    report.row(name + " p50/p95/p99/max (ms)", String.format(Locale.ROOT, "%s / %s / %s / %s   (%d requests)",
        ms(p.at(50)), ms(p.at(95)), ms(p.at(99)), ms(p.max()), p.count()));
    if (p.at(99) / 1000.0 >= p99Limit) report.fail(name + ": p99 " + ms(p.at(99)) + " ms is not under " + p99Limit + " ms");
  }

  /** Latencies of one view, in microseconds; filled by the client's event loop. */
  private static final class Samples {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long micros) {
      if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
      values[size++] = micros;
    }

    synchronized long[] values() {
      return java.util.Arrays.copyOf(values, size);
    }
  }

  private record Run(Map<String, Samples> latencies, long sent, double sendSeconds, long maxLagMicros, AtomicInteger errors,
      AtomicReference<String> firstError) {}

  /**
   * Sends {@code rate x seconds} requests, request i due at {@code start + i / rate}; the sender sleeps
   * until each is due and hands it to the client without waiting for earlier answers. Waits for every
   * answer (at most a minute after the last send).
   */
  private Run load(HttpClient http, List<String> ids, int duration, SplittableRandom random) throws InterruptedException {
    Map<String, Samples> latencies = new HashMap<>();
    views.forEach(v -> latencies.put(v, new Samples()));
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    long n = (long) rate * duration;
    CountDownLatch done = new CountDownLatch((int) n);
    long period = 1_000_000_000L / rate;
    long start = System.nanoTime() + 10_000_000L;
    long maxLag = 0;
    for (long i = 0; i < n; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      maxLag = Math.max(maxLag, System.nanoTime() - due);
      String view = views.get(random.nextInt(views.size()));
      String uri = "/v1/contacts/" + URLEncoder.encode(ids.get(random.nextInt(ids.size())), StandardCharsets.UTF_8) + "/" + view;
      http.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri).putHeader("Authorization", "Bearer " + options.key))
          .compose(req -> req.send().compose(resp -> resp.body().map(body -> {
            if (resp.statusCode() != 200) {
              errors.incrementAndGet();
              firstError.compareAndSet(null, uri + ": HTTP " + resp.statusCode() + " " + Loader.abbreviate(body.toString()));
            }
            return null;
          })))
          .onComplete(result -> {
            if (result.failed()) {
              errors.incrementAndGet();
              firstError.compareAndSet(null, uri + ": " + result.cause());
            }
            latencies.get(view).add((System.nanoTime() - due) / 1000);
            done.countDown();
          });
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    if (!done.await(1, TimeUnit.MINUTES)) report.fail(done.getCount() + " requests unanswered a minute after the last was sent");
    return new Run(latencies, n, sendSeconds, maxLag / 1000, errors, firstError);
  }

  private ServerProcess startServer(boolean evaluation) throws IOException, InterruptedException {
    return options.start(database, evaluation);
  }


  private void stopServer() throws InterruptedException {
    ServerProcess running = server;
    server = null;
    if (running != null) running.stop();
  }

  private void stopOnExit() {
    ServerProcess running = server;
    if (running != null && running.alive()) {
      try {
        running.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
