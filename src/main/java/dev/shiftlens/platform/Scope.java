package dev.shiftlens.platform;

import java.util.Locale;

/** What an API key may do. */
public enum Scope {
  INGEST, READ, ADMIN;

  /** The scope's name in the API: {@code ingest}, {@code read}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope named {@code label} in the API, or null. */
  public static Scope of(String label) {
    for (Scope s : values()) if (s.label().equals(label)) return s;
    return null;
  }
}
