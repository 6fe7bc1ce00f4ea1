package dev.shiftlens.ingest;

/** The body as a whole cannot be read (a broken or truncated JSON array, a CSV without header). */
final class MalformedBodyException extends Exception {
  MalformedBodyException(String message) {
    super(message, null, false, false);
  }
}
