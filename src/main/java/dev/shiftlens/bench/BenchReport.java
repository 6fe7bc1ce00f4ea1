package dev.shiftlens.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a benchmark says: progress on standard error, and at the end a summary of figures and the
 * checks that failed on standard output. Also the parsing of its numeric options. Main thread only.
 */
final class BenchReport {
  private final String name;
  private final int width;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  /** @param width column of the figures in the summary */
  BenchReport(String name, int width) {
    this.name = name;
    this.width = width;
  }

  void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, name + ": " + format + "%n", args);
  }

  void row(String figure, String value) {
    rows.add(new String[] {figure, value});
  }

  void fail(String message) {
    failures.add(message);
    System.err.println(name + ": FAILED: " + message);
  }

  /** Prints the summary; true when no check failed. */
  boolean print() {
    System.out.println();
    for (String[] line : rows) {
      System.out.printf(Locale.ROOT, "%-" + width + "s%s%n", line[0], line[1]);
    }
    for (String failure : failures) {
      System.out.println("FAILED: " + failure);
    }
    return failures.isEmpty();
  }

  /** A positive whole number; underscores may group digits. */
  static int positive(String option, String value) {
    int n = Integer.parseInt(value.replace("_", ""));
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be positive");
    }
    return n;
  }

  static String stripSlash(String value) {
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }
}
