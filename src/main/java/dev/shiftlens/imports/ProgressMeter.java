package dev.shiftlens.imports;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows how far an import is on standard error: bytes of the file read of its size, rows sent (and, from the bytes,
 * an estimate of the total), rows per second and the time left. On a terminal one line is redrawn in place at most
 * five times a second; otherwise (a log file, a pipe) a plain line is printed every few seconds. Called from the
 * importing thread only.
 */
final class ProgressMeter {
  enum Mode { BAR, LINES, NONE }

  private final PrintStream err;
  private final Mode mode;
  private final String label;
  private final long totalBytes;
  private final long linesEveryMs;
  private final long started = System.nanoTime();
  private long lastShown;
  private boolean drawn;

  ProgressMeter(PrintStream err, Mode mode, String label, long totalBytes, long linesEveryMs) {
    this.err = err;
    this.mode = mode;
    this.label = label;
    this.totalBytes = totalBytes;
    this.linesEveryMs = linesEveryMs;
    this.lastShown = started;
  }

  /** After each chunk: shows the progress if it is time to. */
  void update(long bytes, long rows) {
    long now = System.nanoTime();
    long every = mode == Mode.BAR ? 200 : linesEveryMs;
    if (mode == Mode.NONE || (now - lastShown) / 1_000_000 < every) return;
    lastShown = now;
    show(bytes, rows);
  }

  /** At the end: the final state, on a line of its own. */
  void finish(long bytes, long rows) {
    if (mode == Mode.NONE) return;
    show(bytes, rows);
    if (mode == Mode.BAR) err.print('\n');
    drawn = false;
    err.flush();
  }

  /** A message (such as a retry) on a line of its own, without breaking the bar. */
  void note(String message) {
    if (drawn) err.print("\r\033[K");
    err.println("import: " + message);
    drawn = false;
    err.flush();
  }

  private void show(long bytes, long rows) {
    String text = line(bytes, rows, (System.nanoTime() - started) / 1e9);
    if (mode == Mode.BAR) {
      err.print("\r\033[K" + bar(bytes) + " " + text);
      drawn = true;
    } else {
      err.println("import: " + label + " " + text);
    }
    err.flush();
  }

  /** "45% 12.3 of 27.1 MiB, rows 120,000 of ~266,000, 41,200 rows/s, ETA 0:04". */
  String line(long bytes, long rows, double seconds) {
    double share = totalBytes <= 0 ? 1 : Math.min(1, (double) bytes / totalBytes);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%3d%% %s of %s, rows %,d", (int) Math.floor(share * 100),
        size(bytes), size(totalBytes), rows));
    if (share > 0 && share < 1) sb.append(String.format(Locale.ROOT, " of ~%,d", Math.round(rows / share)));
    double rate = seconds > 0 ? rows / seconds : 0;
    sb.append(String.format(Locale.ROOT, ", %,.0f rows/s", rate));
    if (share > 0 && share < 1) sb.append(", ETA ").append(clock(seconds / share - seconds));
    else if (share >= 1) sb.append(", ").append(clock(seconds)).append(" elapsed");
    return sb.toString();
  }

  private String bar(long bytes) {
    int width = 24;
    int filled = totalBytes <= 0 ? width : (int) Math.min(width, bytes * width / totalBytes);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }

  private static String size(long bytes) {
    if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    return String.format(Locale.ROOT, "%.2f GiB", bytes / 1073741824.0);
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
