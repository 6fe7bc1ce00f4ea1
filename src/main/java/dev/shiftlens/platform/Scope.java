package dev.shiftlens.platform;

/** What an API key may do. */
public enum Scope {
  INGEST, READ, ADMIN
}
