package dev.shiftlens.imports;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a file's records one at a time, each with the line it starts on, without holding more than one record and a
 * buffer: an NDJSON line, or a CSV row (a line break inside a quoted field belongs to the row). Records are cut exactly
 * as the server cuts a body (a quote opens a quoted field only at the start of a field; lines of nothing but
 * whitespace are not rows), so that the server's row {@code i} of a chunk is the chunk's record {@code i}. Runs on the
 * importing thread.
 */
final class InputRecords {
  /** One record: the 1-based line of the input it starts on, and its bytes without the line break. */
  record Input(long line, byte[] bytes) {}

  private static final int FIELD_START = 0, UNQUOTED = 1, QUOTED = 2, CLOSED = 3;
  private static final int MAX_RECORD_BYTES = 64 << 20;

  private final InputStream in;
  private final boolean csv;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int end;
  private long line = 1; // the line of the next byte
  private boolean eof;

  InputRecords(InputStream in, boolean csv) {
    this.in = in;
    this.csv = csv;
  }

  /** The next record, or null at the end of the input. */
  Input next() throws IOException {
    while (true) {
      byte[] record = new byte[256];
      int length = 0;
      long startLine = line;
      int state = FIELD_START;
      boolean ended = false;
      while (!ended) {
        if (pos == end && !fill()) {
          if (csv && state == QUOTED) {
            throw new IOException("line " + startLine + ": a quoted field is not closed at the end of the file");
          }
          if (length == 0) return null;
          break;
        }
        byte c = buf[pos++];
        if (c == '\n') {
          line++;
          if (!csv || state != QUOTED) {
            ended = true;
            continue;
          }
        }
        if (csv) state = next(state, c);
        if (length == record.length) {
          if (length >= MAX_RECORD_BYTES) throw new IOException("line " + startLine + ": a record of more than 64 MiB");
          record = Arrays.copyOf(record, length * 2);
        }
        record[length++] = c;
      }
      if (length > 0 && record[length - 1] == '\r') length--;
      if (!blank(record, length)) return new Input(startLine, Arrays.copyOf(record, length));
      if (!ended) return null;
    }
  }

  private static int next(int state, byte c) {
    if (state == QUOTED) return c == '"' ? CLOSED : QUOTED;
    if (c == '"' && state != UNQUOTED) return QUOTED;
    if (c == ',') return FIELD_START;
    return UNQUOTED;
  }

  private static boolean blank(byte[] b, int length) {
    for (int i = 0; i < length; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') return false;
    }
    return true;
  }

  private boolean fill() throws IOException {
    if (eof) return false;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = n < 0;
      if (n == 0) return fill();
      return false;
    }
    pos = 0;
    end = n;
    return true;
  }
}
