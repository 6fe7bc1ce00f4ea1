package dev.shiftlens.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code demo} command: generates the demo dataset, writes its ground truth, and loads it into
 * a running server. Runs on the main thread; exits 0 on success, 1 when loading fails or a row is
 * rejected, 2 on bad arguments.
 */
public final class DemoCommand {
  private static final String USAGE = """
      usage: java -jar shiftlens.jar demo [--url URL] [--key KEY] [--seed N] [--contacts N]
                                         [--days N] [--anchor INSTANT] [--truth FILE]
                                         [--behavior poisson|bursty|realistic] [--force]
        --url       server base URL (default http://127.0.0.1:$SHIFTLENS_HTTP_PORT, port 8080)
        --key       API key with scope ingest, and admin to set the messages' holdout shares (default $SHIFTLENS_API_KEY)
        --seed      random seed (default 42)
        --contacts  number of contacts (default 3000)
        --days      days of data, ending at the anchor; sends fall in the last 7, or 60 when
                    realistic (default 35, or 90 when realistic)
        --anchor    end of the data, an ISO instant on a whole hour (default now, to the hour)
        --truth     where to write the ground truth (default target/demo/ground-truth.json)
        --behavior  poisson: independent events (default); bursty: events in sessions;
                    realistic: sessions, 60 days of frequent overlapping sends, a daily campaign,
                    a rare event, lapsed contacts and contacts without a zone
        --force     load even when the server already holds a demo dataset of this seed""";

  private DemoCommand() {}

  /** The parsed command line. */
  record Options(URI url, String key, DemoSpec spec, Path truth, boolean force) {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out));
  }

  /** Runs the command as {@code main} does, but returns the exit status (for tests that load a demo). */
  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    Options options;
    try {
      options = parse(args, env);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    long started = System.nanoTime();
    DemoSpec spec = options.spec();
    DemoDataset data = DemoGenerator.generate(spec);
    out.printf("demo: generated %d contacts, %d events, %d sends (seed %d, %s to %s) in %.1f s%n",
        data.contacts().size(), data.eventCount(), data.sends().size(), spec.seed(),
        spec.spanStart(), spec.anchor(), seconds(started));
    try (DemoLoader loader = new DemoLoader(options.url(), options.key(), out)) {
      loader.awaitHealth(Duration.ofSeconds(60));
      // Ids repeat for a seed whatever the anchor, so a second load at a later hour would mix two
      // datasets under the same ids; the sends go last, so their first one marks a finished load.
      String marker = "/v1/sends/" + data.sends().get(0).sendId();
      if (!options.force() && loader.exists(marker)) {
        out.println("demo: the server already holds the demo dataset of seed " + spec.seed()
            + " (found " + marker + "); nothing loaded. Use --force to load anyway, or --seed for another dataset.");
        return 0;
      }
      data.truth().writeJson(options.truth());
      out.println("demo: ground truth written to " + options.truth());
      loader.configureMessages(data.truth().messages());
      // Events go before sends: a send whose window has closed may be evaluated once it lands.
      DemoLoader.Tally contacts = loader.loadContacts(data);
      DemoLoader.Tally events = contacts.rejected() > 0 ? null : loader.loadEvents(data);
      DemoLoader.Tally sends = events == null || events.rejected() > 0 ? null
          : loader.loadSends(data);
      for (DemoLoader.Tally t : new DemoLoader.Tally[] {contacts, events, sends}) {
        if (t != null && t.rejected() > 0) {
          System.err.printf("demo: %d rows rejected, the first:%n", t.rejected());
          t.firstRejections().forEach(r -> System.err.println("  " + r));
          return 1;
        }
      }
      out.printf("demo: done in %.1f s: %s, %s, %s%n", seconds(started),
          summary("contacts", contacts), summary("events", events), summary("sends", sends));
      return 0;
    } catch (DemoLoader.LoadException | IOException e) {
      System.err.println("demo: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("demo: interrupted");
      return 1;
    }
  }

  static Options parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new HashMap<>();
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--force")) {
        force = true;
        continue;
      }
      if (!name.matches("--(url|key|seed|contacts|days|anchor|truth|behavior)")) {
        throw new IllegalArgumentException("unknown argument " + name);
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      given.put(name.substring(2), args[++i]);
    }
    String port = env.getOrDefault("SHIFTLENS_HTTP_PORT", "8080");
    URI url = URI.create(given.getOrDefault("url", "http://127.0.0.1:" + port));
    String key = given.getOrDefault("key", env.get("SHIFTLENS_API_KEY"));
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("no API key: pass --key or set SHIFTLENS_API_KEY");
    }
    Instant anchor = given.containsKey("anchor") ? instant(given.get("anchor"))
        : Instant.now().truncatedTo(ChronoUnit.HOURS);
    Behavior behavior = Behavior.preset(given.getOrDefault("behavior", "poisson"));
    // Sixty days of sends need their four weeks of baseline before them.
    int days = behavior.sendDays() + behavior.minBaselineDays() > 35 ? 90 : 35;
    DemoSpec spec = new DemoSpec(number(given, "seed", 42), (int) number(given, "contacts", 3000),
        (int) number(given, "days", days), anchor, behavior);
    Path truth = Path.of(given.getOrDefault("truth", "target/demo/ground-truth.json"));
    return new Options(url, key, spec, truth, force);
  }

  private static long number(Map<String, String> given, String name, long fallback) {
    try {
      return given.containsKey(name) ? Long.parseLong(given.get(name)) : fallback;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number");
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--anchor must be an ISO instant such as 2026-03-01T12:00:00Z");
    }
  }

  private static String summary(String kind, DemoLoader.Tally t) {
    return String.format("%s %d (accepted %d, duplicates %d)", kind, t.rows(), t.accepted(),
        t.duplicates());
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
