package dev.shiftlens.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Posts rows to the ingestion API as NDJSON batches, at most two requests in flight (the calling
 * thread builds batches, a pool of two sends them). Retries what the server says may succeed
 * later; ingestion is idempotent, so a retried batch cannot double-count. Events are drawn as they
 * are sent, so memory does not grow with the size of the dataset.
 */
public final class DemoLoader implements AutoCloseable {
  static final int BATCH_ROWS = 10_000;
  private static final int MAX_ATTEMPTS = 10;
  private static final int MAX_REJECTIONS_KEPT = 10;

  /** What the server answered for a set of rows; only the first few rejections are described. */
  public record Tally(long rows, long accepted, long duplicates, long rejected,
      List<String> firstRejections) {}

  /** The server refused in a way that retrying will not fix. */
  public static final class LoadException extends Exception {
    LoadException(String message) {
      super(message);
    }
  }

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final Semaphore inFlight = new Semaphore(2);
  private final URI base;
  private final String key;
  private final PrintStream out;

  /** {@code out} receives progress lines such as "demo: events 5000000/10000000 (50%)". */
  public DemoLoader(URI base, String key, PrintStream out) {
    this.base = base;
    this.key = key;
    this.out = out;
  }

  /** Polls {@code GET /health} until it answers 200. */
  public void awaitHealth(Duration timeout) throws LoadException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (true) {
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/health"))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = "HTTP " + response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new LoadException("server at " + base + " is not healthy after "
            + timeout.toSeconds() + " s: " + last);
      }
      Thread.sleep(1000);
    }
  }

  /** Whether {@code GET path} finds something (200) rather than nothing (404). */
  boolean exists(String path) throws LoadException, InterruptedException {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200 || response.statusCode() == 404) return response.statusCode() == 200;
      throw new LoadException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
    } catch (IOException e) {
      throw new LoadException("GET " + path + ": " + e);
    }
  }

  /**
   * Sets each message's holdout share ({@code PUT /v1/messages/{message_id}}), so that the server's
   * sample-ratio check has the intended split to compare with. Needs scope admin: with a key that
   * lacks it, says so and returns false instead of failing the load.
   */
  public boolean configureMessages(List<DemoMessage> messages) throws LoadException, InterruptedException {
    for (DemoMessage m : messages) {
      String path = "/v1/messages/" + java.net.URLEncoder.encode(m.messageId(), java.nio.charset.StandardCharsets.UTF_8);
      HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"holdout_share\": " + m.holdoutShare() + "}"))
          .build();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 403) {
          out.println("demo: the key lacks scope admin; holdout shares of the messages not configured");
          return false;
        }
        if (response.statusCode() != 200) {
          throw new LoadException("PUT " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
      } catch (IOException e) {
        throw new LoadException("PUT " + path + ": " + e);
      }
    }
    out.printf("demo: holdout shares of %d messages configured%n", messages.size());
    return true;
  }

  public Tally loadContacts(DemoDataset data) throws LoadException, InterruptedException {
    return load("/v1/contacts", "contacts", data.contacts(), DemoRows::contact,
        data.contacts().size());
  }

  public Tally loadEvents(DemoDataset data) throws LoadException, InterruptedException {
    return load("/v1/events", "events", data.events(), DemoRows::event, data.eventCount());
  }

  public Tally loadSends(DemoDataset data) throws LoadException, InterruptedException {
    return load("/v1/sends", "sends", data.sends(), DemoRows::send, data.sends().size());
  }

  /**
   * Posts all rows to {@code path} and prints progress as "demo: KIND DONE/TOTAL (P%)" each time
   * another tenth of the rows is stored, so that ten million events make ten lines. Stops
   * sending further batches once a row is rejected or a batch fails.
   */
  <T> Tally load(String path, String kind, Iterable<T> items, Function<T, Map<String, Object>> row,
      long total) throws LoadException, InterruptedException {
    List<Future<Tally>> pending = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<byte[]> batch = new ArrayList<>(BATCH_ROWS);
    long offset = 0;
    for (T item : items) {
      if (stop.get()) {
        break;
      }
      batch.add(line(row.apply(item)));
      if (batch.size() == BATCH_ROWS) {
        pending.add(submit(path, kind, batch, offset, total, done, stop));
        offset += batch.size();
        batch = new ArrayList<>(BATCH_ROWS);
      }
    }
    if (!batch.isEmpty() && !stop.get()) {
      pending.add(submit(path, kind, batch, offset, total, done, stop));
    }
    Tally sum = new Tally(0, 0, 0, 0, List.of());
    for (Future<Tally> f : pending) {
      try {
        sum = plus(sum, f.get());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof LoadException le) {
          throw le;
        }
        throw new LoadException(kind + ": " + e.getCause());
      }
    }
    return sum;
  }

  private Future<Tally> submit(String path, String kind, List<byte[]> batch, long offset,
      long total, AtomicLong done, AtomicBoolean stop) throws InterruptedException {
    inFlight.acquire(); // bounds both the requests in flight and the batches held in memory
    return pool.submit(() -> {
      try {
        Tally tally = post(path, kind, batch, offset);
        if (tally.rejected() > 0) {
          stop.set(true);
        }
        long now = done.addAndGet(batch.size());
        long tenths = now * 10 / Math.max(1, total);
        if (tenths > (now - batch.size()) * 10 / Math.max(1, total) || now == total) {
          out.printf("demo: %s %d/%d (%d%%)%n", kind, now, total, now * 100 / Math.max(1, total));
        }
        return tally;
      } catch (LoadException | RuntimeException e) {
        stop.set(true);
        throw e;
      } finally {
        inFlight.release();
      }
    });
  }

  private Tally post(String path, String kind, List<byte[]> lines, long offset)
      throws LoadException, InterruptedException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    lines.forEach(body::writeBytes);
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
        .build();
    String problem = "";
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Duration wait = Duration.ofMillis(Math.min(30_000, 500L << (attempt - 1)));
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 200) {
          return tally(kind, lines.size(), offset, DemoRows.JSON.readTree(response.body()));
        }
        if (status == 413 && lines.size() > 1) { // the server's size limit is below our batch
          int half = lines.size() / 2;
          return plus(post(path, kind, lines.subList(0, half), offset),
              post(path, kind, lines.subList(half, lines.size()), offset + half));
        }
        problem = "HTTP " + status + " " + response.body();
        if (status != 503 && status != 429) {
          throw new LoadException("POST " + path + " failed: " + problem);
        }
        wait = response.headers().firstValue("Retry-After")
            .flatMap(DemoLoader::seconds).map(Duration::ofSeconds).orElse(wait);
      } catch (IOException e) {
        problem = e.toString();
      }
      out.printf("demo: %s: %s; retrying in %d ms%n", path, problem, wait.toMillis());
      Thread.sleep(wait.toMillis());
    }
    throw new LoadException("POST " + path + " failed after " + MAX_ATTEMPTS + " attempts: "
        + problem);
  }

  private static Tally tally(String kind, int rows, long offset, JsonNode answer) {
    List<String> first = new ArrayList<>();
    JsonNode rejected = answer.path("rejected");
    for (JsonNode r : rejected) {
      if (first.size() < MAX_REJECTIONS_KEPT) {
        first.add(String.format("%s row %d, field %s: %s", kind, offset + r.path("row").asLong(),
            r.path("field").asText(), r.path("error").asText()));
      }
    }
    return new Tally(rows, answer.path("accepted").asLong(), answer.path("duplicates").asLong(),
        rejected.size(), first);
  }

  private static Tally plus(Tally a, Tally b) {
    List<String> first = new ArrayList<>(a.firstRejections());
    b.firstRejections().stream().limit(MAX_REJECTIONS_KEPT - first.size()).forEach(first::add);
    return new Tally(a.rows() + b.rows(), a.accepted() + b.accepted(),
        a.duplicates() + b.duplicates(), a.rejected() + b.rejected(), first);
  }

  private static Optional<Long> seconds(String retryAfter) {
    try {
      return Optional.of(Math.max(0, Long.parseLong(retryAfter.trim())));
    } catch (NumberFormatException e) {
      return Optional.empty(); // an HTTP date; our own backoff will do
    }
  }

  private static byte[] line(Map<String, Object> row) {
    try {
      byte[] json = DemoRows.JSON.writeValueAsBytes(row);
      byte[] line = Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a demo row as JSON", e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
