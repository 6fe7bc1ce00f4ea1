package dev.shiftlens.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The {@code import} command: streams a CSV or NDJSON file to {@code POST /v1/contacts}, {@code /v1/events} or
 * {@code /v1/sends} of a running server, one chunk at a time (a CSV chunk repeats the header row), so that the server's
 * validation, deduplication and idempotence apply and the file is never held whole. Chunks go one after another, in
 * file order, because the rows of one contact must apply in order. Rejected rows are written to a file with their line
 * in the input, field and reason. Runs on the main thread.
 */
public final class ImportCommand {
  static final int EXIT_OK = 0, EXIT_REJECTED = 1, EXIT_USAGE = 2, EXIT_REFUSED = 3;
  private static final int MAX_CHUNK_ROWS = 10_000; // the server lists at most 10,000 rejections per body
  private static final int MAX_CHUNK_BYTES = 8 << 20;
  private static final String USAGE = """
      usage: java -jar shiftlens.jar import contacts|events|sends FILE [options]
        --url URL         server base URL (default http://127.0.0.1:$SHIFTLENS_HTTP_PORT, port 8080)
        --key KEY         API key with scope ingest (default $SHIFTLENS_API_KEY)
        --format F        csv or ndjson (default from the name: .csv, .ndjson or .jsonl, each optionally .gz)
        --gzip            the file is gzip-compressed (default: when its name ends in .gz)
        --rejected PATH   where to write the rejected rows (default FILE.rejected.ndjson)
        --chunk-rows N    rows per request, 1-10000 (default 5000)
        --retries N       attempts per chunk on 503, 429 or a connection error (default 10)
        --progress P      auto, bar, lines or none (default auto: a bar on a terminal, else a line every 10 s)
      exit status: 0 every row stored or already there, 1 rows were rejected, 2 bad arguments or an unreadable file,
                   3 the server refused a request or could not be reached (rows of earlier chunks are stored;
                   running the same import again is safe)""";

  /** The parsed command line. */
  record Options(String kind, Path file, URI url, String key, boolean csv, boolean gzip, Path rejected, int chunkRows,
      int attempts, long firstPauseMs, ProgressMeter.Mode progress) {}

  /** What the server answered, added up over the chunks. */
  record Totals(long rows, long accepted, long duplicates, long rejected) {}

  private ImportCommand() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command as {@code main} does and returns the exit status. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("import: " + e.getMessage());
      err.println(USAGE);
      return EXIT_USAGE;
    }
    long started = System.nanoTime();
    long size;
    try {
      size = Files.size(o.file());
    } catch (IOException e) {
      err.println("import: cannot read " + o.file() + ": " + e.getMessage());
      return EXIT_USAGE;
    }
    ProgressMeter meter = new ProgressMeter(err, o.progress(), o.kind(), size, 10_000);
    ChunkPoster poster = new ChunkPoster(o.url().resolve("/v1/" + o.kind()), o.key(),
        o.csv() ? "text/csv" : "application/x-ndjson", o.attempts(), o.firstPauseMs(), meter::note);
    long[] totals = new long[4]; // rows, accepted, duplicates, rejected
    String stopped = null;
    int failure = EXIT_REFUSED;
    try (Counting c = new Counting(Files.newInputStream(o.file()));
         InputStream in = o.gzip() ? new GZIPInputStream(c, 64 * 1024) : new BufferedInputStream(c, 64 * 1024);
         Rejections rejections = new Rejections(o.rejected())) {
      InputRecords records = new InputRecords(in, o.csv());
      byte[] header = null;
      if (o.csv()) {
        InputRecords.Input first = records.next();
        if (first == null) {
          err.println("import: " + o.file() + " has no header row");
          return EXIT_USAGE;
        }
        header = first.bytes();
      }
      List<InputRecords.Input> chunk = new ArrayList<>(o.chunkRows());
      InputRecords.Input next = records.next();
      while (next != null) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
        if (header != null) body.write(header, 0, header.length);
        if (header != null) body.write('\n');
        chunk.clear();
        while (next != null && chunk.size() < o.chunkRows() && (chunk.isEmpty() || body.size() + next.bytes().length < MAX_CHUNK_BYTES)) {
          body.write(next.bytes(), 0, next.bytes().length);
          body.write('\n');
          chunk.add(next);
          next = records.next();
        }
        String where = "lines " + chunk.get(0).line() + "-" + chunk.get(chunk.size() - 1).line();
        JsonNode answer = poster.post(body.toByteArray(), where);
        totals[0] += chunk.size();
        totals[1] += answer.path("accepted").asLong();
        totals[2] += answer.path("duplicates").asLong();
        totals[3] += Math.max(answer.path("rejected").size(), answer.path("rejected_count").asLong());
        for (JsonNode r : answer.path("rejected")) {
          int row = r.path("row").asInt(-1);
          rejections.add(row >= 0 && row < chunk.size() ? chunk.get(row) : null, r.path("field"), r.path("error").asText());
        }
        meter.update(c.count(), totals[0]);
      }
      meter.finish(c.count(), totals[0]);
    } catch (ChunkPoster.Refused e) {
      stopped = e.getMessage();
    } catch (IOException e) {
      stopped = "reading " + o.file() + ": " + e.getMessage();
      failure = EXIT_USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = "interrupted";
    }
    Totals t = new Totals(totals[0], totals[1], totals[2], totals[3]);
    out.printf(Locale.ROOT, "import %s: %,d rows read from %s in %.1f s: %,d accepted, %,d duplicates, %,d rejected%n", o.kind(), t.rows(),
        o.file(), (System.nanoTime() - started) / 1e9, t.accepted(), t.duplicates(), t.rejected());
    if (t.rejected() > 0) out.println("import: rejected rows (line, field, error, input) written to " + o.rejected());
    if (stopped != null) {
      err.println("import: stopped: " + stopped);
      err.println("import: the rows of earlier requests are stored; running the same import again is safe");
      return failure;
    }
    return t.rejected() > 0 ? EXIT_REJECTED : EXIT_OK;
  }

  static Options parse(String[] args, Map<String, String> env) {
    List<String> positional = new ArrayList<>();
    Map<String, String> given = new HashMap<>();
    boolean gzipFlag = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--gzip")) {
        gzipFlag = true;
      } else if (a.startsWith("--")) {
        if (!a.matches("--(url|key|format|rejected|chunk-rows|retries|progress|first-retry-ms)")) {
          throw new IllegalArgumentException("unknown option " + a);
        }
        if (i + 1 == args.length) throw new IllegalArgumentException(a + " needs a value");
        given.put(a.substring(2), args[++i]);
      } else {
        positional.add(a);
      }
    }
    if (positional.size() != 2) throw new IllegalArgumentException("expected what to import and a file");
    String kind = positional.get(0);
    if (!List.of("contacts", "events", "sends").contains(kind)) {
      throw new IllegalArgumentException("cannot import '" + kind + "': choose contacts, events or sends");
    }
    Path file = Path.of(positional.get(1));
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no file " + file);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean gzip = gzipFlag || name.endsWith(".gz");
    String bare = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    String format = given.getOrDefault("format",
        bare.endsWith(".csv") ? "csv" : bare.endsWith(".ndjson") || bare.endsWith(".jsonl") ? "ndjson" : "");
    if (format.isEmpty()) throw new IllegalArgumentException("cannot tell the format of " + file + " from its name: pass --format csv or --format ndjson");
    if (!format.equals("csv") && !format.equals("ndjson")) throw new IllegalArgumentException("--format must be csv or ndjson");
    URI url = URI.create(given.getOrDefault("url", "http://127.0.0.1:" + env.getOrDefault("SHIFTLENS_HTTP_PORT", "8080")));
    String key = given.getOrDefault("key", env.get("SHIFTLENS_API_KEY"));
    if (key == null || key.isBlank()) throw new IllegalArgumentException("no API key: pass --key or set SHIFTLENS_API_KEY");
    Path rejected = given.containsKey("rejected") ? Path.of(given.get("rejected")) : file.resolveSibling(file.getFileName() + ".rejected.ndjson");
    int chunkRows = (int) number(given, "chunk-rows", 5000, 1, MAX_CHUNK_ROWS);
    int attempts = (int) number(given, "retries", 10, 1, 1000);
    long firstPause = number(given, "first-retry-ms", 500, 0, 60_000);
    ProgressMeter.Mode progress = switch (given.getOrDefault("progress", "auto")) {
      case "auto" -> stderrIsTerminal() ? ProgressMeter.Mode.BAR : ProgressMeter.Mode.LINES;
      case "bar" -> ProgressMeter.Mode.BAR;
      case "lines" -> ProgressMeter.Mode.LINES;
      case "none" -> ProgressMeter.Mode.NONE;
      default -> throw new IllegalArgumentException("--progress must be auto, bar, lines or none");
    };
    return new Options(kind, file, url, key, format.equals("csv"), gzip, rejected, chunkRows, attempts, firstPause, progress);
  }

  private static long number(Map<String, String> given, String name, long fallback, long min, long max) {
    if (!given.containsKey(name)) return fallback;
    try {
      long v = Long.parseLong(given.get(name));
      if (v < min || v > max) throw new IllegalArgumentException("--" + name + " must be from " + min + " to " + max);
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number");
    }
  }

  /**
   * Whether standard error is a terminal. Java 17 can only tell for standard input and output together
   * ({@code System.console()}), so on Linux the descriptor's target is read instead.
   */
  private static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  /** Counts the bytes read from the file (compressed bytes for a .gz), for the progress. */
  private static final class Counting extends FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }
  }

  /**
   * The rejected-rows file: one JSON object a line with the row's line in the input, the field and the reason, and the
   * row's own text, so that it can be corrected and imported again. Created at the first rejection; a file left by an
   * earlier import of the same input is replaced, or removed when this import rejects nothing.
   */
  private static final class Rejections implements AutoCloseable {
    private final Path path;
    private BufferedWriter writer;

    Rejections(Path path) {
      this.path = path;
    }

    void add(InputRecords.Input input, JsonNode field, String error) throws IOException {
      if (writer == null) writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
      ObjectNode line = ChunkPoster.JSON.createObjectNode();
      if (input == null) line.putNull("line");
      else line.put("line", input.line());
      line.set("field", field.isMissingNode() ? null : field);
      line.put("error", error);
      if (input == null) line.putNull("input");
      else line.put("input", new String(input.bytes(), StandardCharsets.UTF_8));
      writer.write(ChunkPoster.JSON.writeValueAsString(line));
      writer.newLine();
    }

    @Override
    public void close() throws IOException {
      if (writer != null) writer.close();
      else Files.deleteIfExists(path);
    }
  }
}
