package dev.shiftlens.ingest;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One row as read from the body, before validation: field names with values that are {@link String},
 * {@link Number}, {@link Boolean}, {@code null} (a JSON null) or {@link Json} (an object or array as
 * compact text). CSV rows hold only strings and say so with {@link #textual()}. Reused row after row
 * by one request, on one thread.
 */
final class RawRow {
  /** A JSON object or array kept as compact text. */
  record Json(String text, boolean isObject) {}

  /**
   * The field names the validators and {@link TrackReader} ask for. Names read from a body are replaced by these very
   * instances, so that looking a field up compares references, not characters.
   */
  private static final Map<String, String> KNOWN = Stream.of(
          "contact_id", "country", "push_token", "phone_number", "email_address", "timezone",
          "timestamp", "event_name", "event_instance_id", "metadata",
          "send_id", "message_id", "channel", "sent_at", "labels", "holdout", "window_hours",
          // the members of a Segment message that TrackReader asks for
          "type", "userId", "anonymousId", "event", "messageId", "properties", "context", "originalTimestamp", "sentAt")
      .collect(Collectors.toUnmodifiableMap(n -> n, n -> n));

  private String[] names = new String[16];
  private Object[] values = new Object[16];
  private int size;
  private boolean textual;

  void reset(boolean textual) {
    size = 0; // the values of the previous row stay referenced until overwritten: at most one row's worth
    this.textual = textual;
  }

  /**
   * Adds a field. The readers refuse a key given twice before they get here (a JSON key, a CSV header),
   * so the names are not compared: a row of n keys costs n steps, not n squared.
   */
  void put(String name, Object value) {
    String known = KNOWN.get(name);
    if (known != null) name = known;
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    names[size] = name;
    values[size++] = value;
  }

  boolean textual() {
    return textual;
  }

  int size() {
    return size;
  }

  String name(int i) {
    return names[i];
  }

  Object value(int i) {
    return values[i];
  }

  boolean has(String name) {
    return index(name) >= 0;
  }

  /** The value, or null when absent or null. */
  Object get(String name) {
    int i = index(name);
    return i < 0 ? null : values[i];
  }

  private int index(String name) {
    String known = KNOWN.get(name);
    if (known != null) {
      for (int i = 0; i < size; i++) if (names[i] == known) return i;
      return -1;
    }
    for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
    return -1;
  }
}
