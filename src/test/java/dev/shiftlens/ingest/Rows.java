package dev.shiftlens.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Rows for the validation tests, read by the real readers as a request would read them. */
final class Rows {
  private Rows() {}

  /** One JSON object as a row. */
  static RawRow json(String object) throws RowException {
    byte[] bytes = object.getBytes(UTF_8);
    RawRow row = new RawRow();
    RowReader.json().read(bytes, 0, bytes.length, row);
    return row;
  }

  /** One CSV row under a header. */
  static RawRow csv(String header, String line) throws RowException, MalformedBodyException {
    RowReader reader = RowReader.csv();
    byte[] h = header.getBytes(UTF_8);
    reader.consumeHeader(h, 0, h.length);
    byte[] bytes = line.getBytes(UTF_8);
    RawRow row = new RawRow();
    reader.read(bytes, 0, bytes.length, row);
    return row;
  }
}
