package dev.shiftlens.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** NDJSON event bodies for tests: distinct instance ids under a prefix, spread over a few contacts. */
public final class TestEvents {
  /** A time that every server accepts: a day ago, whole seconds. */
  public static final String RECENT = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

  private TestEvents() {}

  /** {@code rows} events with instance ids {@code prefix0, prefix1, ...} over {@code contacts} contacts. */
  public static String ndjson(String prefix, int rows, int contacts) {
    StringBuilder sb = new StringBuilder(rows * 120);
    for (int i = 0; i < rows; i++) {
      sb.append("{\"contact_id\":\"").append(prefix).append('c').append(i % contacts).append("\",\"timestamp\":\"").append(RECENT)
          .append("\",\"event_name\":\"x\",\"event_instance_id\":\"").append(prefix).append(i).append("\"}\n");
    }
    return sb.toString();
  }
}
