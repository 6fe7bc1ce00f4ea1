package dev.shiftlens.ingest;

/** A row that cannot be stored: the field it is about (or null for the whole row) and why. */
final class RowException extends Exception {
  private final String field;

  RowException(String field, String error) {
    super(error, null, false, false);
    this.field = field;
  }

  String field() {
    return field;
  }
}
