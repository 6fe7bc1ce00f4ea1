package dev.shiftlens.ingest;

import java.util.Arrays;

/**
 * One row as read from the body, before validation: field names with values that are {@link String},
 * {@link Number}, {@link Boolean}, {@code null} (a JSON null) or {@link Json} (an object or array as
 * compact text). CSV rows hold only strings and say so with {@link #textual()}. Reused row after row
 * by one request, on one thread.
 */
final class RawRow {
  /** A JSON object or array kept as compact text. */
  record Json(String text, boolean isObject) {}

  private String[] names = new String[16];
  private Object[] values = new Object[16];
  private int size;
  private boolean textual;

  void reset(boolean textual) {
    Arrays.fill(values, 0, size, null);
    size = 0;
    this.textual = textual;
  }

  void put(String name, Object value) {
    for (int i = 0; i < size; i++) {
      if (names[i].equals(name)) { // a repeated key: the last one wins, as in most JSON readers
        values[i] = value;
        return;
      }
    }
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
    for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
    return -1;
  }
}
